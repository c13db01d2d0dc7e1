import type { BrandCtx } from '../../src/brands/brand.ts'
import type { ProductDetail } from '../../src/catalog/index.ts'
import type { Db } from '../../src/platform/db/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'

/** Two shops for storefront tests: a French one and an English one, each with its own theme. */
export interface StorefrontFixture {
  fr: BrandCtx
  en: BrandCtx
  products: Record<string, ProductDetail>
}

const day = 24 * 3600 * 1000

const shipping = [
  {
    code: 'standard',
    labels: { fr: 'Livraison standard', en: 'Standard delivery' },
    feeMinor: 490,
    freeFromMinor: 10000,
  },
  { code: 'express', labels: { fr: 'Livraison express', en: 'Express delivery' }, feeMinor: 990, freeFromMinor: null },
]

export async function createStorefrontFixture(db: Db): Promise<StorefrontFixture> {
  const now = Date.now()
  const fr = await createTestBrand(db, {
    name: 'Maison Ardoise',
    locale: 'fr-FR',
    currency: 'EUR',
    timeZone: 'Europe/Paris',
    shippingMethods: shipping,
    tagline: { fr: 'Le vestiaire parisien, du lin à la laine.', en: 'A Parisian wardrobe.' },
    theme: {
      logoUrl: '/media/logo/placeholder.svg',
      colours: {
        primary: '#3d4a5c',
        onPrimary: '#ffffff',
        background: '#faf8f5',
        surface: '#f1ede6',
        text: '#1f1f1f',
        muted: '#5f5a54',
        accent: '#9c4a3c',
      },
      fontFamily: 'Georgia, "Times New Roman", serif',
    },
  })
  const en = await createTestBrand(db, {
    name: 'Harbour & Wool',
    locale: 'en-GB',
    currency: 'GBP',
    timeZone: 'Europe/London',
    shippingMethods: shipping,
    tagline: { fr: 'Laine des îles.', en: 'Island wool, made to last.' },
    theme: {
      logoUrl: '/media/logo/placeholder.svg',
      colours: {
        primary: '#1d5b4f',
        onPrimary: '#ffffff',
        background: '#ffffff',
        surface: '#eef4f2',
        text: '#14201d',
        muted: '#4f5d59',
        accent: '#a3411c',
      },
      fontFamily: '"Avenir Next", Avenir, "Segoe UI", Arial, sans-serif',
    },
  })
  // Logos point at each brand's own logo route.
  fr.brand.theme.logoUrl = `/media/logo/${fr.brand.slug}.svg`
  en.brand.theme.logoUrl = `/media/logo/${en.brand.slug}.svg`
  await db
    .updateTable('brands')
    .set({ theme: JSON.stringify(fr.brand.theme) })
    .where('id', '=', fr.brand.id)
    .execute()
  await db
    .updateTable('brands')
    .set({ theme: JSON.stringify(en.brand.theme) })
    .where('id', '=', en.brand.id)
    .execute()

  const at = (daysAgo: number) => new Date(now - daysAgo * day)
  const v = (
    sku: string,
    size: string,
    colour: string,
    colourHex: string,
    priceMinor: number,
    onHand: number,
    compareAtMinor?: number,
  ) => ({
    sku,
    size,
    colour,
    colourHex,
    priceMinor,
    onHand,
    ...(compareAtMinor ? { compareAtMinor } : {}),
  })
  const products: Record<string, ProductDetail> = {}
  products.longDress = await createTestProduct(fr, {
    title: 'Robe longue en lin',
    description: 'Une robe fluide, coupée dans un lin lavé.',
    translations: {
      fr: { title: 'Robe longue en lin', description: 'Une robe fluide, coupée dans un lin lavé.' },
      en: { title: 'Long linen dress', description: 'A flowing dress in washed linen.' },
    },
    categoryPath: 'Femme > Robes > Robes longues',
    attributes: { Matière: '100 % lin' },
    images: [
      { url: '/media/demo/dress/1f3a93.svg', alt: 'Robe longue bleue' },
      { url: '/media/demo/dress/c0272d.svg', alt: 'Robe longue rouge' },
    ],
    createdAt: at(3),
    variants: [
      v('LD-BLEU-S', 'S', 'Bleu', '#1f3a93', 8900, 5, 12000),
      v('LD-BLEU-M', 'M', 'Bleu', '#1f3a93', 8900, 0, 12000),
      v('LD-ROUGE-S', 'S', 'Rouge', '#c0272d', 9900, 2),
    ],
  })
  products.shortDress = await createTestProduct(fr, {
    title: 'Robe courte en coton',
    description: 'Coton biologique.',
    categoryPath: 'Femme > Robes > Robes courtes',
    images: [{ url: '/media/demo/dress/1c1c1e.svg', alt: 'Robe courte noire' }],
    createdAt: at(2),
    variants: [v('SD-NOIR-M', 'M', 'Noir', '#1c1c1e', 4900, 10), v('SD-NOIR-L', 'L', 'Noir', '#1c1c1e', 4900, 3)],
  })
  products.eveningDress = await createTestProduct(fr, {
    title: 'Robe de soirée',
    description: 'Satin.',
    categoryPath: 'Femme > Robes > Robes longues',
    images: [{ url: '/media/demo/dress/1c1c1e.svg', alt: 'Robe de soirée noire' }],
    createdAt: at(0.5),
    variants: [v('ED-NOIR-XS', 'XS', 'Noir', '#1c1c1e', 19900, 1)],
  })
  products.trousers = await createTestProduct(fr, {
    title: 'Pantalon large en laine',
    description: 'Laine vierge.',
    categoryPath: 'Femme > Pantalons',
    images: [{ url: '/media/demo/trousers/9b9b9b.svg', alt: 'Pantalon gris' }],
    createdAt: at(1),
    variants: [v('TR-GRIS-38', '38', 'Gris', '#9b9b9b', 12900, 4), v('TR-GRIS-40', '40', 'Gris', '#9b9b9b', 12900, 0)],
  })
  products.shirt = await createTestProduct(fr, {
    title: 'Chemise en lin',
    description: 'Col officier.',
    categoryPath: 'Homme > Chemises',
    images: [{ url: '/media/demo/shirt/f8f8f5.svg', alt: 'Chemise blanche' }],
    createdAt: at(4),
    variants: [v('SH-BLANC-M', 'M', 'Blanc', '#f8f8f5', 5900, 0)],
  })
  products.draft = await createTestProduct(fr, {
    title: 'Robe brouillon',
    status: 'draft',
    categoryPath: 'Femme > Robes > Robes longues',
    variants: [v('DR-1', 'M', 'Noir', '#1c1c1e', 1000, 5)],
  })
  products.hostile = await createTestProduct(fr, {
    title: 'Foulard <script>alert("title")</script>',
    description: '"><img src=x onerror=alert(2)>',
    categoryPath: 'Accessoires > Foulards',
    createdAt: at(30),
    variants: [v('HOSTILE-1', 'TU', 'Ivoire', '#f3eddf', 2500, 5)],
  })
  for (let i = 1; i <= 25; i++) {
    products[`scarf${i}`] = await createTestProduct(fr, {
      title: `Foulard ${String(i).padStart(2, '0')}`,
      description: 'Soie.',
      categoryPath: 'Accessoires > Foulards',
      createdAt: at(10 + i),
      variants: [v(`SC-${i}`, 'TU', 'Ivoire', '#f3eddf', 3000 + i * 10, 5)],
    })
  }

  products.midi = await createTestProduct(en, {
    title: 'Linen midi dress',
    description: 'A breezy dress in washed linen.',
    categoryPath: 'Women > Dresses',
    images: [{ url: '/media/demo/dress/1f2a44.svg', alt: 'Navy midi dress' }],
    createdAt: at(2),
    variants: [v('MIDI-S', 'S', 'Navy', '#1f2a44', 6500, 5), v('MIDI-M', 'M', 'Navy', '#1f2a44', 6500, 5)],
  })
  products.coat = await createTestProduct(en, {
    title: 'Wool coat',
    description: 'Double-faced wool.',
    categoryPath: 'Women > Coats',
    images: [{ url: '/media/demo/coat/b58450.svg', alt: 'Camel coat' }],
    createdAt: at(1),
    variants: [v('COAT-M', 'M', 'Camel', '#b58450', 18000, 2, 24000)],
  })
  products.sneakers = await createTestProduct(en, {
    title: 'Canvas sneakers',
    description: 'Vulcanised sole.',
    categoryPath: 'Men > Shoes',
    images: [{ url: '/media/demo/sneaker/f8f8f5.svg', alt: 'White sneakers' }],
    createdAt: at(3),
    variants: [v('SNK-42', '42', 'White', '#f8f8f5', 7000, 8), v('SNK-43', '43', 'White', '#f8f8f5', 7000, 8)],
  })
  return { fr, en, products }
}

/** The product titles of a listing page, in the order shown. */
export function cardTitles(html: string): string[] {
  return [...html.matchAll(/<li class="card">.*?<h3>(.*?)<\/h3>/gs)].map((m) => decode(m[1] ?? ''))
}

export function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
}

/** A form body as browsers send it. */
export function form(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams()
  for (const [k, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(k, item)
  }
  return params.toString()
}

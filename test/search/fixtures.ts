import type { BrandCtx } from '../../src/brands/brand.ts'
import type { ProductDetail } from '../../src/catalog/index.ts'
import type { Db } from '../../src/platform/db/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'

/**
 * A small hand-made French catalog for relevance, facets and paging. Creation instants are one
 * hour apart, oldest first as listed, so "newest" (and every tie-break) is known in advance.
 */
export interface SearchFixture {
  fr: BrandCtx
  other: BrandCtx
  p: Record<string, ProductDetail>
}

const hour = 3600 * 1000
const base = Date.parse('2030-03-01T08:00:00Z')

type V = [sku: string, size: string, colour: string, hex: string, priceMinor: number, onHand: number]
const variants = (list: V[]) =>
  list.map(([sku, size, colour, colourHex, priceMinor, onHand]) => ({
    sku,
    size,
    colour,
    colourHex,
    priceMinor,
    onHand,
  }))

export async function createSearchFixture(db: Db): Promise<SearchFixture> {
  const fr = await createTestBrand(db, { locale: 'fr-FR' })
  const other = await createTestBrand(db, { locale: 'fr-FR' })
  const specs: Array<
    [key: string, title: string, description: string, category: string, attrs: Record<string, string>, V[]]
  > = [
    [
      'summerDress',
      'Robe d’été en lin',
      'Une robe légère pour les beaux jours.',
      'Femme > Robes',
      { Matière: 'Lin' },
      [
        ['SD-S-BL', 'S', 'Bleu', '#1f3a93', 8900, 3],
        ['SD-M-BL', 'M', 'Bleu', '#1f3a93', 8900, 0],
        ['SD-M-BC', 'M', 'Blanc', '#ffffff', 8900, 2],
      ],
    ],
    [
      'longDress',
      'Robe longue fleurie',
      'Une robe longue à fleurs, coupe fluide.',
      'Femme > Robes',
      { Matière: 'Viscose' },
      [
        ['LD-S-RO', 'S', 'Rose', '#e8a0b0', 12000, 1],
        ['LD-L-RO', 'L', 'Rose', '#e8a0b0', 12000, 0],
      ],
    ],
    [
      'linenShirt',
      'Chemise en lin',
      'Chemise légère, col classique.',
      'Homme > Chemises',
      { Matière: 'Lin' },
      [
        ['LS-M-BC', 'M', 'Blanc', '#ffffff', 5900, 4],
        ['LS-L-BL', 'L', 'Bleu', '#1f3a93', 5900, 0],
      ],
    ],
    [
      'silkBlouse',
      'Chemisier en soie',
      'Un chemisier fluide et doux.',
      'Femme > Chemisiers',
      { Matière: 'Soie' },
      [['SB-S-NO', 'S', 'Noir', '#000000', 6900, 5]],
    ],
    [
      'woolJumper',
      'Pull en laine',
      'Un pull chaud pour l’hiver.',
      'Homme > Pulls',
      { Matière: 'Laine' },
      [
        ['WJ-M-GR', 'M', 'Gris', '#808080', 7900, 0],
        ['WJ-L-GR', 'L', 'Gris', '#808080', 7900, 0],
      ],
    ],
    [
      'beachShorts',
      'Short de plage',
      'Pour les vacances d’été au soleil.',
      'Homme > Shorts',
      { Matière: 'Coton' },
      [['BS-M-BL', 'M', 'Bleu', '#1f3a93', 3900, 6]],
    ],
    [
      'trousers',
      'Pantalon large',
      'Pantalon en lin lavé, taille haute.',
      'Femme > Pantalons',
      { Matière: 'Lin' },
      [['TR-S-BE', 'S', 'Beige', '#d8c8a8', 7500, 2]],
    ],
    [
      'sandals',
      'Sandales en cuir',
      'Sandales plates, semelle souple.',
      'Femme > Chaussures',
      { Matière: 'Cuir' },
      [['SA-38-MA', '38', 'Marron', '#6b4423', 4900, 1]],
    ],
  ]
  const p: Record<string, ProductDetail> = {}
  for (const [i, [key, title, description, categoryPath, attributes, list]] of specs.entries()) {
    p[key] = await createTestProduct(fr, {
      reference: `S-${key}`,
      title,
      description,
      categoryPath,
      attributes,
      createdAt: new Date(base + i * hour),
      variants: variants(list),
    })
  }
  // Another brand with a matching product: it must never show up.
  p.elsewhere = await createTestProduct(other, {
    reference: 'S-elsewhere',
    title: 'Robe d’été ailleurs',
    categoryPath: 'Femme > Robes',
    createdAt: new Date(base + 20 * hour),
    variants: variants([['EL-S', 'S', 'Bleu', '#1f3a93', 1000, 5]]),
  })
  return { fr, other, p }
}

/** Newest first, as the fixture creates them. */
export const newestFirst = [
  'Sandales en cuir',
  'Pantalon large',
  'Short de plage',
  'Pull en laine',
  'Chemisier en soie',
  'Chemise en lin',
  'Robe longue fleurie',
  'Robe d’été en lin',
]

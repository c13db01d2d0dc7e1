import { randomBytes } from 'node:crypto'
import type { BrandCtx } from '../../src/brands/brand.ts'
import { type CreateBrandInput, createBrand } from '../../src/brands/create-brand.ts'
import { createProducts, getProductDetail, type NewProductInput, type ProductDetail } from '../../src/catalog/index.ts'
import { type Ctx, silentLog } from '../../src/platform/ctx.ts'
import type { Db } from '../../src/platform/db/database.ts'

export function systemCtx(db: Db, now = new Date()): Ctx {
  return { db, now, actor: { kind: 'system', name: 'test' }, log: silentLog }
}

let brandCounter = 0

/** A brand with plain, predictable settings: EUR, 20 % VAT, standard 4.90 free from 50.00, express 9.90. */
export async function createTestBrand(db: Db, overrides: Partial<CreateBrandInput> = {}): Promise<BrandCtx> {
  brandCounter += 1
  const suffix = `${brandCounter}${randomBytes(2).toString('hex')}`
  const brand = await createBrand(systemCtx(db), {
    slug: `brand-${suffix}`,
    name: `Test Brand ${suffix}`,
    orderPrefix: randomPrefix(),
    currency: 'EUR',
    locale: 'fr-FR',
    timeZone: 'Europe/Paris',
    vatRateBp: 2000,
    shippingMethods: [
      { code: 'standard', labels: { fr: 'Standard', en: 'Standard' }, feeMinor: 490, freeFromMinor: 5000 },
      { code: 'express', labels: { fr: 'Express', en: 'Express' }, feeMinor: 990, freeFromMinor: null },
    ],
    theme: { logoUrl: '/logo.svg', colours: { primary: '#112233', background: '#ffffff' }, fontFamily: 'serif' },
    ...overrides,
  })
  return { ...systemCtx(db), brand }
}

function randomPrefix(): string {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
  return Array.from(randomBytes(4), (b) => letters[b % 26]).join('')
}

let productCounter = 0

/** An active product with the given variants (default: one variant at 29.90 with 10 in stock). */
export async function createTestProduct(
  ctx: BrandCtx,
  overrides: Partial<NewProductInput> = {},
): Promise<ProductDetail> {
  productCounter += 1
  const ref = `REF-${productCounter}-${randomBytes(3).toString('hex')}`
  const [id] = await createProducts(ctx, [
    {
      reference: ref,
      title: `Produit ${ref}`,
      description: 'Une description.',
      categoryPath: 'Femme > Robes',
      status: 'active',
      images: [{ url: '/media/demo/dress/112233.svg', alt: 'Robe' }],
      variants: [{ sku: `${ref}-M`, size: 'M', colour: 'Noir', colourHex: '#000000', priceMinor: 2990, onHand: 10 }],
      ...overrides,
    },
  ])
  const product = await getProductDetail(ctx, id!, { includeUnpublished: true })
  if (!product) throw new Error('test product vanished')
  return product
}

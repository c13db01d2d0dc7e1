import { sql } from 'kysely'
import type { Brand, BrandCtx } from '../src/brands/brand.ts'
import { createBrand } from '../src/brands/create-brand.ts'
import { findBrandBySlug } from '../src/brands/queries.ts'
import { createProducts, type NewProductInput } from '../src/catalog/index.ts'
import { type SeededRandom, seededRandom } from '../src/demo/seeded-random.ts'
import { type Ctx, silentLog } from '../src/platform/ctx.ts'
import type { Db } from '../src/platform/db/database.ts'
import { newToken } from '../src/platform/ids.ts'

export const benchSlug = 'bench'
export const productCount = 240
const colours = [
  { name: 'Noir', hex: '#111111' },
  { name: 'Écru', hex: '#f3ecdc' },
] as const
const sizes = ['S', 'M', 'L'] as const
/** So much that no order of the run ever finds a variant out of stock. */
const onHand = 1_000_000

/** What the raw-SQL order baseline must know of a variant to write an order line. */
export interface BenchVariant {
  id: string
  productId: string
  sku: string
  gtin: string | null
  title: string
  size: string | null
  colour: string | null
  priceMinor: number
}

export interface BenchCatalog {
  brand: Brand
  productIds: string[]
  variants: BenchVariant[]
}

export function systemCtx(db: Db): Ctx {
  return { db, now: new Date(), actor: { kind: 'system', name: 'bench' }, log: silentLog }
}

/** One brand, `productCount` active products of 6 variants each, deterministic content. */
export async function seedCatalog(db: Db): Promise<BenchCatalog> {
  const ctx = systemCtx(db)
  const created = await createBrand(ctx, {
    slug: benchSlug,
    name: 'Bench Maison',
    orderPrefix: 'BNCH',
    currency: 'EUR',
    locale: 'fr-FR',
    timeZone: 'Europe/Paris',
    vatRateBp: 2000,
    shippingMethods: [
      { code: 'standard', labels: { fr: 'Standard', en: 'Standard' }, feeMinor: 490, freeFromMinor: 5000 },
      { code: 'express', labels: { fr: 'Express', en: 'Express' }, feeMinor: 990, freeFromMinor: null },
    ],
    theme: { logoUrl: '/logo.svg', colours: { primary: '#112233', background: '#ffffff' }, fontFamily: 'serif' },
  })
  const brandCtx: BrandCtx = { ...ctx, brand: created }
  const random = seededRandom('vitrine-bench')
  const inputs = Array.from({ length: productCount }, (_, i) => productInput(i, ctx.now, random))
  const productIds = await createProducts(brandCtx, inputs)
  // createProducts bumped the catalog version; hold the brand as the server will see it.
  const brand = (await findBrandBySlug(db, benchSlug)) ?? created

  const rows = await db
    .selectFrom('variants as v')
    .innerJoin('products as p', (join) =>
      join.onRef('p.brand_id', '=', 'v.brand_id').onRef('p.id', '=', 'v.product_id'),
    )
    .select(['v.id', 'v.product_id', 'v.sku', 'v.gtin', 'p.title', 'v.size', 'v.colour', 'v.price_minor'])
    .where('v.brand_id', '=', brand.id)
    .orderBy('v.sku')
    .execute()
  const variants = rows.map((r) => ({
    id: r.id,
    productId: r.product_id,
    sku: r.sku,
    gtin: r.gtin,
    title: r.title,
    size: r.size,
    colour: r.colour,
    priceMinor: Number(r.price_minor),
  }))
  return { brand, productIds, variants }
}

function productInput(i: number, now: Date, random: SeededRandom): NewProductInput {
  const reference = `BN-${String(i + 1).padStart(4, '0')}`
  const kind = random.pick(['Robe', 'Chemise', 'Pull', 'Veste', 'Pantalon', 'Jupe'] as const)
  const title = `${kind} ${random.pick(['lin', 'coton', 'laine', 'soie', 'velours'])} ${reference}`
  const price = random.int(19, 189) * 100 + 90
  const onSale = random.chance(0.25)
  return {
    reference,
    title,
    description: `${title} : coupe droite, finitions main, tissée au Portugal. `.repeat(4).trim(),
    translations: { en: { title: `${title} (en)`, description: 'Straight cut, hand finished, woven in Portugal.' } },
    categoryPath: `Femme > ${kind}s`,
    attributes: { composition: '100 % coton', entretien: 'Lavage à 30 °C' },
    images: [
      { url: `/media/bench/${reference}-1.jpg`, alt: title },
      { url: `/media/bench/${reference}-2.jpg`, alt: `${title}, de dos` },
    ],
    status: 'active',
    // Distinct creation instants keep "newest first" deterministic.
    createdAt: new Date(now.getTime() - i * 60_000),
    variants: colours.flatMap((colour, c) =>
      sizes.map((size) => ({
        sku: `${reference}-${c}-${size}`,
        size,
        colour: colour.name,
        colourHex: colour.hex,
        priceMinor: price,
        compareAtMinor: onSale ? price + 2000 : null,
        weightGrams: 350,
        onHand,
      })),
    ),
  }
}

/** Carts of 3 distinct variants, one unit each. Each order consumes one. */
export function makeCarts(variants: readonly BenchVariant[], count: number, random: SeededRandom): BenchCart[] {
  return Array.from({ length: count }, () => ({
    token: newToken(),
    variantIds: random.sample(variants, 3).map((v) => v.id),
  }))
}

/** Inserts carts directly: making carts is not what is measured. */
export async function insertCarts(db: Db, brandId: string, carts: readonly BenchCart[]): Promise<void> {
  for (let i = 0; i < carts.length; i += 2000) {
    const batch = carts.slice(i, i + 2000).map((c) => ({
      token: c.token,
      lines: c.variantIds.map((variantId) => ({ variantId, quantity: 1 })),
    }))
    // One JSON parameter (text, cast in SQL) works the same on PostgreSQL and PGlite.
    await sql`
      insert into carts (brand_id, token, lines, order_id, created_at, updated_at)
      select ${brandId}::uuid, x.token, x.lines, null, now(), now()
      from jsonb_to_recordset(${JSON.stringify(batch)}::text::jsonb) as x(token text, lines jsonb)
    `.execute(db)
  }
}

/** A cart as inserted: its token, and its variants (one unit each) for the raw-SQL baseline. */
export interface BenchCart {
  token: string
  variantIds: string[]
}

/** Hands out each cart once; undefined when all are used. */
export class CartQueue {
  private carts: BenchCart[] = []
  private nextIndex = 0

  add(carts: readonly BenchCart[]): void {
    this.carts = [...this.carts.slice(this.nextIndex), ...carts]
    this.nextIndex = 0
  }

  next(): BenchCart | undefined {
    const cart = this.carts[this.nextIndex]
    if (cart) this.nextIndex += 1
    return cart
  }

  get remaining(): number {
    return this.carts.length - this.nextIndex
  }
}

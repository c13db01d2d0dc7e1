import { sql } from 'kysely'
import type { BrandCtx } from '../brands/brand.ts'
import { availableByVariant } from '../inventory/index.ts'
import type { VariantRow } from '../platform/db/schema.ts'
import { catalogSnapshots, catalogWithStock, productCard } from './catalog-snapshot.ts'
import type { ProductCard, ProductDetail, ProductImage, SellableVariant, Variant } from './product.ts'

export interface ListProductsQuery {
  page: number
  pageSize: number
  /** Category path prefix, e.g. "Femme > Robes". */
  category?: string
  statuses?: Array<'draft' | 'active' | 'archived'>
}

export interface ProductPage {
  items: ProductCard[]
  total: number
  page: number
  pageSize: number
}

/**
 * Product cards, newest first, with price range and availability. Shoppers' listings (active
 * products only) come from the brand's catalog snapshot; staff listings of drafts or archived
 * products from SQL: one query for cards, one for stock.
 */
export async function listProductCards(ctx: BrandCtx, query: ListProductsQuery): Promise<ProductPage> {
  const statuses = query.statuses ?? ['active']
  if (statuses.length > 0 && statuses.every((s) => s === 'active')) return listActiveProductCards(ctx, query)
  let base = ctx.db.selectFrom('products as p').where('p.brand_id', '=', ctx.brand.id).where('p.status', 'in', statuses)
  if (query.category) base = base.where(inCategory(query.category))

  const [rows, count] = await Promise.all([
    base
      .innerJoin('variants as v', (join) =>
        join.onRef('v.brand_id', '=', 'p.brand_id').onRef('v.product_id', '=', 'p.id'),
      )
      .select([
        'p.id',
        'p.reference',
        'p.title',
        'p.category_path',
        'p.created_at',
        sql<ProductImage | null>`p.images -> 0`.as('image'),
        sql<number>`min(v.price_minor)`.as('price_minor'),
        sql<number | null>`(array_agg(v.compare_at_minor order by v.price_minor, v.position))[1]`.as(
          'compare_at_minor',
        ),
        sql<string[]>`array_agg(v.id)`.as('variant_ids'),
        sql<Array<string | null>>`array_agg(distinct v.colour_hex)`.as('colours'),
        sql<Array<string | null>>`array_agg(distinct v.size)`.as('sizes'),
      ])
      .groupBy(['p.brand_id', 'p.id'])
      .orderBy('p.created_at', 'desc')
      .orderBy('p.id')
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])

  const available = await availableByVariant(
    ctx,
    rows.flatMap((r) => r.variant_ids),
  )
  const items = rows.map(
    (r): ProductCard => ({
      id: r.id,
      reference: r.reference,
      title: r.title,
      categoryPath: r.category_path,
      image: r.image,
      priceMinor: Number(r.price_minor),
      compareAtMinor:
        r.compare_at_minor !== null && r.compare_at_minor > r.price_minor ? Number(r.compare_at_minor) : null,
      inStock: r.variant_ids.some((id) => (available.get(id) ?? 0) > 0),
      colours: r.colours.filter((c): c is string => c !== null),
      sizes: sortSizes(r.sizes.filter((s): s is string => s !== null)),
    }),
  )
  return { items, total: Number(count.n), page: query.page, pageSize: query.pageSize }
}

/**
 * As the SQL below: cards in the catalog's main language; the total counts products without
 * variants too (the count query has no join), the page does not show them.
 */
async function listActiveProductCards(ctx: BrandCtx, query: ListProductsQuery): Promise<ProductPage> {
  const [catalog, available] = await catalogWithStock(ctx)
  const scoped = catalog.inScope({ category: query.category })
  const from = Math.max(0, (query.page - 1) * query.pageSize)
  const items: ProductCard[] = []
  let skipped = 0
  for (const p of scoped) {
    if (items.length === query.pageSize) break
    if (p.priceMinor === null) continue
    if (skipped < from) skipped += 1
    else items.push(productCard(p, p.title, available))
  }
  return { items, total: scoped.length, page: query.page, pageSize: query.pageSize }
}

/**
 * A product with its variants and their available stock; null when absent, of another brand, or
 * (unless `includeUnpublished`, for staff) not active. Shoppers' reads come from the catalog
 * snapshot; staff reads from SQL.
 */
export async function getProductDetail(
  ctx: BrandCtx,
  productId: string,
  options: { includeUnpublished?: boolean } = {},
): Promise<ProductDetail | null> {
  if (!options.includeUnpublished) return activeProductDetail(ctx, productId)
  const product = await ctx.db
    .selectFrom('products')
    .selectAll()
    .where('brand_id', '=', ctx.brand.id)
    .where('id', '=', productId)
    .executeTakeFirst()
  if (!product) return null
  const variants = await ctx.db
    .selectFrom('variants')
    .selectAll()
    .where('brand_id', '=', ctx.brand.id)
    .where('product_id', '=', productId)
    .orderBy('position')
    .orderBy('sku')
    .execute()
  const available = await availableByVariant(
    ctx,
    variants.map((v) => v.id),
  )
  return {
    id: product.id,
    reference: product.reference,
    title: product.title,
    description: product.description,
    translations: product.translations,
    categoryPath: product.category_path,
    attributes: product.attributes,
    images: product.images,
    status: product.status,
    createdAt: product.created_at,
    updatedAt: product.updated_at,
    variants: variants.map((v) => ({ ...toVariant(v), available: available.get(v.id) ?? 0 })),
  }
}

async function activeProductDetail(ctx: BrandCtx, productId: string): Promise<ProductDetail | null> {
  const [catalog, available] = await catalogWithStock(ctx)
  const product = catalog.byId.get(productId)
  if (!product) return null
  return {
    id: product.id,
    reference: product.reference,
    title: product.title,
    description: product.description,
    translations: product.translations,
    categoryPath: product.categoryPath,
    attributes: product.attributes,
    images: product.images,
    status: 'active',
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
    variants: product.variants.map(({ position: _, ...v }) => ({ ...v, available: available.get(v.id) ?? 0 })),
  }
}

/**
 * Variants of ACTIVE products with what carts and checkout need to sell them, from the brand's
 * in-memory catalog at the catalog version this process knows (moved at commit by NOTIFY, within
 * milliseconds on every node): no query. Variants of other brands, drafts and archived products
 * are simply absent. Reads outside any transaction on purpose: the snapshot is shared.
 */
export async function variantsForSale(
  ctx: BrandCtx,
  variantIds: readonly string[],
): Promise<Map<string, SellableVariant>> {
  const snapshot = await catalogSnapshots(ctx.db).catalog(ctx)
  const found = new Map<string, SellableVariant>()
  for (const id of variantIds) {
    const hit = snapshot.variant(id)
    if (!hit) continue
    const { position: _position, ...variant } = hit.variant
    found.set(id, {
      ...variant,
      productId: hit.product.id,
      title: hit.product.title,
      image: hit.product.images[0] ?? null,
      productStatus: 'active',
    })
  }
  return found
}

/** Variants of any status with what checkout needs to sell them; variants of other brands are simply absent. */
export async function sellableVariants(
  ctx: BrandCtx,
  variantIds: readonly string[],
): Promise<Map<string, SellableVariant>> {
  if (variantIds.length === 0) return new Map()
  const rows = await ctx.db
    .selectFrom('variants as v')
    .innerJoin('products as p', (join) =>
      join.onRef('p.brand_id', '=', 'v.brand_id').onRef('p.id', '=', 'v.product_id'),
    )
    .selectAll('v')
    .select(['p.title', 'p.status as product_status', sql<ProductImage | null>`p.images -> 0`.as('image')])
    .where('v.brand_id', '=', ctx.brand.id)
    .where('v.id', 'in', variantIds)
    .execute()
  return new Map(
    rows.map((r) => [
      r.id,
      { ...toVariant(r), productId: r.product_id, title: r.title, image: r.image, productStatus: r.product_status },
    ]),
  )
}

export function toVariant(v: VariantRow): Variant {
  return {
    id: v.id,
    sku: v.sku,
    size: v.size,
    colour: v.colour,
    colourHex: v.colour_hex,
    gtin: v.gtin,
    priceMinor: Number(v.price_minor),
    compareAtMinor: v.compare_at_minor === null ? null : Number(v.compare_at_minor),
    weightGrams: v.weight_grams,
  }
}

const letterSizes = ['XXS', 'XS', 'S', 'M', 'L', 'XL', 'XXL', '3XL']

/** Sizes in the order a shopper reads them: XS before S before M, 36 before 38. */
export function sortSizes(sizes: string[]): string[] {
  const rank = (s: string): number => {
    const letter = letterSizes.indexOf(s.toUpperCase())
    if (letter !== -1) return letter
    const numeric = Number.parseFloat(s)
    return Number.isNaN(numeric) ? 1000 : 100 + numeric
  }
  return [...sizes].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
}

/**
 * A category and everything below it, on products aliased `p`: 'Femme' matches 'Femme' and
 * 'Femme > Robes' but not 'Femmes enceintes'.
 */
function inCategory(category: string) {
  return sql<boolean>`(p.category_path = ${category} or p.category_path like ${`${escapeLike(category)} > %`})`
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`)
}

import type { BrandCtx } from '../brands/brand.ts'
import { catalogSnapshots } from '../catalog/catalog-snapshot.ts'
import { getProductDetail, sellableVariants } from '../catalog/index.ts'
import { NotFound } from '../platform/errors.ts'
import { type EffectivePrice, pricesAt } from './price-at.ts'
import { loadSalePlan } from './queries.ts'

export interface PriceChange {
  productId: string
  title: string
  variantId: string
  sku: string
  oldPriceMinor: number
  newPriceMinor: number
  /** The compare-at price shown after the change. */
  compareAtMinor: number | null
}

/**
 * What shoppers of a brand see change at an instant (an event's start): every variant of an
 * active product whose price at `at` differs from its price 1 ms before, newest product first,
 * then variant position. Read from a freshly loaded schedule (not the cached one), so an edit just
 * made is in the answer.
 */
export async function priceChangesAt(
  ctx: BrandCtx,
  at: Date,
  page: { limit: number; offset: number },
): Promise<{ total: number; changes: PriceChange[] }> {
  const [base, plan] = await Promise.all([catalogSnapshots(ctx.db).base(ctx), loadSalePlan(ctx.db, ctx.brand)])
  const ms = at.getTime()
  const before = base.pricedAt(plan, ms - 1)
  const after = base.pricedAt(plan, ms)
  const changes: PriceChange[] = []
  for (const product of after.products) {
    const old = before.byId.get(product.id)
    if (!old || old === product) continue
    for (const [i, variant] of product.variants.entries()) {
      const previous = old.variants[i]
      if (!previous || previous.id !== variant.id || previous.priceMinor === variant.priceMinor) continue
      changes.push({
        productId: product.id,
        title: product.title,
        variantId: variant.id,
        sku: variant.sku,
        oldPriceMinor: previous.priceMinor,
        newPriceMinor: variant.priceMinor,
        compareAtMinor: variant.compareAtMinor,
      })
    }
  }
  return { total: changes.length, changes: changes.slice(page.offset, page.offset + page.limit) }
}

/**
 * "What will this cost at T": every variant of a product (any status, for staff) or one variant,
 * priced at the instant through `pricesAt`. An id of another brand is a 404.
 */
export async function productPricesAt(
  ctx: BrandCtx,
  target: { productId?: string | undefined; variantId?: string | undefined },
  at: Date,
): Promise<{ productId: string; title: string; prices: Array<EffectivePrice & { sku: string }> }> {
  let productId = target.productId
  if (!productId && target.variantId) {
    productId = (await sellableVariants(ctx, [target.variantId])).get(target.variantId)?.productId
    if (!productId) throw new NotFound('Variant')
  }
  const product = productId ? await getProductDetail(ctx, productId, { includeUnpublished: true }) : null
  if (!product) throw new NotFound('Product')
  const variants = target.variantId ? product.variants.filter((v) => v.id === target.variantId) : product.variants
  const prices = await pricesAt(
    ctx,
    variants.map((v) => ({
      id: v.id,
      productId: product.id,
      categoryPath: product.categoryPath,
      priceMinor: v.priceMinor,
      compareAtMinor: v.compareAtMinor,
    })),
    at,
  )
  return {
    productId: product.id,
    title: product.title,
    prices: prices.map((p, i) => ({ ...p, sku: variants[i]?.sku ?? '' })),
  }
}

import type { BrandCtx } from '../brands/brand.ts'
import type { PricedVariantFacts } from './sale-plan.ts'
import { salePlans } from './sale-plans.ts'

export interface EffectivePrice {
  variantId: string
  /** The price charged at the instant. */
  priceMinor: number
  /** The base price when discounted, else the variant's own compare-at price when higher; or null. */
  compareAtMinor: number | null
  basePriceMinor: number
  /** Sale events (ids) and feed prices (`feed:<id>`) that set the price, in the order they applied. */
  applied: string[]
}

/**
 * THE price of a variant at an instant: base price, sale events and the feed's scheduled prices,
 * resolved as resolve-price.ts documents. Storefront listings and pages, carts and checkout get it
 * through the catalog snapshot (which prices every variant of a period with `pricesAt`), the admin
 * API and reports call it directly. The brand's schedule comes from memory (sale-plans.ts).
 */
export async function priceAt(ctx: BrandCtx, variant: PricedVariantFacts, instant: Date): Promise<EffectivePrice> {
  const found = (await pricesAt(ctx, [variant], instant))[0]
  if (!found) throw new Error('pricesAt lost a variant')
  return found
}

/** The bulk form, for listings: one schedule look-up, then pure resolution per variant. */
export async function pricesAt(
  ctx: BrandCtx,
  variants: readonly PricedVariantFacts[],
  instant: Date,
): Promise<EffectivePrice[]> {
  const plan = await salePlans(ctx.db).plan(ctx)
  const ms = instant.getTime()
  return variants.map((v) => {
    const resolved = plan.resolve(v, ms)
    return {
      variantId: v.id,
      priceMinor: resolved.priceMinor,
      compareAtMinor: resolved.compareAtMinor,
      basePriceMinor: v.priceMinor,
      applied: resolved.applied,
    }
  })
}

/**
 * The brand's price version at the context's instant: cached shopper responses key on it with the
 * catalog version. It moves on every event edit and at every event or feed-price boundary, so the
 * first request at or after 08:00:00.000 misses every page cached before and sees sale prices.
 */
export async function priceVersion(ctx: BrandCtx): Promise<string> {
  const plan = await salePlans(ctx.db).plan(ctx)
  return plan.priceVersion(ctx.now.getTime())
}

import type { Ctx } from '../platform/ctx.ts'
import { upcomingSaleEventWindows } from '../pricing/index.ts'
import { hourlyTraffic } from '../traffic/index.ts'
import type { PlanBrand, PlanEvent, PlanHour } from './compute-plan.ts'

export async function planBrands(ctx: Ctx): Promise<PlanBrand[]> {
  return ctx.db.selectFrom('brands').select(['id', 'slug']).orderBy('slug').execute()
}

/** Page views and orders per brand and hour in [from, to), from the traffic history. */
export async function planHistory(ctx: Ctx, from: Date, to: Date): Promise<PlanHour[]> {
  const hours = await hourlyTraffic(ctx, { from, to })
  return hours.map((h) => ({
    brandId: h.brandId,
    hour: h.hour,
    pageViews: h.counts.page ?? 0,
    orders: h.counts.order ?? 0,
  }))
}

/** Sale events that end after `ctx.now`, one per event with the brands it covers (from pricing). */
export async function upcomingSaleEvents(ctx: Ctx): Promise<PlanEvent[]> {
  return upcomingSaleEventWindows(ctx)
}

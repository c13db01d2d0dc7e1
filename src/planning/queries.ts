import type { Ctx } from '../platform/ctx.ts'
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

/**
 * Sale events that end after `ctx.now` (upcoming or under way), one per event id with the brands
 * it covers. Read straight from pricing's sale_events table (migration 0008): the pricing module
 * has no listing of events across brands, and a plan only needs ids, names and windows. An event
 * spans its rows' earliest start and latest end (each brand's row is in its own time zone).
 */
export async function upcomingSaleEvents(ctx: Ctx): Promise<PlanEvent[]> {
  const rows = await ctx.db
    .selectFrom('sale_events')
    .select(['id', 'name', 'brand_id', 'starts_at', 'ends_at'])
    .where('ends_at', '>', ctx.now)
    .orderBy('starts_at')
    .orderBy('id')
    .execute()
  const byId = new Map<string, { id: string; name: string; brandIds: string[]; startsAt: Date; endsAt: Date }>()
  for (const r of rows) {
    const startsAt = new Date(r.starts_at)
    const endsAt = new Date(r.ends_at)
    const event = byId.get(r.id)
    if (!event) {
      byId.set(r.id, { id: r.id, name: r.name, brandIds: [r.brand_id], startsAt, endsAt })
      continue
    }
    event.brandIds.push(r.brand_id)
    if (startsAt < event.startsAt) event.startsAt = startsAt
    if (endsAt > event.endsAt) event.endsAt = endsAt
  }
  return [...byId.values()]
}

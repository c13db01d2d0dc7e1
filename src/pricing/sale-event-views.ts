import type { Brand } from '../brands/brand.ts'
import type { Ctx } from '../platform/ctx.ts'
import type { SaleRuleRow } from '../platform/db/schema.ts'
import type { SaleEventRow } from './queries.ts'
import type { Combine, Rounding } from './resolve-price.ts'
import type { DiscountInput, SaleRuleInput } from './sale-event-definition.ts'

/** A sale event as the admin API shows it, limited to the brands the caller may see. */
export interface SaleEventView {
  id: string
  name: string
  /** As written: a wall-clock time in each brand's zone, or an instant with offset. */
  startsAt: string
  endsAt: string
  priority: number
  combine: Combine
  rounding: Rounding | null
  brands: Array<{
    slug: string
    timeZone: string
    startsAt: Date
    endsAt: Date
    status: 'scheduled' | 'running' | 'ended'
  }>
  rules: SaleRuleInput[]
  createdAt: Date
  updatedAt: Date
}

/** Every event touching one of the brands (null: all), soonest-ending first, each in one view. */
export async function listSaleEvents(
  ctx: Ctx,
  visible: ReadonlySet<string> | null,
  brandsById: (id: string) => Brand | null,
  options: { brandId?: string; includeEnded?: boolean },
): Promise<SaleEventView[]> {
  let query = ctx.db.selectFrom('sale_events').selectAll().orderBy('starts_at').orderBy('id').orderBy('brand_id')
  if (visible !== null)
    query = query.where('brand_id', 'in', visible.size > 0 ? [...visible] : ['00000000-0000-0000-0000-000000000000'])
  if (options.brandId) query = query.where('brand_id', '=', options.brandId)
  if (!options.includeEnded) query = query.where('ends_at', '>', ctx.now)
  const rows = await query.limit(5000).execute()
  const byEvent = new Map<string, SaleEventRow[]>()
  for (const row of rows) {
    const list = byEvent.get(row.id)
    if (list) list.push(row)
    else byEvent.set(row.id, [row])
  }
  return [...byEvent.values()].map((eventRows) => toView(ctx, eventRows, brandsById))
}

/** One event's view from its rows (already limited to the visible brands); null without rows. */
export function toView(
  ctx: Ctx,
  rows: readonly SaleEventRow[],
  brandsById: (id: string) => Brand | null,
): SaleEventView {
  const first = rows[0]
  if (!first) throw new Error('an event view needs rows')
  const now = ctx.now.getTime()
  const rules = first.rules.map((rule, index): SaleRuleInput => {
    const target = rule.target
    if (target.kind === 'brand' || target.kind === 'categories')
      return { discount: discountView(rule.discount), target }
    const ids = rows.flatMap((r) => {
      const t = r.rules[index]?.target
      return t && t.kind === target.kind ? t.ids : []
    })
    return { discount: discountView(rule.discount), target: { kind: target.kind, ids } }
  })
  return {
    id: first.id,
    name: first.name,
    startsAt: first.starts_text,
    endsAt: first.ends_text,
    priority: first.priority,
    combine: first.combine,
    rounding: first.rounding,
    brands: [...rows]
      .map((r) => {
        const brand = brandsById(r.brand_id)
        const starts = r.starts_at.getTime()
        const ends = r.ends_at.getTime()
        return {
          slug: brand?.slug ?? r.brand_id,
          timeZone: brand?.timeZone ?? 'UTC',
          startsAt: r.starts_at,
          endsAt: r.ends_at,
          status: now < starts ? ('scheduled' as const) : now < ends ? ('running' as const) : ('ended' as const),
        }
      })
      .sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0)),
    rules,
    createdAt: first.created_at,
    updatedAt: first.updated_at,
  }
}

export function discountView(discount: SaleRuleRow['discount']): DiscountInput {
  return discount.kind === 'percent' ? { kind: 'percent', percent: discount.basisPoints / 100 } : discount
}

export interface SaleEventWindow {
  id: string
  name: string
  brandIds: string[]
  startsAt: Date
  endsAt: Date
}

/**
 * Sale events that end after `ctx.now` (upcoming or under way), one per event id with the brands
 * it covers. For capacity planning: ids, names and windows only. An event
 * spans its rows' earliest start and latest end (each brand's row is in its own time zone).
 */
export async function upcomingSaleEventWindows(ctx: Ctx): Promise<SaleEventWindow[]> {
  const rows = await ctx.db
    .selectFrom('sale_events')
    .select(['id', 'name', 'brand_id', 'starts_at', 'ends_at'])
    .where('ends_at', '>', ctx.now)
    .orderBy('starts_at')
    .orderBy('id')
    .execute()
  const byId = new Map<string, SaleEventWindow>()
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

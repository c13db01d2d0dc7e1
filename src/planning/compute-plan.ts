import type { NodeCapacity } from './capacity.ts'

export interface PlanBrand {
  id: string
  slug: string
}

/** One brand's counts in one hour of the history (kinds as in src/traffic). */
export interface PlanHour {
  brandId: string
  hour: Date
  pageViews: number
  orders: number
}

/** A scheduled sale event: one id, the brands it covers, its window. */
export interface PlanEvent {
  id: string
  name: string
  brandIds: readonly string[]
  startsAt: Date
  endsAt: Date
}

export interface PlanOptions {
  capacity: Pick<NodeCapacity, 'pageViewsPerSecond' | 'ordersPerMinute'>
  /** Fraction of a node's capacity kept free (0.3: plan each node at 70 %). */
  headroom: number
  /** Traffic multiplier during an event (default 15), unless the event has its own. */
  surge: number
  /** Per-event multipliers by event id or name. */
  eventSurge?: ReadonlyMap<string, number>
  /** Seconds from starting a node to it answering /ready. */
  startupSeconds: number
  /** Extra time before an event's start to have the nodes ready (default 15 min). */
  marginMinutes: number
  /** Never fewer nodes than this (2: losing one node must not take the shops down). */
  minNodes: number
}

export interface Load {
  pageViewsPerSecond: number
  ordersPerMinute: number
}

export interface BrandBaseline extends Load {
  brandId: string
  slug: string
  /** The hour with the most page views in the history; null when the brand has no history. */
  peakHour: Date | null
  peakPageViewsPerHour: number
  peakOrdersPerHour: number
}

export interface EventPlan {
  id: string
  name: string
  startsAt: Date
  endsAt: Date
  surge: number
  /** Brands surging during this event (its own and those of events overlapping it). */
  surgingSlugs: string[]
  perBrand: Array<Load & { slug: string; surge: number }>
  total: Load
  nodes: number
  /** When the extra nodes must be asked for: start − start-up time − margin. */
  scaleUpAt: Date
  /** When the floor may return to the baseline's. */
  scaleDownAt: Date
}

export interface CapacityPlan {
  brands: BrandBaseline[]
  /** Every brand together in the busiest hour of the history. */
  baseline: Load & { peakHour: Date | null; nodes: number }
  events: EventPlan[]
  /** Per node, as planned: capacity × (1 − headroom). */
  perNode: Load
}

/**
 * The capacity plan: per brand the peak of its hourly history, per sale event the expected peak
 * (surging brands at their peak × the event's factor, the others at their own peak — peaks of
 * different hours added up, on purpose: a plan that is a little generous costs a node-hour, one
 * that is short costs the first day of the sales), and the nodes needed for each:
 *
 *   nodes = max(minNodes, ⌈page views/s ÷ (capacity × (1 − headroom))⌉, ⌈orders/min ÷ (…)⌉)
 *
 * Hourly counts are averages over the hour; the headroom is what absorbs the minute-level peaks
 * inside it. Pure: the caller reads the history and the events.
 */
export function computePlan(
  brands: readonly PlanBrand[],
  history: readonly PlanHour[],
  events: readonly PlanEvent[],
  options: PlanOptions,
): CapacityPlan {
  if (!(options.headroom >= 0 && options.headroom < 1)) throw new RangeError('headroom must be in [0, 1)')
  const perNode: Load = {
    pageViewsPerSecond: options.capacity.pageViewsPerSecond * (1 - options.headroom),
    ordersPerMinute: options.capacity.ordersPerMinute * (1 - options.headroom),
  }
  const nodesFor = (load: Load) =>
    Math.max(
      options.minNodes,
      Math.ceil(round6(load.pageViewsPerSecond / perNode.pageViewsPerSecond)),
      Math.ceil(round6(load.ordersPerMinute / perNode.ordersPerMinute)),
    )

  const baselines = brands.map((brand) => brandBaseline(brand, history))
  const byId = new Map(baselines.map((b) => [b.brandId, b]))

  // The busiest hour of all brands together.
  const totals = new Map<number, { pv: number; orders: number }>()
  for (const h of history) {
    if (!byId.has(h.brandId)) continue
    const t = totals.get(h.hour.getTime()) ?? { pv: 0, orders: 0 }
    t.pv += h.pageViews
    t.orders += h.orders
    totals.set(h.hour.getTime(), t)
  }
  let busiest: { hour: number; pv: number; orders: number } | null = null
  for (const [hour, t] of totals) {
    if (!busiest || t.pv > busiest.pv || (t.pv === busiest.pv && hour < busiest.hour)) busiest = { hour, ...t }
  }
  // Orders may peak in another hour than page views: size on each one's own busiest hour.
  const maxOrders = Math.max(0, ...[...totals.values()].map((t) => t.orders))
  const baselineLoad: Load = {
    pageViewsPerSecond: (busiest?.pv ?? 0) / 3600,
    ordersPerMinute: maxOrders / 60,
  }

  const factorOf = (event: PlanEvent) =>
    options.eventSurge?.get(event.id) ?? options.eventSurge?.get(event.name) ?? options.surge
  const sorted = [...events].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.id.localeCompare(b.id))
  const eventPlans = sorted.map((event): EventPlan => {
    // Events overlapping this one surge at the same time: each brand takes the largest factor.
    const surgeOf = new Map<string, number>()
    for (const other of sorted) {
      if (other.startsAt >= event.endsAt || other.endsAt <= event.startsAt) continue
      for (const id of other.brandIds) surgeOf.set(id, Math.max(surgeOf.get(id) ?? 1, factorOf(other)))
    }
    const perBrand = baselines.map((b) => {
      const surge = surgeOf.get(b.brandId) ?? 1
      return {
        slug: b.slug,
        surge,
        pageViewsPerSecond: b.pageViewsPerSecond * surge,
        ordersPerMinute: b.ordersPerMinute * surge,
      }
    })
    const total: Load = {
      pageViewsPerSecond: perBrand.reduce((s, b) => s + b.pageViewsPerSecond, 0),
      ordersPerMinute: perBrand.reduce((s, b) => s + b.ordersPerMinute, 0),
    }
    return {
      id: event.id,
      name: event.name,
      startsAt: event.startsAt,
      endsAt: event.endsAt,
      surge: factorOf(event),
      surgingSlugs: perBrand.filter((b) => b.surge > 1).map((b) => b.slug),
      perBrand,
      total,
      nodes: nodesFor(total),
      scaleUpAt: new Date(event.startsAt.getTime() - options.startupSeconds * 1000 - options.marginMinutes * 60_000),
      scaleDownAt: event.endsAt,
    }
  })

  return {
    brands: baselines,
    baseline: {
      ...baselineLoad,
      peakHour: busiest ? new Date(busiest.hour) : null,
      nodes: nodesFor(baselineLoad),
    },
    events: eventPlans,
    perNode,
  }
}

function brandBaseline(brand: PlanBrand, history: readonly PlanHour[]): BrandBaseline {
  let peak: PlanHour | null = null
  let peakOrders = 0
  for (const h of history) {
    if (h.brandId !== brand.id) continue
    if (!peak || h.pageViews > peak.pageViews || (h.pageViews === peak.pageViews && h.hour < peak.hour)) peak = h
    peakOrders = Math.max(peakOrders, h.orders)
  }
  const peakPageViews = peak?.pageViews ?? 0
  return {
    brandId: brand.id,
    slug: brand.slug,
    peakHour: peak ? peak.hour : null,
    peakPageViewsPerHour: peakPageViews,
    peakOrdersPerHour: peakOrders,
    pageViewsPerSecond: peakPageViews / 3600,
    ordersPerMinute: peakOrders / 60,
  }
}

/** 3.0000000004 nodes is 3 nodes: float noise must not buy a node. */
function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6
}

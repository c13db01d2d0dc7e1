import { sql } from 'kysely'
import type { Ctx } from '../platform/ctx.ts'

/** One brand's ERP delivery figures at `ctx.now`; latency and attempts over the recent window. */
export interface ErpBrandMetrics {
  brandId: string
  slug: string
  paused: boolean
  /** Rows waiting to be delivered (pending, including those backing off after a failure). */
  outboxDepth: number
  /** Age of the oldest pending row, seconds (0 when none). */
  oldestPendingAgeS: number
  deadLetters: number
  /** Over the window: attempts made, of which failed, documents delivered. */
  attempts: number
  failedAttempts: number
  delivered: number
  /** Order committed → ERP acknowledged, seconds, over documents delivered in the window; null when none. */
  latencyP50S: number | null
  latencyP99S: number | null
}

export interface ErpMetricsOptions {
  /** The recent window for attempts and latency (default 15 minutes). */
  windowMs?: number
  /** Only these brands (null or absent: every brand). */
  brandIds?: ReadonlySet<string> | null
}

/**
 * The ERP delivery metrics of every brand, computed in one SQL statement (each part reads an
 * index: pending rows, dead letters by state, deliveries and attempts by time). Callable from
 * anywhere — the admin API serves it as JSON, and a Prometheus exporter can map it to gauges.
 */
export async function erpMetrics(ctx: Ctx, options: ErpMetricsOptions = {}): Promise<ErpBrandMetrics[]> {
  const since = new Date(ctx.now.getTime() - (options.windowMs ?? 15 * 60_000))
  const only = options.brandIds ? [...options.brandIds] : null
  if (only && only.length === 0) return []
  const { rows } = await sql<{
    brand_id: string
    slug: string
    paused: boolean | null
    depth: string | number | null
    oldest: Date | string | null
    dead: string | number | null
    attempts: string | number | null
    failed: string | number | null
    delivered: string | number | null
    p50: number | string | null
    p99: number | string | null
  }>`
    with pending as (
      select brand_id, count(*) as depth, min(created_at) as oldest from outbox
      where state = 'pending' group by brand_id
    ), dead as (
      select brand_id, count(*) as dead from outbox where state = 'dead' group by brand_id
    ), latency as (
      select brand_id, count(*) as delivered,
        percentile_cont(0.5) within group (order by extract(epoch from delivered_at - created_at)) as p50,
        percentile_cont(0.99) within group (order by extract(epoch from delivered_at - created_at)) as p99
      from outbox where delivered_at >= ${since} and delivered_at <= ${ctx.now} group by brand_id
    ), attempts as (
      select brand_id, count(*) as attempts, count(*) filter (where not ok) as failed from delivery_attempts
      where at >= ${since} and at <= ${ctx.now} group by brand_id
    )
    select b.id as brand_id, b.slug, s.paused, p.depth, p.oldest, d.dead, a.attempts, a.failed,
      l.delivered, l.p50, l.p99
    from brands b
    left join erp_settings s on s.brand_id = b.id
    left join pending p on p.brand_id = b.id
    left join dead d on d.brand_id = b.id
    left join latency l on l.brand_id = b.id
    left join attempts a on a.brand_id = b.id
    where ${only ? sql`b.id = any(${only}::uuid[])` : sql`true`}
    order by b.slug`.execute(ctx.db)
  const num = (v: string | number | null) => (v === null ? 0 : Number(v))
  const seconds = (v: number | string | null) => (v === null ? null : Math.round(Number(v) * 1000) / 1000)
  return rows.map((r) => ({
    brandId: r.brand_id,
    slug: r.slug,
    paused: r.paused ?? false,
    outboxDepth: num(r.depth),
    oldestPendingAgeS:
      r.oldest === null ? 0 : Math.max(0, Math.round((ctx.now.getTime() - new Date(r.oldest).getTime()) / 1000)),
    deadLetters: num(r.dead),
    attempts: num(r.attempts),
    failedAttempts: num(r.failed),
    delivered: num(r.delivered),
    latencyP50S: seconds(r.p50),
    latencyP99S: seconds(r.p99),
  }))
}

import { sql } from 'kysely'
import { chunks } from '../platform/chunks.ts'
import type { Ctx } from '../platform/ctx.ts'
import type { TrafficKind } from './classify-traffic.ts'
import type { TrafficCount } from './traffic-counter.ts'

/**
 * Adds counts to the hourly history. An upsert that increments (`n = n + excluded.n`), so processes
 * and nodes flushing the same hour add up instead of overwriting each other; one statement per
 * 1,000 rows (a flush holds at most brands × kinds × the hours it spans).
 */
export async function addTrafficCounts(ctx: Ctx, counts: readonly TrafficCount[]): Promise<void> {
  for (const chunk of chunks(counts, 1000)) {
    await ctx.db
      .insertInto('traffic_hourly')
      .values(chunk.map((c) => ({ brand_id: c.brandId, hour: c.hour, kind: c.kind, n: c.n })))
      .onConflict((oc) =>
        oc.columns(['brand_id', 'hour', 'kind']).doUpdateSet({ n: sql`traffic_hourly.n + excluded.n` }),
      )
      .execute()
  }
}

export interface HourlyTraffic {
  brandId: string
  hour: Date
  counts: Partial<Record<TrafficKind, number>>
}

/** The history of the hours in [from, to), per brand and hour, oldest first; brandIds null = all brands. */
export async function hourlyTraffic(
  ctx: Ctx,
  range: { from: Date; to: Date; brandIds?: readonly string[] | null },
): Promise<HourlyTraffic[]> {
  if (range.brandIds && range.brandIds.length === 0) return []
  let query = ctx.db
    .selectFrom('traffic_hourly')
    .select(['brand_id', 'hour', 'kind', 'n'])
    .where('hour', '>=', range.from)
    .where('hour', '<', range.to)
  if (range.brandIds) query = query.where('brand_id', 'in', range.brandIds)
  const rows = await query.orderBy('brand_id').orderBy('hour').execute()
  const out: HourlyTraffic[] = []
  for (const row of rows) {
    const hour = new Date(row.hour)
    let last = out[out.length - 1]
    if (!last || last.brandId !== row.brand_id || last.hour.getTime() !== hour.getTime()) {
      last = { brandId: row.brand_id, hour, counts: {} }
      out.push(last)
    }
    last.counts[row.kind] = Number(row.n)
  }
  return out
}

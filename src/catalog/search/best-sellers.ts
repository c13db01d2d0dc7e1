import { sql } from 'kysely'
import type { BrandCtx } from '../../brands/brand.ts'
import type { Db } from '../../platform/db/database.ts'

/** Units sold per product over this window before `ctx.now`: what 'best-selling' ranks on. */
export const bestSellingWindowMs = 30 * 24 * 3600 * 1000
/** A ranking of the last 30 days moves slowly; re-reading it every 5 minutes is plenty. */
const refreshEveryMs = 5 * 60 * 1000

export interface BestSellers {
  /** Units sold per product id (absent = none). */
  units: ReadonlyMap<string, number>
  /** Changes with each refresh: what a memoised ordering keys on. */
  generation: number
}

/**
 * Units of each product sold in placed (not cancelled) orders of the brand over the last 30 days,
 * read from order lines and held per brand, refreshed at most every 5 minutes (a stale map is
 * served while one shared refresh runs; only the first read waits).
 */
export function bestSellers(ctx: BrandCtx): Promise<BestSellers> {
  if (ctx.db.isTransaction) return readBestSellers(ctx, 0)
  let byBrand = held.get(ctx.db)
  if (!byBrand) {
    byBrand = new Map()
    held.set(ctx.db, byBrand)
  }
  const now = ctx.now.getTime()
  const entry = byBrand.get(ctx.brand.id)
  if (entry && now - entry.fetchedAt < refreshEveryMs) return entry.value
  generation += 1
  const value = readBestSellers(ctx, generation)
  const next = { value, fetchedAt: now }
  const brands = byBrand
  value.catch(() => {
    if (brands.get(ctx.brand.id) === next) brands.delete(ctx.brand.id)
  })
  if (!entry) {
    brands.set(ctx.brand.id, next)
    return value
  }
  // Stale: keep serving the previous map until the refresh lands.
  entry.fetchedAt = now
  value.then(
    () => brands.set(ctx.brand.id, next),
    () => {},
  )
  return entry.value
}

let generation = 0
const held = new WeakMap<Db, Map<string, { value: Promise<BestSellers>; fetchedAt: number }>>()

async function readBestSellers(ctx: BrandCtx, gen: number): Promise<BestSellers> {
  const since = new Date(ctx.now.getTime() - bestSellingWindowMs)
  const { rows } = await sql<{ product_id: string; units: number }>`
    SELECT l.product_id, sum(l.quantity)::int AS units
    FROM orders o
    JOIN order_lines l ON l.brand_id = o.brand_id AND l.order_id = o.id
    WHERE o.brand_id = ${ctx.brand.id} AND o.status = 'placed' AND o.placed_at >= ${since} AND o.placed_at <= ${ctx.now}
    GROUP BY l.product_id`.execute(ctx.db)
  return { units: new Map(rows.map((r) => [r.product_id, Number(r.units)])), generation: gen }
}

import { sql } from 'kysely'
import type { BrandCtx } from '../brands/brand.ts'
import { chunks } from '../platform/chunks.ts'
import { err, ok, type Result } from '../platform/result.ts'

export interface StockLine {
  variantId: string
  quantity: number
}

export interface StockLevel {
  variantId: string
  onHand: number
  reserved: number
  available: number
}

export class OutOfStock {
  readonly kind = 'out-of-stock'
  constructor(
    readonly variantId: string,
    readonly requested: number,
    readonly available: number,
  ) {}
}

/** Units that can still be sold, per variant; a variant with no stock row has none. */
export async function availableByVariant(ctx: BrandCtx, variantIds: readonly string[]): Promise<Map<string, number>> {
  if (variantIds.length === 0) return new Map()
  const rows = await ctx.db
    .selectFrom('stock_levels')
    .select(['variant_id', (eb) => eb('on_hand', '-', eb.ref('reserved')).as('available')])
    .where('brand_id', '=', ctx.brand.id)
    .where('variant_id', 'in', variantIds)
    .execute()
  return new Map(rows.map((r) => [r.variant_id, Math.max(0, Number(r.available))]))
}

/**
 * A read of a brand's availability, and where the next read of its changes starts: the oldest
 * transaction still running when it was taken (`pg_snapshot_xmin`), in the same statement so in
 * the same snapshot. Every transaction below it had ended and is in this read; one still running
 * has a transaction id at or above it, and is in the next read of the changes once it commits.
 */
export interface AvailabilityRead {
  /** Units that can still be sold, per variant: a full read holds those with any (absent = none), a read of changes every variant written since (0 = none left). */
  units: Map<string, number>
  horizon: string
}

/**
 * Units that can still be sold of every variant of the brand that has any, in one query: what the
 * catalog's in-memory read model loads when it first needs the brand, or its catalog changed.
 */
export function availableForBrand(ctx: BrandCtx): Promise<AvailabilityRead> {
  return readAvailability(ctx, null)
}

/**
 * The units of the brand's variants whose stock was written since `horizon` (a previous read's):
 * what the read model re-reads every few seconds, a handful of rows where the full read is ~10,000
 * per demo brand. A row written twice, or by a transaction that ended before the previous read,
 * may come again; its value is the current one either way.
 */
export function availabilityChangedSince(ctx: BrandCtx, horizon: string): Promise<AvailabilityRead> {
  return readAvailability(ctx, horizon)
}

async function readAvailability(ctx: BrandCtx, since: string | null): Promise<AvailabilityRead> {
  const available = sql<number>`on_hand - reserved`
  const rows = await ctx.db
    .selectFrom('stock_levels')
    .select(['variant_id', available.as('available'), sql<string | null>`null::text`.as('horizon')])
    .where('brand_id', '=', ctx.brand.id)
    .where(since === null ? sql<boolean>`${available} > 0` : sql<boolean>`changed_xid >= ${since}::xid8`)
    .unionAll(
      sql<{ variant_id: string; available: number; horizon: string | null }>`
        select null::uuid, null::integer, pg_snapshot_xmin(pg_current_snapshot())::text`,
    )
    .execute()
  // A loop, not new Map(rows.map(…)): a full read is ~10,000 rows, and the pair arrays were that
  // much more garbage per read.
  const units = new Map<string, number>()
  let horizon: string | null = null
  for (const r of rows) {
    if (r.horizon !== null) horizon = r.horizon
    else units.set(r.variant_id, Math.max(0, Number(r.available)))
  }
  if (horizon === null) throw new Error('the availability read returned no snapshot horizon')
  return { units, horizon }
}

export async function stockLevels(ctx: BrandCtx, variantIds: readonly string[]): Promise<StockLevel[]> {
  if (variantIds.length === 0) return []
  const rows = await ctx.db
    .selectFrom('stock_levels')
    .select(['variant_id', 'on_hand', 'reserved'])
    .where('brand_id', '=', ctx.brand.id)
    .where('variant_id', 'in', variantIds)
    .execute()
  return rows.map((r) => ({
    variantId: r.variant_id,
    onHand: r.on_hand,
    reserved: r.reserved,
    available: Math.max(0, r.on_hand - r.reserved),
  }))
}

/** Initial stock rows of newly created variants, set-based (a catalog import creates thousands). */
export async function insertStockLevels(
  ctx: BrandCtx,
  levels: ReadonlyArray<{ variantId: string; onHand: number }>,
): Promise<void> {
  for (const chunk of chunks(levels, 1000)) {
    await ctx.db
      .insertInto('stock_levels')
      .values(
        chunk.map((l) => ({ brand_id: ctx.brand.id, variant_id: l.variantId, on_hand: l.onHand, updated_at: ctx.now })),
      )
      .execute()
  }
}

/** Sets the physical count of a variant (a stock take, an ERP report); reservations are kept. */
export async function setOnHand(ctx: BrandCtx, variantId: string, onHand: number): Promise<void> {
  await ctx.db
    .insertInto('stock_levels')
    .values({ brand_id: ctx.brand.id, variant_id: variantId, on_hand: onHand, updated_at: ctx.now })
    .onConflict((oc) => oc.columns(['brand_id', 'variant_id']).doUpdateSet({ on_hand: onHand, updated_at: ctx.now }))
    .execute()
}

/**
 * Reserves stock for an order, inside the order's transaction, in ONE statement whatever the
 * number of lines. The update is conditional (never read-then-write): PostgreSQL re-checks
 * `on_hand - reserved >= qty` on each row once it holds its lock, so concurrent checkouts can never
 * sell more than there is. The rows are first locked in variant-id order (the MATERIALIZED CTE),
 * so two orders over the same variants take their locks in the same order and cannot deadlock.
 * Lines name distinct variants (a cart has one line per variant).
 */
export async function reserveStock(ctx: BrandCtx, lines: readonly StockLine[]): Promise<Result<void, OutOfStock>> {
  if (lines.length === 0) return ok(undefined)
  const { rows } = await sql<{ variant_id: string }>`
    with wanted as (
      select variant_id, quantity from unnest(${lines.map((l) => l.variantId)}::uuid[], ${lines.map((l) => l.quantity)}::int[])
        as w(variant_id, quantity)
    ), locked as materialized (
      select s.variant_id from stock_levels s
      where s.brand_id = ${ctx.brand.id} and s.variant_id in (select variant_id from wanted)
      order by s.variant_id
      for update
    )
    update stock_levels s
    set reserved = s.reserved + w.quantity, updated_at = ${ctx.now}
    from wanted w join locked l on l.variant_id = w.variant_id
    where s.brand_id = ${ctx.brand.id} and s.variant_id = w.variant_id and s.on_hand - s.reserved >= w.quantity
    returning s.variant_id`.execute(ctx.db)
  if (rows.length === lines.length) return ok(undefined)
  // Some line did not fit: the caller rolls the transaction back; name the first such line.
  const reserved = new Set(rows.map((r) => r.variant_id))
  const short = lines.find((l) => !reserved.has(l.variantId)) ?? lines[0]!
  const available = (await availableByVariant(ctx, [short.variantId])).get(short.variantId) ?? 0
  return err(new OutOfStock(short.variantId, short.quantity, available))
}

/** Gives reserved units back (a cancelled order). Never below zero, whatever happened since. */
export async function releaseStock(ctx: BrandCtx, lines: readonly StockLine[]): Promise<void> {
  for (const line of [...lines].sort((a, b) => (a.variantId < b.variantId ? -1 : 1))) {
    await ctx.db
      .updateTable('stock_levels')
      .set((eb) => ({
        reserved: eb.fn('greatest', [eb('reserved', '-', line.quantity), eb.lit(0)]),
        updated_at: ctx.now,
      }))
      .where('brand_id', '=', ctx.brand.id)
      .where('variant_id', '=', line.variantId)
      .execute()
  }
}

/**
 * Units leave the warehouse (the ERP's DespatchAdvice): each shipped quantity comes off both
 * on_hand and reserved, so available is unchanged by a shipment of reserved units. Neither goes
 * below zero, whatever an admin or a stock report set in between.
 */
export async function shipStock(ctx: BrandCtx, lines: readonly StockLine[]): Promise<void> {
  for (const line of [...lines].sort((a, b) => (a.variantId < b.variantId ? -1 : 1))) {
    await ctx.db
      .updateTable('stock_levels')
      .set((eb) => ({
        on_hand: eb.fn('greatest', [eb('on_hand', '-', line.quantity), eb.lit(0)]),
        reserved: eb.fn('greatest', [eb('reserved', '-', line.quantity), eb.lit(0)]),
        updated_at: ctx.now,
      }))
      .where('brand_id', '=', ctx.brand.id)
      .where('variant_id', '=', line.variantId)
      .execute()
  }
}

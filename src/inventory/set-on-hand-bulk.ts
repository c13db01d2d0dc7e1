import { type RawBuilder, sql } from 'kysely'
import type { BrandCtx } from '../brands/brand.ts'

/**
 * Rows `(variant_id uuid, on_hand integer)` to apply: a query over the caller's own tables (a
 * catalog import's staging, where shipping 100,000 rows to Node and back would cost more than the
 * write), or `onHandRows(levels)` for values held in memory. The variants must be the brand's.
 */
export type OnHandSource = RawBuilder<unknown>

/** Levels held in memory as an OnHandSource (one array parameter per column). */
export function onHandRows(levels: ReadonlyArray<{ variantId: string; onHand: number | null }>): OnHandSource {
  return sql`select * from unnest(${levels.map((l) => l.variantId)}::uuid[], ${levels.map((l) => l.onHand)}::int[])
    as l(variant_id, on_hand)`
}

/**
 * Sets the physical count of many variants in one statement (a catalog import, a full stock
 * report): a row with a number sets on_hand, a row with null only makes sure the variant has a
 * stock row (0 for a new variant; an existing count is left alone). Reservations are never
 * touched, so orders placed meanwhile keep their units. One row per variant. Rows whose on_hand is already that
 * number are not rewritten. Returns how many on_hand values changed (rows created with a number
 * included). Negative numbers count as 0.
 */
export async function setOnHandBulk(ctx: BrandCtx, source: OnHandSource): Promise<number> {
  const b = ctx.brand.id
  const result = await sql<{ n: number }>`
    with src as materialized (${source}), counted as (
      insert into stock_levels (brand_id, variant_id, on_hand, updated_at)
      select ${b}, variant_id, greatest(on_hand, 0), ${ctx.now} from src where on_hand is not null
      on conflict (brand_id, variant_id) do update set on_hand = excluded.on_hand, updated_at = excluded.updated_at
        where stock_levels.on_hand <> excluded.on_hand
      returning 1
    ), ensured as (
      insert into stock_levels (brand_id, variant_id, on_hand, updated_at)
      select ${b}, variant_id, 0, ${ctx.now} from src where on_hand is null
      on conflict (brand_id, variant_id) do nothing
      returning 1
    )
    select count(*)::int as n from counted
  `.execute(ctx.db)
  return Number(result.rows[0]?.n ?? 0)
}

/**
 * The stock rows of variants created by the same statement, as the body of a data-modifying CTE:
 * `created` names a CTE of the caller with `(variant_id, on_hand)`; on_hand null gives 0, as
 * setOnHandBulk gives a new variant. For a catalog's first import, where a second statement per
 * batch cost about as much as the insert itself.
 */
export function insertStockOfNewVariants(ctx: BrandCtx, created: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    insert into stock_levels (brand_id, variant_id, on_hand, updated_at)
    select ${ctx.brand.id}::uuid, variant_id, greatest(coalesce(on_hand, 0), 0), ${ctx.now} from ${created}`
}

import { recordAudit } from '../access/index.ts'
import type { Ctx } from '../platform/ctx.ts'
import type { Db } from '../platform/db/database.ts'
import { inTransaction } from '../platform/db/transaction.ts'
import { NotFound } from '../platform/errors.ts'
import { newId } from '../platform/ids.ts'
import { bumpPriceVersion, type SaleEventRow } from './queries.ts'
import { type BrandEventRow, type SaleEventInput, splitPerBrand } from './sale-event-definition.ts'
import { salePlans } from './sale-plans.ts'

/**
 * Creates, replaces and deletes sale events: one transaction writes the event's rows (one per
 * brand), bumps the price version of every brand concerned (NOTIFY at commit: every process
 * reloads that brand's schedule, caches miss) and appends one audit entry per brand, so each
 * brand's audit log shows what changed its prices. The caller checked catalog:write on every brand.
 */
export async function createSaleEvent(ctx: Ctx, input: SaleEventInput): Promise<string> {
  const id = newId()
  const rows = await splitPerBrand(ctx, input)
  await inTransaction(ctx.db, async (tx) => {
    const txCtx = { ...ctx, db: tx }
    await insertRows(txCtx, id, input, rows, ctx.now)
    for (const row of rows) {
      await bumpPriceVersion(txCtx, row.brand.id)
      await audit(txCtx, id, 'create', row.brand.id, null, viewOf(input, row))
    }
  })
  afterCommit(
    ctx,
    rows.map((r) => r.brand.id),
  )
  return id
}

/** Replaces an event's definition (brands included: a brand left out loses the event). */
export async function updateSaleEvent(ctx: Ctx, id: string, input: SaleEventInput): Promise<void> {
  const rows = await splitPerBrand(ctx, input)
  const touched = new Set(rows.map((r) => r.brand.id))
  await inTransaction(ctx.db, async (tx) => {
    const txCtx = { ...ctx, db: tx }
    const before = await takeEventRows(tx, id)
    await insertRows(txCtx, id, input, rows, before[0]?.created_at ?? ctx.now)
    for (const old of before) touched.add(old.brand_id)
    for (const brandId of [...touched].sort()) {
      await bumpPriceVersion(txCtx, brandId)
      const old = before.find((r) => r.brand_id === brandId)
      const row = rows.find((r) => r.brand.id === brandId)
      await audit(
        txCtx,
        id,
        old ? (row ? 'update' : 'delete') : 'create',
        brandId,
        old ? rowView(old) : null,
        row ? viewOf(input, row) : null,
      )
    }
  })
  afterCommit(ctx, [...touched])
}

export async function deleteSaleEvent(ctx: Ctx, id: string): Promise<void> {
  const brandIds = await inTransaction(ctx.db, async (tx) => {
    const txCtx = { ...ctx, db: tx }
    const before = await takeEventRows(tx, id)
    for (const old of before) {
      await bumpPriceVersion(txCtx, old.brand_id)
      await audit(txCtx, id, 'delete', old.brand_id, rowView(old), null)
    }
    return before.map((r) => r.brand_id)
  })
  afterCommit(ctx, brandIds)
}

async function insertRows(ctx: Ctx, id: string, input: SaleEventInput, rows: BrandEventRow[], createdAt: Date) {
  await ctx.db
    .insertInto('sale_events')
    .values(
      rows.map((row) => ({
        brand_id: row.brand.id,
        id,
        name: input.name,
        starts_text: input.startsAt,
        ends_text: input.endsAt,
        starts_at: row.startsAt,
        ends_at: row.endsAt,
        priority: input.priority,
        combine: input.combine,
        rounding: input.rounding,
        rules: JSON.stringify(row.rules),
        created_at: createdAt,
        updated_at: ctx.now,
      })),
    )
    .execute()
}

/**
 * This process reloads at once rather than when its own notification comes back, so the caller's
 * next request (the admin's preview, a storefront check) already sees the edit.
 */
function afterCommit(ctx: Ctx, brandIds: string[]): void {
  if (ctx.db.isTransaction) return
  const plans = salePlans(ctx.db)
  for (const brandId of brandIds) plans.invalidate(brandId)
}

function audit(ctx: Ctx, id: string, action: string, brandId: string, before: object | null, after: object | null) {
  return recordAudit(ctx, {
    brandId,
    entityType: 'sale-event',
    entityId: id,
    action,
    before: before as Record<string, unknown> | null,
    after: after as Record<string, unknown> | null,
  })
}

const viewOf = (input: SaleEventInput, row: BrandEventRow) => ({
  name: input.name,
  startsAt: row.startsAt.toISOString(),
  endsAt: row.endsAt.toISOString(),
  priority: input.priority,
  combine: input.combine,
  rounding: input.rounding,
  rules: row.rules,
})

const rowView = (row: SaleEventRow) => ({
  name: row.name,
  startsAt: row.starts_at.toISOString(),
  endsAt: row.ends_at.toISOString(),
  priority: row.priority,
  combine: row.combine,
  rounding: row.rounding,
  rules: row.rules,
})

/** Locks and removes every brand's row of an event (the caller re-inserts or not); NotFound if none. */
async function takeEventRows(tx: Db, id: string) {
  const before = await tx.selectFrom('sale_events').selectAll().where('id', '=', id).forUpdate().execute()
  if (before.length === 0) throw new NotFound('Sale event')
  const brandIds = before.map((r) => r.brand_id)
  await tx.deleteFrom('sale_events').where('brand_id', 'in', brandIds).where('id', '=', id).execute()
  return before
}

import type { Ctx } from '../platform/ctx.ts'

export interface DeliveryRow {
  id: number
  topic: string
  orderId: string
  documentId: string
  state: string
  attempts: number
  lastError: string | null
  createdAt: Date
  availableAt: Date
  deliveredAt: Date | null
}

/** A brand's deliveries, newest first, by state and/or order. */
export async function listDeliveries(
  ctx: Ctx,
  brandId: string,
  query: { state?: 'pending' | 'delivered' | 'dead'; orderId?: string; limit?: number },
): Promise<DeliveryRow[]> {
  let select = ctx.db.selectFrom('outbox').selectAll().where('brand_id', '=', brandId)
  if (query.state) select = select.where('state', '=', query.state)
  if (query.orderId) select = select.where('aggregate_id', '=', query.orderId)
  const rows = await select
    .orderBy('id', 'desc')
    .limit(query.limit ?? 50)
    .execute()
  return rows.map((r) => ({
    id: Number(r.id),
    topic: r.topic,
    orderId: r.aggregate_id,
    documentId: r.topic === 'order.placed' ? r.aggregate_id : r.document_id,
    state: r.state,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at,
    availableAt: r.available_at,
    deliveredAt: r.delivered_at,
  }))
}

/**
 * Replays one delivery (dead or delivered: the ERP dedupes by document UUID, so a re-send of a
 * delivered document is harmless) — it becomes pending, due now, with a fresh attempt budget.
 */
export async function replayDelivery(ctx: Ctx, brandId: string, id: number): Promise<boolean> {
  const r = await ctx.db
    .updateTable('outbox')
    .set({ state: 'pending', attempts: 0, available_at: ctx.now, lease_token: null })
    .where('brand_id', '=', brandId)
    .where('id', '=', id)
    .where('state', 'in', ['dead', 'delivered'])
    .executeTakeFirst()
  return r.numUpdatedRows > 0n
}

/** Replays every dead letter of a brand; returns how many. Ordering still holds per order. */
export async function replayDeadLetters(ctx: Ctx, brandId: string): Promise<number> {
  const r = await ctx.db
    .updateTable('outbox')
    .set({ state: 'pending', attempts: 0, available_at: ctx.now, lease_token: null })
    .where('brand_id', '=', brandId)
    .where('state', '=', 'dead')
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}

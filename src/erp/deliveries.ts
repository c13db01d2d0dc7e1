import type { Selectable } from 'kysely'
import type { Ctx } from '../platform/ctx.ts'
import type { OutboxTable } from '../platform/db/schema.ts'

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

/**
 * A brand's deliveries, newest first, by state and/or order; `before` (the last id of the
 * previous page) pages on the (brand_id, state, id) index.
 */
export async function listDeliveries(
  ctx: Ctx,
  brandId: string,
  query: { state?: 'pending' | 'delivered' | 'dead'; orderId?: string; limit?: number; before?: number },
): Promise<DeliveryRow[]> {
  let select = ctx.db.selectFrom('outbox').selectAll().where('brand_id', '=', brandId)
  if (query.state) select = select.where('state', '=', query.state)
  if (query.orderId) select = select.where('aggregate_id', '=', query.orderId)
  if (query.before !== undefined) select = select.where('id', '<', query.before)
  const rows = await select
    .orderBy('id', 'desc')
    .limit(query.limit ?? 50)
    .execute()
  return rows.map(toDeliveryRow)
}

export interface DeliveryAttempt {
  at: Date
  durationMs: number
  ok: boolean
  status: string
  excerpt: string | null
}

/** One delivery of a brand with every attempt (oldest first), or null. */
export async function getDelivery(
  ctx: Ctx,
  brandId: string,
  id: number,
): Promise<(DeliveryRow & { attemptLog: DeliveryAttempt[] }) | null> {
  const row = await ctx.db
    .selectFrom('outbox')
    .selectAll()
    .where('brand_id', '=', brandId)
    .where('id', '=', id)
    .executeTakeFirst()
  if (!row) return null
  const attempts = await ctx.db
    .selectFrom('delivery_attempts')
    .select(['at', 'duration_ms', 'ok', 'status', 'excerpt'])
    .where('brand_id', '=', brandId)
    .where('outbox_id', '=', id)
    .orderBy('id')
    .limit(500)
    .execute()
  return {
    ...toDeliveryRow(row),
    attemptLog: attempts.map((a) => ({
      at: a.at,
      durationMs: a.duration_ms,
      ok: a.ok,
      status: a.status,
      excerpt: a.excerpt,
    })),
  }
}

function toDeliveryRow(r: Selectable<OutboxTable>): DeliveryRow {
  return {
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
  }
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

import type { Ctx } from './ctx.ts'

export interface OutboxMessage {
  brandId: string
  topic: 'order.placed' | 'order.cancelled'
  aggregateId: string
  payload: Record<string, unknown>
}

/**
 * Writes a message for the ERP in the caller's transaction (transactional outbox): it exists if
 * and only if the change it announces committed. A worker delivers it later.
 */
export async function enqueueOutbox(ctx: Ctx, message: OutboxMessage): Promise<void> {
  await ctx.db
    .insertInto('outbox')
    .values({
      brand_id: message.brandId,
      topic: message.topic,
      aggregate_id: message.aggregateId,
      payload: JSON.stringify(message.payload),
      created_at: ctx.now,
      available_at: ctx.now,
    })
    .execute()
}

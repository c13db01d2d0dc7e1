import type { BrandCtx } from '../brands/brand.ts'
import { releaseStock } from '../inventory/index.ts'
import { withDb } from '../platform/ctx.ts'
import { inTransaction } from '../platform/db/transaction.ts'
import { Conflict, NotFound } from '../platform/errors.ts'
import { enqueueOutbox } from '../platform/outbox.ts'
import { canTransition, type Order } from './order.ts'
import { getOrder, markCancelled } from './queries.ts'

/**
 * Cancels a placed order (not one the ERP has shipped, even in part): releases its reserved stock
 * and tells the ERP, all in one transaction. The row lock makes a second, concurrent cancellation wait and then find the order cancelled.
 */
export async function cancelOrder(ctx: BrandCtx, orderId: string, reason: string | null): Promise<Order> {
  await inTransaction(ctx.db, async (tx) => {
    const txCtx = withDb(ctx, tx)
    const order = await getOrder(txCtx, orderId, { forUpdate: true })
    if (!order) throw new NotFound('Order')
    if (order.status === 'partially_shipped') {
      // Part of it has left the warehouse: a cancellation would release shipped units too.
      throw new Conflict(
        'order-partially-shipped',
        `Order ${order.number} is partially shipped and cannot be cancelled; customer service handles the unshipped lines and returns`,
      )
    }
    if (!canTransition(order.status, 'cancel')) {
      throw new Conflict('order-not-cancellable', `Order ${order.number} is ${order.status} and cannot be cancelled`)
    }
    await markCancelled(txCtx, orderId, reason)
    await releaseStock(
      txCtx,
      order.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
    )
    await enqueueOutbox(txCtx, {
      brandId: ctx.brand.id,
      topic: 'order.cancelled',
      aggregateId: orderId,
      payload: { orderId, number: order.number, reason },
    })
  })
  const cancelled = await getOrder(ctx, orderId)
  if (!cancelled) throw new NotFound('Order')
  ctx.log.info({ order: cancelled.number }, 'order cancelled')
  return cancelled
}

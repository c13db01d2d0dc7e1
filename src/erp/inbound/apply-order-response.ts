import type { BrandCtx } from '../../brands/brand.ts'
import { getOrder } from '../../orders/index.ts'
import type { ApplyResult } from './apply-despatch-advice.ts'
import type { OrderResponse } from './documents.ts'
import { findOrderIdForUpdate, insertOrderResponse } from './queries.ts'

/**
 * The ERP's answer to an Order we sent: recorded on the order (GET …/orders/:id/erp shows every
 * response, newest first) and logged. It changes neither the order's status nor its stock, even
 * a rejection: the shopper has paid and the units are still reserved for them, so customer
 * service decides — fix the cause and replay the delivery, or cancel the order (which releases
 * the stock, voids the sale and tells the ERP with an OrderCancellation). Silently cancelling
 * would free stock that the next shopper buys while the first one is still owed an answer.
 * The order is named by cac:OrderReference (our number in cbc:ID or our UUID in cbc:UUID).
 */
export async function applyOrderResponse(ctx: BrandCtx, doc: OrderResponse): Promise<ApplyResult> {
  const reference = doc.orderNumber ?? doc.orderUuid ?? '(none)'
  const orderId = await findOrderIdForUpdate(ctx, { number: doc.orderNumber, uuid: doc.orderUuid })
  const order = orderId ? await getOrder(ctx, orderId) : null
  if (!order)
    return { outcome: 'rejected', summary: {}, errors: [{ line: null, reason: `order ${reference} not found` }] }
  await insertOrderResponse(ctx, {
    orderId: order.id,
    documentId: doc.id,
    response: doc.response,
    code: doc.code,
    note: doc.note,
    lines: doc.lines,
  })
  if (doc.response === 'rejected') {
    ctx.log.warn({ order: order.number, note: doc.note }, 'the ERP rejected an order: customer service must act')
  }
  return {
    outcome: 'applied',
    summary: {
      order: order.number,
      orderStatus: order.status,
      response: doc.response,
      linesWithStatus: doc.lines.length,
    },
    errors: [],
  }
}

import type { BrandCtx } from '../brands/brand.ts'
import { type DeliveryRow, listDeliveries } from './deliveries.ts'

export interface OrderErpStatus {
  orderId: string
  /** Every outbox document of the order (Order, OrderCancellation), oldest first. */
  deliveries: DeliveryRow[]
  /** The ERP's OrderResponses, newest first; `responses[0]` is its current answer. */
  responses: Array<{
    documentId: string
    response: string
    code: string | null
    note: string | null
    lines: Array<{ line: string; status: string; note: string | null }>
    receivedAt: Date
  }>
  /** Shipments from DespatchAdvices, oldest first, with the lines and units each covered. */
  shipments: Array<{
    documentId: string
    carrier: string | null
    tracking: string | null
    shippedAt: Date
    lines: Array<{ lineNo?: number; sku: string; quantity: number }>
  }>
}

/** What the ERP side knows of one order: deliveries, responses, shipments (empty when none). */
export async function orderErpStatus(ctx: BrandCtx, orderId: string): Promise<OrderErpStatus> {
  const [deliveries, responses, shipments] = await Promise.all([
    listDeliveries(ctx, ctx.brand.id, { orderId, limit: 100 }),
    ctx.db
      .selectFrom('erp_order_responses')
      .selectAll()
      .where('brand_id', '=', ctx.brand.id)
      .where('order_id', '=', orderId)
      .orderBy('received_at', 'desc')
      .execute(),
    ctx.db
      .selectFrom('order_shipments')
      .selectAll()
      .where('brand_id', '=', ctx.brand.id)
      .where('order_id', '=', orderId)
      .orderBy('shipped_at')
      .execute(),
  ])
  return {
    orderId,
    deliveries: deliveries.reverse(),
    responses: responses.map((r) => ({
      documentId: r.document_id,
      response: r.response,
      code: r.code,
      note: r.note,
      lines: r.lines,
      receivedAt: r.received_at,
    })),
    shipments: shipments.map((s) => ({
      documentId: s.document_id,
      carrier: s.carrier,
      tracking: s.tracking,
      shippedAt: s.shipped_at,
      lines: s.lines,
    })),
  }
}

import type { BrandCtx } from '../../brands/brand.ts'
import { shipStock } from '../../inventory/index.ts'
import { canTransition, getOrder, markShipped } from '../../orders/index.ts'
import type { DespatchAdvice } from './documents.ts'
import { findOrderIdForUpdate, type InboundOutcome, insertShipment, type LineError, shippedByLine } from './queries.ts'

export interface ApplyResult {
  outcome: InboundOutcome
  summary: Record<string, unknown>
  errors: LineError[]
}

/**
 * The ERP shipped an order, in whole or in part. Each advice records a shipment (carrier,
 * tracking, the lines and quantities it covers) and takes the shipped units out of the warehouse
 * (off on_hand and reserved). The order becomes 'shipped' when every line is shipped in full, by
 * this advice or by earlier ones, and 'partially_shipped' until then (no longer cancellable: the
 * shipped units are gone), with its shipments listed (GET …/orders/:id/erp). Lines are matched
 * to the order's lines by SKU or GTIN; an advice without lines ships everything not shipped yet. Runs inside the caller's transaction (the order row is
 * locked, so two advices for one order apply one after the other). An unknown order, one shipped
 * or cancelled, or an advice that ships nothing rejects the document, changing nothing.
 */
export async function applyDespatchAdvice(ctx: BrandCtx, doc: DespatchAdvice): Promise<ApplyResult> {
  const reference = doc.orderNumber ?? doc.orderUuid ?? '(none)'
  const orderId = await findOrderIdForUpdate(ctx, { number: doc.orderNumber, uuid: doc.orderUuid })
  const order = orderId ? await getOrder(ctx, orderId) : null
  if (!order) return rejected(`order ${reference} not found`)
  if (!canTransition(order.status, 'ship')) return rejected(`order ${order.number} is ${order.status}`)

  const before = await shippedByLine(ctx, order)
  const remaining = new Map(order.lines.map((l) => [l.lineNo, l.quantity - (before.get(l.lineNo) ?? 0)]))
  const errors: LineError[] = []
  const shipping = new Map<number, number>()
  if (doc.lines.length === 0) {
    for (const [lineNo, left] of remaining) if (left > 0) shipping.set(lineNo, left)
  } else {
    for (const line of doc.lines) {
      const match = order.lines.find(
        (l) => (line.sku !== null && l.sku === line.sku) || (line.gtin !== null && l.gtin === line.gtin),
      )
      if (!match) {
        errors.push({ line: line.line, reason: `item ${line.sku ?? line.gtin ?? '(none)'} is not in the order` })
        continue
      }
      const left = remaining.get(match.lineNo) ?? 0
      const quantity = Math.min(line.quantity, left)
      if (quantity < line.quantity) {
        errors.push({ line: line.line, reason: `more ${match.sku} shipped than ordered and not yet shipped` })
      }
      remaining.set(match.lineNo, left - quantity)
      shipping.set(match.lineNo, (shipping.get(match.lineNo) ?? 0) + quantity)
    }
  }
  const shipped = order.lines
    .filter((l) => (shipping.get(l.lineNo) ?? 0) > 0)
    .map((l) => ({ lineNo: l.lineNo, variantId: l.variantId, sku: l.sku, quantity: shipping.get(l.lineNo)! }))
  if (shipped.length === 0) {
    if (errors.length === 0) errors.push({ line: null, reason: `order ${order.number}: nothing left to ship` })
    return { outcome: 'rejected', summary: { order: order.number }, errors }
  }

  if (doc.lines.length === 0) for (const l of shipped) remaining.set(l.lineNo, 0)
  const complete = [...remaining.values()].every((left) => left <= 0)
  await markShipped(ctx, order.id, complete)
  await shipStock(ctx, shipped)
  await insertShipment(ctx, {
    orderId: order.id,
    documentId: doc.id,
    carrier: doc.carrier,
    tracking: doc.tracking,
    lines: shipped.map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity })),
  })
  return {
    outcome: errors.length === 0 ? 'applied' : 'partially-applied',
    summary: {
      order: order.number,
      carrier: doc.carrier,
      tracking: doc.tracking,
      units: sum(shipped),
      orderShipped: complete,
      unitsLeftToShip: [...remaining.values()].reduce((n, left) => n + Math.max(0, left), 0),
    },
    errors,
  }
}

const sum = (lines: Array<{ quantity: number }>) => lines.reduce((n, l) => n + l.quantity, 0)

const rejected = (reason: string): ApplyResult => ({
  outcome: 'rejected',
  summary: {},
  errors: [{ line: null, reason }],
})

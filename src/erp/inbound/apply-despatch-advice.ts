import type { BrandCtx } from '../../brands/brand.ts'
import { shipStock } from '../../inventory/index.ts'
import { canTransition, getOrder, markShipped } from '../../orders/index.ts'
import type { DespatchAdvice } from './documents.ts'
import { findOrderIdForUpdate, type InboundOutcome, insertShipment, type LineError } from './queries.ts'

export interface ApplyResult {
  outcome: InboundOutcome
  summary: Record<string, unknown>
  errors: LineError[]
}

/**
 * The ERP shipped an order: the order becomes 'shipped' with its carrier and tracking, and the
 * shipped units leave the warehouse (off on_hand and reserved). Runs inside the caller's
 * transaction. Lines are matched to the order's lines by SKU or GTIN; a document without lines
 * ships the whole order. An unknown or no longer placed order rejects the document, changing nothing.
 */
export async function applyDespatchAdvice(ctx: BrandCtx, doc: DespatchAdvice): Promise<ApplyResult> {
  const reference = doc.orderNumber ?? doc.orderUuid ?? '(none)'
  const orderId = await findOrderIdForUpdate(ctx, { number: doc.orderNumber, uuid: doc.orderUuid })
  const order = orderId ? await getOrder(ctx, orderId) : null
  if (!order) return rejected(`order ${reference} not found`)
  if (!canTransition(order.status, 'ship')) return rejected(`order ${order.number} is ${order.status}`)

  const errors: LineError[] = []
  let shipped = order.lines.map((l) => ({ variantId: l.variantId, sku: l.sku, quantity: l.quantity }))
  if (doc.lines.length > 0) {
    const remaining = new Map(order.lines.map((l) => [l.lineNo, l.quantity]))
    const byVariant = new Map<string, { variantId: string; sku: string; quantity: number }>()
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
      if (quantity < line.quantity) errors.push({ line: line.line, reason: `more ${match.sku} shipped than ordered` })
      remaining.set(match.lineNo, left - quantity)
      const entry = byVariant.get(match.variantId) ?? { variantId: match.variantId, sku: match.sku, quantity: 0 }
      entry.quantity += quantity
      byVariant.set(match.variantId, entry)
    }
    shipped = [...byVariant.values()].filter((l) => l.quantity > 0)
    if (shipped.length === 0) return { outcome: 'rejected', summary: { order: order.number }, errors }
  }

  await markShipped(ctx, order.id)
  await shipStock(ctx, shipped)
  await insertShipment(ctx, {
    orderId: order.id,
    documentId: doc.id,
    carrier: doc.carrier,
    tracking: doc.tracking,
    lines: shipped.map((l) => ({ sku: l.sku, quantity: l.quantity })),
  })
  return {
    outcome: errors.length === 0 ? 'applied' : 'partially-applied',
    summary: { order: order.number, carrier: doc.carrier, tracking: doc.tracking, units: sum(shipped) },
    errors,
  }
}

const sum = (lines: Array<{ quantity: number }>) => lines.reduce((n, l) => n + l.quantity, 0)

const rejected = (reason: string): ApplyResult => ({
  outcome: 'rejected',
  summary: {},
  errors: [{ line: null, reason }],
})

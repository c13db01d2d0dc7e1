import { sql } from 'kysely'
import type { BrandCtx } from '../brands/brand.ts'
import { orderSequenceName } from '../brands/queries.ts'
import type { OrderLineRow, OrderRow } from '../platform/db/schema.ts'
import { type Order, type OrderLine, orderTransitions } from './order.ts'

export interface NewOrder {
  id: string
  email: string
  shippingAddress: Order['shippingAddress']
  shippingMethod: string
  subtotalMinor: number
  shippingMinor: number
  vatMinor: number
  totalMinor: number
  discountMinor: number
  promotionCode: string | null
  payment: Order['payment']
  idempotencyKey: string | null
  requestHash: string | null
  lines: OrderLine[]
}

/**
 * The next readable order number of the brand, computed inside the INSERT (one round trip less):
 * "ARD-000123", the brand's prefix and its sequence's next value, zero-padded to six digits and
 * never truncated beyond. nextval never waits on another checkout's transaction.
 */
function nextOrderNumber(ctx: BrandCtx) {
  const sequence = orderSequenceName(ctx.brand.id)
  return sql<string>`(select ${ctx.brand.orderPrefix} || '-' || lpad(n::text, greatest(6, length(n::text)), '0')
    from nextval(${sequence}::regclass) as n)`
}

/**
 * Inserts the order row, numbering it and claiming its idempotency key; returns its number, or
 * null when another order already holds the key: PostgreSQL makes this insert wait for a
 * concurrent holder to commit or roll back, so exactly one of many identical requests inserts.
 */
export async function insertOrder(ctx: BrandCtx, order: NewOrder): Promise<string | null> {
  const inserted = await ctx.db
    .insertInto('orders')
    .values({
      brand_id: ctx.brand.id,
      id: order.id,
      number: nextOrderNumber(ctx),
      status: 'placed',
      email: order.email,
      shipping_address: JSON.stringify(order.shippingAddress),
      shipping_method: order.shippingMethod,
      currency: ctx.brand.currency,
      locale: ctx.brand.locale,
      vat_rate_bp: ctx.brand.vatRateBp,
      subtotal_minor: order.subtotalMinor,
      shipping_minor: order.shippingMinor,
      vat_minor: order.vatMinor,
      total_minor: order.totalMinor,
      discount_minor: order.discountMinor,
      promotion_code: order.promotionCode,
      payment: JSON.stringify(order.payment),
      idempotency_key: order.idempotencyKey,
      request_hash: order.requestHash,
      placed_at: ctx.now,
    })
    .onConflict((oc) => oc.columns(['brand_id', 'idempotency_key']).doNothing())
    .returning('number')
    .executeTakeFirst()
  if (!inserted) return null
  await ctx.db
    .insertInto('order_lines')
    .values(
      order.lines.map((line) => ({
        brand_id: ctx.brand.id,
        order_id: order.id,
        line_no: line.lineNo,
        variant_id: line.variantId,
        product_id: line.productId,
        sku: line.sku,
        gtin: line.gtin,
        title: line.title,
        size: line.size,
        colour: line.colour,
        quantity: line.quantity,
        unit_price_minor: line.unitPriceMinor,
        line_total_minor: line.lineTotalMinor,
        vat_minor: line.vatMinor,
      })),
    )
    .execute()
  return inserted.number
}

export async function findOrderIdByIdempotencyKey(
  ctx: BrandCtx,
  key: string,
): Promise<{ id: string; requestHash: string | null } | null> {
  const row = await ctx.db
    .selectFrom('orders')
    .select(['id', 'request_hash'])
    .where('brand_id', '=', ctx.brand.id)
    .where('idempotency_key', '=', key)
    .executeTakeFirst()
  return row ? { id: row.id, requestHash: row.request_hash } : null
}

export async function getOrder(
  ctx: BrandCtx,
  orderId: string,
  options: { forUpdate?: boolean } = {},
): Promise<Order | null> {
  let query = ctx.db.selectFrom('orders').selectAll().where('brand_id', '=', ctx.brand.id).where('id', '=', orderId)
  if (options.forUpdate) query = query.forUpdate()
  const row = await query.executeTakeFirst()
  if (!row) return null
  const lines = await ctx.db
    .selectFrom('order_lines')
    .selectAll()
    .where('brand_id', '=', ctx.brand.id)
    .where('order_id', '=', orderId)
    .orderBy('line_no')
    .execute()
  return toOrder(row, lines)
}

/** Several orders of the brand with their lines, in two queries (the ERP worker's batches). */
export async function getOrders(ctx: BrandCtx, orderIds: readonly string[]): Promise<Map<string, Order>> {
  const found = new Map<string, Order>()
  if (orderIds.length === 0) return found
  const rows = await ctx.db
    .selectFrom('orders')
    .selectAll()
    .where('brand_id', '=', ctx.brand.id)
    // One array parameter rather than one parameter per id (batches of hundreds).
    .where('id', '=', sql<string>`any(${[...orderIds]}::uuid[])`)
    .execute()
  if (rows.length === 0) return found
  const lines = await ctx.db
    .selectFrom('order_lines')
    .selectAll()
    .where('brand_id', '=', ctx.brand.id)
    .where('order_id', '=', sql<string>`any(${rows.map((r) => r.id)}::uuid[])`)
    .orderBy('order_id')
    .orderBy('line_no')
    .execute()
  const byOrder = new Map<string, OrderLineRow[]>()
  for (const line of lines) {
    const list = byOrder.get(line.order_id) ?? []
    list.push(line)
    byOrder.set(line.order_id, list)
  }
  for (const row of rows) found.set(row.id, toOrder(row, byOrder.get(row.id) ?? []))
  return found
}

/**
 * Records the ERP's shipment on the order: 'shipped' when `complete`, else 'partially_shipped';
 * false when the order's state does not allow it (the transition table decides).
 */
export async function markShipped(ctx: BrandCtx, orderId: string, complete = true): Promise<boolean> {
  const transition = complete ? orderTransitions.ship : orderTransitions.shipPart
  if (!transition) return false
  const result = await ctx.db
    .updateTable('orders')
    .set({ status: transition.to })
    .where('brand_id', '=', ctx.brand.id)
    .where('id', '=', orderId)
    .where('status', 'in', transition.from)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** The shopper's look-up: both the number and the e-mail must match, or nothing is found. */
export async function findOrderByNumberAndEmail(ctx: BrandCtx, number: string, email: string): Promise<Order | null> {
  const row = await ctx.db
    .selectFrom('orders')
    .select('id')
    .where('brand_id', '=', ctx.brand.id)
    .where('number', '=', number.toUpperCase())
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst()
  return row ? getOrder(ctx, row.id) : null
}

export interface OrderSummary {
  id: string
  number: string
  status: string
  email: string
  totalMinor: number
  currency: string
  placedAt: Date
}

export async function listOrders(
  ctx: BrandCtx,
  query: { limit: number; before?: Date; status?: Order['status'] },
): Promise<OrderSummary[]> {
  let select = ctx.db
    .selectFrom('orders')
    .select(['id', 'number', 'status', 'email', 'total_minor', 'currency', 'placed_at'])
    .where('brand_id', '=', ctx.brand.id)
  if (query.before) select = select.where('placed_at', '<', query.before)
  if (query.status) select = select.where('status', '=', query.status)
  const rows = await select.orderBy('placed_at', 'desc').orderBy('id').limit(query.limit).execute()
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    status: r.status,
    email: r.email,
    totalMinor: r.total_minor,
    currency: r.currency,
    placedAt: r.placed_at,
  }))
}

export async function markCancelled(ctx: BrandCtx, orderId: string, reason: string | null): Promise<void> {
  await ctx.db
    .updateTable('orders')
    .set({ status: 'cancelled', cancelled_at: ctx.now, cancel_reason: reason })
    .where('brand_id', '=', ctx.brand.id)
    .where('id', '=', orderId)
    .execute()
}

function toOrder(row: OrderRow, lines: OrderLineRow[]): Order {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    email: row.email,
    shippingAddress: row.shipping_address,
    shippingMethod: row.shipping_method,
    currency: row.currency,
    locale: row.locale,
    vatRateBp: row.vat_rate_bp,
    subtotalMinor: row.subtotal_minor,
    shippingMinor: row.shipping_minor,
    vatMinor: row.vat_minor,
    totalMinor: row.total_minor,
    discountMinor: Number(row.discount_minor),
    promotionCode: row.promotion_code,
    payment: row.payment,
    placedAt: row.placed_at,
    cancelledAt: row.cancelled_at,
    cancelReason: row.cancel_reason,
    lines: lines.map((l) => ({
      lineNo: l.line_no,
      variantId: l.variant_id,
      productId: l.product_id,
      sku: l.sku,
      gtin: l.gtin,
      title: l.title,
      size: l.size,
      colour: l.colour,
      quantity: l.quantity,
      unitPriceMinor: l.unit_price_minor,
      lineTotalMinor: l.line_total_minor,
      vatMinor: l.vat_minor,
    })),
  }
}

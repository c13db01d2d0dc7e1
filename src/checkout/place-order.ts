import { createHash } from 'node:crypto'
import type { BrandCtx } from '../brands/brand.ts'
import { variantsForSale } from '../catalog/index.ts'
import { reserveStock } from '../inventory/index.ts'
import {
  findOrderIdByIdempotencyKey,
  getOrder,
  insertOrder,
  type Order,
  type OrderLine,
  type ShippingAddress,
} from '../orders/index.ts'
import { withDb } from '../platform/ctx.ts'
import { AppError, BadRequest, Conflict, NotFound } from '../platform/errors.ts'
import { newId } from '../platform/ids.ts'
import { enqueueOutbox } from '../platform/outbox.ts'
import { checkoutPromotion, normalizeCustomer, redeemPromotion } from '../promotions/index.ts'
import {
  acknowledgeCartPrices,
  type LinePriceChange,
  loadCart,
  OutOfStockProblem,
  PricesChanged,
  repricedLines,
} from './carts.ts'
import type { PaymentProvider } from './payments/provider.ts'
import { computeTotals } from './totals.ts'

export interface CheckoutInput {
  cartToken: string
  email: string
  shippingAddress: ShippingAddress
  shippingMethod: string
  payment: { provider: string; token: string }
}

export interface PlaceOrderOptions {
  /** From the Idempotency-Key header: a retry with the same key returns the same order. */
  idempotencyKey: string | null
  providers: ReadonlyMap<string, PaymentProvider>
}

export interface PlaceOrderResult {
  order: Order
  /** True when an earlier request with the same key had already placed this order. */
  replayed: boolean
  /** Lines charged less than the shopper was shown (a sale started since): the shopper is told. */
  priceChanges?: LinePriceChange[]
}

export class PaymentDeclined extends AppError {
  constructor(reason: string) {
    super('payment-declined', 402, reason)
  }
}

export class PaymentFailed extends AppError {
  constructor(reason: string) {
    super('payment-failed', 502, `${reason} Nothing was charged; please try again.`)
  }
}

/**
 * Turns a cart into an order. Payment is authorised first (no transaction is held open across a
 * network call), then ONE transaction claims the idempotency key, reserves stock with conditional
 * updates, writes the order, its lines and the ERP outbox row, and closes the cart. If stock ran
 * out meanwhile, the authorisation is voided: each step knows how to undo itself.
 */
export async function placeOrder(
  ctx: BrandCtx,
  input: CheckoutInput,
  options: PlaceOrderOptions,
): Promise<PlaceOrderResult> {
  const requestHash = hashRequest(input)
  const key = options.idempotencyKey
  // No up-front look-up of the key: a retry of a placed order finds its cart converted and is
  // answered from there, and a concurrent twin loses the key's unique index inside the transaction.

  const shipping = ctx.brand.shippingMethods.find((m) => m.code === input.shippingMethod)
  if (!shipping) throw new BadRequest('unknown-shipping-method', `Unknown shipping method "${input.shippingMethod}"`)
  const provider = options.providers.get(input.payment.provider)
  if (!provider) throw new BadRequest('validation', `Unknown payment provider "${input.payment.provider}"`)

  const cart = await loadCart(ctx, input.cartToken)
  if (cart.order_id) {
    // A retry of a checkout that went through: answer with its order (or 409 if the body differs).
    const replay = key ? await replayFor(ctx, key, requestHash) : null
    if (replay) return replay
    throw new Conflict('cart-converted', 'This cart was already checked out', { orderId: cart.order_id })
  }
  const variants = await variantsForSale(
    ctx,
    cart.lines.map((l) => l.variantId),
  )
  // The same lines the shopper was shown (priceCart): a line whose product left sale since it was
  // added is not sold, rather than blocking a cart the shopper cannot see it in.
  const priced = cart.lines.flatMap((line) => {
    const variant = variants.get(line.variantId)
    if (!variant) return []
    return [{ variant, quantity: line.quantity, unitPriceMinor: variant.priceMinor }]
  })
  if (priced.length === 0) throw new Conflict('cart-empty', 'The cart is empty')
  // Re-priced at this instant (a sale may have started or ended since the cart was filled). A price
  // higher than the shopper was shown is never charged unseen: refused, and shown from now on.
  const priceChanges = repricedLines(cart.lines, priced)
  if (priceChanges.some((c) => c.newPriceMinor > c.oldPriceMinor)) {
    await acknowledgeCartPrices(ctx, input.cartToken, new Map(priced.map((p) => [p.variant.id, p.unitPriceMinor])))
    throw new PricesChanged(priceChanges)
  }
  // The cart's promotion code, checked again now (a code that no longer applies is refused, never
  // silently dropped); its caps are enforced atomically inside the transaction below.
  const subtotalMinor = priced.reduce((sum, p) => sum + p.unitPriceMinor * p.quantity, 0)
  const promotion = await checkoutPromotion(ctx, input.cartToken, { subtotalMinor, email: input.email })
  const totals = computeTotals(priced, ctx.brand.vatRateBp, shipping, promotion?.discount ?? null)
  const orderId = newId()

  const authorization = await provider.authorize({
    amountMinor: totals.totalMinor,
    currency: ctx.brand.currency,
    token: input.payment.token,
    idempotencyKey: key ?? orderId,
    description: `${ctx.brand.name} order`,
  })
  if (authorization.status === 'declined') throw new PaymentDeclined(authorization.reason)
  if (authorization.status === 'failed') throw new PaymentFailed(authorization.reason)
  const payment = { provider: provider.name, reference: authorization.reference, last4: authorization.last4 }

  const lines: OrderLine[] = priced.map((p, index) => ({
    lineNo: index + 1,
    variantId: p.variant.id,
    productId: p.variant.productId,
    sku: p.variant.sku,
    gtin: p.variant.gtin,
    title: p.variant.title,
    size: p.variant.size,
    colour: p.variant.colour,
    quantity: p.quantity,
    unitPriceMinor: p.unitPriceMinor,
    lineTotalMinor: p.unitPriceMinor * p.quantity,
    vatMinor: totals.lineVatMinor[index] ?? 0,
  }))

  let outcome: { number: string } | 'duplicate'
  try {
    outcome = await ctx.db.transaction().execute(async (tx) => {
      const txCtx = withDb(ctx, tx)
      const number = await insertOrder(txCtx, {
        id: orderId,
        email: input.email,
        shippingAddress: input.shippingAddress,
        shippingMethod: shipping.code,
        subtotalMinor: totals.subtotalMinor,
        shippingMinor: totals.shippingMinor,
        vatMinor: totals.vatMinor,
        totalMinor: totals.totalMinor,
        discountMinor: totals.discount?.goodsMinor ?? 0,
        promotionCode: promotion?.promotion.code ?? null,
        payment,
        idempotencyKey: key,
        requestHash,
        lines,
      })
      if (number === null) return 'duplicate'
      const reserved = await reserveStock(
        txCtx,
        lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
      )
      if (!reserved.ok) {
        const { variantId, requested, available } = reserved.error
        throw new OutOfStockProblem(variantId, requested, available)
      }
      const closed = await tx
        .updateTable('carts')
        .set({ order_id: orderId, updated_at: ctx.now })
        .where('brand_id', '=', ctx.brand.id)
        .where('token', '=', input.cartToken)
        .where('order_id', 'is', null)
        .executeTakeFirst()
      if (closed.numUpdatedRows === 0n) throw new Conflict('cart-converted', 'This cart was already checked out')
      if (promotion) {
        await redeemPromotion(txCtx, {
          promotionId: promotion.promotion.id,
          code: promotion.promotion.code,
          orderId,
          customer: normalizeCustomer(input.email),
          discountMinor: totals.discount?.goodsMinor ?? 0,
          shippingDiscountMinor: totals.discount?.shippingMinor ?? 0,
        })
      }
      await enqueueOutbox(txCtx, {
        brandId: ctx.brand.id,
        topic: 'order.placed',
        aggregateId: orderId,
        payload: { orderId, number },
      })
      return { number }
    })
  } catch (error) {
    // The authorisation will never be captured; give the shopper's money back at once.
    await provider.void(authorization.reference).catch((voidError: unknown) => {
      ctx.log.error({ err: voidError, reference: authorization.reference }, 'could not void a payment authorisation')
    })
    throw error
  }

  if (outcome === 'duplicate' && key) {
    // A concurrent request with the same key won the race; the provider deduplicated the
    // authorisation on the same key, so there is nothing to void.
    const replay = await replayFor(ctx, key, requestHash)
    if (replay) return replay
    throw new Error('idempotency key conflict without an order')
  }
  if (outcome === 'duplicate') throw new Error('duplicate order insert without an idempotency key')
  // Built from what was just committed rather than read back: two fewer queries per checkout.
  const order: Order = {
    id: orderId,
    number: outcome.number,
    status: 'placed',
    email: input.email,
    shippingAddress: input.shippingAddress,
    shippingMethod: shipping.code,
    currency: ctx.brand.currency,
    locale: ctx.brand.locale,
    vatRateBp: ctx.brand.vatRateBp,
    subtotalMinor: totals.subtotalMinor,
    shippingMinor: totals.shippingMinor,
    vatMinor: totals.vatMinor,
    totalMinor: totals.totalMinor,
    discountMinor: totals.discount?.goodsMinor ?? 0,
    promotionCode: promotion?.promotion.code ?? null,
    payment,
    placedAt: ctx.now,
    cancelledAt: null,
    cancelReason: null,
    lines,
  }
  ctx.log.info({ order: order.number, totalMinor: order.totalMinor }, 'order placed')
  return { order, replayed: false, priceChanges }
}

async function replayFor(ctx: BrandCtx, key: string, requestHash: string): Promise<PlaceOrderResult | null> {
  const existing = await findOrderIdByIdempotencyKey(ctx, key)
  if (!existing) return null
  if (existing.requestHash !== requestHash) {
    throw new Conflict('idempotency-key-reused', 'This Idempotency-Key was already used for a different request')
  }
  const order = await getOrder(ctx, existing.id)
  if (!order) throw new NotFound('Order')
  return { order, replayed: true }
}

/** A stable fingerprint of the request body: same content, same hash, whatever the key order. */
export function hashRequest(input: CheckoutInput): string {
  return createHash('sha256').update(canonicalJson(input)).digest('base64url')
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

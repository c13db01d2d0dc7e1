import type { BrandCtx } from '../brands/brand.ts'
import { Conflict, NotFound } from '../platform/errors.ts'
import {
  cartPromotionCode,
  evaluateCode,
  type PromotionKind,
  PromotionRejected,
  type RejectionReason,
  rejectionMessages,
  removeCartPromotionCode,
  setCartPromotionCode,
} from '../promotions/index.ts'
import { type CartView, getCart } from './carts.ts'
import { computeTotals, type OrderDiscount } from './totals.ts'

/** The code on a cart as the shopper sees it: what it takes off, or why it does not apply. */
export interface CartPromotionView {
  code: string
  kind: PromotionKind | null
  applies: boolean
  reason: RejectionReason | null
  message: string | null
  discountMinor: number
  freeShipping: boolean
  minimumSpendMinor: number | null
}

export type PromotedCartView = CartView & { discountMinor: number; promotion: CartPromotionView | null }

/**
 * Reasons that belong to the code itself, not to this cart: such a code is refused when entered
 * rather than kept. A minimum spend not met is kept (and shown), since adding items fixes it.
 */
const refusedOnEntry: ReadonlySet<RejectionReason> = new Set([
  'unknown',
  'inactive',
  'not-yet-valid',
  'expired',
  'used-up',
])

/** A cart view with its code applied: the discount, and totals recomputed with it. */
export async function withPromotion(ctx: BrandCtx, cart: CartView): Promise<PromotedCartView> {
  const code = cart.orderId ? null : await cartPromotionCode(ctx, cart.token)
  if (code === null) return { ...cart, discountMinor: 0, promotion: null }
  const { promotion, check } = await evaluateCode(ctx, code, { subtotalMinor: cart.subtotalMinor })
  const view: CartPromotionView = {
    code,
    kind: promotion?.kind ?? null,
    applies: check.ok,
    reason: check.ok ? null : check.reason,
    message: check.ok ? null : rejectionMessages[check.reason],
    discountMinor: check.ok ? check.goodsDiscountMinor : 0,
    freeShipping: check.ok && check.freeShipping,
    minimumSpendMinor: promotion ? promotion.minimumSpendMinor : null,
  }
  const totals = computeTotals(
    cart.lines,
    ctx.brand.vatRateBp,
    ctx.brand.shippingMethods[0] ?? null,
    cartDiscount(view),
  )
  return {
    ...cart,
    shippingMinor: totals.shippingMinor,
    vatMinor: totals.vatMinor,
    totalMinor: totals.totalMinor,
    discountMinor: totals.discount?.goodsMinor ?? 0,
    promotion: view,
  }
}

/** The discount a cart's code gives, for computeTotals (null when there is none that applies). */
export function cartDiscount(promotion: CartPromotionView | null): OrderDiscount | null {
  return promotion?.applies ? { goodsMinor: promotion.discountMinor, freeShipping: promotion.freeShipping } : null
}

/**
 * Puts a code on an open cart. A code that cannot apply whatever the cart holds (unknown, expired,
 * not yet valid, used up, deactivated) is refused with its reason and the cart keeps its previous
 * code; one whose minimum spend is not met is kept and shown with that reason.
 */
export async function applyCartPromotion(ctx: BrandCtx, token: string, input: string): Promise<PromotedCartView> {
  const cart = await getCart(ctx, token)
  if (cart.orderId) throw new Conflict('cart-converted', 'This cart was already checked out', { orderId: cart.orderId })
  const { code, promotion, check } = await evaluateCode(ctx, input, { subtotalMinor: cart.subtotalMinor })
  if (!check.ok && refusedOnEntry.has(check.reason)) throw new PromotionRejected(check.reason, promotion ? code : null)
  if (!(await setCartPromotionCode(ctx, token, code))) throw new NotFound('Cart')
  return withPromotion(ctx, cart)
}

export async function removeCartPromotion(ctx: BrandCtx, token: string): Promise<PromotedCartView> {
  const cart = await getCart(ctx, token)
  await removeCartPromotionCode(ctx, token)
  return { ...cart, discountMinor: 0, promotion: null }
}

import type { BrandCtx } from '../brands/brand.ts'
import { cartPromotionCode } from './cart-code.ts'
import { PromotionRejected } from './errors.ts'
import { checkPromotion, normalizeCode, normalizeCustomer, type Promotion, type PromotionCheck } from './promotion.ts'
import { customerUses, findPromotionByCode } from './queries.ts'

export interface CodeEvaluation {
  /** As stored (upper-case), or the shopper's text trimmed when it cannot be a code. */
  code: string
  promotion: Promotion | null
  check: PromotionCheck
}

/** Looks a code up and checks it against goods worth `subtotalMinor` (and the customer, when known). */
export async function evaluateCode(
  ctx: BrandCtx,
  input: string,
  at: { subtotalMinor: number; email?: string },
): Promise<CodeEvaluation> {
  const code = normalizeCode(input)
  // Not a possible code (too long, symbols, Unicode): unknown, without a query.
  if (!code) return { code: input.trim().slice(0, 40), promotion: null, check: { ok: false, reason: 'unknown' } }
  const promotion = await findPromotionByCode(ctx, code)
  const uses =
    promotion && at.email !== undefined && promotion.perCustomerLimit !== null
      ? await customerUses(ctx, promotion.id, normalizeCustomer(at.email))
      : 0
  return {
    code,
    promotion,
    check: checkPromotion(promotion, { now: ctx.now, subtotalMinor: at.subtotalMinor, customerUses: uses }),
  }
}

export interface CheckoutPromotion {
  promotion: Promotion
  /** Structurally checkout's OrderDiscount. */
  discount: { goodsMinor: number; freeShipping: boolean }
}

/**
 * The cart's code as checkout applies it: null when the cart has none; a PromotionRejected when
 * it has one that does not apply (any more): the shopper was shown a discount, so checkout never
 * silently charges the full price — they remove the code, or fix what is wrong, and pay again.
 */
export async function checkoutPromotion(
  ctx: BrandCtx,
  cartToken: string,
  at: { subtotalMinor: number; email: string },
): Promise<CheckoutPromotion | null> {
  const code = await cartPromotionCode(ctx, cartToken)
  if (code === null) return null
  const { promotion, check } = await evaluateCode(ctx, code, at)
  if (!check.ok || !promotion) throw new PromotionRejected(check.ok ? 'unknown' : check.reason, code)
  return { promotion, discount: { goodsMinor: check.goodsDiscountMinor, freeShipping: check.freeShipping } }
}

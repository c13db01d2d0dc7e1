import { sql } from 'kysely'
import type { BrandCtx } from '../brands/brand.ts'
import { PromotionRejected } from './errors.ts'
import { checkPromotion } from './promotion.ts'
import { getPromotion } from './queries.ts'

export interface RedemptionInput {
  promotionId: string
  code: string
  orderId: string
  /** The normalised checkout e-mail (normalizeCustomer). */
  customer: string
  discountMinor: number
  shippingDiscountMinor: number
}

/**
 * Uses the code for an order. Call it INSIDE the order transaction, after the order row exists:
 * either the order and its use commit together, or neither does.
 *
 * Each cap is one conditional statement, never read-then-write: the per-customer counter is an
 * upsert that only increments below the cap, and the total counter an UPDATE … WHERE used <
 * usage_limit that also writes the redemption row. Concurrent checkouts queue on the code's row
 * lock and PostgreSQL re-checks the WHERE on the row as the previous holder committed it, so a
 * code capped at 100 is used exactly 100 times. Locks are taken in one order (customer row, then
 * the code's row) by every checkout, so two checkouts never deadlock on them; the code's row —
 * the hot one on a sales day — is locked last, for as short a time as the commit allows.
 *
 * Throws PromotionRejected ('used-up', 'already-used', or whatever else changed meanwhile); the
 * caller's transaction then rolls back and the payment authorisation is voided.
 */
export async function redeemPromotion(ctx: BrandCtx, input: RedemptionInput): Promise<void> {
  const brandId = ctx.brand.id
  const customerRow = await sql<{ used: number }>`
    INSERT INTO promotion_customer_uses (brand_id, promotion_id, customer, used)
    VALUES (${brandId}, ${input.promotionId}, ${input.customer}, 1)
    ON CONFLICT (brand_id, promotion_id, customer) DO UPDATE SET used = promotion_customer_uses.used + 1
    WHERE promotion_customer_uses.used < (
      SELECT coalesce(per_customer_limit, 2147483647) FROM promotion_codes
      WHERE brand_id = ${brandId} AND id = ${input.promotionId}
    )
    RETURNING used`.execute(ctx.db)
  if (customerRow.rows.length === 0) throw new PromotionRejected('already-used', input.code)

  const redeemed = await sql<{ order_id: string }>`
    WITH code AS (
      UPDATE promotion_codes SET used = used + 1
      WHERE brand_id = ${brandId} AND id = ${input.promotionId} AND active
        AND (usage_limit IS NULL OR used < usage_limit)
        AND (starts_at IS NULL OR starts_at <= ${ctx.now})
        AND (ends_at IS NULL OR ends_at > ${ctx.now})
      RETURNING brand_id, id
    )
    INSERT INTO promotion_redemptions
      (brand_id, order_id, promotion_id, customer, discount_minor, shipping_discount_minor, redeemed_at)
    SELECT brand_id, ${input.orderId}, id, ${input.customer}, ${input.discountMinor}, ${input.shippingDiscountMinor}, ${ctx.now}
    FROM code
    RETURNING order_id`.execute(ctx.db)
  if (redeemed.rows.length > 0) return

  // Refused: say why (the code was deactivated, ended or used up since the cart showed it).
  const promotion = await getPromotion(ctx, input.promotionId)
  const check = checkPromotion(promotion, { now: ctx.now, subtotalMinor: Number.MAX_SAFE_INTEGER })
  throw new PromotionRejected(check.ok ? 'used-up' : check.reason, input.code)
}

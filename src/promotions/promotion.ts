/** A promotion code of a brand, as the rest of the code sees it. Money in the brand's minor units. */
export interface Promotion {
  id: string
  /** Upper-case: codes are matched case-insensitively. */
  code: string
  description: string
  kind: PromotionKind
  /** 1–100, for 'percentage' only. */
  percent: number | null
  /** For 'amount' only. */
  amountMinor: number | null
  /** On the goods' subtotal at the prices charged (sale prices included), before this code. */
  minimumSpendMinor: number
  /** Valid from this instant (inclusive); null = since creation. */
  startsAt: Date | null
  /** Valid until this instant (exclusive); null = no end. */
  endsAt: Date | null
  active: boolean
  /** Total orders that may use the code; null = unlimited. */
  usageLimit: number | null
  /** Orders one customer (checkout e-mail) may use it on; null = unlimited. */
  perCustomerLimit: number | null
  /** Orders placed with the code so far (a cancelled order keeps its use). */
  used: number
  createdBy: string
  createdAt: Date
  updatedAt: Date
}

export const promotionKinds = ['percentage', 'amount', 'free-shipping'] as const
export type PromotionKind = (typeof promotionKinds)[number]

/** Why a code does not apply, in the order they are checked. */
export const rejectionReasons = [
  'unknown',
  'inactive',
  'not-yet-valid',
  'expired',
  'used-up',
  'already-used',
  'minimum-spend',
] as const
export type RejectionReason = (typeof rejectionReasons)[number]

export type PromotionCheck =
  | { ok: true; goodsDiscountMinor: number; freeShipping: boolean }
  | { ok: false; reason: RejectionReason }

/** Letters, digits, '-' and '_', 2–40 characters, once upper-cased. */
export const codePattern = /^[A-Z0-9][A-Z0-9_-]{1,39}$/

/**
 * The code as stored: trimmed and upper-cased, or null when it cannot be a code at all (so a
 * hostile or absurd input is "unknown" without a query). Upper-casing is ASCII-only on purpose:
 * 'ß'.toUpperCase() is 'SS', and a code must not match another one through Unicode case rules.
 */
export function normalizeCode(input: string): string | null {
  const trimmed = input.trim()
  if (trimmed.length > 40) return null
  const upper = trimmed.replace(/[a-z]/g, (c) => c.toUpperCase())
  return codePattern.test(upper) ? upper : null
}

/**
 * The customer a per-customer cap counts: the checkout e-mail, trimmed and lower-cased. Aliases
 * (dots, +tags) are distinct addresses: mailbox providers differ on them, so they are not folded.
 */
export const normalizeCustomer = (email: string): string => email.trim().toLowerCase()

/**
 * Whether a code applies to goods worth `subtotalMinor` at `now`, and for how much. Pure: the
 * cart shows it, checkout re-checks it, and the order transaction enforces the caps atomically
 * (this read of `used` is only for the message; redeemPromotion is the guard).
 */
export function checkPromotion(
  promotion: Promotion | null,
  at: { now: Date; subtotalMinor: number; customerUses?: number },
): PromotionCheck {
  if (!promotion) return { ok: false, reason: 'unknown' }
  if (!promotion.active) return { ok: false, reason: 'inactive' }
  if (promotion.startsAt && at.now < promotion.startsAt) return { ok: false, reason: 'not-yet-valid' }
  if (promotion.endsAt && at.now >= promotion.endsAt) return { ok: false, reason: 'expired' }
  if (promotion.usageLimit !== null && promotion.used >= promotion.usageLimit) return { ok: false, reason: 'used-up' }
  if (promotion.perCustomerLimit !== null && (at.customerUses ?? 0) >= promotion.perCustomerLimit) {
    return { ok: false, reason: 'already-used' }
  }
  if (at.subtotalMinor < promotion.minimumSpendMinor) return { ok: false, reason: 'minimum-spend' }
  return {
    ok: true,
    goodsDiscountMinor: goodsDiscount(promotion, at.subtotalMinor),
    freeShipping: promotion.kind === 'free-shipping',
  }
}

/**
 * What the code takes off goods worth `subtotalMinor`: a percentage rounded half up to the
 * minor unit (10 % of 19.95 is 2.00), or the amount; never more than the goods.
 */
export function goodsDiscount(
  promotion: Pick<Promotion, 'kind' | 'percent' | 'amountMinor'>,
  subtotalMinor: number,
): number {
  if (subtotalMinor <= 0) return 0
  switch (promotion.kind) {
    case 'percentage': {
      const off = (BigInt(subtotalMinor) * BigInt(promotion.percent ?? 0) * 2n + 100n) / 200n
      return Math.min(Number(off), subtotalMinor)
    }
    case 'amount':
      return Math.min(promotion.amountMinor ?? 0, subtotalMinor)
    default:
      return 0
  }
}

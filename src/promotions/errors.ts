import { AppError } from '../platform/errors.ts'
import type { RejectionReason } from './promotion.ts'

/** What the shopper reads for each reason (the storefront translates them; the API says this). */
export const rejectionMessages: Record<RejectionReason, string> = {
  unknown: 'This promotion code does not exist.',
  inactive: 'This promotion code is no longer valid.',
  'not-yet-valid': 'This promotion code is not valid yet.',
  expired: 'This promotion code has expired.',
  'used-up': 'This promotion code has been used up.',
  'already-used': 'You have already used this promotion code.',
  'minimum-spend': 'Your order does not reach the minimum spend for this promotion code.',
}

/**
 * A code that does not apply. 409: the request is well-formed, the state of the code or the cart
 * says no. `reason` is stable for clients; the problem type is /problems/promotion-<reason>.
 */
export class PromotionRejected extends AppError {
  readonly reason: RejectionReason
  constructor(reason: RejectionReason, code: string | null, extensions: Record<string, unknown> = {}) {
    super(`promotion-${reason}`, 409, rejectionMessages[reason], { reason, promotionCode: code, ...extensions })
    this.reason = reason
  }
}

export class DuplicatePromotionCode extends AppError {
  constructor(code: string) {
    super('duplicate-promotion-code', 409, `The brand already has a promotion code "${code}"`)
  }
}

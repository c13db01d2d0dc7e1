/**
 * Promotion codes: per-brand codes (percentage, amount, free shipping) with a minimum spend, a
 * validity window and caps; the code a shopper put on a cart; and the atomic use of a code inside
 * the order transaction. Checkout composes these; this module never imports checkout.
 */
export { cartPromotionCode, removeCartPromotionCode, setCartPromotionCode } from './cart-code.ts'
export { DuplicatePromotionCode, PromotionRejected, rejectionMessages } from './errors.ts'
export { type CheckoutPromotion, type CodeEvaluation, checkoutPromotion, evaluateCode } from './evaluate-code.ts'
export { changePromotion, createPromotion, type PromotionInput } from './manage-promotions.ts'
export {
  checkPromotion,
  goodsDiscount,
  normalizeCode,
  normalizeCustomer,
  type Promotion,
  type PromotionCheck,
  type PromotionKind,
  promotionKinds,
  type RejectionReason,
  rejectionReasons,
} from './promotion.ts'
export { customerUses, findPromotionByCode, getPromotion, listPromotions } from './queries.ts'
export { type RedemptionInput, redeemPromotion } from './redeem-promotion.ts'
export { promotionAdminRoutes } from './routes.ts'
export { ApplyPromotionSchema, CartPromotionSchema } from './schemas.ts'

/** Checkout: carts, totals, payment providers and placing an order. */
export {
  type CartLineView,
  type CartView,
  changeCartLine,
  createCart,
  getCart,
  maxCartLines,
  maxLineQuantity,
} from './carts.ts'
export type { AuthorizeOutcome, AuthorizeRequest, PaymentProvider } from './payments/provider.ts'
export { createTestProvider, testCards } from './payments/test-provider.ts'
export { type CheckoutInput, hashRequest, type PlaceOrderResult, placeOrder } from './place-order.ts'
export { computeTotals, type PricedLine, shippingFee, type Totals } from './totals.ts'

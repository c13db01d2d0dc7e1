import type { BrandCtx } from '../../src/brands/brand.ts'
import type { ProductDetail } from '../../src/catalog/index.ts'
import { changeCartLine, createCart, testCards } from '../../src/checkout/index.ts'
import type { PaymentProvider } from '../../src/checkout/payments/provider.ts'
import { createTestProvider } from '../../src/checkout/payments/test-provider.ts'
import { type CheckoutInput, placeOrder } from '../../src/checkout/place-order.ts'
import { setCartPromotionCode } from '../../src/promotions/index.ts'

export const address = {
  name: 'Camille Martin',
  line1: '12 rue des Lilas',
  postalCode: '75011',
  city: 'Paris',
  country: 'FR',
}

/** A cart of `quantity` units of the product's first variant, with `code` on it (if given). */
export async function cartWith(
  ctx: BrandCtx,
  product: ProductDetail,
  quantity: number,
  code?: string,
): Promise<string> {
  const cart = await createCart(ctx)
  await changeCartLine(ctx, cart.token, { variantId: product.variants[0]!.id, quantity, mode: 'add' })
  if (code) await setCartPromotionCode(ctx, cart.token, code)
  return cart.token
}

export function checkoutInput(cartToken: string, email = 'camille@example.org'): CheckoutInput {
  return {
    cartToken,
    email,
    shippingAddress: address,
    shippingMethod: 'standard',
    payment: { provider: 'test', token: testCards.success },
  }
}

/** The test provider, remembering which authorisations were voided. */
export function recordingProvider(onAuthorize?: () => Promise<void>) {
  const inner = createTestProvider()
  const voided: string[] = []
  const authorized: string[] = []
  const provider: PaymentProvider = {
    name: 'test',
    async authorize(request) {
      const outcome = await inner.authorize(request)
      if (outcome.status === 'authorized') authorized.push(outcome.reference)
      await onAuthorize?.()
      return outcome
    },
    async void(reference) {
      voided.push(reference)
    },
  }
  return { providers: new Map([['test', provider]]), voided, authorized }
}

export { placeOrder }

import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { BrandCtx } from '../../brands/brand.ts'
import { cartDiscount, type PromotedCartView } from '../../checkout/cart-promotion.ts'
import { acknowledgeCartPrices, type LinePriceChange } from '../../checkout/carts.ts'
import { type CartView, computeTotals, getCart, placeOrder } from '../../checkout/index.ts'
import { findOrderByNumberAndEmail, getOrder } from '../../orders/index.ts'
import { AppError, NotFound } from '../../platform/errors.ts'
import { PromotionRejected, removeCartPromotionCode } from '../../promotions/index.ts'
import { money } from '../components.ts'
import {
  cartToken,
  formField,
  type StorefrontDeps,
  seeOther,
  sendPrivatePage,
  setCartCookies,
  shopFor,
} from '../http.ts'
import type { Shop } from '../layout.ts'
import {
  type CheckoutFields,
  type CheckoutPageOptions,
  checkoutPage,
  deliveryCountries,
  type FieldErrors,
} from '../pages/checkout.ts'
import { confirmationPage, lookupPage } from '../pages/order.ts'
import { changedCartLines, pricesChangedText } from '../pages/price-changes.ts'
import { promotionLabels, rejectionText } from '../pages/promotion.ts'
import { formBodyLimit, openCart } from './cart-pages.ts'

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const postalCodePattern = /^[A-Za-z0-9][A-Za-z0-9 -]*$/
const phonePattern = /^[+0-9 ().-]*$/
const orderNumberPattern = /^[A-Za-z]{2,5}-[0-9]{1,12}$/

/** Checkout, confirmation and order look-up: personal pages, plain forms, POST-redirect-GET. */
export async function checkoutPages(app: FastifyInstance, deps: StorefrontDeps): Promise<void> {
  app.get('/checkout', async (request, reply) => {
    const { ctx, shop } = await shopFor(request, deps)
    const cart = await openCart(ctx, request)
    if (!cart || cart.lines.length === 0) return seeOther(reply, '/cart')
    const values = emptyFields()
    // Prices moved since the shopper last saw them (a sale started or ended): said here, and the
    // prices shown now are the ones checkout will compare with (pricing).
    const changed = changedCartLines(cart.lines)
    const token = cartToken(request)
    if (changed.length > 0 && token) {
      await acknowledgeCartPrices(ctx, token, new Map(cart.lines.map((l) => [l.variantId, l.unitPriceMinor])))
      return sendPrivatePage(reply, renderCheckout(shop, cart, values, {}, pricesChangedText(shop, changed)))
    }
    return sendPrivatePage(reply, renderCheckout(shop, cart, values, {}))
  })

  app.post('/checkout', { bodyLimit: formBodyLimit }, async (request, reply) => {
    const { ctx, shop } = await shopFor(request, deps)
    const token = cartToken(request)
    const cart = await openCart(ctx, request)
    if (!token || !cart) {
      // Already ordered (a double submit that lost the race to the first): show that order.
      return (await convertedOrderId(ctx, token)) ? seeOther(reply, '/checkout/confirmation') : seeOther(reply, '/cart')
    }
    const { values, card, errors } = readCheckoutForm(request.body, shop)
    const idempotencyKey = formField(request.body, 'idempotencyKey')
    if (Object.keys(errors).length > 0 || !/^[0-9a-f-]{36}$/.test(idempotencyKey)) {
      return sendPrivatePage(reply, renderCheckout(shop, cart, values, errors), 422)
    }
    const provider = deps.providers.has('test') ? 'test' : ([...deps.providers.keys()][0] ?? 'test')
    try {
      await placeOrder(
        ctx,
        {
          cartToken: token,
          email: values.email,
          shippingAddress: {
            name: values.name,
            line1: values.line1,
            ...(values.line2 ? { line2: values.line2 } : {}),
            postalCode: values.postalCode,
            city: values.city,
            country: values.country,
            ...(values.phone ? { phone: values.phone } : {}),
          },
          shippingMethod: values.shippingMethod,
          payment: { provider, token: card },
        },
        { idempotencyKey, providers: deps.providers },
      )
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) {
        if (error instanceof AppError && error.code === 'payment-failed') {
          return sendPrivatePage(reply, renderCheckout(shop, cart, values, {}, shop.t.paymentFailed), 502)
        }
        throw error
      }
      if (error.code === 'cart-converted') return seeOther(reply, '/checkout/confirmation')
      if (error.code === 'cart-empty') return seeOther(reply, '/cart')
      if (error instanceof PromotionRejected) {
        // The code no longer applies: take it off (nothing was charged) and show the new total.
        await removeCartPromotionCode(ctx, token)
        const fresh = (await openCart(ctx, request)) ?? { ...cart, discountMinor: 0, promotion: null }
        const total = computeTotals(fresh.lines, shop.brand.vatRateBp, shippingMethodOf(shop, values)).totalMinor
        const reason = rejectionText(shop, error.reason, cart.promotion?.minimumSpendMinor ?? null)
        const alert = promotionLabels(shop).removedAtCheckout(reason, money(shop, total))
        return sendPrivatePage(reply, renderCheckout(shop, fresh, values, {}, alert), error.status)
      }
      const alert = checkoutAlert(shop, cart, error)
      const fresh = (await openCart(ctx, request)) ?? cart
      setCartCookies(request, reply, fresh)
      return sendPrivatePage(reply, renderCheckout(shop, fresh, values, {}, alert), error.status)
    }
    setCartCookies(request, reply, { itemCount: 0 })
    return seeOther(reply, '/checkout/confirmation')
  })

  app.get('/checkout/confirmation', async (request, reply) => {
    const { ctx, shop } = await shopFor(request, deps)
    const orderId = await convertedOrderId(ctx, cartToken(request))
    const order = orderId ? await getOrder(ctx, orderId) : null
    if (!order) return seeOther(reply, '/cart')
    return sendPrivatePage(reply, confirmationPage(shop, order))
  })

  app.get('/orders/lookup', async (request, reply) => {
    const { shop } = await shopFor(request, deps)
    return sendPrivatePage(reply, lookupPage(shop))
  })

  // A look-up changes nothing, but it is a POST so the e-mail stays out of URLs and logs; its
  // answer is shown directly (reloading it only asks again).
  app.post('/orders/lookup', { bodyLimit: formBodyLimit }, async (request, reply) => {
    const { ctx, shop } = await shopFor(request, deps)
    const { t } = shop
    const number = formField(request.body, 'number').slice(0, 30)
    const email = formField(request.body, 'email').slice(0, 254)
    const errors = {
      ...(orderNumberPattern.test(number) ? {} : { number: t.invalidOrderNumber }),
      ...(emailPattern.test(email) ? {} : { email: t.invalidEmail }),
    }
    if (Object.keys(errors).length > 0) return sendPrivatePage(reply, lookupPage(shop, { number, email, errors }), 422)
    const order = await findOrderByNumberAndEmail(ctx, number, email)
    if (!order) return sendPrivatePage(reply, lookupPage(shop, { number, email, notFound: true }), 404)
    return sendPrivatePage(reply, lookupPage(shop, { order }))
  })
}

async function convertedOrderId(ctx: BrandCtx, token: string | null): Promise<string | null> {
  if (!token) return null
  try {
    return (await getCart(ctx, token)).orderId
  } catch (error) {
    if (error instanceof NotFound) return null
    throw error
  }
}

function emptyFields(): CheckoutFields {
  return {
    email: '',
    name: '',
    line1: '',
    line2: '',
    postalCode: '',
    city: '',
    country: '',
    phone: '',
    shippingMethod: '',
  }
}

function shippingMethodOf(shop: Shop, values: CheckoutFields) {
  return (
    shop.brand.shippingMethods.find((m) => m.code === values.shippingMethod) ?? shop.brand.shippingMethods[0] ?? null
  )
}

function renderCheckout(
  shop: Shop,
  cart: PromotedCartView,
  values: CheckoutFields,
  errors: FieldErrors,
  alert?: string,
) {
  const totals = computeTotals(
    cart.lines,
    shop.brand.vatRateBp,
    shippingMethodOf(shop, values),
    cartDiscount(cart.promotion),
  )
  const amounts = { ...totals, discountMinor: totals.discount?.goodsMinor ?? 0 }
  const options: CheckoutPageOptions = { values, errors, idempotencyKey: randomUUID(), amounts }
  return checkoutPage(shop, cart, alert ? { ...options, alert } : options)
}

/** Reads and checks the checkout form; values are bounded so an oversized field is never echoed whole. */
function readCheckoutForm(body: unknown, shop: Shop): { values: CheckoutFields; card: string; errors: FieldErrors } {
  const { t, brand } = shop
  const errors: FieldErrors = {}
  const text = (name: keyof CheckoutFields, max: number, required = true): string => {
    const value = formField(body, name)
    if (value.length > max) errors[name] = t.tooLong(max)
    else if (required && value.length === 0) errors[name] = t.required
    return value.slice(0, max)
  }
  const values: CheckoutFields = {
    email: text('email', 254),
    name: text('name', 200),
    line1: text('line1', 200),
    line2: text('line2', 200, false),
    postalCode: text('postalCode', 20),
    city: text('city', 100),
    country: text('country', 2),
    phone: text('phone', 30, false),
    shippingMethod: text('shippingMethod', 50),
  }
  if (values.email && !errors.email && !emailPattern.test(values.email)) errors.email = t.invalidEmail
  if (values.postalCode && !errors.postalCode && !postalCodePattern.test(values.postalCode)) {
    errors.postalCode = t.invalidPostalCode
  }
  if (values.phone && !errors.phone && !phonePattern.test(values.phone)) errors.phone = t.invalidPhone
  if (!deliveryCountries.includes(values.country)) {
    errors.country = t.invalidChoice
    values.country = ''
  }
  if (!brand.shippingMethods.some((m) => m.code === values.shippingMethod)) {
    errors.shippingMethod = t.invalidChoice
    values.shippingMethod = ''
  }
  const card = formField(body, 'cardNumber').replace(/[\s-]/g, '')
  if (!/^[0-9]{12,19}$/.test(card)) errors.cardNumber = card ? t.invalidCard : t.required
  return { values, card, errors }
}

/** What went wrong with placing the order, in words that name the item when one is at fault. */
function checkoutAlert(shop: Shop, cart: CartView, error: AppError): string {
  const { t } = shop
  const variantId = error.extensions.variantId
  const line = cart.lines.find((l) => l.variantId === variantId)
  const item = line ? [line.title, line.colour, line.size].filter(Boolean).join(' · ') : ''
  switch (error.code) {
    case 'payment-declined':
      return t.paymentDeclined
    case 'out-of-stock':
      return t.outOfStock(item, Number(error.extensions.available ?? 0))
    case 'prices-changed':
      return pricesChangedText(shop, (error.extensions.changes ?? []) as LinePriceChange[])
    default:
      return error.message
  }
}

/**
 * A cart line whose product left sale is hidden from the cart view (priceCart drops it) yet
 * refused by placeOrder, so the shopper could not remove it: take it out and say which it was.
 */

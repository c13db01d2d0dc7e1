import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type BrandCtx, brandLanguage } from '../../brands/brand.ts'
import { getProductDetail } from '../../catalog/index.ts'
import {
  applyCartPromotion,
  type PromotedCartView,
  removeCartPromotion,
  withPromotion,
} from '../../checkout/cart-promotion.ts'
import { type CartView, changeCartLine, createCart, getCart } from '../../checkout/index.ts'
import { AppError, NotFound } from '../../platform/errors.ts'
import { isUuid } from '../../platform/ids.ts'
import { PromotionRejected } from '../../promotions/index.ts'
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
import { first, type Query } from '../listing-params.ts'
import { cartPage } from '../pages/cart.ts'
import { productPage, productView } from '../pages/product.ts'
import { promotionLabels, rejectionText } from '../pages/promotion.ts'

/** Forms are small; 256 KB leaves room for a pasted essay to be refused politely (a 422 page, not a reset). */
export const formBodyLimit = 256 * 1024

/** The shopper's open cart with its promotion code applied, or null (none yet, expired, or ordered). */
export async function openCart(ctx: BrandCtx, request: FastifyRequest): Promise<PromotedCartView | null> {
  const token = cartToken(request)
  if (!token) return null
  try {
    const cart = await getCart(ctx, token)
    return cart.orderId ? null : await withPromotion(ctx, cart)
  } catch (error) {
    if (error instanceof NotFound) return null
    throw error
  }
}

/** Cart pages: view, add (from a product page), change a quantity, remove a line. */
export async function cartPages(app: FastifyInstance, deps: StorefrontDeps): Promise<void> {
  app.get('/cart', async (request, reply) => {
    const { ctx, shop } = await shopFor(request, deps)
    const cart = await openCart(ctx, request)
    const added = first((request.query as Query).added) === '1'
    return sendPrivatePage(reply, cartPage(shop, cart, added && cart ? { notice: shop.t.added } : {}))
  })

  app.post('/cart/add', { bodyLimit: formBodyLimit }, async (request, reply) => {
    const { ctx, shop } = await shopFor(request, deps)
    const variantId = formField(request.body, 'variantId')
    const productId = formField(request.body, 'productId')
    if (!isUuid(variantId)) return productWithError(reply, ctx, shop, productId, null, shop.t.pickSize)
    try {
      const cart = await addToCart(ctx, request, variantId)
      setCartCookies(request, reply, cart)
      return seeOther(reply, '/cart?added=1')
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 500) throw error
      const available = Number(error.extensions.available ?? 0)
      const message =
        error.code === 'out-of-stock'
          ? available === 0
            ? shop.t.soldOut
            : shop.t.onlyLeft(available)
          : error.code === 'validation'
            ? error.message
            : shop.t.cartUnavailable
      return productWithError(reply, ctx, shop, productId, variantId, message, error.status)
    }
  })

  app.post('/cart/update', { bodyLimit: formBodyLimit }, async (request, reply) => {
    const quantity = Number(formField(request.body, 'quantity'))
    const valid = Number.isInteger(quantity) && quantity >= 0 && quantity <= 99
    return changeLine(request, reply, deps, valid ? quantity : null)
  })

  app.post('/cart/remove', { bodyLimit: formBodyLimit }, async (request, reply) => changeLine(request, reply, deps, 0))

  // Promotion codes, from the cart page or the checkout summary (returnTo says which to show again).
  app.post('/cart/promotion', { bodyLimit: formBodyLimit }, async (request, reply) => {
    const { ctx, shop } = await shopFor(request, deps)
    const back = returnPath(request.body)
    const token = cartToken(request)
    const cart = await openCart(ctx, request)
    if (!token || !cart) return seeOther(reply, '/cart')
    const input = formField(request.body, 'code')
    const refuse = (message: string, status: number) =>
      sendPrivatePage(reply, cartPage(shop, cart, { promotionError: message }), status)
    if (input.length === 0) return refuse(promotionLabels(shop).enterCode, 422)
    try {
      await applyCartPromotion(ctx, token, input.slice(0, 100))
    } catch (error) {
      if (error instanceof PromotionRejected) return refuse(rejectionText(shop, error.reason), error.status)
      if (error instanceof NotFound || (error instanceof AppError && error.code === 'cart-converted')) {
        return seeOther(reply, '/cart')
      }
      throw error
    }
    return seeOther(reply, back)
  })

  app.post('/cart/promotion/remove', { bodyLimit: formBodyLimit }, async (request, reply) => {
    const { ctx } = await shopFor(request, deps)
    const token = cartToken(request)
    if (token) {
      try {
        await removeCartPromotion(ctx, token)
      } catch (error) {
        if (!(error instanceof NotFound)) throw error
      }
    }
    return seeOther(reply, returnPath(request.body))
  })
}

/** Where a promotion form sends the shopper back: only these two pages (never an open redirect). */
function returnPath(body: unknown): '/cart' | '/checkout' {
  return formField(body, 'returnTo') === '/checkout' ? '/checkout' : '/cart'
}

/** Adds one unit to the shopper's cart, starting a new cart when there is none or it was ordered. */
async function addToCart(ctx: BrandCtx, request: FastifyRequest, variantId: string): Promise<CartView> {
  const token = cartToken(request)
  if (token) {
    try {
      return await changeCartLine(ctx, token, { variantId, quantity: 1, mode: 'add' })
    } catch (error) {
      const stale =
        (error instanceof NotFound && error.message === 'Cart not found') ||
        (error instanceof AppError && error.code === 'cart-converted')
      if (!stale) throw error
    }
  }
  const cart = await createCart(ctx)
  return changeCartLine(ctx, cart.token, { variantId, quantity: 1, mode: 'add' })
}

async function changeLine(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: StorefrontDeps,
  quantity: number | null,
): Promise<FastifyReply> {
  const { ctx, shop } = await shopFor(request, deps)
  const token = cartToken(request)
  const variantId = formField(request.body, 'variantId')
  if (!token || !isUuid(variantId)) return seeOther(reply, '/cart')
  if (quantity === null) {
    return sendPrivatePage(reply, cartPage(shop, await openCart(ctx, request), { error: shop.t.invalidQuantity }), 422)
  }
  try {
    const cart = await changeCartLine(ctx, token, { variantId, quantity, mode: 'set' })
    setCartCookies(request, reply, cart)
    return seeOther(reply, '/cart')
  } catch (error) {
    if (!(error instanceof AppError) || error.status === 500) throw error
    if (error instanceof NotFound || error.code === 'cart-converted') return seeOther(reply, '/cart')
    const cart = await openCart(ctx, request)
    const line = cart?.lines.find((l) => l.variantId === variantId)
    const message =
      error.code === 'out-of-stock' && line
        ? shop.t.outOfStock(line.title, Number(error.extensions.available ?? 0))
        : error.message
    return sendPrivatePage(reply, cartPage(shop, cart, { error: message }), error.status)
  }
}

/** The product page again, with what went wrong: personal, so never cached. */
async function productWithError(
  reply: FastifyReply,
  ctx: BrandCtx,
  shop: Shop,
  productId: string,
  variantId: string | null,
  message: string,
  status = 422,
): Promise<FastifyReply> {
  const product = isUuid(productId) ? await getProductDetail(ctx, productId) : null
  const colour = product?.variants.find((v) => v.id === variantId)?.colour ?? undefined
  const view = product ? productView(product, brandLanguage(ctx.brand), colour) : null
  if (!view) throw new NotFound('Product')
  return sendPrivatePage(reply, productPage(shop, { ...view, error: message }), status)
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { shopperCtx } from '../brands/http.ts'
import type { Db } from '../platform/db/database.ts'
import { BadRequest } from '../platform/errors.ts'
import { CartToken, problems, Uuid } from '../platform/http/schemas.ts'
import { ApplyPromotionSchema } from '../promotions/index.ts'
import { applyCartPromotion, removeCartPromotion, withPromotion } from './cart-promotion.ts'
import { changeCartLine, createCart, getCart } from './carts.ts'
import type { PaymentProvider } from './payments/provider.ts'
import { placeOrder } from './place-order.ts'
import { AddLineSchema, CartSchema, CheckoutSchema, OrderSchema, SetQuantitySchema } from './schemas.ts'

/** Carts and orders are personal: never stored by a shared cache. */
const privateNoStore = 'private, no-store'
const idempotencyKeyPattern = /^[\x21-\x7e]{1,200}$/

export const checkoutStoreRoutes: FastifyPluginAsyncTypebox<{
  db: Db
  providers: ReadonlyMap<string, PaymentProvider>
}> = async (app, { db, providers }) => {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', privateNoStore)
  })

  const token = Type.Object({ token: CartToken })
  const line = Type.Object({ token: CartToken, variantId: Uuid })

  app.post(
    '/carts',
    { schema: { tags: ['store'], summary: 'Create an empty cart', response: { 201: CartSchema, ...problems(404) } } },
    async (request, reply) => reply.code(201).send(await createCart(shopperCtx(request, db))),
  )

  app.get(
    '/carts/:token',
    {
      schema: {
        tags: ['store'],
        summary: 'A cart at current prices',
        params: token,
        response: { 200: CartSchema, ...problems(400, 404) },
      },
    },
    async (request) => {
      const ctx = shopperCtx(request, db)
      return withPromotion(ctx, await getCart(ctx, request.params.token))
    },
  )

  app.post(
    '/carts/:token/promotion',
    {
      schema: {
        tags: ['store'],
        summary: 'Put a promotion code on the cart (replaces any other)',
        description:
          'Codes are case-insensitive. A code that cannot apply is a 409 whose `reason` is unknown, inactive, ' +
          'not-yet-valid, expired or used-up. A code whose minimum spend is not met is kept and shown with ' +
          '`promotion.applies: false` and `reason: minimum-spend`. Per-customer caps are checked at checkout ' +
          '(the e-mail is known there): a 409 `promotion-already-used`.',
        params: token,
        body: ApplyPromotionSchema,
        response: { 200: CartSchema, ...problems(400, 404, 409) },
      },
    },
    async (request) => applyCartPromotion(shopperCtx(request, db), request.params.token, request.body.code),
  )

  app.delete(
    '/carts/:token/promotion',
    {
      schema: {
        tags: ['store'],
        summary: 'Take the promotion code off the cart',
        params: token,
        response: { 200: CartSchema, ...problems(400, 404) },
      },
    },
    async (request) => removeCartPromotion(shopperCtx(request, db), request.params.token),
  )

  app.post(
    '/carts/:token/lines',
    {
      schema: {
        tags: ['store'],
        summary: 'Add units of a variant (checked against available stock)',
        params: token,
        body: AddLineSchema,
        response: { 200: CartSchema, ...problems(400, 404, 409) },
      },
    },
    async (request) => {
      const ctx = shopperCtx(request, db)
      return withPromotion(ctx, await changeCartLine(ctx, request.params.token, { ...request.body, mode: 'add' }))
    },
  )

  app.put(
    '/carts/:token/lines/:variantId',
    {
      schema: {
        tags: ['store'],
        summary: 'Set the quantity of a line (0 removes it)',
        params: line,
        body: SetQuantitySchema,
        response: { 200: CartSchema, ...problems(400, 404, 409) },
      },
    },
    async (request) => {
      const ctx = shopperCtx(request, db)
      const cart = await changeCartLine(ctx, request.params.token, {
        variantId: request.params.variantId,
        quantity: request.body.quantity,
        mode: 'set',
      })
      return withPromotion(ctx, cart)
    },
  )

  app.delete(
    '/carts/:token/lines/:variantId',
    {
      schema: {
        tags: ['store'],
        summary: 'Remove a line',
        params: line,
        response: { 200: CartSchema, ...problems(400, 404, 409) },
      },
    },
    async (request) => {
      const ctx = shopperCtx(request, db)
      const cart = await changeCartLine(ctx, request.params.token, {
        variantId: request.params.variantId,
        quantity: 0,
        mode: 'set',
      })
      return withPromotion(ctx, cart)
    },
  )

  app.post(
    '/checkout',
    {
      schema: {
        tags: ['store'],
        summary: 'Pay and place the order for a cart',
        description:
          'Send an `Idempotency-Key` header (any printable ASCII, ≤ 200 chars, unique per checkout attempt): ' +
          'a retry with the same key and body returns the same order (200); the same key with another body is a 409. ' +
          "The cart's promotion code is applied and used atomically; when it no longer applies the answer is a 409 " +
          '`/problems/promotion-<reason>` (expired, used-up, already-used, minimum-spend, …), nothing is charged, and ' +
          'the code stays on the cart until removed (DELETE /carts/{token}/promotion).',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })) }),
        body: CheckoutSchema,
        response: { 200: OrderSchema, 201: OrderSchema, ...problems(400, 402, 404, 409, 502) },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'] ?? null
      if (key !== null && !idempotencyKeyPattern.test(key)) {
        throw new BadRequest('validation', 'Idempotency-Key must be 1–200 printable ASCII characters')
      }
      const result = await placeOrder(shopperCtx(request, db), request.body, { idempotencyKey: key, providers })
      return reply.code(result.replayed ? 200 : 201).send({ ...result.order, priceChanges: result.priceChanges ?? [] })
    },
  )
}

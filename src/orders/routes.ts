import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { audited } from '../access/index.ts'
import type { BrandDirectory } from '../brands/brand-directory.ts'
import { adminBrandCtx, shopperCtx } from '../brands/http.ts'
import { OrderSchema } from '../checkout/schemas.ts'
import type { Db } from '../platform/db/database.ts'
import { NotFound } from '../platform/errors.ts'
import { DateTime, problems, Slug, Uuid } from '../platform/http/schemas.ts'
import { cancelOrder } from './cancel-order.ts'
import { findOrderByNumberAndEmail, getOrder, listOrders } from './queries.ts'

export const orderStoreRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.post(
    '/orders/lookup',
    {
      schema: {
        tags: ['store'],
        summary: 'Find an order by its number and the e-mail it was placed with',
        description: 'POST keeps the e-mail out of URLs and access logs. A mismatch is a plain 404.',
        body: Type.Object(
          {
            number: Type.String({ minLength: 3, maxLength: 30, pattern: '^[A-Za-z]{2,5}-[0-9]{1,12}$' }),
            email: Type.String({ format: 'email', maxLength: 254 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: OrderSchema, ...problems(400, 404) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-store')
      const order = await findOrderByNumberAndEmail(shopperCtx(request, db), request.body.number, request.body.email)
      if (!order) throw new NotFound('Order')
      return order
    },
  )
}

const OrderSummarySchema = Type.Object({
  id: Uuid,
  number: Type.String(),
  status: Type.String(),
  email: Type.String(),
  totalMinor: Type.Integer(),
  currency: Type.String(),
  placedAt: DateTime,
})

export const orderAdminRoutes: FastifyPluginAsyncTypebox<{ db: Db; brands: BrandDirectory }> = async (
  app,
  { db, brands },
) => {
  const ctxFor = (request: Parameters<typeof adminBrandCtx>[0], slug: string) =>
    adminBrandCtx(request, db, brands, slug)

  app.get(
    '/brands/:slug/orders',
    {
      config: { permission: 'orders:read' },
      schema: {
        tags: ['admin'],
        summary: 'Orders of a brand, newest first (pass `before` = last placedAt for the next page)',
        params: Type.Object({ slug: Slug }),
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            before: Type.Optional(Type.String({ format: 'date-time' })),
            status: Type.Optional(
              Type.Union([
                Type.Literal('placed'),
                Type.Literal('partially_shipped'),
                Type.Literal('shipped'),
                Type.Literal('cancelled'),
              ]),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(OrderSummarySchema) }), ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const { limit, before, status } = request.query
      const items = await listOrders(ctxFor(request, request.params.slug), {
        limit,
        ...(before ? { before: new Date(before) } : {}),
        ...(status ? { status } : {}),
      })
      return { items }
    },
  )

  app.get(
    '/brands/:slug/orders/:id',
    {
      config: { permission: 'orders:read' },
      schema: {
        tags: ['admin'],
        summary: 'One order with its lines',
        params: Type.Object({ slug: Slug, id: Uuid }),
        response: { 200: OrderSchema, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const order = await getOrder(ctxFor(request, request.params.slug), request.params.id)
      if (!order) throw new NotFound('Order')
      return order
    },
  )

  app.post(
    '/brands/:slug/orders/:id/cancel',
    {
      config: { permission: 'orders:write' },
      schema: {
        tags: ['admin'],
        summary: 'Cancel a placed order: restock and notify the ERP (409 once the ERP shipped any of it)',
        params: Type.Object({ slug: Slug, id: Uuid }),
        body: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
        response: { 200: OrderSchema, ...problems(400, 401, 404, 409) },
      },
      // The body (a reason) is optional: a bare POST cancels too.
      preValidation: async (request) => {
        request.body ??= {}
      },
    },
    async (request) => {
      const ctx = ctxFor(request, request.params.slug)
      const view = async (tx: typeof ctx) => {
        const order = await getOrder(tx, request.params.id)
        return order ? { status: order.status, cancelReason: order.cancelReason } : null
      }
      return audited(ctx, {
        brandId: ctx.brand.id,
        entityType: 'order',
        action: 'cancel',
        entityId: request.params.id,
        before: view,
        write: (tx) => cancelOrder(tx, request.params.id, request.body.reason ?? null),
        after: view,
      })
    },
  )
}

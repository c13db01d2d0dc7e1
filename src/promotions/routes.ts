import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { BrandDirectory } from '../brands/brand-directory.ts'
import { adminBrandCtx } from '../brands/http.ts'
import type { Db } from '../platform/db/database.ts'
import { NotFound } from '../platform/errors.ts'
import { problems, Slug, Uuid } from '../platform/http/schemas.ts'
import { changePromotion, createPromotion } from './manage-promotions.ts'
import type { Promotion } from './promotion.ts'
import { customerCount, getPromotion, listPromotions } from './queries.ts'
import { NewPromotionSchema, PromotionChangesSchema, PromotionSchema } from './schemas.ts'

/**
 * Staff manage promotion codes per brand: merchandisers (catalog:write) create and change them,
 * anyone who reads the catalog sees them and their usage. Every write is in the audit log.
 */
export const promotionAdminRoutes: FastifyPluginAsyncTypebox<{ db: Db; brands: BrandDirectory }> = async (
  app,
  { db, brands },
) => {
  const ctxFor = (request: Parameters<typeof adminBrandCtx>[0], slug: string) =>
    adminBrandCtx(request, db, brands, slug)
  const one = Type.Object({ slug: Slug, id: Uuid })

  app.get(
    '/brands/:slug/promotions',
    {
      config: { permission: 'catalog:read' },
      schema: {
        tags: ['admin'],
        summary:
          'Promotion codes of a brand with their usage, in code order (pass `after` = last code for the next page)',
        params: Type.Object({ slug: Slug }),
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            after: Type.Optional(Type.String({ maxLength: 40 })),
            active: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(PromotionSchema) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const ctx = ctxFor(request, request.params.slug)
      const { limit, after, active } = request.query
      const items = await listPromotions(ctx, {
        limit,
        ...(after !== undefined ? { after: after.toUpperCase() } : {}),
        ...(active !== undefined ? { active } : {}),
      })
      return { items: items.map((p) => promotionBody(p, ctx.brand.currency)) }
    },
  )

  app.get(
    '/brands/:slug/promotions/:id',
    {
      config: { permission: 'catalog:read' },
      schema: {
        tags: ['admin'],
        summary: 'One promotion code with its usage',
        params: one,
        response: { 200: PromotionSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const ctx = ctxFor(request, request.params.slug)
      const promotion = await getPromotion(ctx, request.params.id)
      if (!promotion) throw new NotFound('Promotion')
      return promotionBody(promotion, ctx.brand.currency, await customerCount(ctx, promotion.id))
    },
  )

  app.post(
    '/brands/:slug/promotions',
    {
      config: { permission: 'catalog:write' },
      schema: {
        tags: ['admin'],
        summary: 'Create a promotion code',
        description:
          'percentage (`percent` 1–100, rounded half up to the cent), amount (`amountMinor` off the goods, ' +
          'floored at 0) or free-shipping; `minimumSpendMinor` on the goods at the prices charged; valid from ' +
          '`startsAt` (inclusive) to `endsAt` (exclusive); `usageLimit` orders in all, `perCustomerLimit` per ' +
          'checkout e-mail. Caps are enforced atomically in the order transaction. A cancelled order keeps its use.',
        params: Type.Object({ slug: Slug }),
        body: NewPromotionSchema,
        response: { 201: PromotionSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const ctx = ctxFor(request, request.params.slug)
      const promotion = await createPromotion(ctx, request.body)
      return reply.code(201).send(promotionBody(promotion, ctx.brand.currency, 0))
    },
  )

  app.patch(
    '/brands/:slug/promotions/:id',
    {
      config: { permission: 'catalog:write' },
      schema: {
        tags: ['admin'],
        summary: 'Change a promotion code’s terms (not its text); `active: true` reactivates it',
        params: one,
        body: PromotionChangesSchema,
        response: { 200: PromotionSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const ctx = ctxFor(request, request.params.slug)
      const promotion = await changePromotion(ctx, request.params.id, request.body)
      return promotionBody(promotion, ctx.brand.currency, await customerCount(ctx, promotion.id))
    },
  )

  app.post(
    '/brands/:slug/promotions/:id/deactivate',
    {
      config: { permission: 'catalog:write' },
      schema: {
        tags: ['admin'],
        summary: 'Deactivate a promotion code: carts and checkouts refuse it from now on',
        params: one,
        response: { 200: PromotionSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const ctx = ctxFor(request, request.params.slug)
      const promotion = await changePromotion(ctx, request.params.id, { active: false }, 'deactivate')
      return promotionBody(promotion, ctx.brand.currency, await customerCount(ctx, promotion.id))
    },
  )
}

function promotionBody(p: Promotion, currency: string, customers?: number) {
  return {
    ...p,
    currency,
    remaining: p.usageLimit === null ? null : Math.max(0, p.usageLimit - p.used),
    ...(customers !== undefined ? { customers } : {}),
  }
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { audited } from '../access/index.ts'
import type { BrandDirectory } from '../brands/brand-directory.ts'
import { adminBrandCtx } from '../brands/http.ts'
import { bumpCatalogVersion } from '../brands/queries.ts'
import { sellableVariants } from '../catalog/index.ts'
import type { Db } from '../platform/db/database.ts'
import { NotFound } from '../platform/errors.ts'
import { problems, Slug, Uuid } from '../platform/http/schemas.ts'
import { setOnHand, stockLevels } from './queries.ts'

const StockSchema = Type.Object({
  variantId: Uuid,
  onHand: Type.Integer(),
  reserved: Type.Integer(),
  available: Type.Integer(),
})

export const inventoryAdminRoutes: FastifyPluginAsyncTypebox<{ db: Db; brands: BrandDirectory }> = async (
  app,
  { db, brands },
) => {
  const params = Type.Object({ slug: Slug, id: Uuid })

  app.get(
    '/brands/:slug/variants/:id/stock',
    {
      config: { permission: 'catalog:read' },
      schema: {
        tags: ['admin'],
        summary: 'Stock of a variant: on hand, reserved by placed orders, available',
        params,
        response: { 200: StockSchema, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const ctx = adminBrandCtx(request, db, brands, request.params.slug)
      const [level] = await stockLevels(ctx, [request.params.id])
      if (!level) throw new NotFound('Variant')
      return level
    },
  )

  app.put(
    '/brands/:slug/variants/:id/stock',
    {
      config: { permission: 'stock:write' },
      schema: {
        tags: ['admin'],
        summary: 'Set the physical count (on hand) of a variant; reservations are kept',
        params,
        body: Type.Object(
          { onHand: Type.Integer({ minimum: 0, maximum: 10_000_000 }) },
          { additionalProperties: false },
        ),
        response: { 200: StockSchema, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const ctx = adminBrandCtx(request, db, brands, request.params.slug)
      const exists = await sellableVariants(ctx, [request.params.id])
      if (!exists.has(request.params.id)) throw new NotFound('Variant')
      const view = async (tx: typeof ctx) => {
        const [level] = await stockLevels(tx, [request.params.id])
        return level ? { onHand: level.onHand } : null
      }
      await audited(ctx, {
        brandId: ctx.brand.id,
        entityType: 'stock',
        action: 'set',
        entityId: request.params.id,
        before: view,
        write: async (tx) => {
          await setOnHand(tx, request.params.id, request.body.onHand)
          // A count change can turn "sold out" into "in stock": rebuild cached pages now.
          await bumpCatalogVersion(tx, ctx.brand.id)
        },
        after: view,
      })
      await brands.refresh()
      const [level] = await stockLevels(ctx, [request.params.id])
      if (!level) throw new NotFound('Variant')
      return level
    },
  )
}

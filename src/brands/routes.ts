import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { recordAudit, visibleBrandIds } from '../access/index.ts'
import type { Db } from '../platform/db/database.ts'
import { inTransaction } from '../platform/db/transaction.ts'
import { NotFound } from '../platform/errors.ts'
import { requestActor } from '../platform/http/actor.ts'
import { problems, Slug } from '../platform/http/schemas.ts'
import type { BrandDirectory } from './brand-directory.ts'
import { createBrand } from './create-brand.ts'
import { shopperCtx } from './http.ts'
import { BrandSchema, NewBrandSchema, PublicBrandSchema } from './schemas.ts'

export const brandStoreRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/brand',
    {
      schema: {
        tags: ['store'],
        summary: 'The shop at this host: name, currency, shipping methods, theme',
        response: { 200: PublicBrandSchema, ...problems(404) },
      },
    },
    async (request) => {
      const { brand } = shopperCtx(request, db)
      return brand
    },
  )
}

export const brandAdminRoutes: FastifyPluginAsyncTypebox<{ db: Db; brands: BrandDirectory }> = async (
  app,
  { db, brands },
) => {
  app.get(
    '/brands',
    {
      config: { permission: 'brands:read', scope: 'any-brand' },
      schema: {
        tags: ['admin'],
        summary: 'The brands you may see',
        response: { 200: Type.Object({ items: Type.Array(BrandSchema) }), ...problems(401) },
      },
    },
    async (request) => {
      const visible = visibleBrandIds(request, 'brands:read')
      return { items: brands.all().filter((b) => visible === null || visible.has(b.id)) }
    },
  )

  app.get(
    '/brands/:slug',
    {
      config: { permission: 'brands:read' },
      schema: {
        tags: ['admin'],
        summary: 'One brand',
        params: Type.Object({ slug: Slug }),
        response: { 200: BrandSchema, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const brand = brands.bySlug(request.params.slug)
      if (!brand) throw new NotFound('Brand')
      return brand
    },
  )

  app.post(
    '/brands',
    {
      config: { permission: 'brands:write' },
      schema: {
        tags: ['admin'],
        summary: 'Create a brand (tenant)',
        body: NewBrandSchema,
        response: { 201: BrandSchema, ...problems(400, 401, 409) },
      },
    },
    async (request, reply) => {
      const ctx = { db, now: new Date(), actor: requestActor(request), log: request.log }
      const brand = await inTransaction(db, async (tx) => {
        const created = await createBrand({ ...ctx, db: tx }, request.body)
        const { id, slug, name, orderPrefix, currency, locale, timeZone, vatRateBp, hosts } = created
        await recordAudit(
          { ...ctx, db: tx },
          {
            brandId: id,
            entityType: 'brand',
            entityId: id,
            action: 'create',
            before: null,
            after: { slug, name, orderPrefix, currency, locale, timeZone, vatRateBp, hosts },
          },
        )
        return created
      })
      await brands.refresh()
      return reply.code(201).send(brand)
    },
  )
}

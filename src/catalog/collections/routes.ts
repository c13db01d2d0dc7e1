import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { audited } from '../../access/index.ts'
import type { BrandCtx } from '../../brands/brand.ts'
import type { BrandDirectory } from '../../brands/brand-directory.ts'
import { adminBrandCtx, shopperCtx } from '../../brands/http.ts'
import type { Db } from '../../platform/db/database.ts'
import { NotFound } from '../../platform/errors.ts'
import { type ResponseCache, sendCachedResponse } from '../../platform/http/response-cache.ts'
import { DateTime, MinorUnits, problems, Slug, Uuid } from '../../platform/http/schemas.ts'
import { cacheVersion } from '../catalog-snapshot.ts'
import { ListingQuerySchema, ListingResultSchema, listingKey, listingQuery } from '../search/schemas.ts'
import type { Collection } from './collection.ts'
import { brandCollections, collectionBySlug, searchCollection } from './collection-listing.ts'
import {
  createCollection,
  deleteCollection,
  getCollection,
  listCollections,
  setCollectionList,
  updateCollection,
} from './queries.ts'

const CollectionSlug = Type.String({ pattern: '^[a-z0-9]([a-z0-9-]{0,78}[a-z0-9])?$', maxLength: 80 })
const SortSchema = Type.Union([
  Type.Literal('manual'),
  Type.Literal('newest'),
  Type.Literal('price-asc'),
  Type.Literal('price-desc'),
  Type.Literal('best-selling'),
])
const RulesSchema = Type.Object(
  {
    categoryPath: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    attributes: Type.Optional(
      Type.Record(
        Type.String({ minLength: 1, maxLength: 100 }),
        Type.Array(Type.String({ minLength: 1, maxLength: 1000 }), { minItems: 1, maxItems: 50 }),
      ),
    ),
    minPriceMinor: Type.Optional(MinorUnits),
    maxPriceMinor: Type.Optional(MinorUnits),
    newSince: Type.Optional(Type.String({ format: 'date-time' })),
    newWithinDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
    onSale: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
const fields = {
  slug: CollectionSlug,
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 5000 }),
  rules: RulesSchema,
  sort: SortSchema,
  featured: Type.Boolean(),
  position: Type.Integer({ minimum: 0, maximum: 100_000 }),
}
const NewCollectionSchema = Type.Object(
  {
    slug: fields.slug,
    title: fields.title,
    description: Type.Optional(fields.description),
    kind: Type.Union([Type.Literal('manual'), Type.Literal('rule')]),
    rules: Type.Optional(fields.rules),
    sort: Type.Optional(fields.sort),
    featured: Type.Optional(fields.featured),
    position: Type.Optional(fields.position),
  },
  { additionalProperties: false },
)
const CollectionChangesSchema = Type.Object(
  {
    slug: Type.Optional(fields.slug),
    title: Type.Optional(fields.title),
    description: Type.Optional(fields.description),
    rules: Type.Optional(fields.rules),
    sort: Type.Optional(fields.sort),
    featured: Type.Optional(fields.featured),
    position: Type.Optional(fields.position),
  },
  { additionalProperties: false, minProperties: 1 },
)
const ProductListSchema = Type.Object(
  { productIds: Type.Array(Uuid, { maxItems: 5000 }) },
  { additionalProperties: false },
)
const CollectionSchema = Type.Object({
  id: Uuid,
  slug: Type.String(),
  title: Type.String(),
  description: Type.String(),
  kind: Type.String(),
  rules: Type.Record(Type.String(), Type.Unknown()),
  sort: Type.String(),
  featured: Type.Boolean(),
  position: Type.Integer(),
  productIds: Type.Array(Uuid),
  pinnedIds: Type.Array(Uuid),
  createdAt: DateTime,
  updatedAt: DateTime,
})
const PublicCollectionSchema = Type.Object({
  slug: Type.String(),
  title: Type.String(),
  description: Type.String(),
  featured: Type.Boolean(),
})

/** Rules are a closed schema on input; on output they are a plain JSON object. */
const collectionBody = (c: Collection) => ({ ...c, rules: c.rules as Record<string, unknown> })

const jsonType = 'application/json; charset=utf-8'
const stockFreshnessMs = 2000
const sharedCacheControl = 'public, max-age=0, s-maxage=2, stale-while-revalidate=30'

/** The audited fields of a collection, members and pins included. */
async function collectionAuditView(ctx: BrandCtx, id: string): Promise<Record<string, unknown> | null> {
  const c = await getCollection(ctx, id)
  if (!c) return null
  const { createdAt: _c, updatedAt: _u, id: _id, ...rest } = c
  return rest
}

export const collectionAdminRoutes: FastifyPluginAsyncTypebox<{ db: Db; brands: BrandDirectory }> = async (
  app,
  { db, brands },
) => {
  const ctxFor = (request: Parameters<typeof adminBrandCtx>[0], slug: string) =>
    adminBrandCtx(request, db, brands, slug)
  const found = async (ctx: BrandCtx, id: string) => {
    const collection = await getCollection(ctx, id)
    if (!collection) throw new NotFound('Collection')
    return collectionBody(collection)
  }
  const Params = Type.Object({ slug: Slug, id: Uuid })

  app.get(
    '/brands/:slug/collections',
    {
      config: { permission: 'catalog:read' },
      schema: {
        tags: ['admin'],
        summary: 'List the brand’s collections (featured first, by position)',
        params: Type.Object({ slug: Slug }),
        response: { 200: Type.Object({ items: Type.Array(CollectionSchema) }), ...problems(400, 401, 404) },
      },
    },
    async (request) => ({ items: (await listCollections(ctxFor(request, request.params.slug))).map(collectionBody) }),
  )

  app.get(
    '/brands/:slug/collections/:id',
    {
      config: { permission: 'catalog:read' },
      schema: {
        tags: ['admin'],
        summary: 'One collection with its manual products and pins',
        params: Params,
        response: { 200: CollectionSchema, ...problems(400, 401, 404) },
      },
    },
    async (request) => found(ctxFor(request, request.params.slug), request.params.id),
  )

  app.post(
    '/brands/:slug/collections',
    {
      config: { permission: 'catalog:write' },
      schema: {
        tags: ['admin'],
        summary: 'Create a manual or rule-based collection',
        params: Type.Object({ slug: Slug }),
        body: NewCollectionSchema,
        response: { 201: CollectionSchema, ...problems(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      const ctx = ctxFor(request, request.params.slug)
      const body = request.body as Parameters<typeof createCollection>[1]
      const id = await audited(ctx, {
        brandId: ctx.brand.id,
        entityType: 'collection',
        action: 'create',
        entityId: (created: string) => created,
        write: (tx) => createCollection(tx, body),
        after: (tx, created) => collectionAuditView(tx, created),
      })
      await brands.refresh()
      return reply.code(201).send(await found(ctx, id))
    },
  )

  app.patch(
    '/brands/:slug/collections/:id',
    {
      config: { permission: 'catalog:write' },
      schema: {
        tags: ['admin'],
        summary: 'Change a collection (title, rules, sort, featured, position, …)',
        params: Params,
        body: CollectionChangesSchema,
        response: { 200: CollectionSchema, ...problems(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const ctx = ctxFor(request, request.params.slug)
      const { id } = request.params
      await changeCollection(ctx, id, 'update', (tx) =>
        updateCollection(tx, id, request.body as Parameters<typeof updateCollection>[2]),
      )
      await brands.refresh()
      return found(ctx, id)
    },
  )

  app.delete(
    '/brands/:slug/collections/:id',
    {
      config: { permission: 'catalog:write' },
      schema: {
        tags: ['admin'],
        summary: 'Delete a collection',
        params: Params,
        response: { 204: Type.Null(), ...problems(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const ctx = ctxFor(request, request.params.slug)
      const { id } = request.params
      await audited(ctx, {
        brandId: ctx.brand.id,
        entityType: 'collection',
        action: 'delete',
        entityId: id,
        before: (tx) => collectionAuditView(tx, id),
        write: (tx) => deleteCollection(tx, id),
        after: async () => null,
      })
      await brands.refresh()
      return reply.code(204).send(null)
    },
  )

  for (const which of ['products', 'pins'] as const) {
    app.put(
      `/brands/:slug/collections/:id/${which}`,
      {
        config: { permission: 'catalog:write' },
        schema: {
          tags: ['admin'],
          summary:
            which === 'products'
              ? 'Set a manual collection’s products, in display order'
              : 'Set the products pinned first in a collection, in display order',
          params: Params,
          body: ProductListSchema,
          response: { 200: CollectionSchema, ...problems(400, 401, 404) },
        },
      },
      async (request) => {
        const ctx = ctxFor(request, request.params.slug)
        const { id } = request.params
        await changeCollection(ctx, id, which === 'products' ? 'set-products' : 'set-pins', (tx) =>
          setCollectionList(tx, id, which, request.body.productIds),
        )
        await brands.refresh()
        return found(ctx, id)
      },
    )
  }
}

export const collectionStoreRoutes: FastifyPluginAsyncTypebox<{ db: Db; cache: ResponseCache }> = async (
  app,
  { db, cache },
) => {
  app.get(
    '/collections',
    {
      schema: {
        tags: ['store'],
        summary: 'The brand’s collections, featured first',
        response: { 200: Type.Object({ items: Type.Array(PublicCollectionSchema) }), ...problems(404) },
      },
    },
    async (request, reply) => {
      const ctx = shopperCtx(request, db)
      const key = `${ctx.brand.id}:${await cacheVersion(ctx)}:collections`
      const entry = await cache.getOrBuild(key, stockFreshnessMs, ctx.now.getTime(), async () => {
        const items = (await brandCollections(ctx)).map(({ slug, title, description, featured }) => ({
          slug,
          title,
          description,
          featured,
        }))
        return { body: JSON.stringify({ items }), contentType: jsonType }
      })
      return sendCachedResponse(request, reply, cache, entry, sharedCacheControl)
    },
  )

  app.get(
    '/collections/:slug',
    {
      schema: {
        tags: ['store'],
        summary: 'A collection’s products, with the same text, filters, facets, sorts and paging as search',
        description: "Default order 'manual': pinned products first, then the collection's own order.",
        params: Type.Object({ slug: CollectionSlug }),
        querystring: ListingQuerySchema,
        response: {
          200: Type.Object({ collection: PublicCollectionSchema, ...ListingResultSchema.properties }),
          304: Type.Null(),
          ...problems(400, 404),
        },
      },
    },
    async (request, reply) => {
      const ctx = shopperCtx(request, db)
      const key = `${ctx.brand.id}:${await cacheVersion(ctx)}:collection:${request.params.slug}:${listingKey(request.query)}`
      const entry = await cache.getOrBuild(key, stockFreshnessMs, ctx.now.getTime(), async () => {
        const collection = await collectionBySlug(ctx, request.params.slug)
        const result = await searchCollection(ctx, collection, listingQuery(request.query))
        const { slug, title, description, featured } = collection
        return {
          body: JSON.stringify({
            collection: { slug, title, description, featured },
            currency: ctx.brand.currency,
            ...result,
          }),
          contentType: jsonType,
        }
      })
      return sendCachedResponse(request, reply, cache, entry, sharedCacheControl)
    },
  )
}

/** An audited change of one collection: its audit view before and after, in the write's transaction. */
function changeCollection<T>(ctx: BrandCtx, id: string, action: string, write: (tx: BrandCtx) => Promise<T>) {
  const view = (tx: BrandCtx) => collectionAuditView(tx, id)
  return audited(ctx, {
    brandId: ctx.brand.id,
    entityType: 'collection',
    action,
    entityId: id,
    before: view,
    write,
    after: view,
  })
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { audited } from '../access/index.ts'
import type { BrandDirectory } from '../brands/brand-directory.ts'
import { adminBrandCtx, shopperCtx } from '../brands/http.ts'
import type { Db } from '../platform/db/database.ts'
import { NotFound } from '../platform/errors.ts'
import { type ResponseCache, sendCachedResponse } from '../platform/http/response-cache.ts'
import { problems, Slug, Uuid } from '../platform/http/schemas.ts'
import { productAuditView, variantAuditView } from './audit-views.ts'
import { cacheVersion } from './catalog-snapshot.ts'
import { createProducts } from './create-products.ts'
import { getProductDetail, listProductCards } from './queries.ts'
import {
  ListQuery,
  NewProductSchema,
  ProductChangesSchema,
  ProductDetailSchema,
  ProductPageSchema,
  VariantChangesSchema,
} from './schemas.ts'
import { ListingQuerySchema, ListingResultSchema, listingKey, listingQuery } from './search/schemas.ts'
import { searchProducts } from './search-products.ts'
import { updateProduct, updateVariant } from './update-product.ts'

/**
 * Listings and product pages change with the catalog (keyed by catalog version) and with stock
 * (not keyed: an order must not flush every page). Stock shown may thus be up to this old;
 * checkout re-checks stock atomically, so staleness can disappoint but never oversell.
 */
const stockFreshnessMs = 2000
const sharedCacheControl = 'public, max-age=0, s-maxage=2, stale-while-revalidate=30'

export const catalogStoreRoutes: FastifyPluginAsyncTypebox<{ db: Db; cache: ResponseCache }> = async (
  app,
  { db, cache },
) => {
  app.get(
    '/products',
    {
      schema: {
        tags: ['store'],
        summary: 'List the brand’s active products (cards), newest first',
        querystring: ListQuery,
        response: { 200: ProductPageSchema, 304: Type.Null(), ...problems(400, 404) },
      },
    },
    async (request, reply) => {
      const ctx = shopperCtx(request, db)
      const { page, pageSize, category } = request.query
      const key = `${ctx.brand.id}:${await cacheVersion(ctx)}:products:${page}:${pageSize}:${category ?? ''}`
      const entry = await cache.getOrBuild(key, stockFreshnessMs, ctx.now.getTime(), async () => {
        const result = await listProductCards(ctx, { page, pageSize, ...(category ? { category } : {}) })
        return { body: JSON.stringify({ currency: ctx.brand.currency, ...result }), contentType: jsonType }
      })
      return sendCachedResponse(request, reply, cache, entry, sharedCacheControl)
    },
  )

  app.get(
    '/search',
    {
      schema: {
        tags: ['store'],
        summary: 'Search and filter the brand’s active products, with facet counts and keyset paging',
        description:
          'Full-text search in the brand’s language (accent-insensitive, typo-tolerant), filters (one variant ' +
          'must match every size/colour/stock filter), facet counts (a facet’s own selection does not narrow ' +
          'its own counts), sorts, and `cursor` paging (`nextCursor`; an altered cursor is a 400).',
        querystring: ListingQuerySchema,
        response: { 200: ListingResultSchema, 304: Type.Null(), ...problems(400, 404) },
      },
    },
    async (request, reply) => {
      const ctx = shopperCtx(request, db)
      const key = `${ctx.brand.id}:${await cacheVersion(ctx)}:search:${listingKey(request.query)}`
      const entry = await cache.getOrBuild(key, stockFreshnessMs, ctx.now.getTime(), async () => {
        const result = await searchProducts(ctx, listingQuery(request.query))
        return { body: JSON.stringify({ currency: ctx.brand.currency, ...result }), contentType: jsonType }
      })
      return sendCachedResponse(request, reply, cache, entry, sharedCacheControl)
    },
  )

  app.get(
    '/products/:id',
    {
      schema: {
        tags: ['store'],
        summary: 'One active product with its variants, prices and available stock',
        params: Type.Object({ id: Uuid }),
        response: { 200: ProductDetailSchema, 304: Type.Null(), ...problems(400, 404) },
      },
    },
    async (request, reply) => {
      const ctx = shopperCtx(request, db)
      const key = `${ctx.brand.id}:${await cacheVersion(ctx)}:product:${request.params.id}`
      const entry = await cache.getOrBuild(key, stockFreshnessMs, ctx.now.getTime(), async () => {
        const product = await getProductDetail(ctx, request.params.id)
        if (!product) throw new NotFound('Product')
        return { body: JSON.stringify(productBody(product, ctx.brand.currency)), contentType: jsonType }
      })
      return sendCachedResponse(request, reply, cache, entry, sharedCacheControl)
    },
  )
}

const jsonType = 'application/json; charset=utf-8'

function productBody(product: NonNullable<Awaited<ReturnType<typeof getProductDetail>>>, currency: string) {
  const { createdAt: _created, updatedAt: _updated, ...rest } = product
  return { ...rest, currency }
}

export const catalogAdminRoutes: FastifyPluginAsyncTypebox<{ db: Db; brands: BrandDirectory }> = async (
  app,
  { db, brands },
) => {
  const ctxFor = (request: Parameters<typeof adminBrandCtx>[0], slug: string) =>
    adminBrandCtx(request, db, brands, slug)
  const afterCatalogChange = () => brands.refresh()

  app.get(
    '/brands/:slug/products',
    {
      config: { permission: 'catalog:read' },
      schema: {
        tags: ['admin'],
        summary: 'List products of a brand, any status',
        params: Type.Object({ slug: Slug }),
        querystring: ListQuery,
        response: { 200: ProductPageSchema, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const ctx = ctxFor(request, request.params.slug)
      const { page, pageSize, category } = request.query
      const result = await listProductCards(ctx, {
        page,
        pageSize,
        ...(category ? { category } : {}),
        statuses: ['draft', 'active', 'archived'],
      })
      return { currency: ctx.brand.currency, ...result }
    },
  )

  app.get(
    '/brands/:slug/products/:id',
    {
      config: { permission: 'catalog:read' },
      schema: {
        tags: ['admin'],
        summary: 'One product of a brand, any status',
        params: Type.Object({ slug: Slug, id: Uuid }),
        response: { 200: ProductDetailSchema, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const ctx = ctxFor(request, request.params.slug)
      const product = await getProductDetail(ctx, request.params.id, { includeUnpublished: true })
      if (!product) throw new NotFound('Product')
      return productBody(product, ctx.brand.currency)
    },
  )

  app.post(
    '/brands/:slug/products',
    {
      config: { permission: 'catalog:write' },
      schema: {
        tags: ['admin'],
        summary: 'Create a product with its variants and their stock',
        params: Type.Object({ slug: Slug }),
        body: NewProductSchema,
        response: { 201: ProductDetailSchema, ...problems(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      const ctx = ctxFor(request, request.params.slug)
      const id = await audited(ctx, {
        brandId: ctx.brand.id,
        entityType: 'product',
        action: 'create',
        entityId: (created: string) => created,
        write: async (tx) => (await createProducts(tx, [request.body]))[0] ?? '',
        after: (tx, created) => productAuditView(tx, created),
      })
      await afterCatalogChange()
      const product = id ? await getProductDetail(ctx, id, { includeUnpublished: true }) : null
      if (!product) throw new NotFound('Product')
      return reply.code(201).send(productBody(product, ctx.brand.currency))
    },
  )

  app.patch(
    '/brands/:slug/products/:id',
    {
      config: { permission: 'catalog:write' },
      schema: {
        tags: ['admin'],
        summary: 'Change a product (title, description, status, …)',
        params: Type.Object({ slug: Slug, id: Uuid }),
        body: ProductChangesSchema,
        response: { 200: ProductDetailSchema, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const ctx = ctxFor(request, request.params.slug)
      const view = (tx: typeof ctx) => productAuditView(tx, request.params.id)
      await audited(ctx, {
        brandId: ctx.brand.id,
        entityType: 'product',
        action: 'update',
        entityId: request.params.id,
        before: view,
        write: (tx) => updateProduct(tx, request.params.id, request.body),
        after: view,
      })
      await afterCatalogChange()
      const product = await getProductDetail(ctx, request.params.id, { includeUnpublished: true })
      if (!product) throw new NotFound('Product')
      return productBody(product, ctx.brand.currency)
    },
  )

  app.patch(
    '/brands/:slug/variants/:id',
    {
      config: { permission: 'catalog:write' },
      schema: {
        tags: ['admin'],
        summary: 'Change a variant (price, compare-at price, …)',
        params: Type.Object({ slug: Slug, id: Uuid }),
        body: VariantChangesSchema,
        response: { 204: Type.Null(), ...problems(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const ctx = ctxFor(request, request.params.slug)
      const view = (tx: typeof ctx) => variantAuditView(tx, request.params.id)
      await audited(ctx, {
        brandId: ctx.brand.id,
        entityType: 'variant',
        action: 'update',
        entityId: request.params.id,
        before: view,
        write: (tx) => updateVariant(tx, request.params.id, request.body),
        after: view,
      })
      await afterCatalogChange()
      return reply.code(204).send(null)
    },
  )
}

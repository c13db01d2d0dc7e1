import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { visibleBrandIds } from '../access/index.ts'
import type { Brand, BrandCtx } from '../brands/brand.ts'
import type { BrandDirectory } from '../brands/brand-directory.ts'
import type { Ctx } from '../platform/ctx.ts'
import type { Db } from '../platform/db/database.ts'
import { Forbidden, NotFound } from '../platform/errors.ts'
import { requestActor } from '../platform/http/actor.ts'
import { problems, Slug, Uuid } from '../platform/http/schemas.ts'
import { InvalidLocalTime, instantOf } from './local-time.ts'
import { maxPreviewMinutes, signPreview } from './preview-links.ts'
import { priceChangesAt, productPricesAt } from './price-changes.ts'
import { eventRows } from './queries.ts'
import { InvalidSaleEvent, type SaleEventInput } from './sale-event-definition.ts'
import { listSaleEvents, type SaleEventView, toView } from './sale-event-views.ts'
import { createSaleEvent, deleteSaleEvent, updateSaleEvent } from './save-sale-event.ts'
import {
  LocalDateTime,
  NewSaleEventSchema,
  PreviewLinkSchema,
  PriceChangesSchema,
  PricesAtSchema,
  SaleEventChangesSchema,
  SaleEventSchema,
} from './schemas.ts'

export interface PricingRouteOptions {
  db: Db
  brands: BrandDirectory
  clock: () => Date
}

/**
 * Sale events, prices at an instant and preview links. Events may span brands, so their routes
 * carry no :slug: the handlers check catalog:write on every brand an event covers or will cover
 * (a brand the caller has no grant on is a 404, one without the permission a 403), and show each
 * event only with the brands the caller may read.
 */
export const pricingAdminRoutes: FastifyPluginAsyncTypebox<PricingRouteOptions> = async (
  app,
  { db, brands, clock },
) => {
  const ctxOf = (request: FastifyRequest): Ctx => ({ db, now: clock(), actor: requestActor(request), log: request.log })
  const brandCtxOf = (request: FastifyRequest, slug: string): BrandCtx => {
    const brand = brands.bySlug(slug)
    if (!brand) throw new NotFound('Brand')
    return { ...ctxOf(request), brand }
  }
  const byId = (id: string) => brands.byId(id)

  app.get(
    '/sale-events',
    {
      config: { permission: 'catalog:read', scope: 'any-brand' },
      schema: {
        tags: ['admin'],
        summary: 'Sale events of the brands you may read (running and scheduled; ended too with includeEnded)',
        querystring: Type.Object(
          { brand: Type.Optional(Slug), includeEnded: Type.Boolean({ default: false }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(SaleEventSchema) }), ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const access = accessOf(request)
      let brandId: string | undefined
      if (request.query.brand) {
        const brand = brands.bySlug(request.query.brand)
        if (!brand || !access.canRead(brand.id)) throw new NotFound('Brand')
        brandId = brand.id
      }
      const items = await listSaleEvents(ctxOf(request), access.readable, byId, {
        ...(brandId ? { brandId } : {}),
        includeEnded: request.query.includeEnded,
      })
      return { items }
    },
  )

  app.post(
    '/sale-events',
    {
      config: { permission: 'catalog:write', scope: 'any-brand' },
      schema: {
        tags: ['admin'],
        summary: 'Create a sale event on one or several brands',
        description:
          "Instants without an offset are wall-clock times in each brand's time zone (DST-safe; a time a DST change skips is refused). " +
          'A variant takes the most specific rule of an event (variant, product, collection, deepest category, brand). ' +
          "Events combine: the highest-priority 'exclusive' event alone; else the best of the 'best' events and feed sale prices, " +
          "then 'stack' events on top by priority. Never below 0, never above the base price.",
        body: NewSaleEventSchema,
        response: { 201: SaleEventSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const access = accessOf(request)
      const body = request.body
      const input: SaleEventInput = {
        name: body.name,
        brands: body.brands.map((slug) => writableBrand(brands, access, slug)),
        startsAt: body.startsAt,
        endsAt: body.endsAt,
        priority: body.priority ?? 0,
        combine: body.combine ?? 'best',
        rounding: body.rounding ?? null,
        rules: body.rules,
      }
      const ctx = ctxOf(request)
      const id = await createSaleEvent(ctx, input)
      return reply.code(201).send(await viewFor(ctx, id, access, byId))
    },
  )

  app.get(
    '/sale-events/:id',
    {
      config: { permission: 'catalog:read', scope: 'any-brand' },
      schema: {
        tags: ['admin'],
        summary: 'One sale event',
        params: Type.Object({ id: Uuid }),
        response: { 200: SaleEventSchema, ...problems(400, 401, 404) },
      },
    },
    async (request) => viewFor(ctxOf(request), request.params.id, accessOf(request), byId),
  )

  app.patch(
    '/sale-events/:id',
    {
      config: { permission: 'catalog:write', scope: 'any-brand' },
      schema: {
        tags: ['admin'],
        summary: 'Change a sale event (rules and brands given are replaced whole)',
        params: Type.Object({ id: Uuid }),
        body: SaleEventChangesSchema,
        response: { 200: SaleEventSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const access = accessOf(request)
      const ctx = ctxOf(request)
      const current = await editableEvent(ctx, request.params.id, access, byId)
      const changes = request.body
      const input: SaleEventInput = {
        name: changes.name ?? current.name,
        brands: (changes.brands ?? current.brands.map((b) => b.slug)).map((slug) =>
          writableBrand(brands, access, slug),
        ),
        startsAt: changes.startsAt ?? current.startsAt,
        endsAt: changes.endsAt ?? current.endsAt,
        priority: changes.priority ?? current.priority,
        combine: changes.combine ?? current.combine,
        rounding: changes.rounding === undefined ? current.rounding : changes.rounding,
        rules: changes.rules ?? current.rules,
      }
      await updateSaleEvent(ctx, request.params.id, input)
      return viewFor(ctx, request.params.id, access, byId)
    },
  )

  app.delete(
    '/sale-events/:id',
    {
      config: { permission: 'catalog:write', scope: 'any-brand' },
      schema: {
        tags: ['admin'],
        summary: 'Delete a sale event (prices revert at once)',
        params: Type.Object({ id: Uuid }),
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const ctx = ctxOf(request)
      await editableEvent(ctx, request.params.id, accessOf(request), byId)
      await deleteSaleEvent(ctx, request.params.id)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/sale-events/:id/changes',
    {
      config: { permission: 'catalog:read', scope: 'any-brand' },
      schema: {
        tags: ['admin'],
        summary: 'What changes at the start of the event: per brand, each variant whose price moves (old → new)',
        description:
          "Compares the brand's storefront prices 1 ms before the event's start with those at its start (every event and feed price " +
          'counted), for active products, newest first.',
        params: Type.Object({ id: Uuid }),
        querystring: Type.Object(
          {
            brand: Type.Optional(Slug),
            limit: Type.Integer({ minimum: 1, maximum: 5000, default: 500 }),
            offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: PriceChangesSchema, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const ctx = ctxOf(request)
      const event = await viewFor(ctx, request.params.id, accessOf(request), byId)
      const { brand: slug, limit, offset } = request.query
      const wanted = slug ? event.brands.filter((b) => b.slug === slug) : event.brands
      if (slug && wanted.length === 0) throw new NotFound('Brand')
      const results = []
      for (const b of wanted) {
        const brand = brands.bySlug(b.slug)
        if (!brand) continue
        const { total, changes } = await priceChangesAt({ ...ctx, brand }, b.startsAt, { limit, offset })
        results.push({ slug: brand.slug, currency: brand.currency, at: b.startsAt, total, changes })
      }
      return { eventId: event.id, brands: results }
    },
  )

  app.get(
    '/brands/:slug/prices',
    {
      config: { permission: 'catalog:read' },
      schema: {
        tags: ['admin'],
        summary: 'What a product (each variant) or one variant costs at an instant (default: now)',
        params: Type.Object({ slug: Slug }),
        querystring: Type.Object(
          { productId: Type.Optional(Uuid), variantId: Type.Optional(Uuid), at: Type.Optional(LocalDateTime) },
          { additionalProperties: false },
        ),
        response: { 200: PricesAtSchema, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const ctx = brandCtxOf(request, request.params.slug)
      const { productId, variantId, at } = request.query
      if (!productId && !variantId) throw new InvalidSaleEvent('Give productId or variantId')
      const instant = at ? instantIn(at, ctx.brand) : ctx.now
      const result = await productPricesAt(ctx, { productId, variantId }, instant)
      return { at: instant, currency: ctx.brand.currency, ...result }
    },
  )

  app.post(
    '/brands/:slug/previews',
    {
      config: { permission: 'catalog:read' },
      schema: {
        tags: ['admin'],
        summary: 'A signed, expiring link showing the brand’s storefront as of an instant',
        description:
          'Preview pages are private, never cached, and marked noindex; an expired or altered link is refused (403). ' +
          'Only pages are previewed; carts and checkout keep the present prices.',
        params: Type.Object({ slug: Slug }),
        body: Type.Object(
          { at: LocalDateTime, minutes: Type.Integer({ minimum: 1, maximum: maxPreviewMinutes, default: 60 }) },
          { additionalProperties: false },
        ),
        response: { 201: PreviewLinkSchema, ...problems(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const ctx = brandCtxOf(request, request.params.slug)
      const at = instantIn(request.body.at, ctx.brand)
      const expiresAt = new Date(ctx.now.getTime() + (request.body.minutes ?? 60) * 60_000)
      const token = await signPreview(db, { brandId: ctx.brand.id, at, expiresAt })
      const url = `${request.protocol}://${shopHost(ctx.brand, request.headers.host)}/?preview=${token}`
      return reply.code(201).send({ url, token, at, expiresAt })
    },
  )
}

interface Access {
  readable: Set<string> | null
  canRead(brandId: string): boolean
  canWrite(brandId: string): boolean
}

function accessOf(request: FastifyRequest): Access {
  const read = visibleBrandIds(request, 'catalog:read')
  const write = visibleBrandIds(request, 'catalog:write')
  const canWrite = (id: string) => write === null || write.has(id)
  const canRead = (id: string) => read === null || read.has(id) || canWrite(id)
  const readable = read === null || write === null ? null : new Set([...read, ...write])
  return { readable, canRead, canWrite }
}

/** A brand the caller may write: unknown or invisible is a 404 (existence not revealed), read-only a 403. */
function writableBrand(brands: BrandDirectory, access: Access, slug: string): Brand {
  const brand = brands.bySlug(slug)
  if (!brand || !access.canRead(brand.id)) throw new NotFound('Brand')
  if (!access.canWrite(brand.id)) throw new Forbidden(`This needs catalog:write on ${slug}`)
  return brand
}

async function viewFor(
  ctx: Ctx,
  id: string,
  access: Access,
  byId: (id: string) => Brand | null,
): Promise<SaleEventView> {
  const rows = (await eventRows(ctx, id)).filter((r) => access.canRead(r.brand_id))
  if (rows.length === 0) throw new NotFound('Sale event')
  return toView(ctx, rows, byId)
}

/** An event the caller may change: visible (else 404) and writable on every brand it covers (else 403). */
async function editableEvent(ctx: Ctx, id: string, access: Access, byId: (id: string) => Brand | null) {
  const rows = await eventRows(ctx, id)
  if (!rows.some((r) => access.canRead(r.brand_id))) throw new NotFound('Sale event')
  if (!rows.every((r) => access.canWrite(r.brand_id))) {
    throw new Forbidden('This event covers brands on which you lack catalog:write')
  }
  return toView(ctx, rows, byId)
}

function instantIn(text: string, brand: Brand): Date {
  try {
    return instantOf(text, brand.timeZone)
  } catch (error) {
    if (error instanceof InvalidLocalTime) throw new InvalidSaleEvent(error.message)
    throw error
  }
}

/** The brand's first host name, or <slug>.localhost with the port the admin API was reached on. */
function shopHost(brand: Brand, adminHost: string | undefined): string {
  if (brand.hosts[0]) return brand.hosts[0]
  const port = /:(\d{1,5})$/.exec(adminHost ?? '')?.[1]
  return `${brand.slug}.localhost${port ? `:${port}` : ''}`
}

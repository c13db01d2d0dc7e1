import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { audited, visibleBrandIds } from '../access/index.ts'
import type { BrandCtx } from '../brands/brand.ts'
import type { BrandDirectory } from '../brands/brand-directory.ts'
import { adminBrandCtx } from '../brands/http.ts'
import { getOrder } from '../orders/index.ts'
import type { Db } from '../platform/db/database.ts'
import { BadRequest, Conflict, NotFound } from '../platform/errors.ts'
import { requestActor } from '../platform/http/actor.ts'
import { problems, Slug, Uuid } from '../platform/http/schemas.ts'
import {
  AttemptView,
  DeliveryState,
  DeliveryView,
  InboundView,
  MetricsView,
  OrderErpView,
  SettingsInput,
  SettingsView,
} from './admin-schemas.ts'
import { getDelivery, listDeliveries, replayDeadLetters, replayDelivery } from './deliveries.ts'
import { inboundTypes } from './inbound/documents.ts'
import { listInbound } from './inbound/list-inbound.ts'
import { erpMetrics } from './metrics.ts'
import { orderErpStatus } from './order-erp-status.ts'
import { type ErpSettings, getErpSettings, publicSettings, saveErpSettings, setPaused } from './settings.ts'
import type { TransportConfig } from './transports/index.ts'

const tags = ['admin', 'erp']
const BrandParams = Type.Object({ slug: Slug })
const DeliveryParams = Type.Object({ slug: Slug, id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) })

/**
 * The ERP admin API: transport settings (secrets never shown), deliveries with their attempts,
 * replay, pause/resume, inbound documents, one order's ERP status, and the delivery metrics.
 * Reads need `erp:read`, writes `erp:write`; every write is audited in its own transaction.
 */
export const erpAdminRoutes: FastifyPluginAsyncTypebox<{ db: Db; brands: BrandDirectory }> = async (
  app,
  { db, brands },
) => {
  const ctxFor = (request: Parameters<typeof adminBrandCtx>[0], slug: string) =>
    adminBrandCtx(request, db, brands, slug)
  const settingsView = async (ctx: BrandCtx) => publicSettings(await getErpSettings(ctx.db, ctx.brand.id))

  app.get(
    '/brands/:slug/erp/settings',
    {
      config: { permission: 'erp:read' },
      schema: {
        tags,
        summary: "The brand's ERP transport, mapping, pause and attempt budget (secrets: only whether set)",
        params: BrandParams,
        response: { 200: SettingsView, ...problems(400, 401, 404) },
      },
    },
    async (request) => settingsView(ctxFor(request, request.params.slug)),
  )

  app.put(
    '/brands/:slug/erp/settings',
    {
      config: { permission: 'erp:write' },
      schema: {
        tags,
        summary: "Change the brand's ERP settings; fields left out keep their value, a secret left out is kept",
        description:
          'HTTP needs a secret (the HMAC key, at least 16 characters, or env:NAME). SFTP needs the host key ' +
          'fingerprint (hostKeySha256): a server presenting another key is refused and nothing is uploaded.',
        params: BrandParams,
        body: SettingsInput,
        response: { 200: SettingsView, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const ctx = ctxFor(request, request.params.slug)
      const body = request.body
      const transport = body.transport as TransportConfig | null | undefined
      for (const secret of [
        transport?.kind === 'http' ? transport.secret : undefined,
        transport?.kind === 'sftp' ? transport.password : undefined,
      ]) {
        if (secret !== undefined && !secret.startsWith('env:') && secret.length < 16)
          throw new BadRequest('validation', 'a secret has at least 16 characters (or is an env:NAME reference)')
        if (secret?.startsWith('env:') && !/^env:[A-Za-z_][A-Za-z0-9_]*$/.test(secret))
          throw new BadRequest('validation', 'an env: reference names a variable: env:NAME')
      }
      const replaced = [
        transport?.kind === 'http' && transport.secret ? 'secret' : null,
        transport?.kind === 'sftp' && transport.password ? 'password' : null,
        transport?.kind === 'sftp' && transport.privateKey ? 'privateKey' : null,
      ].filter((x) => x !== null)
      return audited<BrandCtx, ErpSettings>(ctx, {
        brandId: ctx.brand.id,
        entityType: 'erp-settings',
        entityId: ctx.brand.id,
        action: 'update',
        before: settingsView,
        write: (tx) =>
          saveErpSettings(tx, ctx.brand.id, {
            ...(transport !== undefined ? { transport } : {}),
            ...(body.mapping ? { mapping: body.mapping } : {}),
            ...(body.maxAttempts !== undefined ? { maxAttempts: body.maxAttempts } : {}),
          }),
        // The audit shows which secrets were replaced, never their values.
        after: async (_tx, saved) => ({
          ...publicSettings(saved),
          ...(replaced.length > 0 ? { secretsReplaced: replaced } : {}),
        }),
      }).then(publicSettings)
    },
  )

  for (const action of ['pause', 'resume'] as const) {
    app.post(
      `/brands/:slug/erp/${action}`,
      {
        config: { permission: 'erp:write' },
        schema: {
          tags,
          summary:
            action === 'pause'
              ? "Pause deliveries to the brand's ERP (orders still queue; checkout is never slowed)"
              : "Resume deliveries to the brand's ERP",
          params: BrandParams,
          response: { 200: SettingsView, ...problems(400, 401, 404) },
        },
      },
      async (request) => {
        const ctx = ctxFor(request, request.params.slug)
        return audited(ctx, {
          brandId: ctx.brand.id,
          entityType: 'erp-settings',
          entityId: ctx.brand.id,
          action,
          before: async (tx) => ({ paused: (await settingsView(tx)).paused }),
          write: (tx) => setPaused(tx, ctx.brand.id, action === 'pause'),
          after: async (tx) => ({ paused: (await settingsView(tx)).paused }),
        }).then(() => settingsView(ctx))
      },
    )
  }

  app.get(
    '/brands/:slug/erp/deliveries',
    {
      config: { permission: 'erp:read' },
      schema: {
        tags,
        summary: 'Deliveries of the brand, newest first (pass `before` = the last id for the next page)',
        params: BrandParams,
        querystring: Type.Object(
          {
            state: Type.Optional(DeliveryState),
            orderId: Type.Optional(Uuid),
            before: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 })),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(DeliveryView) }), ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const ctx = ctxFor(request, request.params.slug)
      const { state, orderId, before, limit } = request.query
      const items = await listDeliveries(ctx, ctx.brand.id, {
        limit,
        ...(state ? { state } : {}),
        ...(orderId ? { orderId } : {}),
        ...(before !== undefined ? { before } : {}),
      })
      return { items }
    },
  )

  app.get(
    '/brands/:slug/erp/deliveries/:id',
    {
      config: { permission: 'erp:read' },
      schema: {
        tags,
        summary: 'One delivery with every attempt (time, duration, status, response excerpt)',
        params: DeliveryParams,
        response: {
          200: Type.Intersect([DeliveryView, Type.Object({ attemptLog: Type.Array(AttemptView) })]),
          ...problems(400, 401, 404),
        },
      },
    },
    async (request) => {
      const ctx = ctxFor(request, request.params.slug)
      const delivery = await getDelivery(ctx, ctx.brand.id, request.params.id)
      if (!delivery) throw new NotFound('Delivery')
      return delivery
    },
  )

  app.post(
    '/brands/:slug/erp/deliveries/:id/replay',
    {
      config: { permission: 'erp:write' },
      schema: {
        tags,
        summary: 'Send one delivery again (dead or delivered; the ERP dedupes by document UUID)',
        params: DeliveryParams,
        response: { 200: DeliveryView, ...problems(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const ctx = ctxFor(request, request.params.slug)
      const id = request.params.id
      const view = async (tx: BrandCtx) => {
        const d = await getDelivery(tx, ctx.brand.id, id)
        return d ? { state: d.state, attempts: d.attempts } : null
      }
      const replayed = await audited(ctx, {
        brandId: ctx.brand.id,
        entityType: 'erp-delivery',
        entityId: String(id),
        action: 'replay',
        before: view,
        write: async (tx) => {
          if (await replayDelivery(tx, ctx.brand.id, id)) return true
          if (!(await getDelivery(tx, ctx.brand.id, id))) throw new NotFound('Delivery')
          throw new Conflict('delivery-pending', `Delivery ${id} is pending: it will be sent without a replay`)
        },
        after: view,
      })
      const delivery = replayed ? await getDelivery(ctx, ctx.brand.id, id) : null
      if (!delivery) throw new NotFound('Delivery')
      const { attemptLog: _log, ...row } = delivery
      return row
    },
  )

  app.post(
    '/brands/:slug/erp/deliveries/replay-dead',
    {
      config: { permission: 'erp:write' },
      schema: {
        tags,
        summary: 'Send every dead letter of the brand again (per-order ordering still holds)',
        params: BrandParams,
        response: { 200: Type.Object({ replayed: Type.Integer() }), ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const ctx = ctxFor(request, request.params.slug)
      const replayed = await audited(ctx, {
        brandId: ctx.brand.id,
        entityType: 'erp-delivery',
        entityId: '*',
        action: 'replay-dead',
        write: (tx) => replayDeadLetters(tx, ctx.brand.id),
        after: async (_tx, n) => ({ replayed: n }),
      })
      return { replayed }
    },
  )

  app.get(
    '/brands/:slug/erp/inbound',
    {
      config: { permission: 'erp:read' },
      schema: {
        tags,
        summary: 'Documents received from the ERP (HTTP or inbox folder) with their outcome, newest first',
        params: BrandParams,
        querystring: Type.Object(
          {
            documentType: Type.Optional(Type.Union(inboundTypes.map((t) => Type.Literal(t)))),
            outcome: Type.Optional(
              Type.Union(['applied', 'partially-applied', 'rejected', 'recorded'].map((o) => Type.Literal(o))),
            ),
            before: Type.Optional(Type.String({ format: 'date-time' })),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(InboundView) }), ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const { documentType, outcome, before, limit } = request.query
      const items = await listInbound(ctxFor(request, request.params.slug), {
        limit,
        ...(documentType ? { documentType } : {}),
        ...(outcome ? { outcome } : {}),
        ...(before ? { before: new Date(before) } : {}),
      })
      return { items }
    },
  )

  app.get(
    '/brands/:slug/orders/:id/erp',
    {
      config: { permission: 'erp:read' },
      schema: {
        tags,
        summary: "One order's ERP status: its deliveries, the ERP's responses (accepted/rejected) and shipments",
        params: Type.Object({ slug: Slug, id: Uuid }),
        response: { 200: OrderErpView, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const ctx = ctxFor(request, request.params.slug)
      if (!(await getOrder(ctx, request.params.id))) throw new NotFound('Order')
      return orderErpStatus(ctx, request.params.id)
    },
  )

  app.get(
    '/erp/metrics',
    {
      config: { permission: 'erp:read', scope: 'any-brand' },
      schema: {
        tags,
        summary: 'ERP delivery metrics per brand: outbox depth, oldest pending age, dead letters, attempts, latency',
        description: 'Lists only the brands where the caller holds erp:read. Latency is order commit → ERP ack.',
        querystring: Type.Object(
          { windowMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60, default: 15 }) },
          { additionalProperties: false },
        ),
        response: { 200: MetricsView, ...problems(400, 401) },
      },
    },
    async (request) => {
      const now = new Date()
      const windowMinutes = request.query.windowMinutes
      const list = await erpMetrics(
        { db, now, actor: requestActor(request), log: request.log },
        { windowMs: windowMinutes * 60_000, brandIds: visibleBrandIds(request, 'erp:read') },
      )
      return { at: now, windowMinutes, brands: list }
    },
  )
}

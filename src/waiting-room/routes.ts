import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { audited } from '../access/index.ts'
import type { BrandCtx } from '../brands/brand.ts'
import type { BrandDirectory } from '../brands/brand-directory.ts'
import { adminBrandCtx } from '../brands/http.ts'
import type { Db } from '../platform/db/database.ts'
import { DateTime, Nullable, problems, Slug, Uuid } from '../platform/http/schemas.ts'
import { configureRoom, roomDefaults } from './configure-room.ts'
import { findRoom } from './queries.ts'
import { admittedThrough, type Room, roomPhase, waitingCount } from './room.ts'
import { reloadRooms } from './room-directory.ts'

const Mode = Type.Union([Type.Literal('off'), Type.Literal('on'), Type.Literal('auto'), Type.Literal('scheduled')])
const Instant = Type.String({ format: 'date-time', maxLength: 40 })

const RoomSchema = Type.Object({
  mode: Mode,
  eventId: Nullable(Uuid),
  startsAt: Nullable(DateTime),
  endsAt: Nullable(DateTime),
  preQueueMinutes: Type.Integer(),
  ratePerMinute: Type.Integer(),
  passLifetimeSeconds: Type.Integer(),
  hotProductIds: Type.Array(Uuid),
  phase: Type.Union([Type.Literal('closed'), Type.Literal('pre-queue'), Type.Literal('admitting')]),
  autoActiveSince: Nullable(DateTime),
  admittingFrom: Nullable(DateTime),
  shuffledAt: Nullable(DateTime),
  ticketsIssued: Type.Integer({ description: 'Tickets handed out since the queue last started' }),
  admitted: Type.Integer({ description: 'Admission slots released so far (K): ranks up to K are in' }),
  waiting: Type.Integer({ description: 'Tickets not admitted yet' }),
  updatedAt: Nullable(DateTime),
})

const SettingsSchema = Type.Object(
  {
    mode: Mode,
    ratePerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    passLifetimeSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 86_400 })),
    preQueueMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_080 })),
    eventId: Type.Optional(Nullable(Uuid)),
    startsAt: Type.Optional(Nullable(Instant)),
    endsAt: Type.Optional(Nullable(Instant)),
    hotProductIds: Type.Optional(Type.Array(Uuid, { maxItems: 100 })),
  },
  { additionalProperties: false },
)

function view(room: Room | null, now: Date) {
  if (!room) {
    return {
      mode: 'off' as const,
      eventId: null,
      startsAt: null,
      endsAt: null,
      ...roomDefaults,
      hotProductIds: [],
      phase: 'closed' as const,
      autoActiveSince: null,
      admittingFrom: null,
      shuffledAt: null,
      ticketsIssued: 0,
      admitted: 0,
      waiting: 0,
      updatedAt: null,
    }
  }
  return {
    mode: room.mode,
    eventId: room.eventId,
    startsAt: room.startsAt,
    endsAt: room.endsAt,
    preQueueMinutes: room.preQueueMinutes,
    ratePerMinute: room.ratePerMinute,
    passLifetimeSeconds: room.passLifetimeSeconds,
    hotProductIds: room.hotProductIds,
    phase: roomPhase(room, now),
    autoActiveSince: room.autoActiveSince,
    admittingFrom: room.admittingFrom,
    shuffledAt: room.shuffledAt,
    ticketsIssued: room.issued,
    admitted: admittedThrough(room, now),
    waiting: waitingCount(room, now),
    updatedAt: room.updatedAt,
  }
}

/** What the audit log records of a room: its settings, not its moving counters. */
const auditView = (room: Room | null) =>
  room && {
    mode: room.mode,
    eventId: room.eventId,
    startsAt: room.startsAt?.toISOString() ?? null,
    endsAt: room.endsAt?.toISOString() ?? null,
    preQueueMinutes: room.preQueueMinutes,
    ratePerMinute: room.ratePerMinute,
    passLifetimeSeconds: room.passLifetimeSeconds,
    hotProductIds: room.hotProductIds,
    epoch: room.epoch,
  }

/** The brand's waiting room in the back office: read it, set it. */
export const waitingRoomAdminRoutes: FastifyPluginAsyncTypebox<{
  db: Db
  brands: BrandDirectory
  clock?: () => Date
}> = async (app, { db, brands, clock }) => {
  const ctxFor = (request: Parameters<typeof adminBrandCtx>[0], slug: string): BrandCtx => {
    const ctx = adminBrandCtx(request, db, brands, slug)
    return clock ? { ...ctx, now: clock() } : ctx
  }

  app.get(
    '/brands/:slug/waiting-room',
    {
      config: { permission: 'brands:read' },
      schema: {
        tags: ['admin'],
        summary: "The brand's waiting room: settings, phase and queue",
        params: Type.Object({ slug: Slug }),
        response: { 200: RoomSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      const ctx = ctxFor(request, request.params.slug)
      return view(await findRoom(ctx), ctx.now)
    },
  )

  app.put(
    '/brands/:slug/waiting-room',
    {
      config: { permission: 'waiting-room:manage' },
      schema: {
        tags: ['admin'],
        summary: "Set the brand's waiting room (off, on, auto or scheduled)",
        description:
          '`on` queues every newcomer from now; `auto` switches itself on when the node sheds load for the brand ' +
          'and off once calm; `scheduled` opens a pre-queue `preQueueMinutes` before `startsAt` (or the start of ' +
          'sale event `eventId`), shuffles it at the start, then admits `ratePerMinute` shoppers a minute until ' +
          '`endsAt`. Fields left out keep their value. Changing the mode or the start starts a fresh queue; ' +
          'changing the rate keeps it. `hotProductIds` (default: the products and variants the event targets): ' +
          'when they are all sold out, the waiting page says so.',
        params: Type.Object({ slug: Slug }),
        body: SettingsSchema,
        response: { 200: RoomSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const ctx = ctxFor(request, request.params.slug)
      const body = request.body
      const room = await audited(ctx, {
        brandId: ctx.brand.id,
        entityType: 'waiting-room',
        entityId: ctx.brand.id,
        action: 'configure',
        before: async (tx) => auditView(await findRoom(tx)),
        write: (tx) =>
          configureRoom(tx, {
            mode: body.mode,
            ...(body.ratePerMinute !== undefined ? { ratePerMinute: body.ratePerMinute } : {}),
            ...(body.passLifetimeSeconds !== undefined ? { passLifetimeSeconds: body.passLifetimeSeconds } : {}),
            ...(body.preQueueMinutes !== undefined ? { preQueueMinutes: body.preQueueMinutes } : {}),
            ...(body.eventId !== undefined ? { eventId: body.eventId } : {}),
            ...(body.startsAt !== undefined
              ? { startsAt: body.startsAt === null ? null : new Date(body.startsAt) }
              : {}),
            ...(body.endsAt !== undefined ? { endsAt: body.endsAt === null ? null : new Date(body.endsAt) } : {}),
            ...(body.hotProductIds !== undefined ? { hotProductIds: body.hotProductIds } : {}),
          }),
        after: async (_tx, saved) => auditView(saved),
      })
      await reloadRooms()
      return view(room, ctx.now)
    },
  )
}

import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { BrandDirectory } from '../brands/brand-directory.ts'
import { UnknownHost } from '../brands/http.ts'
import type { Database } from '../platform/db/database.ts'
import { problemTitles } from '../platform/errors.ts'
import { problem, sendProblem } from '../platform/http/problem.ts'
import { DateTime, Nullable, problems } from '../platform/http/schemas.ts'
import { classifyRequest } from '../surge/admission/classify-request.ts'
import { HotItems } from './hot-items.ts'
import { waitingPage } from './page.ts'
import { type AutoPolicy, defaultAutoPolicy, PressureMonitor, registerPressureMonitor } from './pressure.ts'
import { roomPhase, waitingCount } from './room.ts'
import { RoomDirectory, registerRoomDirectory } from './room-directory.ts'
import { type Standing, WaitingRoomDesk } from './standing.ts'
import { passKey } from './tokens.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The waiting room of this application (set by waitingRoomGate). */
    waitingRoom: {
      /** See reportPressure: this application's monitor only. */
      reportPressure(brandId: string, shedRatio: number): Promise<'switched-on' | 'switched-off' | null>
      /** Shoppers waiting per brand with an active room, as of the rooms' last load (for /metrics). */
      waitingByBrand(): Array<{ brandId: string; waiting: number }>
    }
  }
}

export interface WaitingRoomGateOptions {
  database: Database
  brands: BrandDirectory
  /** The instant the room sees (admission slots, pass expiry); tests move it. Default: the wall clock. */
  clock?: () => Date
  autoPolicy?: Partial<AutoPolicy>
}

problemTitles['waiting-room'] ??= 'The shop is busy: wait for your turn in its waiting room'

export const statusPath = '/waiting-room/status'

/**
 * Paths the room never holds back: the back office and its API, probes and metrics, the API
 * documentation, assets and images (a waiting page must not break a page already admitted), the
 * room's own status, robots.txt and the sitemap. Every other path at a shop's host — its pages
 * and /api/store/* — waits when the room is on.
 */
const openPaths =
  /^\/(?:api\/(?!store(?:\/|$))|health$|ready$|metrics$|docs(?:\/|$)|problems\/|assets\/|media\/|waiting-room\/|robots\.txt$|sitemap\.xml$|favicon\.ico$)/

const pathOf = (url: string): string => {
  const q = url.indexOf('?')
  return q === -1 ? url : url.slice(0, q)
}

/**
 * The waiting room in front of the shop: an onRequest hook on every route of the application
 * (this plugin is not encapsulated), plus GET /waiting-room/status. With the brand's room active,
 * a request without a valid pass gets the waiting page (HTML, 503 + Retry-After) or, on the API, a
 * problem+json 503 with Retry-After and a `waitingRoom` link. The page is a 503, not a 200: crawlers
 * then keep the real page indexed and come back later instead of indexing "you are in the queue"
 * as every product's content, CDNs and caches do not store it, and monitoring counts it as the
 * deliberate refusal it is; browsers show its body as any page, and probes (/health, /ready)
 * are never held back, so load balancers keep the node in rotation.
 */
export async function waitingRoomGate(app: FastifyInstance, options: WaitingRoomGateOptions): Promise<void> {
  const { database, brands } = options
  const clock = options.clock ?? (() => new Date())
  const rooms = new RoomDirectory(database, app.log)
  await rooms.start()
  const unregisterRooms = registerRoomDirectory(rooms)
  const desk = new WaitingRoomDesk({
    db: database.db,
    rooms,
    hot: new HotItems(),
    key: await passKey(database.db),
    clock,
  })
  const monitor = new PressureMonitor(
    { db: database.db, brands, rooms, clock, log: app.log },
    { ...defaultAutoPolicy, ...options.autoPolicy },
  )
  const unregisterMonitor = registerPressureMonitor(monitor)
  app.addHook('onClose', async () => {
    unregisterMonitor()
    unregisterRooms()
    await rooms.stop()
  })
  app.decorate('waitingRoom', {
    reportPressure: (brandId: string, shedRatio: number) => monitor.report(brandId, shedRatio),
    waitingByBrand: () => {
      const now = clock()
      return rooms.all().map((room) => ({ brandId: room.brandId, waiting: waitingCount(room, now) }))
    },
  })

  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'OPTIONS') return
    const path = pathOf(request.url)
    if (openPaths.test(path)) return
    const brand = brands.byHost(request.headers.host)
    if (!brand) return
    const room = await rooms.get(brand.id)
    if (!room) return
    const now = clock()
    if (roomPhase(room, now) === 'closed') return
    const requestClass = classifyRequest(request.method, request.routeOptions.url, undefined)
    const buying = requestClass === 'checkout' || requestClass === 'cart'
    if (desk.holdsPass(request, reply, brand, room, now, buying)) return
    const api = path.startsWith('/api/')
    const page = !api && (request.method === 'GET' || request.method === 'HEAD')
    const standing = await desk.standing(request, reply, brand, room, page && !isCrawler(request))
    if (standing.admitted) return
    const { view } = standing
    reply.header('retry-after', String(view.refreshSeconds)).header('x-robots-tag', 'noindex')
    if (api) {
      return sendProblem(
        reply,
        problem('waiting-room', 503, detailOf(standing), {
          waitingRoom: statusPath,
          retryAfter: view.refreshSeconds,
          soldOut: view.soldOut,
        }),
      )
    }
    const selfUrl = page && request.url.startsWith('/') && !request.url.startsWith('//') ? request.url : '/'
    return reply
      .code(503)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(waitingPage(brand, view, selfUrl))
  })

  app.get(
    statusPath,
    {
      schema: {
        tags: ['store'],
        summary: "Where the shopper stands in the brand's waiting room",
        description:
          'Takes a ticket (cookie) when the room is active and the caller has none; sets the pass cookie once ' +
          'admitted. Poll it every `refreshSeconds`. API clients sent here by a 503 `waiting-room` problem ' +
          'keep the cookies it sets and retry their request once `admitted` is true.',
        response: { 200: StatusSchema, ...problems(404) },
      },
    },
    async (request, reply) => {
      const brand = brands.byHost(request.headers.host)
      if (!brand) throw new UnknownHost(request.headers.host)
      reply.header('cache-control', 'no-store')
      const room = await rooms.get(brand.id)
      const now = clock()
      if (!room || roomPhase(room, now) === 'closed') return closedStatus
      const admitted = { ...closedStatus, active: true, phase: roomPhase(room, now) }
      if (desk.holdsPass(request, reply, brand, room, now, false)) return admitted
      const standing = await desk.standing(request, reply, brand, room, !isCrawler(request))
      if (standing.admitted) return admitted
      const { view } = standing
      return {
        active: true,
        admitted: false,
        phase: view.phase,
        position: view.position,
        estimatedWaitSeconds: view.estimatedWaitSeconds,
        startsAt: view.startsAt,
        soldOut: view.soldOut,
        refreshSeconds: view.refreshSeconds,
      }
    },
  )
}
// Not encapsulated (what fastify-plugin does): the hook must see every route of the application.
Object.assign(waitingRoomGate, { [Symbol.for('skip-override')]: true })

const StatusSchema = Type.Object({
  active: Type.Boolean(),
  admitted: Type.Boolean(),
  phase: Type.Union([Type.Literal('closed'), Type.Literal('pre-queue'), Type.Literal('admitting')]),
  position: Nullable(Type.Integer()),
  estimatedWaitSeconds: Nullable(Type.Integer()),
  startsAt: Nullable(DateTime),
  soldOut: Type.Boolean(),
  refreshSeconds: Type.Integer(),
})

const closedStatus = {
  active: false,
  admitted: true,
  phase: 'closed' as const,
  position: null,
  estimatedWaitSeconds: null,
  startsAt: null,
  soldOut: false,
  refreshSeconds: 0,
}

function detailOf(standing: Standing & { admitted: false }): string {
  const { view } = standing
  if (view.soldOut) return "The sale's items are sold out."
  if (view.phase === 'pre-queue') return 'The sale has not started: you are in its pre-queue.'
  if (view.position !== null) return `You are number ${view.position} in the queue.`
  return 'The shop is busy: take a place in its waiting room.'
}

/** Crawlers get the 503 and come back later, without a ticket: they would never use their turn. */
const isCrawler = (request: FastifyRequest): boolean =>
  classifyRequest(request.method, undefined, request.headers['user-agent']) === 'bot'

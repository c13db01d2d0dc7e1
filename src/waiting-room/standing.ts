import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Brand, BrandCtx } from '../brands/brand.ts'
import type { Db } from '../platform/db/database.ts'
import { passCookie, readCookie, setCookie, ticketCookie } from './cookies.ts'
import type { HotItems } from './hot-items.ts'
import type { WaitingView } from './page.ts'
import { admitTicket, findTicket, issueTicket, shufflePrequeue, type Ticket } from './queries.ts'
import { admittedThrough, estimatedWaitSeconds, type Room, refreshSeconds, roomPhase } from './room.ts'
import type { RoomDirectory } from './room-directory.ts'
import { signToken, verifyToken } from './tokens.ts'

/** Where a request stands: through (admitted now or earlier) or waiting, with what to show. */
export type Standing = { admitted: true } | { admitted: false; view: WaitingView }

const ticketMaxAgeSeconds = 24 * 3600

/**
 * The waiting room's decisions for one request, shared by the gate and the status endpoint. A
 * valid pass costs no query; a ticket holder costs one indexed read; a newcomer one short
 * transaction to take a ticket.
 */
export class WaitingRoomDesk {
  private readonly shuffling = new Map<string, Promise<void>>()

  constructor(private readonly deps: { db: Db; rooms: RoomDirectory; hot: HotItems; key: Buffer; clock: () => Date }) {}

  now(): Date {
    return this.deps.clock()
  }

  /**
   * True when the request carries a pass of this brand that is still valid (or, for cart and
   * checkout requests, expired less than one lifetime ago: a shopper who paused on the checkout
   * form is not sent to the back of the queue). A pass past half its life is renewed, so an
   * active shopper keeps it as long as they keep shopping.
   */
  holdsPass(
    request: FastifyRequest,
    reply: FastifyReply,
    brand: Brand,
    room: Room,
    now: Date,
    buying: boolean,
  ): boolean {
    const claims = verifyToken(this.deps.key, 'pass', readCookie(request, passCookie))
    if (!claims || claims.brandId !== brand.id) return false
    const nowSeconds = Math.floor(now.getTime() / 1000)
    const grace = buying ? room.passLifetimeSeconds : 0
    if (claims.n + grace <= nowSeconds) return false
    if (claims.n - nowSeconds < room.passLifetimeSeconds / 2)
      this.givePass(request, reply, brand, claims.ticketId, room, now)
    return true
  }

  /**
   * Where the request's ticket stands, after the pre-queue shuffle if its time has come. Without a
   * (valid, current) ticket, one is taken when `takeTicket` (pages and the status endpoint, not
   * crawlers or API calls, which would fill the queue with places nobody comes back for).
   */
  async standing(
    request: FastifyRequest,
    reply: FastifyReply,
    brand: Brand,
    room: Room,
    takeTicket: boolean,
  ): Promise<Standing> {
    const now = this.deps.clock()
    const ctx: BrandCtx = { db: this.deps.db, brand, now, actor: { kind: 'shopper' }, log: request.log }
    let current = room
    if (current.mode === 'scheduled' && !current.shuffledAt && current.startsAt && now >= current.startsAt) {
      current = await this.shuffle(ctx, current)
    }
    let phase = roomPhase(current, now)
    if (phase === 'closed') return { admitted: true }

    let ticket = await this.presentedTicket(ctx, request, current)
    if (ticket && ticket.rank <= admittedThrough(current, now)) {
      if (await admitTicket(ctx, ticket.id)) {
        this.givePass(request, reply, brand, ticket.id, current, now)
        return { admitted: true }
      }
      // Its pass was given long ago (and has expired, or it would have been shown): back in line.
      ticket = null
    }
    if (!ticket && takeTicket) {
      ticket = await issueTicket(ctx, current, admittedThrough(current, now))
      if (!ticket) {
        // The room was reset or switched meanwhile: take a ticket in its new state.
        await this.deps.rooms.reload()
        current = (await this.deps.rooms.get(brand.id)) ?? current
        phase = roomPhase(current, now)
        if (phase === 'closed') return { admitted: true }
        ticket = await issueTicket(ctx, current, admittedThrough(current, now))
      }
      if (ticket) {
        const token = signToken(this.deps.key, 'ticket', { brandId: brand.id, ticketId: ticket.id, n: current.epoch })
        setCookie(request, reply, ticketCookie, token, ticketMaxAgeSeconds)
      }
    }

    const soldOut = await this.deps.hot.soldOut(ctx, current).catch((error: unknown) => {
      request.log.warn({ err: error }, 'waiting room: could not check the hot items')
      return false
    })
    const view = (position: number | null, wait: number | null, refresh: number): Standing => ({
      admitted: false,
      view: {
        phase: phase === 'pre-queue' ? 'pre-queue' : 'admitting',
        position,
        estimatedWaitSeconds: wait,
        startsAt: current.startsAt,
        soldOut,
        refreshSeconds: soldOut ? 30 : refresh,
      },
    })
    if (phase === 'pre-queue') {
      const untilStart = Math.max(0, Math.ceil(((current.startsAt?.getTime() ?? 0) - now.getTime()) / 1000))
      return view(null, untilStart, refreshSeconds(untilStart))
    }
    if (!ticket) return view(null, null, refreshSeconds(0))
    const position = ticket.rank - admittedThrough(current, now)
    if (position <= 0 && (await admitTicket(ctx, ticket.id))) {
      // A new ticket taken when the queue was empty: its rank is the slot being released now.
      this.givePass(request, reply, brand, ticket.id, current, now)
      return { admitted: true }
    }
    const wait = estimatedWaitSeconds(current, position)
    return view(position, wait, refreshSeconds(wait))
  }

  private async presentedTicket(ctx: BrandCtx, request: FastifyRequest, room: Room): Promise<Ticket | null> {
    const claims = verifyToken(this.deps.key, 'ticket', readCookie(request, ticketCookie))
    if (!claims || claims.brandId !== ctx.brand.id || claims.n !== room.epoch) return null
    return findTicket(ctx, claims.ticketId, room.epoch)
  }

  /** The pass: valid for the room's pass lifetime; the cookie lives one lifetime more (the grace). */
  private givePass(
    request: FastifyRequest,
    reply: FastifyReply,
    brand: Brand,
    ticketId: string,
    room: Room,
    now: Date,
  ): void {
    const expires = Math.floor(now.getTime() / 1000) + room.passLifetimeSeconds
    const token = signToken(this.deps.key, 'pass', { brandId: brand.id, ticketId, n: expires })
    setCookie(request, reply, passCookie, token, room.passLifetimeSeconds * 2)
  }

  /** One shuffle attempt per brand at a time in this process; the database elects one node. */
  private async shuffle(ctx: BrandCtx, room: Room): Promise<Room> {
    let pending = this.shuffling.get(room.brandId)
    if (!pending) {
      pending = shufflePrequeue(ctx, room.epoch)
        .then(() => this.deps.rooms.reload())
        .finally(() => this.shuffling.delete(room.brandId))
      this.shuffling.set(room.brandId, pending)
    }
    await pending
    return (await this.deps.rooms.get(room.brandId)) ?? room
  }
}

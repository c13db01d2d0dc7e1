import type { WaitingRoomsTable } from '../platform/db/schema.ts'

export type RoomMode = WaitingRoomsTable['mode']

/** A brand's waiting room as every node reads it from the database. */
export interface Room {
  brandId: string
  mode: RoomMode
  /** The sale event the schedule was taken from, if any (its start and end were copied when saved). */
  eventId: string | null
  startsAt: Date | null
  endsAt: Date | null
  preQueueMinutes: number
  ratePerMinute: number
  passLifetimeSeconds: number
  /** The sale's hot items: when none of them can be sold any more, the room says so. */
  hotProductIds: string[]
  autoActiveSince: Date | null
  lastPressureAt: Date | null
  /** Admission slots are released from this instant on, `ratePerMinute` per minute. */
  admittingFrom: Date | null
  epoch: number
  /** Tickets handed out in this epoch and the next rank to give, as of the last load (metrics). */
  issued: number
  nextRank: number
  shuffleSeed: string
  shuffledAt: Date | null
  updatedAt: Date
}

/**
 * closed: nobody waits. pre-queue: a scheduled room before its start: tickets are handed out and
 * nobody is admitted; at the start they are shuffled. admitting: tickets are admitted in rank order.
 */
export type RoomPhase = 'closed' | 'pre-queue' | 'admitting'

export function roomPhase(room: Room, now: Date): RoomPhase {
  const t = now.getTime()
  switch (room.mode) {
    case 'off':
      return 'closed'
    case 'on':
      return 'admitting'
    case 'auto':
      return room.autoActiveSince ? 'admitting' : 'closed'
    case 'scheduled': {
      if (!room.startsAt) return 'closed'
      const start = room.startsAt.getTime()
      if (room.endsAt && t >= room.endsAt.getTime()) return 'closed'
      if (t >= start) return 'admitting'
      return t >= start - room.preQueueMinutes * 60_000 ? 'pre-queue' : 'closed'
    }
  }
}

/**
 * K, the number of admission slots released by `now`: every ticket whose rank is ≤ K is admitted.
 * It grows by the rate × the time elapsed since `admittingFrom`; nothing has to run for it to grow.
 * Unused slots are not banked: a ticket taken when the queue is empty is ranked at the current
 * slot (see issueTicket), so a quiet hour does not let the next crowd in all at once.
 */
export function admittedThrough(room: Room, now: Date): number {
  if (!room.admittingFrom) return 0
  const elapsed = now.getTime() - room.admittingFrom.getTime()
  if (elapsed <= 0) return 0
  return Math.floor((room.ratePerMinute * elapsed) / 60_000)
}

/** Seconds until `position` more slots are released (position 1 = the next slot). */
export function estimatedWaitSeconds(room: Room, position: number): number {
  if (position <= 0) return 0
  return Math.ceil((position * 60) / room.ratePerMinute)
}

/**
 * How often a waiting page reloads itself (and the Retry-After it sends): often enough to notice
 * admission soon after it happens, rarely enough that a crowd of 100,000 does not become a DDoS of
 * its own: within [5 s, 30 s], about a quarter of the expected wait.
 */
/** Shoppers holding a ticket not yet admitted (pre-queue included), as of the room's last load. */
export function waitingCount(room: Room, now: Date): number {
  if (roomPhase(room, now) === 'closed') return 0
  return Math.max(0, room.nextRank - 1 - admittedThrough(room, now))
}

export function refreshSeconds(waitSeconds: number): number {
  return Math.min(30, Math.max(5, Math.ceil(waitSeconds / 4)))
}

/**
 * The instant from which slots count, after the rate changes at `now`: chosen so that the number
 * of slots already released stays the same and only the pace changes. Without it, doubling the
 * rate mid-sale would admit everyone who waited as long again, in one go.
 */
export function rebasedAdmittingFrom(room: Room, newRatePerMinute: number, now: Date): Date | null {
  if (!room.admittingFrom || now.getTime() <= room.admittingFrom.getTime()) return room.admittingFrom
  const released = admittedThrough(room, now)
  return new Date(now.getTime() - Math.floor((released * 60_000) / newRatePerMinute))
}

export function toRoom(row: {
  brand_id: string
  mode: RoomMode
  event_id: string | null
  starts_at: Date | null
  ends_at: Date | null
  prequeue_minutes: number
  rate_per_minute: number
  pass_lifetime_seconds: number
  hot_product_ids: string[]
  auto_active_since: Date | null
  last_pressure_at: Date | null
  admitting_from: Date | null
  epoch: number
  issued: number
  next_rank: number
  shuffle_seed: string
  shuffled_at: Date | null
  updated_at: Date
}): Room {
  return {
    brandId: row.brand_id,
    mode: row.mode,
    eventId: row.event_id,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    preQueueMinutes: row.prequeue_minutes,
    ratePerMinute: row.rate_per_minute,
    passLifetimeSeconds: row.pass_lifetime_seconds,
    hotProductIds: row.hot_product_ids,
    autoActiveSince: row.auto_active_since,
    lastPressureAt: row.last_pressure_at,
    admittingFrom: row.admitting_from,
    epoch: row.epoch,
    issued: Number(row.issued),
    nextRank: Number(row.next_rank),
    shuffleSeed: row.shuffle_seed,
    shuffledAt: row.shuffled_at,
    updatedAt: row.updated_at,
  }
}

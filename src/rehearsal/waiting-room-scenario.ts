import type { AdminAccess } from './admin-probe.ts'
import { AdminAccessError } from './admin-probe.ts'
import type { HttpClient } from './http-client.ts'

/** A brand's room as GET /api/admin/brands/{slug}/waiting-room shows it (the fields the scenario uses). */
interface RoomView {
  mode: 'off' | 'on' | 'auto' | 'scheduled'
  eventId: string | null
  startsAt: string | null
  endsAt: string | null
  preQueueMinutes: number
  ratePerMinute: number
  passLifetimeSeconds: number
  hotProductIds: string[]
  phase: 'closed' | 'pre-queue' | 'admitting'
  ticketsIssued: number
  admitted: number
  waiting: number
}

/** A room the rehearsal scheduled, with what it was before (to put it back). */
export interface ScheduledRoom {
  slug: string
  before: RoomView
}

/** The room's own count at the end of the load: tickets handed out, slots released, still waiting. */
export interface RoomCount {
  slug: string
  phase: RoomView['phase']
  ticketsIssued: number
  admitted: number
  waiting: number
}

const roomPath = (slug: string) => `/api/admin/brands/${slug}/waiting-room`

/**
 * Schedules each brand's waiting room as an operator does for a sale: `startsAt` is the step, the
 * pre-queue covers the run before it (shoppers arriving early get a place drawn at the start), and
 * it admits `ratePerMinute`. Through the admin API (audited), with the signed-in operator's session.
 */
export async function scheduleRooms(
  client: HttpClient,
  target: URL,
  access: AdminAccess,
  slugs: readonly string[],
  schedule: { startsAt: Date; endsAt: Date; ratePerMinute: number },
): Promise<ScheduledRoom[]> {
  const write = access.write
  if (!write) throw new AdminAccessError('--waiting-room needs a signed-in operator (--admin-email)')
  const scheduled: ScheduledRoom[] = []
  const preQueueMinutes = Math.max(1, Math.ceil((schedule.startsAt.getTime() - Date.now()) / 60_000) + 1)
  try {
    for (const slug of slugs) {
      const before = await readRoom(client, target, write, slug)
      await putRoom(client, target, write, slug, {
        mode: 'scheduled',
        startsAt: schedule.startsAt.toISOString(),
        endsAt: schedule.endsAt.toISOString(),
        preQueueMinutes,
        ratePerMinute: schedule.ratePerMinute,
      })
      scheduled.push({ slug, before })
    }
  } catch (error) {
    await restoreRooms(client, target, access, scheduled)
    throw error
  }
  return scheduled
}

export async function countRooms(
  client: HttpClient,
  target: URL,
  access: AdminAccess,
  rooms: readonly ScheduledRoom[],
): Promise<RoomCount[]> {
  const counts: RoomCount[] = []
  for (const { slug } of rooms) {
    const room = await readRoom(client, target, access.write ?? {}, slug)
    counts.push({
      slug,
      phase: room.phase,
      ticketsIssued: room.ticketsIssued,
      admitted: room.admitted,
      waiting: room.waiting,
    })
  }
  return counts
}

/** Puts each room back as it was (a room that was off is switched off; its tickets go with it). */
export async function restoreRooms(
  client: HttpClient,
  target: URL,
  access: AdminAccess,
  rooms: readonly ScheduledRoom[],
): Promise<void> {
  const write = access.write
  if (!write) return
  for (const { slug, before } of rooms) {
    await putRoom(
      client,
      target,
      write,
      slug,
      before.mode === 'off'
        ? { mode: 'off' }
        : {
            mode: before.mode,
            eventId: before.eventId,
            startsAt: before.startsAt,
            endsAt: before.endsAt,
            preQueueMinutes: before.preQueueMinutes,
            ratePerMinute: before.ratePerMinute,
            passLifetimeSeconds: before.passLifetimeSeconds,
            hotProductIds: before.hotProductIds,
          },
    )
  }
}

async function readRoom(
  client: HttpClient,
  target: URL,
  headers: Record<string, string>,
  slug: string,
): Promise<RoomView> {
  const res = await client.send({ method: 'GET', path: roomPath(slug), host: target.host, headers })
  if (res.kind !== 'response' || res.status !== 200) {
    throw new AdminAccessError(
      `reading the waiting room of ${slug} failed (${res.kind === 'response' ? `HTTP ${res.status}` : res.error})`,
    )
  }
  return JSON.parse(res.body) as RoomView
}

async function putRoom(
  client: HttpClient,
  target: URL,
  headers: Record<string, string>,
  slug: string,
  settings: Record<string, unknown>,
): Promise<void> {
  const res = await client.send({
    method: 'PUT',
    path: roomPath(slug),
    host: target.host,
    headers,
    body: JSON.stringify(settings),
  })
  if (res.kind !== 'response' || res.status !== 200) {
    throw new AdminAccessError(
      `setting the waiting room of ${slug} failed (${res.kind === 'response' ? `HTTP ${res.status}: ${res.body.slice(0, 200)}` : res.error})`,
    )
  }
}

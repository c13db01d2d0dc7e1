import type { BrandCtx } from '../brands/brand.ts'
import { getProductDetail, sellableVariants } from '../catalog/index.ts'
import { BadRequest } from '../platform/errors.ts'
import { eventRows } from '../pricing/queries.ts'
import { announceRoomChange, clearTickets, findRoom, newShuffleSeed } from './queries.ts'
import { type Room, type RoomMode, rebasedAdmittingFrom } from './room.ts'

export interface RoomSettingsInput {
  mode: RoomMode
  ratePerMinute?: number
  passLifetimeSeconds?: number
  preQueueMinutes?: number
  /** Scheduled rooms: the sale event to take the start (and end, and hot items) from... */
  eventId?: string | null
  /** ...or the instants themselves (they win over the event's). */
  startsAt?: Date | null
  endsAt?: Date | null
  hotProductIds?: string[]
}

export const roomDefaults = { ratePerMinute: 600, passLifetimeSeconds: 900, preQueueMinutes: 30 } as const

/**
 * Saves a brand's room. Fields left out keep their current value. What happens to the queue:
 * - a change of mode, or of a scheduled room's start, starts a fresh queue (new epoch, tickets
 *   dropped, new shuffle seed): `on` admits from now, `scheduled` from its start, `auto` from the
 *   moment pressure switches it on;
 * - a change of rate keeps the queue and the slots already released, and changes the pace only;
 * - `off` opens the doors (the tickets are dropped at the next activation).
 * Run it inside the audited transaction of the write; it takes the room row's lock.
 */
export async function configureRoom(ctx: BrandCtx, input: RoomSettingsInput): Promise<Room> {
  const current = await lockRoom(ctx)
  const settings = await resolveSchedule(ctx, input, current)
  const rate = input.ratePerMinute ?? current?.ratePerMinute ?? roomDefaults.ratePerMinute
  if (settings.hotProductIds.length > 0) await assertBrandProducts(ctx, settings.hotProductIds)

  const restart =
    !current ||
    current.mode !== input.mode ||
    (input.mode === 'scheduled' && current.startsAt?.getTime() !== settings.startsAt?.getTime())
  let admittingFrom: Date | null
  if (input.mode === 'off') admittingFrom = null
  else if (restart)
    admittingFrom = input.mode === 'on' ? ctx.now : input.mode === 'scheduled' ? settings.startsAt : null
  else if (current.ratePerMinute !== rate) admittingFrom = rebasedAdmittingFrom(current, rate, ctx.now)
  else admittingFrom = current.admittingFrom

  const values = {
    mode: input.mode,
    event_id: settings.eventId,
    starts_at: settings.startsAt,
    ends_at: settings.endsAt,
    prequeue_minutes: input.preQueueMinutes ?? current?.preQueueMinutes ?? roomDefaults.preQueueMinutes,
    rate_per_minute: rate,
    pass_lifetime_seconds:
      input.passLifetimeSeconds ?? current?.passLifetimeSeconds ?? roomDefaults.passLifetimeSeconds,
    hot_product_ids: JSON.stringify(settings.hotProductIds),
    admitting_from: admittingFrom,
    auto_active_since: input.mode === 'auto' && !restart ? (current?.autoActiveSince ?? null) : null,
    updated_at: ctx.now,
    ...(restart ? { next_rank: 1, issued: 0, shuffled_at: null, shuffle_seed: newShuffleSeed() } : {}),
  }
  if (!current) {
    await ctx.db
      .insertInto('waiting_rooms')
      .values({ brand_id: ctx.brand.id, ...values, shuffle_seed: newShuffleSeed() })
      .execute()
  } else {
    await ctx.db
      .updateTable('waiting_rooms')
      .set((eb) => ({ ...values, ...(restart ? { epoch: eb('epoch', '+', 1) } : {}) }))
      .where('brand_id', '=', ctx.brand.id)
      .execute()
    if (restart) await clearTickets(ctx)
  }
  await announceRoomChange(ctx, ctx.brand.id)
  const saved = await findRoom(ctx)
  if (!saved) throw new Error('waiting room vanished after its write')
  return saved
}

async function lockRoom(ctx: BrandCtx): Promise<Room | null> {
  await ctx.db.selectFrom('waiting_rooms').select('brand_id').where('brand_id', '=', ctx.brand.id).forUpdate().execute()
  return findRoom(ctx)
}

interface Schedule {
  eventId: string | null
  startsAt: Date | null
  endsAt: Date | null
  hotProductIds: string[]
}

/**
 * The instants and hot items: given ones first, then the sale event's (its start and end; its
 * product and variant targets as hot items), then the current ones. The event's instants are
 * copied: moving the event later needs the room saved again (the response shows what it holds).
 */
async function resolveSchedule(ctx: BrandCtx, input: RoomSettingsInput, current: Room | null): Promise<Schedule> {
  const eventId = input.eventId === undefined ? (current?.eventId ?? null) : input.eventId
  const event = input.eventId ? await brandEvent(ctx, input.eventId) : null
  const pick = <T>(given: T | undefined, fromEvent: T | undefined, kept: T): T =>
    given !== undefined ? given : fromEvent !== undefined ? fromEvent : kept
  const schedule: Schedule = {
    eventId,
    startsAt: pick(input.startsAt, event?.startsAt, current?.startsAt ?? null),
    endsAt: pick(input.endsAt, event?.endsAt, current?.endsAt ?? null),
    hotProductIds: [...new Set(pick(input.hotProductIds, event?.hotProductIds, current?.hotProductIds ?? []))],
  }
  if (input.mode === 'scheduled' && !schedule.startsAt) {
    throw new BadRequest('validation', 'A scheduled room needs startsAt or the eventId of a sale event of this brand')
  }
  if (schedule.startsAt && schedule.endsAt && schedule.endsAt <= schedule.startsAt) {
    throw new BadRequest('validation', 'endsAt must be after startsAt')
  }
  return schedule
}

async function brandEvent(
  ctx: BrandCtx,
  eventId: string,
): Promise<{ startsAt: Date; endsAt: Date; hotProductIds: string[] }> {
  const row = (await eventRows(ctx, eventId)).find((r) => r.brand_id === ctx.brand.id)
  if (!row) throw new BadRequest('validation', 'eventId names no sale event of this brand')
  const productIds = new Set<string>()
  const variantIds: string[] = []
  for (const rule of row.rules) {
    if (rule.target.kind === 'products') for (const id of rule.target.ids) productIds.add(id)
    if (rule.target.kind === 'variants') variantIds.push(...rule.target.ids)
  }
  for (const variant of (await sellableVariants(ctx, variantIds)).values()) productIds.add(variant.productId)
  return { startsAt: row.starts_at, endsAt: row.ends_at, hotProductIds: [...productIds] }
}

async function assertBrandProducts(ctx: BrandCtx, productIds: readonly string[]): Promise<void> {
  for (const id of productIds) {
    const product = await getProductDetail(ctx, id, { includeUnpublished: true })
    if (!product) throw new BadRequest('validation', `hotProductIds: ${id} is no product of this brand`)
  }
}

import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { BrandCtx } from '../brands/brand.ts'
import type { Ctx } from '../platform/ctx.ts'
import type { Db } from '../platform/db/database.ts'
import { inTransaction } from '../platform/db/transaction.ts'
import { newId } from '../platform/ids.ts'
import { type Room, toRoom } from './room.ts'

/** NOTIFY channel: a room changed (configuration, auto switch, shuffle); every node reloads. */
export const roomChangedChannel = 'vitrine_waiting_room'

export interface Ticket {
  id: string
  epoch: number
  seq: number
  rank: number
  prequeue: boolean
  createdAt: Date
}

export async function loadRooms(db: Db): Promise<Room[]> {
  const rows = await db.selectFrom('waiting_rooms').selectAll().execute()
  return rows.map(toRoom)
}

export async function findRoom(ctx: BrandCtx): Promise<Room | null> {
  const row = await ctx.db
    .selectFrom('waiting_rooms')
    .selectAll()
    .where('brand_id', '=', ctx.brand.id)
    .executeTakeFirst()
  return row ? toRoom(row) : null
}

/** Tells every node (and this one) to reload the rooms; delivered at commit. */
export async function announceRoomChange(ctx: Ctx, brandId: string): Promise<void> {
  await sql`select pg_notify(${roomChangedChannel}, ${brandId})`.execute(ctx.db)
}

export const newShuffleSeed = (): string => randomBytes(16).toString('hex')

/**
 * Hands out the next ticket: one statement on the room row takes the rank and counts the arrival,
 * so two nodes never give out the same rank. The rank is the next free one, or the slot being
 * released right now when the queue has run dry (no banking of idle slots). Tickets taken before a
 * scheduled start, and before the shuffle, are the pre-queue. Null when the room moved to another
 * epoch meanwhile (the caller's copy is stale).
 *
 * Written with synchronous_commit off: an arrival does not wait for an fsync (a crash of the
 * database server can lose the last few hundred ms of tickets; those shoppers take a new one).
 */
export async function issueTicket(ctx: BrandCtx, room: Room, admitted: number): Promise<Ticket | null> {
  return inTransaction(ctx.db, async (tx) => {
    await sql`set local synchronous_commit = off`.execute(tx)
    const slot = await tx
      .updateTable('waiting_rooms')
      .set({
        next_rank: sql`greatest(next_rank, ${admitted}::bigint, 1) + 1`,
        issued: sql`issued + 1`,
      })
      .where('brand_id', '=', ctx.brand.id)
      .where('epoch', '=', room.epoch)
      .returning([
        sql<number>`next_rank - 1`.as('rank'),
        'issued',
        sql<boolean>`(mode = 'scheduled' and shuffled_at is null and starts_at > ${ctx.now})`.as('prequeue'),
      ])
      .executeTakeFirst()
    if (!slot) return null
    const ticket: Ticket = {
      id: newId(),
      epoch: room.epoch,
      seq: Number(slot.issued),
      rank: Number(slot.rank),
      prequeue: slot.prequeue,
      createdAt: ctx.now,
    }
    await tx
      .insertInto('waiting_room_tickets')
      .values({
        brand_id: ctx.brand.id,
        id: ticket.id,
        epoch: ticket.epoch,
        seq: ticket.seq,
        rank: ticket.rank,
        prequeue: ticket.prequeue,
        created_at: ticket.createdAt,
      })
      .execute()
    return ticket
  })
}

/** The brand's ticket of the current epoch; null for an unknown, another brand's or an old one. */
export async function findTicket(ctx: BrandCtx, ticketId: string, epoch: number): Promise<Ticket | null> {
  const row = await ctx.db
    .selectFrom('waiting_room_tickets')
    .select(['id', 'epoch', 'seq', 'rank', 'prequeue', 'created_at'])
    .where('brand_id', '=', ctx.brand.id)
    .where('id', '=', ticketId)
    .where('epoch', '=', epoch)
    .executeTakeFirst()
  if (!row) return null
  return {
    id: row.id,
    epoch: row.epoch,
    seq: Number(row.seq),
    rank: Number(row.rank),
    prequeue: row.prequeue,
    createdAt: row.created_at,
  }
}

/**
 * Turns an admitted ticket into a pass, once: true the first time, and again within
 * `reuseWindowMs` (a browser's parallel requests at the moment of admission); false afterwards,
 * so an expired pass sends its holder back to the queue and a copied ticket cookie cannot let a
 * crowd in behind one place.
 */
export async function admitTicket(ctx: BrandCtx, ticketId: string, reuseWindowMs = 10_000): Promise<boolean> {
  const since = new Date(ctx.now.getTime() - reuseWindowMs)
  const result = await ctx.db
    .updateTable('waiting_room_tickets')
    .set({ admitted_at: sql`coalesce(admitted_at, ${ctx.now})` })
    .where('brand_id', '=', ctx.brand.id)
    .where('id', '=', ticketId)
    .where((eb) => eb.or([eb('admitted_at', 'is', null), eb('admitted_at', '>=', since)]))
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/**
 * At the start instant, the pre-queue is drawn: the ranks 1..N its tickets hold (in arrival order)
 * are dealt out again in the order of md5(seed ‖ ticket id), so arriving early gives a place in the
 * draw, not a better one. Exactly once, whatever the number of nodes: only the transaction whose
 * UPDATE finds `shuffled_at IS NULL` deals; the others find it set (after waiting on the row lock)
 * and do nothing. Arrivals after the start were never pre-queue and keep their FIFO ranks (> N).
 * True when this call did the shuffle.
 */
export async function shufflePrequeue(ctx: BrandCtx, epoch: number): Promise<boolean> {
  return inTransaction(ctx.db, async (tx) => {
    const won = await tx
      .updateTable('waiting_rooms')
      .set({ shuffled_at: ctx.now })
      .where('brand_id', '=', ctx.brand.id)
      .where('epoch', '=', epoch)
      .where('mode', '=', 'scheduled')
      .where('shuffled_at', 'is', null)
      .where('starts_at', '<=', ctx.now)
      .returning('shuffle_seed')
      .executeTakeFirst()
    if (!won) return false
    await sql`
      update waiting_room_tickets t set rank = drawn.rank
      from (
        select id, row_number() over (order by md5(${won.shuffle_seed} || id::text) collate "C", id) as rank
        from waiting_room_tickets
        where brand_id = ${ctx.brand.id} and epoch = ${epoch} and prequeue
      ) drawn
      where t.brand_id = ${ctx.brand.id} and t.id = drawn.id`.execute(tx)
    await announceRoomChange({ ...ctx, db: tx }, ctx.brand.id)
    return true
  })
}

/** Tickets handed out in the current epoch, and the highest rank given: the size of the queue. */
export async function queueCounts(ctx: BrandCtx): Promise<{ issued: number; lastRank: number }> {
  const row = await ctx.db
    .selectFrom('waiting_rooms')
    .select(['issued', 'next_rank'])
    .where('brand_id', '=', ctx.brand.id)
    .executeTakeFirst()
  return { issued: Number(row?.issued ?? 0), lastRank: Number(row?.next_rank ?? 1) - 1 }
}

/** Drops the previous queue: a (re)activated room starts with nobody in line. */
export async function clearTickets(ctx: BrandCtx): Promise<void> {
  await ctx.db.deleteFrom('waiting_room_tickets').where('brand_id', '=', ctx.brand.id).execute()
}

/**
 * The automatic switch (see pressure.ts), as conditional updates so that with several nodes
 * reporting at once the room switches once. On: from inactive only, with a fresh queue.
 */
export async function switchAutoOn(ctx: BrandCtx): Promise<boolean> {
  return inTransaction(ctx.db, async (tx) => {
    const on = await tx
      .updateTable('waiting_rooms')
      .set({
        auto_active_since: ctx.now,
        last_pressure_at: ctx.now,
        admitting_from: ctx.now,
        epoch: sql`epoch + 1`,
        next_rank: 1,
        issued: 0,
        shuffled_at: null,
        shuffle_seed: newShuffleSeed(),
        updated_at: ctx.now,
      })
      .where('brand_id', '=', ctx.brand.id)
      .where('mode', '=', 'auto')
      .where('auto_active_since', 'is', null)
      .executeTakeFirst()
    if (on.numUpdatedRows === 0n) return false
    const txCtx = { ...ctx, db: tx }
    await clearTickets(txCtx)
    await announceRoomChange(txCtx, ctx.brand.id)
    return true
  })
}

/** Records that this node still sheds for the brand: another node's calm must not switch off. */
export async function notePressure(ctx: BrandCtx): Promise<void> {
  await ctx.db
    .updateTable('waiting_rooms')
    .set({ last_pressure_at: ctx.now })
    .where('brand_id', '=', ctx.brand.id)
    .where('mode', '=', 'auto')
    .where((eb) => eb.or([eb('last_pressure_at', 'is', null), eb('last_pressure_at', '<', ctx.now)]))
    .execute()
}

/** Off: only when no node reported pressure since `calmSince` and the room has been on long enough. */
export async function switchAutoOff(ctx: BrandCtx, calmSince: Date, onSinceBefore: Date): Promise<boolean> {
  const off = await inTransaction(ctx.db, async (tx) => {
    const result = await tx
      .updateTable('waiting_rooms')
      .set({ auto_active_since: null, admitting_from: null, updated_at: ctx.now })
      .where('brand_id', '=', ctx.brand.id)
      .where('mode', '=', 'auto')
      .where('auto_active_since', '<=', onSinceBefore)
      .where((eb) => eb.or([eb('last_pressure_at', 'is', null), eb('last_pressure_at', '<=', calmSince)]))
      .executeTakeFirst()
    if (result.numUpdatedRows > 0n) await announceRoomChange({ ...ctx, db: tx }, ctx.brand.id)
    return result.numUpdatedRows > 0n
  })
  return off
}

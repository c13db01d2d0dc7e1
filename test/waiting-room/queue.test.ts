/**
 * The waiting room's queue through real HTTP on a real database, with a moved clock: FIFO order,
 * positions falling at the configured rate, no banking of idle slots, the pre-queue shuffled once
 * at the start instant (two nodes racing for it), and the automatic switch driven by pressure.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { reportPressure } from '../../src/waiting-room/index.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'
import { startTestServer } from '../helpers/server.ts'
import { Shopper, TestClock } from './shopper.ts'

const database = await openTestDatabase()
const db = database.db
const fifo = await createTestBrand(db)
const scheduled = await createTestBrand(db)
const auto = await createTestBrand(db)
for (const b of [fifo, scheduled, auto]) await createTestProduct(b)
const t0 = new Date('2026-01-07T07:00:00.000Z')
const clock = new TestClock(t0)
const server = await startTestServer(database, { clock: clock.now })
// A second node on the same database: the queue must be one queue.
const node2 = await startTestServer(database, { clock: clock.now })

/** Polls until `read` gives `wanted` (or 3 s pass), for what another node learns asynchronously. */
async function eventually<T>(read: () => Promise<T>, wanted: T): Promise<T> {
  const until = Date.now() + 3000
  let value = await read()
  while (value !== wanted && Date.now() < until) {
    await delay(50)
    value = await read()
  }
  return value
}

const hostOf = (b: typeof fifo) => `${b.brand.slug}.localhost`
const configure = (b: typeof fifo, body: Record<string, unknown>) =>
  server.request('PUT', `/api/admin/brands/${b.brand.slug}/waiting-room`, { admin: true, body })

async function tickets(brandId: string) {
  return db
    .selectFrom('waiting_room_tickets')
    .select(['id', 'seq', 'rank', 'prequeue', 'admitted_at'])
    .where('brand_id', '=', brandId)
    .orderBy('seq')
    .execute()
}

describe('FIFO admission at the configured rate', () => {
  const shoppers: Shopper[] = []

  test('switching the room on queues newcomers in arrival order, on every node', async () => {
    clock.set(t0)
    const saved = await configure(fifo, { mode: 'on', ratePerMinute: 60, passLifetimeSeconds: 600 })
    assert.equal(saved.status, 200, saved.text)
    assert.equal(saved.body.phase, 'admitting')
    for (let i = 0; i < 5; i++) {
      // Alternate nodes: ranks come from the database, not from a node's memory.
      const shopper = new Shopper(i % 2 === 0 ? server : node2, hostOf(fifo))
      const page = await shopper.get('/')
      assert.equal(page.status, 503)
      assert.match(String(page.headers['content-type']), /^text\/html; charset=utf-8/)
      assert.equal(page.headers['cache-control'], 'no-store')
      assert.ok(Number(page.headers['retry-after']) >= 5)
      assert.ok(shopper.cookies.has('vitrine_wr_ticket'))
      assert.ok(!shopper.cookies.has('vitrine_wr_pass'))
      shoppers.push(shopper)
    }
    const positions = await Promise.all(shoppers.map(async (s) => (await s.status()).position))
    assert.deepEqual(positions, [1, 2, 3, 4, 5])
    const waits = await Promise.all(shoppers.map(async (s) => (await s.status()).estimatedWaitSeconds))
    assert.deepEqual(waits, [1, 2, 3, 4, 5]) // 60 a minute: one a second
    assert.deepEqual(
      (await tickets(fifo.brand.id)).map((t) => [t.seq, t.rank]),
      [
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 4],
        [5, 5],
      ],
    )
  })

  test('positions fall as time passes, and the first in line are admitted first', async () => {
    clock.set(new Date(t0.getTime() + 2_000))
    const after2s = await Promise.all(shoppers.map((s) => s.status()))
    assert.deepEqual(
      after2s.map((s) => [s.admitted, s.position]),
      [
        [true, null],
        [true, null],
        [false, 1],
        [false, 2],
        [false, 3],
      ],
    )
    assert.ok(shoppers[0]!.cookies.has('vitrine_wr_pass'))
    assert.ok(!shoppers[2]!.cookies.has('vitrine_wr_pass'))
    // The admitted shopper now sees the shop itself; the third still waits.
    assert.equal((await shoppers[0]!.get('/')).status, 200)
    const third = await shoppers[2]!.get('/')
    assert.equal(third.status, 503)
    assert.match(third.text, /<dd>1<\/dd>/)

    clock.set(new Date(t0.getTime() + 4_500))
    assert.deepEqual(
      (await Promise.all(shoppers.map((s) => s.status()))).map((s) => s.position),
      [null, null, null, null, 1],
    )
    clock.set(new Date(t0.getTime() + 5_000))
    assert.equal((await shoppers[4]!.get('/')).status, 200)
  })

  test('idle slots are not banked: after a quiet minute, a crowd still queues at the rate', async () => {
    clock.set(new Date(t0.getTime() + 60_000))
    const crowd = [0, 1, 2].map(() => new Shopper(server, hostOf(fifo)))
    for (const shopper of crowd) await shopper.get('/')
    const states = await Promise.all(crowd.map((s) => s.status()))
    // The first takes the slot being released now; the others wait one second each.
    assert.deepEqual(
      states.map((s) => [s.admitted, s.position]),
      [
        [true, null],
        [false, 1],
        [false, 2],
      ],
    )
  })

  test('a pass is renewed while the shopper is active, and a ticket admits only once', async () => {
    const shopper = shoppers[0]!
    const firstPass = shopper.cookies.get('vitrine_wr_pass')!
    clock.set(new Date(t0.getTime() + 400_000)) // past half of the 600 s lifetime
    assert.equal((await shopper.get('/')).status, 200)
    const renewed = shopper.cookies.get('vitrine_wr_pass')!
    assert.notEqual(renewed, firstPass)
    clock.set(new Date(t0.getTime() + 900_000)) // the first pass has expired, the renewed one has not
    assert.equal((await shopper.get('/')).status, 200)
    // Three newcomers: the first takes the slot being released, two wait.
    for (const newcomer of [0, 1, 2].map(() => new Shopper(server, hostOf(fifo)))) await newcomer.get('/')
    // With the pass expired, the old (admitted) ticket does not mint a new one: back in the queue.
    const oldTicket = shopper.cookies.get('vitrine_wr_ticket')
    shopper.cookies.set('vitrine_wr_pass', firstPass)
    const back = await shopper.get('/')
    assert.equal(back.status, 503)
    assert.notEqual(shopper.cookies.get('vitrine_wr_ticket'), oldTicket, 'a new ticket, at the back')
    const status = await shopper.status()
    assert.deepEqual([status.admitted, status.position], [false, 3])
  })
})

describe('the pre-queue of a scheduled sale', () => {
  const start = new Date('2026-01-07T08:00:00.000Z')
  const early: Shopper[] = []

  test('closed before the pre-queue opens, then tickets without positions until the start', async () => {
    clock.set(new Date(start.getTime() - 40 * 60_000))
    const saved = await configure(scheduled, {
      mode: 'scheduled',
      startsAt: start.toISOString(),
      preQueueMinutes: 30,
      ratePerMinute: 60,
    })
    assert.equal(saved.status, 200, saved.text)
    assert.equal(saved.body.phase, 'closed')
    const visitor = new Shopper(server, hostOf(scheduled))
    assert.equal((await visitor.get('/')).status, 200)

    clock.set(new Date(start.getTime() - 10 * 60_000))
    for (let i = 0; i < 20; i++) {
      const shopper = new Shopper(i % 2 === 0 ? server : node2, hostOf(scheduled))
      const page = await shopper.get('/')
      assert.equal(page.status, 503)
      early.push(shopper)
    }
    const status = await early[0]!.status()
    assert.equal(status.phase, 'pre-queue')
    assert.equal(status.position, null)
    assert.equal(status.estimatedWaitSeconds, 600)
    const page = await early[0]!.get('/')
    assert.match(page.text, /tirée au sort/) // the test brand speaks French
    const before = await tickets(scheduled.brand.id)
    assert.equal(before.length, 20)
    assert.ok(before.every((t) => t.prequeue && t.rank === t.seq))
  })

  test('at the start instant the pre-queue is shuffled exactly once, by one node', async () => {
    clock.set(start)
    // Both nodes and many shoppers race at the start: one shuffle, whoever wins.
    await Promise.all(early.map((s) => s.status()))
    const room = await db
      .selectFrom('waiting_rooms')
      .selectAll()
      .where('brand_id', '=', scheduled.brand.id)
      .executeTakeFirstOrThrow()
    assert.equal(room.shuffled_at?.getTime(), start.getTime())
    const after = await tickets(scheduled.brand.id)
    const ranks = after.map((t) => Number(t.rank))
    assert.deepEqual(
      [...ranks].sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i + 1),
    )
    assert.notDeepEqual(
      ranks,
      Array.from({ length: 20 }, (_, i) => i + 1),
      'the draw changed the order',
    )
    // Deterministic: the order of md5(seed ‖ ticket id).
    const expected = [...after]
      .map((t) => ({
        id: t.id,
        key: createHash('md5')
          .update(room.shuffle_seed + t.id)
          .digest('hex'),
      }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : 1))
      .map((t) => t.id)
    assert.deepEqual(
      [...after].sort((a, b) => Number(a.rank) - Number(b.rank)).map((t) => t.id),
      expected,
    )

    // Later requests, on either node, never shuffle again.
    clock.set(new Date(start.getTime() + 500))
    await Promise.all(early.map((s) => s.status()))
    await new Shopper(node2, hostOf(scheduled)).get('/')
    const again = await tickets(scheduled.brand.id)
    assert.deepEqual(
      again.filter((t) => t.prequeue).map((t) => Number(t.rank)),
      ranks,
    )
    const still = await db
      .selectFrom('waiting_rooms')
      .select('shuffled_at')
      .where('brand_id', '=', scheduled.brand.id)
      .executeTakeFirstOrThrow()
    assert.equal(still.shuffled_at?.getTime(), start.getTime())
  })

  test('arrivals after the start queue behind the whole pre-queue, in FIFO order', async () => {
    const late = [0, 1, 2].map(() => new Shopper(server, hostOf(scheduled)))
    for (const shopper of late) assert.equal((await shopper.get('/')).status, 503)
    const all = await tickets(scheduled.brand.id)
    const lateTickets = all.filter((t) => !t.prequeue)
    // 21 went to the visitor of node 2 just after the start.
    assert.deepEqual(
      lateTickets.map((t) => Number(t.rank)),
      [21, 22, 23, 24],
    )
    assert.deepEqual(
      (await Promise.all(late.map((s) => s.status()))).map((s) => s.position),
      [22, 23, 24],
    )
    // The pre-queue shopper drawn first is admitted one second after the start; positions follow the draw.
    clock.set(new Date(start.getTime() + 1_000))
    const states = await Promise.all(early.map((s) => s.status()))
    assert.equal(states.filter((s) => s.admitted).length, 1)
    const positions = states.filter((s) => !s.admitted).map((s) => s.position)
    assert.deepEqual(
      [...positions].sort((a, b) => a - b),
      Array.from({ length: 19 }, (_, i) => i + 1),
    )
  })
})

describe('the automatic room, driven by the shed ratio the admission controller reports', () => {
  test('on after sustained shedding, off only after a long calm on every node (hysteresis)', async () => {
    const base = new Date('2026-01-08T10:00:00.000Z')
    clock.set(base)
    // Sessions idle for 30 min expire on the moved clock: sign in again at this instant.
    const session = await server.login('admin@test.invalid', 'correct horse battery staple')
    const saved = await server.request('PUT', `/api/admin/brands/${auto.brand.slug}/waiting-room`, {
      session,
      body: { mode: 'auto', ratePerMinute: 120 },
    })
    assert.equal(saved.status, 200, saved.text)
    assert.equal(saved.body.phase, 'closed')
    const visitor = new Shopper(server, hostOf(auto))
    assert.equal((await visitor.get('/')).status, 200)

    const id = auto.brand.id
    assert.equal(await reportPressure(id, 0.5), null) // shedding starts
    clock.set(new Date(base.getTime() + 3_000))
    assert.equal(await reportPressure(id, 0.1), null) // between the thresholds: the count restarts
    clock.set(new Date(base.getTime() + 4_000))
    assert.equal(await server.app.waitingRoom.reportPressure(id, 0.5), null)
    clock.set(new Date(base.getTime() + 8_000))
    assert.equal(await server.app.waitingRoom.reportPressure(id, 0.5), null) // 4 s: not yet sustained
    clock.set(new Date(base.getTime() + 9_000))
    assert.equal(await server.app.waitingRoom.reportPressure(id, 0.5), 'switched-on')
    assert.equal((await visitor.get('/')).status, 503)
    // The other node hears of the switch by NOTIFY (or its 2 s safety reload).
    const other = new Shopper(node2, hostOf(auto))
    assert.equal(await eventually(async () => (await other.get('/')).status, 503), 503, 'the other node holds back too')
    // Garbage ratios are ignored.
    assert.equal(await server.app.waitingRoom.reportPressure(id, Number.NaN), null)
    assert.equal(await server.app.waitingRoom.reportPressure(id, 7), null)

    // This node calms down; node 2 still sheds and says so.
    clock.set(new Date(base.getTime() + 20_000))
    assert.equal(await server.app.waitingRoom.reportPressure(id, 0), null)
    clock.set(new Date(base.getTime() + 100_000))
    assert.equal(await node2.app.waitingRoom.reportPressure(id, 0.3), null)
    clock.set(new Date(base.getTime() + 140_000)) // calm 120 s here, on for 131 s, but node 2 shed 40 s ago
    assert.equal(await server.app.waitingRoom.reportPressure(id, 0), null)
    // Still on (the first visitor has been admitted by the rate meanwhile; a newcomer sees the room).
    assert.equal((await new Shopper(server, hostOf(auto)).status()).active, true)
    clock.set(new Date(base.getTime() + 161_000)) // node 2's last pressure is now 61 s old
    assert.equal(await server.app.waitingRoom.reportPressure(id, 0), 'switched-off')
    const newcomer = new Shopper(server, hostOf(auto))
    assert.equal((await newcomer.get('/')).status, 200)
    assert.equal((await newcomer.status()).active, false)
    assert.ok(!newcomer.cookies.has('vitrine_wr_ticket'))
  })

  test('rooms not in auto mode ignore pressure', async () => {
    assert.equal(await reportPressure(fifo.brand.id, 1), null)
    assert.equal(await reportPressure('00000000-0000-4000-8000-000000000000', 1), null)
  })
})

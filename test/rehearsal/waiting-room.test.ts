import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { parseRehearseArgs, runRehearsal } from '../../src/rehearsal/index.ts'
import { waitingRoomAnswer } from '../../src/rehearsal/shopper.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'
import { startTestServer, testAdmin } from '../helpers/server.ts'
import { onTeardown } from '../helpers/teardown.ts'

const database = await openTestDatabase()
const sale = await createTestBrand(database.db)
const calm = await createTestBrand(database.db)
for (const brand of [sale, calm]) {
  for (let i = 0; i < 4; i++) {
    await createTestProduct(brand, {
      variants: [{ sku: `W-${i}`, size: 'M', colour: 'Noir', priceMinor: 2500, onHand: 50 }],
    })
  }
}
const server = await startTestServer(database)
const dir = mkdtempSync(join(tmpdir(), 'vitrine-rehearse-room-'))
onTeardown(() => rmSync(dir, { recursive: true, force: true }))
const lenient = join(dir, 'lenient.json')
writeFileSync(
  lenient,
  JSON.stringify({
    p99Ms: { home: 60000, listing: 60000, search: 60000, product: 60000, cart: 60000, checkout: 60000 },
    unaffectedP99Ms: 60000,
  }),
)

describe('a rehearsal through a waiting room', () => {
  test('shoppers follow the waiting page, get in with their pass and pay; the room is put back after', async () => {
    const options = parseRehearseArgs(
      [
        ...['--target', server.url, '--waiting-room', sale.brand.slug, '--waiting-room-rate', '600'],
        ...['--surge-brands', sale.brand.slug, '--baseline', '30', '--surge', '6'],
        ...['--duration', '14s', '--surge-at', '2s', '--think', '50ms', '--erp-wait', '0s'],
        ...['--admin-email', testAdmin.email, '--slo', lenient],
      ],
      { VITRINE_ADMIN_PASSWORD: testAdmin.password },
    )
    const { outcome, status } = await runRehearsal(options, { out: () => {}, err: () => {}, tty: false })
    assert.equal(status, 0)
    const byBrand = (slug: string) =>
      outcome.summary.phases
        .map((p) => p.byBrand.find((r) => r.label === slug))
        .reduce(
          (n, r) => ({
            waiting: n.waiting + (r?.waiting ?? 0),
            shed: n.shed + (r?.shed ?? 0),
            errors: n.errors + (r?.serverError ?? 0) + (r?.failed ?? 0),
            orders: n.orders + (r?.orders ?? 0),
          }),
          { waiting: 0, shed: 0, errors: 0, orders: 0 },
        )
    const inRoom = byBrand(sale.brand.slug)
    const outside = byBrand(calm.brand.slug)
    // The room's 503s are counted as waiting, never as shedding or as errors.
    assert.ok(inRoom.waiting > 0, 'waiting pages were served')
    assert.deepEqual([inRoom.shed, inRoom.errors], [0, 0])
    assert.deepEqual([outside.waiting, outside.shed, outside.errors], [0, 0, 0])

    const shoppers = outcome.waitingRoom?.shoppers.find((w) => w.slug === sale.brand.slug)
    assert.ok(shoppers && shoppers.waited > 0, 'shoppers met the room')
    assert.ok(shoppers.admitted > 0, 'some got in')
    assert.equal(shoppers.waited, shoppers.admitted + shoppers.stillWaiting)
    // The waiting page reloads after 5 s at the soonest: whoever waited, waited that long.
    assert.ok((shoppers.p50S ?? 0) >= 4.5, `wait p50 ${shoppers.p50S} s`)
    assert.equal(
      outcome.waitingRoom?.shoppers.some((w) => w.slug === calm.brand.slug),
      false,
    )

    // Admitted shoppers kept their pass through checkout: orders counted, as in the database.
    const orders = await database.db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('brand_id', '=', sale.brand.id)
      .executeTakeFirstOrThrow()
    assert.ok(inRoom.orders > 0, 'admitted shoppers paid')
    assert.equal(inRoom.orders, Number(orders.n))

    const room = outcome.waitingRoom?.rooms[0]
    assert.equal(room?.slug, sale.brand.slug)
    assert.ok(room && room.ticketsIssued >= shoppers.waited && room.admitted > 0, JSON.stringify(room))
    // Put back as it was (off), through the audited admin API: scheduled, then off.
    const after = await server.request('GET', `/api/admin/brands/${sale.brand.slug}/waiting-room`, { admin: true })
    assert.equal(after.body.mode, 'off')
    const audit = await database.db
      .selectFrom('audit_log')
      .select('after')
      .where('entity_type', '=', 'waiting-room')
      .where('brand_id', '=', sale.brand.id)
      .orderBy('id')
      .execute()
    assert.deepEqual(
      audit.map((a) => (typeof a.after === 'string' ? JSON.parse(a.after) : a.after)?.mode),
      ['scheduled', 'off'],
    )
  })

  test('tells the waiting room from admission control by what a browser follows', () => {
    const answer = (type: string, body: string, retryAfter = '7') =>
      waitingRoomAnswer({
        kind: 'response',
        status: 503,
        headers: { 'content-type': type, 'retry-after': retryAfter },
        body,
        bytes: body.length,
        ms: 1,
      })
    assert.deepEqual(answer('text/html', '<meta http-equiv="refresh" content="12;url=/c/femme?page=2&amp;sort=new">'), {
      refreshMs: 12_000,
      reload: '/c/femme?page=2&sort=new',
    })
    // A refresh to another site is not followed off the shop.
    assert.deepEqual(answer('text/html', '<meta http-equiv="refresh" content="5;url=//evil.example/">'), {
      refreshMs: 5_000,
      reload: '/',
    })
    assert.deepEqual(answer('application/problem+json', '{"type":"/problems/waiting-room","retryAfter":7}'), {
      refreshMs: 7_000,
      reload: null,
    })
    // Admission control's busy page reloads itself but names no URL; its API answer is another problem.
    assert.equal(answer('text/html', '<meta http-equiv="refresh" content="2"><title>We are very busy</title>'), null)
    assert.equal(answer('application/problem+json', '{"type":"/problems/overloaded"}'), null)
  })
})

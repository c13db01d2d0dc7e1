import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { deserialize, serialize } from 'node:v8'
import { seededRandom } from '../../src/demo/seeded-random.ts'
import { parseRehearseArgs, runRehearsal } from '../../src/rehearsal/index.ts'
import { measureCapacity } from '../../src/rehearsal/measure-capacity.ts'
import { type Outcome, Recorder, stepClasses } from '../../src/rehearsal/recorder.ts'
import { defaultSlo } from '../../src/rehearsal/slo.ts'
import { summarize } from '../../src/rehearsal/summarize.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'
import { startTestServer, testAdmin } from '../helpers/server.ts'

describe('the figures of several load processes, merged', () => {
  test('give the same totals, percentiles, capacity and waits as one recorder that saw every request', () => {
    const brands = ['a', 'b', 'c']
    const t0 = 1_800_000_000_000
    const single = new Recorder(brands, t0)
    const parent = new Recorder(brands, t0)
    const children = [0, 1, 2].map(() => new Recorder(brands, t0))
    const rng = seededRandom('merge')
    const outcomes: Outcome[] = [
      'ok',
      'ok',
      'ok',
      'ok',
      'soldOut',
      'clientError',
      'shed',
      'waiting',
      'serverError',
      'timeout',
    ]
    // What travels between processes is what `serialization: 'advanced'` makes of it.
    const ship = (from: Recorder, beforeSecond: number | null) =>
      parent.add(deserialize(serialize(from.takeCells(beforeSecond))))
    for (let i = 0; i < 6000; i++) {
      const at = t0 + Math.floor(i * 4) // 24 s of requests, in order of their end
      const brand = rng.int(0, 2)
      const cls = rng.pick(stepClasses)
      const outcome = rng.pick(outcomes)
      const ms = rng.next() * 400
      const child = children[i % 3] as Recorder
      for (const r of [single, child]) {
        r.record(at, brand, cls, outcome, ms)
        if (cls === 'checkout' && outcome === 'ok') r.recordOrder(at, brand)
        if (i % 97 === 0) r.recordWait(brand, i % 2 === 0 ? ms * 20 : null)
      }
      // Each child streams its finished seconds now and then, as a load process does once a second.
      if (i % 250 === 249) ship(child, Math.floor((at - t0) / 1000))
    }
    for (const child of children) ship(child, null)

    const phases = [
      { name: 'baseline', from: 0, to: 8 },
      { name: 'surge', from: 8, to: 25 },
    ]
    assert.equal(parent.seconds, single.seconds)
    assert.deepEqual(summarize(parent, phases), summarize(single, phases))
    const lenient = { ...defaultSlo, maxErrorRate: 1 }
    assert.deepEqual(measureCapacity(parent, lenient, 1), measureCapacity(single, lenient, 1))
    const [merged, alone] = [parent.waitStats(), single.waitStats()]
    assert.deepEqual({ ...merged, waitMs: [...merged.waitMs].sort() }, { ...alone, waitMs: [...alone.waitMs].sort() })
    assert.equal(parent.tally().requests, 6000)
    assert.ok(parent.tally().waiting > 0 && parent.tally().shed > 0)
    // Every cell left the children: nothing counted twice, nothing kept back.
    for (const child of children) assert.equal(child.tally().requests, 0)
  })
})

describe('vitrine rehearse --processes 2 against a running server', async () => {
  const database = await openTestDatabase()
  const brands = [await createTestBrand(database.db), await createTestBrand(database.db)]
  for (const brand of brands) {
    for (let i = 0; i < 3; i++) {
      await createTestProduct(brand, {
        variants: [{ sku: `P-${i}`, size: 'M', colour: 'Noir', priceMinor: 1990, onHand: 5 }],
      })
    }
  }
  const server = await startTestServer(database)

  test('two processes share the arrivals; orders per brand match the database, nothing oversold', async () => {
    const options = parseRehearseArgs(
      [
        ...['--target', server.url, '--processes', '2', '--baseline', '40', '--surge', '2'],
        ...['--duration', '6s', '--surge-at', '2s', '--think', '20ms', '--erp-wait', '0s'],
        ...['--admin-email', testAdmin.email],
      ],
      { VITRINE_ADMIN_PASSWORD: testAdmin.password },
    )
    const { outcome } = await runRehearsal(options, { out: () => {}, err: () => {}, tty: false })
    assert.equal(outcome.loadGenerator.processes, 2)
    assert.ok(outcome.loadGenerator.cpuSeconds > 0, 'the processes reported their CPU')
    const delay = outcome.loadGenerator.eventLoopDelay
    assert.ok(
      delay.maxMs > 0 && delay.p99Ms <= delay.maxMs,
      `the processes reported their event-loop delay: ${JSON.stringify(delay)}`,
    )
    const total = outcome.summary.phases.reduce((n, p) => n + p.total.requests, 0)
    assert.ok(total > 100, `requests recorded: ${total}`)
    assert.equal(
      outcome.summary.phases.reduce((n, p) => n + p.total.serverError + p.total.failed, 0),
      0,
    )
    for (const { brand } of brands) {
      const counted = outcome.summary.phases.reduce(
        (n, p) => n + (p.byBrand.find((r) => r.label === brand.slug)?.orders ?? 0),
        0,
      )
      const inDatabase = await database.db
        .selectFrom('orders')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('brand_id', '=', brand.id)
        .executeTakeFirstOrThrow()
      assert.equal(counted, Number(inDatabase.n), `orders of ${brand.slug}`)
    }
    assert.ok(outcome.ordersPlaced > 0, 'some shoppers of either process paid')
    // The variants both processes put in carts reached the oversold check.
    assert.ok(outcome.oversold && outcome.oversold.variantsChecked > 0)
    assert.equal(outcome.oversold.oversoldUnits, 0)
  })
})

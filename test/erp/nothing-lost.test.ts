import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type RunningWorker, startDeliveryWorker } from '../../src/erp/delivery-worker.ts'
import { startErpSimulator } from '../../src/erp/simulator.ts'
import { onPostgres, openTestDatabase } from '../helpers/database.ts'
import { onTeardown } from '../helpers/teardown.ts'
import { cancelTestOrder, erpBrand, placeTestOrder } from './helpers.ts'

const database = await openTestDatabase({ poolSize: 30 })
const db = database.db
const secret = 'nothing-lost-key'

test('nothing lost, nothing doubled: 3 brands, a flaky ERP that goes down, workers killed and restarted', async () => {
  const orderCount = onPostgres ? 1000 : 300
  const sim = await startErpSimulator({ secret, failRate: 0.3 })
  onTeardown(() => sim.close())
  const brands = await Promise.all(
    [0, 1, 2].map(() => erpBrand(db, { kind: 'http', url: sim.url, secret, timeoutMs: 2000 })),
  )
  for (const b of brands) {
    await db.updateTable('erp_settings').set({ max_attempts: 100 }).where('brand_id', '=', b.brand.brand.id).execute()
  }
  const options = { leaseMs: 3000, pollMs: 20, backoffBaseMs: 20, backoffMaxMs: 400, batchSize: 100, concurrency: 16 }
  const workers: RunningWorker[] = []
  const start = () => workers.push(startDeliveryWorker({ db }, options))
  start()
  if (onPostgres) start()

  // Down until it has refused a few connections (at least 1 s, at most 10 s): a fixed stretch could
  // fall while the workers happen to be idle on a loaded machine, and test nothing.
  let outage: Promise<void> = Promise.resolve()
  const goDownForAWhile = async () => {
    sim.goDown(60_000)
    const started = Date.now()
    while (Date.now() - started < 10_000 && (sim.counts.down < 5 || Date.now() - started < 1000)) {
      await new Promise((r) => setTimeout(r, 20))
    }
    sim.goUp()
  }
  const placed: Array<{ brand: number; id: string }> = []
  const cancelled = new Set<string>()
  const lanes = onPostgres ? 8 : 1
  let next = 0
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < orderCount) {
        const i = next++
        const b = brands[i % 3]!
        const order = await placeTestOrder(b.brand, b.variantIds)
        placed.push({ brand: i % 3, id: order.id })
        // One order in 8 is cancelled, some right away (its order row may still be pending).
        if (i % 8 === 0) {
          await cancelTestOrder(b.brand, order.id)
          cancelled.add(order.id)
        }
        if (i === Math.floor(orderCount / 3)) outage = goDownForAWhile()
        if (i === Math.floor(orderCount / 2)) {
          // A worker dies mid-run (its in-flight batch is never recorded); a new one takes over.
          await workers.shift()!.abort()
          start()
        }
      }
    }),
  )

  await outage
  const deadline = Date.now() + 25_000
  for (;;) {
    const left = await db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', '<>', 'delivered')
      .executeTakeFirstOrThrow()
    if (Number(left.n) === 0) break
    assert.ok(Date.now() < deadline, `${left.n} outbox rows still undelivered`)
    await new Promise((r) => setTimeout(r, 100))
  }
  await Promise.all(workers.map((w) => w.stop()))

  const dead = await db.selectFrom('outbox').select('id').where('state', '=', 'dead').execute()
  assert.equal(dead.length, 0, 'no dead letters')
  const docs = [...sim.documents.values()]
  assert.equal(docs.length, orderCount + cancelled.size, 'distinct documents = orders + cancellations')
  assert.equal(sim.counts.accepted, docs.length, 'each document accepted once after de-dup')
  const orderDocs = new Map(docs.filter((d) => d.type === 'Order').map((d) => [d.orderId, d]))
  const cancelDocs = new Map(docs.filter((d) => d.type === 'OrderCancellation').map((d) => [d.orderId, d]))
  for (const p of placed) {
    const o = orderDocs.get(p.id)
    assert.ok(o, `order ${p.id} reached the ERP`)
    assert.equal(o.documentId, p.id)
    if (cancelled.has(p.id)) {
      const c = cancelDocs.get(p.id)
      assert.ok(c, `cancellation of ${p.id} reached the ERP`)
      assert.ok(c.seq > o.seq, 'the cancellation arrived after its order')
    }
  }
  assert.equal(cancelDocs.size, cancelled.size)
  assert.ok(sim.counts.failed > 0 && sim.counts.down > 0, 'the ERP really failed and went down')
})

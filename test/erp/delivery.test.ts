import assert from 'node:assert/strict'
import { test } from 'node:test'
import { backoffMs, deliverBatch } from '../../src/erp/delivery-worker.ts'
import { setPaused } from '../../src/erp/settings.ts'
import { sign, verifySignature } from '../../src/erp/signature.ts'
import { type ErpSimulator, startErpSimulator } from '../../src/erp/simulator.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { systemCtx } from '../helpers/fixtures.ts'
import { onTeardown } from '../helpers/teardown.ts'
import { cancelTestOrder, erpBrand, placeTestOrder } from './helpers.ts'

const database = await openTestDatabase()
const db = database.db
const secret = 'test-hmac-key-ü'

async function simulator(options: { failRate?: number } = {}): Promise<ErpSimulator> {
  const sim = await startErpSimulator({ secret, ...options })
  onTeardown(() => sim.close())
  return sim
}

async function outboxOf(brandId: string) {
  return db.selectFrom('outbox').selectAll().where('brand_id', '=', brandId).orderBy('id').execute()
}

test('the README verification recipe accepts a delivered request and refuses a tampered one', () => {
  // The recipe, as the ERP side would write it: HMAC-SHA256 over `${timestamp}.${body}`, hex.
  const body = '<Order>é &amp;</Order>'
  const timestamp = String(Math.floor(Date.now() / 1000))
  const header = sign(secret, timestamp, body)
  assert.match(header, /^sha256=[0-9a-f]{64}$/)
  assert.equal(verifySignature(secret, { timestamp, signature: header }, Buffer.from(body)), true)
  assert.equal(verifySignature(secret, { timestamp, signature: header }, `${body} `), false)
  assert.equal(verifySignature('other key', { timestamp, signature: header }, body), false)
  const old = String(Number(timestamp) - 3600)
  assert.equal(verifySignature(secret, { timestamp: old, signature: sign(secret, old, body) }, body), false)
})

test('delivers an order over HTTP with Idempotency-Key, timestamp and a valid signature; records the attempt', async () => {
  const sim = await simulator()
  const seen: Array<Record<string, string | string[] | undefined>> = []
  const http = await import('node:http')
  const spy = http.createServer((req, res) => {
    seen.push(req.headers)
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const ok = verifySignature(
        secret,
        {
          timestamp: req.headers['x-vitrine-timestamp'] as string,
          signature: req.headers['x-vitrine-signature'] as string,
        },
        Buffer.concat(chunks),
      )
      res.writeHead(ok ? 202 : 401).end(ok ? 'ok' : 'bad')
    })
  })
  await new Promise<void>((r) => spy.listen(0, '127.0.0.1', r))
  onTeardown(() => new Promise<void>((r) => spy.close(() => r())))
  const port = (spy.address() as { port: number }).port
  const { brand, variantIds } = await erpBrand(db, { kind: 'http', url: `http://127.0.0.1:${port}/in`, secret })
  const order = await placeTestOrder(brand, variantIds)
  const result = await deliverBatch({ db })
  assert.equal(result.delivered, 1)
  assert.equal(seen.length, 1)
  assert.equal(seen[0]!['idempotency-key'], order.id)
  assert.match(String(seen[0]!['content-type']), /^application\/xml/)
  const [row] = await outboxOf(brand.brand.id)
  assert.equal(row!.state, 'delivered')
  assert.ok(row!.delivered_at)
  const attempts = await db.selectFrom('delivery_attempts').selectAll().where('brand_id', '=', brand.brand.id).execute()
  assert.deepEqual(
    attempts.map((a) => [a.ok, a.status]),
    [[true, '202']],
  )
  void sim
})

test('a failing ERP is retried with back-off, then dead-lettered after max attempts; checkout is not slowed', async () => {
  const sim = await simulator({ failRate: 1 })
  const { brand, variantIds } = await erpBrand(db, { kind: 'http', url: sim.url, secret })
  await db.updateTable('erp_settings').set({ max_attempts: 3 }).where('brand_id', '=', brand.brand.id).execute()
  const started = performance.now()
  await placeTestOrder(brand, variantIds)
  assert.ok(performance.now() - started < 2000)
  let now = new Date()
  const clock = () => now
  for (let i = 0; i < 3; i++) {
    await deliverBatch({ db }, { clock, backoffBaseMs: 1000 })
    const [row] = await outboxOf(brand.brand.id)
    if (i < 2) {
      assert.equal(row!.state, 'pending')
      assert.ok(row!.available_at.getTime() > now.getTime(), 'back-off moves the row into the future')
      assert.match(row!.last_error ?? '', /^503/)
    }
    now = new Date(now.getTime() + 3_600_000)
  }
  const [row] = await outboxOf(brand.brand.id)
  assert.equal(row!.state, 'dead')
  assert.equal(row!.attempts, 3)
  assert.equal(sim.counts.failed, 3)
})

test('back-off grows exponentially with jitter and is capped', () => {
  assert.equal(
    backoffMs(1, { backoffBaseMs: 1000 }, () => 0),
    500,
  )
  assert.equal(
    backoffMs(1, { backoffBaseMs: 1000 }, () => 1),
    1000,
  )
  assert.equal(
    backoffMs(4, { backoffBaseMs: 1000 }, () => 1),
    8000,
  )
  assert.equal(
    backoffMs(40, { backoffBaseMs: 1000, backoffMaxMs: 60_000 }, () => 1),
    60_000,
  )
})

test('a cancellation never overtakes its order; paused brands are skipped', async () => {
  const sim = await simulator()
  const { brand, variantIds } = await erpBrand(db, { kind: 'http', url: sim.url, secret })
  const order = await placeTestOrder(brand, variantIds)
  await cancelTestOrder(brand, order.id)
  // The order row is leased by a "stuck" worker: the cancellation must not be claimed.
  await db
    .updateTable('outbox')
    .set({ available_at: new Date(Date.now() + 60_000) })
    .where('brand_id', '=', brand.brand.id)
    .where('topic', '=', 'order.placed')
    .execute()
  let r = await deliverBatch({ db })
  assert.equal(r.claimed, 0)
  await db
    .updateTable('outbox')
    .set({ available_at: new Date(0) })
    .where('brand_id', '=', brand.brand.id)
    .execute()
  await setPaused(systemCtx(db), brand.brand.id, true)
  r = await deliverBatch({ db })
  assert.equal(r.claimed, 0, 'paused brand: nothing claimed')
  await setPaused(systemCtx(db), brand.brand.id, false)
  r = await deliverBatch({ db })
  assert.equal(r.delivered, 1, 'only the order in the first batch')
  r = await deliverBatch({ db })
  assert.equal(r.delivered, 1, 'then the cancellation')
  const docs = [...sim.documents.values()]
  assert.deepEqual(
    docs.map((d) => [d.type, d.orderId]),
    [
      ['Order', order.id],
      ['OrderCancellation', order.id],
    ],
  )
})

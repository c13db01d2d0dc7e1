/**
 * The ERP admin API through real HTTP: settings (secrets never shown, audited), deliveries with
 * attempts, replay, pause/resume, inbound documents, metrics — and brand isolation for people
 * and API keys.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { deliverBatch } from '../../src/erp/delivery-worker.ts'
import { erpMetrics } from '../../src/erp/metrics.ts'
import { saveErpSettings } from '../../src/erp/settings.ts'
import { apiKeyFor, signedInStaff } from '../access/fixtures.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { systemCtx } from '../helpers/fixtures.ts'
import { startTestServer } from '../helpers/server.ts'
import { onTeardown } from '../helpers/teardown.ts'
import { erpBrand, placeTestOrder } from './helpers.ts'

const database = await openTestDatabase()
const db = database.db
const a = await erpBrand(db, null)
const b = await erpBrand(db, null)
const server = await startTestServer(database)
const slugA = a.brand.brand.slug
const slugB = b.brand.brand.slug
const secret = 'a-very-secret-hmac-key-0123456789'
const viewerA = await signedInStaff(server, db, 'brand-viewer', a.brand.brand.id)
const { key: readKeyA } = await apiKeyFor(a.brand, ['erp:read'])
const admin = (method: string, path: string, body?: unknown) =>
  server.request(method, path, { admin: true, ...(body !== undefined ? { body } : {}) })
const auditOf = (entityType: string) =>
  db
    .selectFrom('audit_log')
    .select(['action', 'entity_id', 'before', 'after', 'actor_label'])
    .where('brand_id', '=', a.brand.brand.id)
    .where('entity_type', '=', entityType)
    .orderBy('id')
    .execute()

// An ERP that refuses connections (port 1) and a budget of one attempt: deliveries die at once.
const deadEnd = { kind: 'http' as const, url: 'http://127.0.0.1:1/erp', secret }

test('settings: PUT stores the secret encrypted, GET and the audit log show only that it is set', async () => {
  const empty = await admin('GET', `/api/admin/brands/${slugA}/erp/settings`)
  assert.equal(empty.status, 200)
  assert.deepEqual(empty.body, { transport: null, mapping: { itemId: 'sku' }, paused: false, maxAttempts: 12 })

  const put = await admin('PUT', `/api/admin/brands/${slugA}/erp/settings`, {
    transport: deadEnd,
    mapping: { warehouseCode: 'WH-1', itemId: 'gtin' },
    maxAttempts: 1,
  })
  assert.equal(put.status, 200, put.text)
  assert.deepEqual(put.body.transport, {
    kind: 'http',
    url: deadEnd.url,
    secret: { set: true, source: 'encrypted' },
  })
  assert.equal(put.body.maxAttempts, 1)
  assert.ok(!put.text.includes(secret))
  const stored = await db
    .selectFrom('erp_settings')
    .select('transport')
    .where('brand_id', '=', a.brand.brand.id)
    .executeTakeFirstOrThrow()
  assert.match(String((stored.transport as { secret: string }).secret), /^enc:v1:/)

  // A PUT without the secret keeps it; an env: reference replaces it and shows as such.
  const kept = await admin('PUT', `/api/admin/brands/${slugA}/erp/settings`, {
    transport: { kind: 'http', url: deadEnd.url },
  })
  assert.deepEqual(kept.body.transport.secret, { set: true, source: 'encrypted' })
  const env = await admin('PUT', `/api/admin/brands/${slugA}/erp/settings`, {
    transport: { ...deadEnd, secret: 'env:ERP_TEST_SECRET' },
  })
  assert.deepEqual(env.body.transport.secret, { set: true, source: 'env:ERP_TEST_SECRET' })
  await admin('PUT', `/api/admin/brands/${slugA}/erp/settings`, { transport: deadEnd })

  const audit = await auditOf('erp-settings')
  assert.equal(audit.length, 4)
  assert.ok(audit.every((e) => !JSON.stringify(e).includes(secret) && !JSON.stringify(e).includes('enc:v1')))
  assert.deepEqual(audit[0]!.after?.secretsReplaced, ['secret'])
  assert.equal(audit[1]!.after?.secretsReplaced, undefined)
  assert.equal(audit[0]!.actor_label, 'admin@test.invalid')
})

test('settings: bad input is a 400 and changes nothing', async () => {
  const before = await admin('GET', `/api/admin/brands/${slugA}/erp/settings`)
  const bad: unknown[] = [
    { transport: { kind: 'http', url: deadEnd.url, secret: 'short' } },
    { transport: { kind: 'http', url: 'ftp://x/y', secret } },
    { transport: { kind: 'http', url: 'http://x', secret: 'env:bad name' } },
    { transport: { kind: 'file', directory: 'relative/dir' } },
    { transport: { kind: 'sftp', host: 'h', username: 'u', directory: '/in', password: secret } },
    { transport: { kind: 'sftp', host: 'h', username: 'u', directory: '/in', hostKeySha256: 'not-a-fingerprint' } },
    { transport: { kind: 'smtp' } },
    { maxAttempts: 0 },
    { maxAttempts: '3' },
    { mapping: { itemId: 'ean' } },
    { paused: true },
  ]
  for (const body of bad) {
    const res = await admin('PUT', `/api/admin/brands/${slugA}/erp/settings`, body)
    assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status} ${res.text}`)
  }
  // A new HTTP transport on a brand without one needs its secret.
  const noSecret = await admin('PUT', `/api/admin/brands/${slugB}/erp/settings`, {
    transport: { kind: 'http', url: deadEnd.url },
  })
  assert.equal(noSecret.status, 400)
  assert.deepEqual((await admin('GET', `/api/admin/brands/${slugA}/erp/settings`)).body, before.body)
})

const orders: string[] = []

test('deliveries: list by state with paging, one with its attempts, replay one, replay all dead', async () => {
  for (let i = 0; i < 3; i++) orders.push((await placeTestOrder(a.brand, a.variantIds)).id)
  const batch = await deliverBatch({ db })
  assert.equal(batch.dead, 3)
  const page1 = await admin('GET', `/api/admin/brands/${slugA}/erp/deliveries?state=dead&limit=2`)
  assert.equal(page1.status, 200)
  assert.equal(page1.body.items.length, 2)
  const page2 = await admin(
    'GET',
    `/api/admin/brands/${slugA}/erp/deliveries?state=dead&limit=2&before=${page1.body.items[1].id}`,
  )
  assert.equal(page2.body.items.length, 1)
  const ids = [...page1.body.items, ...page2.body.items].map((d: { id: number }) => d.id)
  assert.deepEqual(
    ids,
    [...ids].sort((x, y) => y - x),
  )
  const byOrder = await admin('GET', `/api/admin/brands/${slugA}/erp/deliveries?orderId=${orders[0]}`)
  assert.deepEqual(
    byOrder.body.items.map((d: { orderId: string; topic: string }) => [d.orderId, d.topic]),
    [[orders[0], 'order.placed']],
  )

  const one = await admin('GET', `/api/admin/brands/${slugA}/erp/deliveries/${ids[2]}`)
  assert.equal(one.status, 200)
  assert.equal(one.body.state, 'dead')
  assert.equal(one.body.attemptLog.length, 1)
  assert.equal(one.body.attemptLog[0].ok, false)
  assert.equal(one.body.attemptLog[0].status, 'connect-error')

  const replay = await admin('POST', `/api/admin/brands/${slugA}/erp/deliveries/${ids[2]}/replay`)
  assert.equal(replay.status, 200, replay.text)
  assert.deepEqual([replay.body.state, replay.body.attempts], ['pending', 0])
  assert.equal((await admin('POST', `/api/admin/brands/${slugA}/erp/deliveries/${ids[2]}/replay`)).status, 409)
  assert.equal((await admin('POST', `/api/admin/brands/${slugA}/erp/deliveries/999999999/replay`)).status, 404)
  assert.equal((await admin('GET', `/api/admin/brands/${slugA}/erp/deliveries/0`)).status, 400)
  assert.equal((await admin('GET', `/api/admin/brands/${slugA}/erp/deliveries/abc`)).status, 400)
  assert.equal((await admin('GET', `/api/admin/brands/${slugA}/erp/deliveries?state=lost`)).status, 400)

  const all = await admin('POST', `/api/admin/brands/${slugA}/erp/deliveries/replay-dead`)
  assert.deepEqual(all.body, { replayed: 2 })
  const audit = await auditOf('erp-delivery')
  assert.deepEqual(
    audit.map((e) => [e.action, e.entity_id]),
    [
      ['replay', String(ids[2])],
      ['replay-dead', '*'],
    ],
  )
  assert.deepEqual(audit[0]!.before, { state: 'dead', attempts: 1 })
  assert.deepEqual(audit[0]!.after, { state: 'pending', attempts: 0 })
})

test('pause and resume are audited; a paused brand is not delivered', async () => {
  const paused = await admin('POST', `/api/admin/brands/${slugA}/erp/pause`)
  assert.equal(paused.status, 200)
  assert.equal(paused.body.paused, true)
  assert.equal((await deliverBatch({ db })).claimed, 0)
  const resumed = await admin('POST', `/api/admin/brands/${slugA}/erp/resume`)
  assert.equal(resumed.body.paused, false)
  const audit = await auditOf('erp-settings')
  assert.deepEqual(
    audit.slice(-2).map((e) => [e.action, e.before, e.after]),
    [
      ['pause', { paused: false }, { paused: true }],
      ['resume', { paused: true }, { paused: false }],
    ],
  )
})

test('metrics: per brand depth, oldest age, dead letters, attempts, latency; also as a function', async () => {
  const res = await admin('GET', '/api/admin/erp/metrics?windowMinutes=60')
  assert.equal(res.status, 200, res.text)
  const mine = res.body.brands.find((m: { slug: string }) => m.slug === slugA)
  assert.equal(mine.outboxDepth, 3)
  assert.equal(mine.deadLetters, 0)
  assert.equal(mine.attempts, 3)
  assert.equal(mine.failedAttempts, 3)
  assert.equal(mine.delivered, 0)
  assert.equal(mine.latencyP99S, null)
  assert.ok(mine.oldestPendingAgeS >= 0)
  assert.equal((await admin('GET', '/api/admin/erp/metrics?windowMinutes=0')).status, 400)

  // Delivered rows give latency percentiles: commit → ack, computed in SQL.
  const dropDir = mkdtempSync(join(tmpdir(), 'vitrine-erp-metrics-'))
  onTeardown(() => rmSync(dropDir, { recursive: true, force: true }))
  await saveErpSettings(systemCtx(db), b.brand.brand.id, {
    transport: { kind: 'file', directory: `/tmp/vitrine-erp-metrics-${process.pid}` },
  })
  await placeTestOrder(b.brand, b.variantIds)
  await db
    .updateTable('outbox')
    .set({ created_at: new Date(Date.now() - 2000) })
    .where('brand_id', '=', b.brand.brand.id)
    .execute()
  assert.equal((await deliverBatch({ db })).delivered, 1)
  const [metrics] = await erpMetrics(systemCtx(db), { brandIds: new Set([b.brand.brand.id]) })
  assert.equal(metrics!.slug, slugB)
  assert.equal(metrics!.delivered, 1)
  assert.ok(metrics!.latencyP50S! >= 2 && metrics!.latencyP50S! < 30, String(metrics!.latencyP50S))
  assert.equal(metrics!.outboxDepth, 0)
})

test('inbound documents are listed with their outcome and source', async () => {
  const { key } = await apiKeyFor(a.brand, ['erp:inbound'])
  const xml =
    '<InventoryReport xmlns="urn:oasis:names:specification:ubl:schema:xsd:InventoryReport-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"><cbc:ID>LIST-1</cbc:ID></InventoryReport>'
  const posted = await server.request('POST', `/api/admin/brands/${slugA}/erp/documents`, {
    rawBody: xml,
    headers: { 'content-type': 'application/xml', authorization: `Bearer ${key}` },
  })
  assert.equal(posted.body.status, 'rejected')
  const list = await admin('GET', `/api/admin/brands/${slugA}/erp/inbound?documentType=InventoryReport`)
  assert.equal(list.status, 200)
  assert.deepEqual(
    list.body.items.map((i: { documentId: string; outcome: string; source: string }) => [
      i.documentId,
      i.outcome,
      i.source,
    ]),
    [['LIST-1', 'rejected', 'http']],
  )
  assert.equal((await admin('GET', `/api/admin/brands/${slugA}/erp/inbound?documentType=Invoice`)).status, 400)
  assert.deepEqual((await admin('GET', `/api/admin/brands/${slugB}/erp/inbound`)).body.items, [])
})

test("brand isolation: A's viewer and A's key see A only, cannot replay or change anything of B", async () => {
  const [deliveryOfB] = await db.selectFrom('outbox').select('id').where('brand_id', '=', b.brand.brand.id).execute()
  const idB = Number(deliveryOfB!.id)
  const asViewer = (method: string, path: string) => server.request(method, path, { session: viewerA })
  const asKey = (method: string, path: string) =>
    server.request(method, path, { headers: { authorization: `Bearer ${readKeyA}` } })
  for (const who of [asViewer, asKey]) {
    assert.equal((await who('GET', `/api/admin/brands/${slugA}/erp/deliveries`)).status, 200)
    assert.equal((await who('GET', `/api/admin/brands/${slugA}/erp/settings`)).status, 200)
    assert.equal((await who('GET', `/api/admin/brands/${slugB}/erp/deliveries`)).status, 404)
    assert.equal((await who('GET', `/api/admin/brands/${slugB}/erp/deliveries/${idB}`)).status, 404)
    // B's delivery id under A's slug is not A's delivery.
    assert.equal((await who('GET', `/api/admin/brands/${slugA}/erp/deliveries/${idB}`)).status, 404)
    assert.equal((await who('POST', `/api/admin/brands/${slugB}/erp/deliveries/${idB}/replay`)).status, 404)
    assert.equal((await who('POST', `/api/admin/brands/${slugB}/erp/deliveries/replay-dead`)).status, 404)
    assert.equal((await who('POST', `/api/admin/brands/${slugB}/erp/pause`)).status, 404)
    // Read-only on its own brand: writes are 403.
    assert.equal((await who('POST', `/api/admin/brands/${slugA}/erp/deliveries/${idB}/replay`)).status, 403)
    assert.equal((await who('POST', `/api/admin/brands/${slugA}/erp/pause`)).status, 403)
    assert.equal((await who('PUT', `/api/admin/brands/${slugA}/erp/settings`)).status, 403)
    assert.equal((await who('GET', `/api/admin/brands/${slugB}/orders/${orders[0]}/erp`)).status, 404)
    const metrics = await who('GET', '/api/admin/erp/metrics')
    assert.equal(metrics.status, 200)
    assert.deepEqual(
      metrics.body.brands.map((m: { slug: string }) => m.slug),
      [slugA],
    )
  }
  // A's key under A's slug cannot reach B's delivery by replay either (brand filter in SQL).
  const admins = await admin('POST', `/api/admin/brands/${slugA}/erp/deliveries/${idB}/replay`)
  assert.equal(admins.status, 404)
  // erp:write cannot be put on an API key at all.
  const made = await admin('POST', `/api/admin/brands/${slugA}/api-keys`, { name: 'x', permissions: ['erp:write'] })
  assert.equal(made.status, 400)
  assert.equal(
    (
      await db
        .selectFrom('erp_settings')
        .select('paused')
        .where('brand_id', '=', b.brand.brand.id)
        .executeTakeFirstOrThrow()
    ).paused,
    false,
  )
})

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { sql } from 'kysely'
import { createStaff } from '../../src/access/index.ts'
import type { BrandCtx } from '../../src/brands/brand.ts'
import type { ProductDetail } from '../../src/catalog/index.ts'
import { testCards } from '../../src/checkout/index.ts'
import type { Database } from '../../src/platform/db/database.ts'
import { onPostgres, openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, createTestProduct, systemCtx } from '../helpers/fixtures.ts'
import { onTeardown } from '../helpers/teardown.ts'
import { type CallOptions, call, freePort, type HttpAnswer, missingTool, waitFor } from './helpers.ts'
import { type GroupProcess, haproxyBin, serverStates, startHaproxy, startNode } from './processes.ts'

/**
 * Two nodes (`vitrine serve --workers 2`, real processes) behind HAProxy (deploy/haproxy.cfg on
 * free loopback ports), sharing nothing but one PostgreSQL database: a cart moves between nodes,
 * a price change made on one is served by the other, and killing a node in the middle of a stream
 * of checkouts loses and doubles nothing.
 */

const skip = onPostgres
  ? missingTool(haproxyBin, 'HAProxy (apt-get install haproxy)')
  : 'needs PostgreSQL (DATABASE_URL): nodes share one database; embedded PGlite is single-process'

const address = { name: 'Camille Martin', line1: '12 rue des Lilas', postalCode: '75011', city: 'Paris', country: 'FR' }
const admin = { email: 'cluster-admin@test.invalid', password: 'correct horse battery staple' }

let database: Database
let brand: BrandCtx
let other: BrandCtx
let dress: ProductDetail
let stream: ProductDetail
let nodes: [GroupProcess, GroupProcess]
let ports: { front: number; stats: number; nodes: [number, number] }
let startupMs = 0

// Set up at the top level (not in a before hook), so teardown runs after the tests of the file.
if (!skip) {
  database = await openTestDatabase({ poolSize: 4 })
  const name = (await sql<{ name: string }>`SELECT current_database() AS name`.execute(database.db)).rows[0]!.name
  const url = new URL(process.env.DATABASE_URL ?? '')
  url.pathname = `/${name}`
  brand = await createTestBrand(database.db)
  other = await createTestBrand(database.db)
  dress = await createTestProduct(brand, {
    title: 'Robe Cluster',
    variants: [{ sku: 'CL-M', size: 'M', colour: 'Noir', colourHex: '#000000', priceMinor: 3000, onHand: 50 }],
  })
  stream = await createTestProduct(brand, {
    title: 'Pull Flux',
    variants: [{ sku: 'FLUX-M', size: 'M', colour: 'Gris', colourHex: '#888888', priceMinor: 2000, onHand: 1000 }],
  })
  await createStaff(systemCtx(database.db), { ...admin, grants: [{ role: 'operator-admin', brandId: null }] })
  ports = { front: await freePort(), stats: await freePort(), nodes: [await freePort(), await freePort()] }
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-cluster-'))
  onTeardown(() => rmSync(dir, { recursive: true, force: true }))
  // Started one after the other: on a busy 2-core machine, two cold starts at once only slow both.
  const started: GroupProcess[] = []
  onTeardown(async () => {
    for (const p of started) await p.killGroup()
  })
  try {
    const starting = Date.now()
    const both = await Promise.allSettled([
      startNode('node1', ports.nodes[0], url.toString()),
      startNode('node2', ports.nodes[1], url.toString()),
    ])
    for (const s of both) if (s.status === 'fulfilled') started.push(s.value)
    for (const s of both) if (s.status === 'rejected') throw s.reason
    nodes = [started[0]!, started[1]!]
    startupMs = Date.now() - starting
    started.push(await startHaproxy(dir, ports))
  } catch (error) {
    // A throw here ends the file before its teardown runs.
    for (const p of started) await p.killGroup()
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
}

const host = () => `${brand.brand.slug}.localhost`
const checkoutBody = (cartToken: string) => ({
  cartToken,
  email: 'camille@example.org',
  shippingAddress: address,
  shippingMethod: 'standard',
  payment: { provider: 'test', token: testCards.success },
})

async function cartWith(port: number, variantId: string, quantity: number, options: CallOptions = {}): Promise<string> {
  const cart = await call(port, 'POST', '/api/store/carts', { host: host(), ...options })
  assert.equal(cart.status, 201, cart.text)
  const line = await call(port, 'PUT', `/api/store/carts/${cart.body.token}/lines/${variantId}`, {
    host: host(),
    body: { quantity },
    ...options,
  })
  assert.equal(line.status, 200, line.text)
  return cart.body.token
}

async function stockOf(variantId: string) {
  return database.db
    .selectFrom('stock_levels')
    .select(['on_hand', 'reserved'])
    .where('brand_id', '=', brand.brand.id)
    .where('variant_id', '=', variantId)
    .executeTakeFirstOrThrow()
}

describe('two nodes behind HAProxy on one PostgreSQL database', { skip: skip ?? false }, () => {
  test('a cart made on node 1 checks out on node 2, and only in its own brand', async (t) => {
    t.diagnostic(`both nodes answered /ready ${startupMs} ms after their start (started together)`)
    const [one, two] = ports.nodes
    const token = await cartWith(one, dress.variants[0]!.id, 2)
    const seen = await call(two, 'GET', `/api/store/carts/${token}`, { host: host() })
    assert.equal(seen.status, 200, seen.text)
    assert.equal(seen.body.lines[0].quantity, 2)
    // Another brand's host does not see the cart, on either node.
    const foreign = await call(two, 'POST', '/api/store/checkout', {
      host: `${other.brand.slug}.localhost`,
      headers: { 'idempotency-key': 'cluster-cross-brand' },
      body: checkoutBody(token),
    })
    assert.equal(foreign.status, 404, foreign.text)
    // A malformed body is a 400 on any node, not a 500.
    const malformed = await call(two, 'POST', '/api/store/checkout', {
      host: host(),
      headers: { 'idempotency-key': 'cluster-malformed' },
      body: { cartToken: token, payment: 'cash' },
    })
    assert.equal(malformed.status, 400, malformed.text)

    const placed = await call(two, 'POST', '/api/store/checkout', {
      host: host(),
      headers: { 'idempotency-key': 'cluster-cart-move' },
      body: checkoutBody(token),
    })
    assert.equal(placed.status, 201, placed.text)
    assert.equal(placed.body.lines[0].quantity, 2)
    // The same key on the other node is the same order, not a second one.
    const again = await call(one, 'POST', '/api/store/checkout', {
      host: host(),
      headers: { 'idempotency-key': 'cluster-cart-move' },
      body: checkoutBody(token),
    })
    assert.equal(again.status, 200, again.text)
    assert.equal(again.body.id, placed.body.id)
    assert.deepEqual(await stockOf(dress.variants[0]!.id), { on_hand: 50, reserved: 2 })
  })

  test('a price changed through node 1’s admin API is served by node 2 on its next requests (JSON and HTML)', async (t) => {
    const [one, two] = ports.nodes
    const productPath = `/api/store/products/${dress.id}`
    const pagePath = `/p/${dress.id}`
    const before = await call(two, 'GET', productPath, { host: host() })
    assert.equal(before.body.variants[0].priceMinor, 3000)
    const page = await call(two, 'GET', pagePath, { host: host() })
    assert.equal(page.status, 200)
    assert.match(page.text, /30,00\s€/)
    // Warm both of node 2's workers (connections are spread across them).
    for (let i = 0; i < 6; i++) await call(two, 'GET', productPath, { host: host() })

    const login = await call(one, 'POST', '/api/admin/auth/login', { body: admin })
    assert.equal(login.status, 200, login.text)
    const cookie = (login.headers['set-cookie'] ?? []).find((c) => c.startsWith('vitrine_admin='))!.split(';')[0]!
    const patch = await call(one, 'PATCH', `/api/admin/brands/${brand.brand.slug}/variants/${dress.variants[0]!.id}`, {
      body: { priceMinor: 4500 },
      headers: { cookie, 'x-csrf-token': login.body.csrfToken },
    })
    assert.equal(patch.status, 204, patch.text)
    const changedAt = Date.now()

    // The NOTIFY is delivered at commit; node 2 may take a few ms to hear it, never a cache lifetime.
    await waitFor(
      'node 2 to serve the new price',
      async () => (await call(two, 'GET', productPath, { host: host() })).body.variants[0].priceMinor === 4500,
      3000,
    )
    const lagMs = Date.now() - changedAt
    t.diagnostic(`node 2 served the new price ${lagMs} ms after node 1's write returned`)
    // Every later request, on whichever worker, and a revalidation with the old ETag, gets it.
    for (let i = 0; i < 8; i++) {
      const res = await call(two, 'GET', productPath, {
        host: host(),
        headers: before.headers.etag ? { 'if-none-match': String(before.headers.etag) } : {},
      })
      assert.equal(res.status, 200, 'the old ETag no longer matches')
      assert.equal(res.body.variants[0].priceMinor, 4500)
    }
    const after = await call(two, 'GET', pagePath, { host: host() })
    assert.match(after.text, /45,00\s€/)
    assert.doesNotMatch(after.text, /30,00\s€/)
  })

  test('killing node 1 mid-stream loses no checkout and doubles none (clients retry with the same key)', async (t) => {
    const front = ports.front
    const variantId = stream.variants[0]!.id
    const stockBefore = await stockOf(variantId)
    const clients = 6
    const perClient = 8
    const statuses = new Map<number, number>()
    let networkErrors = 0
    let placedAfterKill = 0
    let killedAt = 0
    let done = 0
    const orderOfKey = new Map<string, string>()
    const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1)

    // A client that retries what did not get an answer it can act on: no answer, 502/504 (the
    // killed node's in-flight requests), 503 (shed; after its Retry-After). Same key, same body.
    async function withRetries(send: () => Promise<HttpAnswer>): Promise<HttpAnswer> {
      for (let attempt = 0; attempt < 30; attempt++) {
        try {
          const res = await send()
          count(res.status)
          if (res.status !== 502 && res.status !== 503 && res.status !== 504) return res
          const retryAfter = Number(res.headers['retry-after'] ?? 0)
          await delay(Math.min(1000, Math.max(100, retryAfter * 1000)))
        } catch {
          networkErrors += 1
          await delay(100)
        }
      }
      throw new Error('no usable answer after 30 attempts')
    }

    async function shopper(client: number): Promise<void> {
      for (let i = 0; i < perClient; i++) {
        const key = `cluster-kill-${client}-${i}`
        const cart = await withRetries(() => call(front, 'POST', '/api/store/carts', { host: host() }))
        assert.equal(cart.status, 201, cart.text)
        const line = await withRetries(() =>
          call(front, 'PUT', `/api/store/carts/${cart.body.token}/lines/${variantId}`, {
            host: host(),
            body: { quantity: 1 + (i % 2) },
          }),
        )
        assert.equal(line.status, 200, line.text)
        const placed = await withRetries(() =>
          call(front, 'POST', '/api/store/checkout', {
            host: host(),
            headers: { 'idempotency-key': key },
            body: checkoutBody(cart.body.token),
          }),
        )
        assert.ok(placed.status === 201 || placed.status === 200, `${key}: ${placed.status} ${placed.text}`)
        orderOfKey.set(key, placed.body.id)
        done += 1
        if (killedAt > 0) placedAfterKill += 1
      }
    }

    const killer = (async () => {
      await waitFor('a few checkouts before the kill', async () => done >= 12, 60_000)
      killedAt = Date.now()
      await nodes[0].killGroup()
    })()
    await Promise.all([killer, ...Array.from({ length: clients }, (_, c) => shopper(c))])

    t.diagnostic(
      `${clients * perClient} checkouts, ${placedAfterKill} placed after the kill; answers ${JSON.stringify(Object.fromEntries(statuses))}, ${networkErrors} without an answer`,
    )
    assert.ok(killedAt > 0, 'node 1 was killed during the stream')
    assert.equal(nodes[0].alive, false)
    assert.ok(placedAfterKill > 0, 'node 2 kept taking checkouts after node 1 died')
    assert.equal(orderOfKey.size, clients * perClient)
    const fiveHundreds = [...statuses].filter(([s]) => s >= 500)
    assert.equal(statuses.get(500) ?? 0, 0, `no 500s: ${JSON.stringify([...statuses])}`)
    for (const [status] of fiveHundreds) assert.ok([502, 503, 504].includes(status), `unexpected ${status}`)
    const lost = (statuses.get(502) ?? 0) + (statuses.get(504) ?? 0) + networkErrors
    // Only requests in flight on node 1 when it died can fail: at most one per client.
    assert.ok(lost <= clients, `${lost} failed requests for ${clients} clients in flight`)

    // Exactly one order per key, and the stock reserved is exactly what those orders hold.
    const orders = await database.db
      .selectFrom('orders')
      .select(['id', 'idempotency_key'])
      .where('brand_id', '=', brand.brand.id)
      .where('idempotency_key', 'like', 'cluster-kill-%')
      .execute()
    assert.equal(orders.length, clients * perClient, 'one order per key, none lost, none doubled')
    for (const order of orders) assert.equal(orderOfKey.get(order.idempotency_key!), order.id)
    const units = await database.db
      .selectFrom('order_lines')
      .select((eb) => eb.fn.sum<number>('quantity').as('n'))
      .where('brand_id', '=', brand.brand.id)
      .where('variant_id', '=', variantId)
      .executeTakeFirstOrThrow()
    const stockAfter = await stockOf(variantId)
    assert.equal(stockAfter.on_hand, stockBefore.on_hand)
    assert.equal(stockAfter.reserved - stockBefore.reserved, Number(units.n), 'reserved == units ordered')
    assert.equal(Number(units.n), clients * (perClient / 2) * 3, 'each shopper ordered 1, 2, 1, 2, … units')
    // HAProxy's health checks took the dead node out.
    await waitFor('HAProxy to mark node 1 down', async () => (await serverStates(ports.stats))[0] !== 'UP', 10_000)
  })
})

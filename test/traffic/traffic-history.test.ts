import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { testCards } from '../../src/checkout/index.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'
import { startTestServer } from '../helpers/server.ts'

const database = await openTestDatabase()
const brandA = await createTestBrand(database.db)
const brandB = await createTestBrand(database.db)
const productA = await createTestProduct(brandA)
const server = await startTestServer(database)
const hostA = `${brandA.brand.slug}.localhost:3000`
const hostB = `${brandB.brand.slug}.localhost:3000`

/** The history rows of a brand as { kind: n }, summed over hours. */
async function countsOf(brandId: string): Promise<Record<string, number>> {
  const rows = await database.db
    .selectFrom('traffic_hourly')
    .select(['kind', 'n', 'hour'])
    .where('brand_id', '=', brandId)
    .execute()
  const out: Record<string, number> = {}
  for (const r of rows) {
    assert.equal(new Date(r.hour).getTime() % 3_600_000, 0, 'hours are whole UTC hours')
    out[r.kind] = (out[r.kind] ?? 0) + Number(r.n)
  }
  return out
}

/** onResponse runs once the response is handed to the socket; give the last ones a moment. */
async function settleAndFlush(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 100))
  await server.app.trafficHistory.flush()
}

describe('traffic history', () => {
  test('counts page views, API reads, cart and checkout attempts and orders per brand, exactly', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await server.request('GET', '/', { host: hostA })).status, 200)
    for (let i = 0; i < 3; i++) {
      assert.equal((await server.request('GET', `/api/store/products/${productA.id}`, { host: hostA })).status, 200)
    }
    // A crawler, a missing product page (still a page view: someone looked), and things that are no page view.
    await server.request('GET', '/', { host: hostA, headers: { 'user-agent': 'Googlebot/2.1' } })
    assert.equal((await server.request('GET', '/p/nothing-here', { host: hostA })).status, 404)
    await server.request('GET', '/robots.txt', { host: hostA })
    await server.request('GET', '/health', { host: hostA })
    await server.request('GET', `/api/admin/brands/${brandA.brand.slug}`, { host: hostA, admin: true })

    const cart = await server.request('POST', '/api/store/carts', { host: hostA })
    assert.equal(cart.status, 201)
    const line = await server.request('POST', `/api/store/carts/${cart.body.token}/lines`, {
      host: hostA,
      body: { variantId: productA.variants[0]!.id, quantity: 1 },
    })
    assert.equal(line.status, 200)
    const body = {
      cartToken: cart.body.token,
      email: 'traffic@example.org',
      shippingAddress: { name: 'A B', line1: '1 rue X', postalCode: '75001', city: 'Paris', country: 'FR' },
      shippingMethod: 'standard',
      payment: { provider: 'test', token: testCards.success },
    }
    const placed = await server.request('POST', '/api/store/checkout', {
      host: hostA,
      body,
      headers: { 'idempotency-key': 'traffic-1' },
    })
    assert.equal(placed.status, 201)
    // The same key again replays the order (200): an attempt, not a second order.
    const replay = await server.request('POST', '/api/store/checkout', {
      host: hostA,
      body,
      headers: { 'idempotency-key': 'traffic-1' },
    })
    assert.equal(replay.status, 200)
    // Malformed: an invalid body is a checkout attempt that placed nothing.
    const bad = await server.request('POST', '/api/store/checkout', { host: hostA, rawBody: '{"cartToken":' })
    assert.equal(bad.status, 400)

    for (let i = 0; i < 4; i++) await server.request('GET', '/', { host: hostB })
    // Unknown shops count for nobody.
    await server.request('GET', '/', { host: 'no-such-brand.localhost:3000' })
    await server.request('GET', '/', { host: '../../etc/passwd' })
    await settleAndFlush()

    assert.deepEqual(await countsOf(brandA.brand.id), { page: 6, api: 3, bot: 1, cart: 2, checkout: 3, order: 1 })
    assert.deepEqual(await countsOf(brandB.brand.id), { page: 4 })
  })

  test('a cart of one brand used at another brand’s host counts for the host’s brand only', async () => {
    const beforeA = await countsOf(brandA.brand.id)
    const beforeB = await countsOf(brandB.brand.id)
    const cartA = await server.request('POST', '/api/store/carts', { host: hostA })
    const stolen = await server.request('GET', `/api/store/carts/${cartA.body.token}`, { host: hostB })
    assert.equal(stolen.status, 404)
    await settleAndFlush()
    const afterA = await countsOf(brandA.brand.id)
    const afterB = await countsOf(brandB.brand.id)
    assert.equal(afterA.cart, (beforeA.cart ?? 0) + 1)
    assert.equal(afterB.cart, (beforeB.cart ?? 0) + 1)
    assert.equal(afterB.page, beforeB.page)
  })

  test('flushes add to the hour already stored instead of replacing it, and an empty flush writes nothing', async () => {
    const before = (await countsOf(brandB.brand.id)).page ?? 0
    for (let i = 0; i < 7; i++) await server.request('GET', '/', { host: hostB })
    await settleAndFlush()
    for (let i = 0; i < 2; i++) await server.request('GET', '/', { host: hostB })
    await settleAndFlush()
    await settleAndFlush()
    assert.equal((await countsOf(brandB.brand.id)).page, before + 9)
    assert.equal(server.app.trafficHistory.counter.pending, 0)
  })
})

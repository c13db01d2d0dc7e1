import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { testCards } from '../src/checkout/index.ts'
import { openTestDatabase } from './helpers/database.ts'
import { createTestBrand, createTestProduct } from './helpers/fixtures.ts'
import { startTestServer, type TestResponse } from './helpers/server.ts'

/** Brand B's shop and B's admin scope must never reveal or change anything of brand A. */

const address = { name: 'Camille Martin', line1: '12 rue des Lilas', postalCode: '75011', city: 'Paris', country: 'FR' }
const email = 'camille@example.org'

const database = await openTestDatabase()
const brandA = await createTestBrand(database.db)
const brandB = await createTestBrand(database.db)
const variant = (sku: string, priceMinor: number) => ({ sku, size: 'M', colour: 'Noir', priceMinor, onHand: 20 })
const productsA = [
  await createTestProduct(brandA, { title: 'Robe A', variants: [variant('A-ROBE-M', 8900)] }),
  await createTestProduct(brandA, { title: 'Veste A', variants: [variant('A-VESTE-M', 15900)] }),
]
const productsB = [await createTestProduct(brandB, { title: 'Robe B', variants: [variant('B-ROBE-M', 6900)] })]
const server = await startTestServer(database)

const hostA = `${brandA.brand.slug}.localhost`
const hostB = `${brandB.brand.slug}.localhost`
const slugA = brandA.brand.slug
const slugB = brandB.brand.slug
const productA = productsA[0]!
const variantA = productA.variants[0]!
const variantB = productsB[0]!.variants[0]!

async function cartWith(host: string, variantId: string): Promise<string> {
  const token = (await server.request('POST', '/api/store/carts', { host })).body.token as string
  const added = await server.request('POST', `/api/store/carts/${token}/lines`, {
    host,
    body: { variantId, quantity: 1 },
  })
  assert.equal(added.status, 200)
  return token
}

const checkoutBody = (cartToken: string) => ({
  cartToken,
  email,
  shippingAddress: address,
  shippingMethod: 'standard',
  payment: { provider: 'test', token: testCards.success },
})

// A's shopper has an open cart and a placed order; B has its own.
const openCartA = await cartWith(hostA, variantA.id)
const orderA = (
  await server.request('POST', '/api/store/checkout', {
    host: hostA,
    headers: { 'idempotency-key': 'a-order-1' },
    body: checkoutBody(await cartWith(hostA, variantA.id)),
  })
).body
const orderB = (
  await server.request('POST', '/api/store/checkout', {
    host: hostB,
    headers: { 'idempotency-key': 'b-order-1' },
    body: checkoutBody(await cartWith(hostB, variantB.id)),
  })
).body

function assertNotFound(res: TestResponse, what: string): void {
  assert.equal(res.status, 404, `${what}: ${res.text}`)
  assert.equal(res.body.type, '/problems/not-found', what)
  // The answer is the same as for an id that never existed: nothing of A leaks into it.
  assert.ok(!res.text.includes(brandA.brand.id) && !res.text.includes(slugA), `${what} mentions brand A`)
}

const stockOf = async (variantId: string) =>
  (await server.request('GET', `/api/admin/brands/${slugA}/variants/${variantId}/stock`, { admin: true })).body

describe("brand B's shop cannot see or touch brand A", () => {
  test('the set-up placed one order in each brand', () => {
    assert.match(orderA.number, new RegExp(`^${brandA.brand.orderPrefix}-000001$`))
    assert.match(orderB.number, new RegExp(`^${brandB.brand.orderPrefix}-000001$`))
  })

  test("A's product id is a 404 on B's host", async () => {
    assertNotFound(await server.request('GET', `/api/store/products/${productA.id}`, { host: hostB }), 'product')
    const onA = await server.request('GET', `/api/store/products/${productA.id}`, { host: hostA })
    assert.equal(onA.status, 200)
  })

  test("B's listing holds exactly B's products, whatever the page size or category", async () => {
    for (const query of ['pageSize=100', 'pageSize=100&category=Femme', 'page=1&pageSize=1']) {
      const res = await server.request('GET', `/api/store/products?${query}`, { host: hostB })
      assert.equal(res.status, 200)
      assert.deepEqual(
        res.body.items.map((p: { id: string }) => p.id),
        productsB.map((p) => p.id),
        query,
      )
      assert.equal(res.body.total, 1)
    }
    const onA = await server.request('GET', '/api/store/products?pageSize=100', { host: hostA })
    assert.deepEqual(onA.body.items.map((p: { id: string }) => p.id).sort(), productsA.map((p) => p.id).sort())
  })

  test("A's cart token is a 404 on B's host: read, add, change, remove and checkout", async () => {
    assertNotFound(await server.request('GET', `/api/store/carts/${openCartA}`, { host: hostB }), 'get cart')
    assertNotFound(
      await server.request('POST', `/api/store/carts/${openCartA}/lines`, {
        host: hostB,
        body: { variantId: variantB.id, quantity: 1 },
      }),
      'add line',
    )
    assertNotFound(
      await server.request('PUT', `/api/store/carts/${openCartA}/lines/${variantA.id}`, {
        host: hostB,
        body: { quantity: 5 },
      }),
      'set quantity',
    )
    assertNotFound(
      await server.request('DELETE', `/api/store/carts/${openCartA}/lines/${variantA.id}`, { host: hostB }),
      'remove line',
    )
    assertNotFound(
      await server.request('POST', '/api/store/checkout', {
        host: hostB,
        headers: { 'idempotency-key': 'steal-a-cart' },
        body: checkoutBody(openCartA),
      }),
      'checkout',
    )
    // A's cart is exactly as its shopper left it, and still open.
    const cart = await server.request('GET', `/api/store/carts/${openCartA}`, { host: hostA })
    assert.equal(cart.status, 200)
    assert.deepEqual(
      cart.body.lines.map((l: { variantId: string; quantity: number }) => [l.variantId, l.quantity]),
      [[variantA.id, 1]],
    )
    assert.equal(cart.body.orderId, null)
  })

  test("A's variant cannot be put in B's cart", async () => {
    const cartB = await cartWith(hostB, variantB.id)
    assertNotFound(
      await server.request('POST', `/api/store/carts/${cartB}/lines`, {
        host: hostB,
        body: { variantId: variantA.id, quantity: 1 },
      }),
      'add A variant',
    )
    assertNotFound(
      await server.request('PUT', `/api/store/carts/${cartB}/lines/${variantA.id}`, {
        host: hostB,
        body: { quantity: 1 },
      }),
      'set A variant',
    )
    const cart = await server.request('GET', `/api/store/carts/${cartB}`, { host: hostB })
    assert.deepEqual(
      cart.body.lines.map((l: { variantId: string }) => l.variantId),
      [variantB.id],
    )
  })

  test("A's order number with the right e-mail is not found through B's host", async () => {
    const lookup = (host: string) =>
      server.request('POST', '/api/store/orders/lookup', { host, body: { number: orderA.number, email } })
    assertNotFound(await lookup(hostB), 'order lookup')
    const onA = await lookup(hostA)
    assert.equal(onA.status, 200)
    assert.equal(onA.body.id, orderA.id)
  })
})

describe('the admin API scoped to B cannot see or touch brand A', () => {
  const adminB = (method: string, path: string, body?: unknown) =>
    server.request(method, `/api/admin/brands/${slugB}${path}`, { admin: true, ...(body ? { body } : {}) })
  const adminA = (method: string, path: string) =>
    server.request(method, `/api/admin/brands/${slugA}${path}`, { admin: true })

  test("A's order is a 404 under B, and B's order list holds only B's order", async () => {
    assertNotFound(await adminB('GET', `/orders/${orderA.id}`), 'admin order')
    const list = await adminB('GET', '/orders')
    assert.deepEqual(
      list.body.items.map((o: { id: string }) => o.id),
      [orderB.id],
    )
  })

  test("cancelling A's order under B is a 404 and A's order stays placed with its stock reserved", async () => {
    const before = await stockOf(variantA.id)
    assertNotFound(await adminB('POST', `/orders/${orderA.id}/cancel`, { reason: 'not yours' }), 'admin cancel')
    const order = await adminA('GET', `/orders/${orderA.id}`)
    assert.equal(order.status, 200)
    assert.equal(order.body.status, 'placed')
    assert.equal(order.body.cancelledAt, null)
    assert.deepEqual(await stockOf(variantA.id), before)
    const messages = await database.db
      .selectFrom('outbox')
      .select(['brand_id', 'topic'])
      .where('aggregate_id', '=', orderA.id)
      .execute()
    assert.deepEqual(messages, [{ brand_id: brandA.brand.id, topic: 'order.placed' }])
  })

  test("A's product is a 404 under B and does not appear in B's admin listing", async () => {
    assertNotFound(await adminB('GET', `/products/${productA.id}`), 'admin product')
    const list = await adminB('GET', '/products?pageSize=100')
    assert.deepEqual(
      list.body.items.map((p: { id: string }) => p.id),
      productsB.map((p) => p.id),
    )
  })

  test("changing A's product or variant under B is a 404 and changes nothing", async () => {
    assertNotFound(await adminB('PATCH', `/variants/${variantA.id}`, { priceMinor: 1 }), 'patch variant')
    assertNotFound(await adminB('PATCH', `/products/${productA.id}`, { title: 'Hijacked' }), 'patch product')
    const product = await adminA('GET', `/products/${productA.id}`)
    assert.equal(product.body.title, 'Robe A')
    assert.equal(product.body.variants[0].priceMinor, 8900)
  })

  test("A's stock is a 404 under B, for reading and for setting", async () => {
    const before = await stockOf(variantA.id)
    assertNotFound(await adminB('GET', `/variants/${variantA.id}/stock`), 'get stock')
    assertNotFound(await adminB('PUT', `/variants/${variantA.id}/stock`, { onHand: 0 }), 'set stock')
    assert.deepEqual(await stockOf(variantA.id), before)
    assert.equal(before.onHand, 20)
  })
})

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import type { ProductDetail } from '../src/catalog/index.ts'
import { testCards } from '../src/checkout/index.ts'
import { onPostgres, openTestDatabase } from './helpers/database.ts'
import { createTestBrand, createTestProduct } from './helpers/fixtures.ts'
import { startTestServer, type TestResponse } from './helpers/server.ts'

/**
 * Checkout under contention, through real HTTP. On PostgreSQL the requests truly overlap (a pool
 * of 20 connections, row locks, unique-index waits); on PGlite the same code runs with queries
 * interleaved one at a time, which still races every read-then-act step between requests.
 */

const address = { name: 'Camille Martin', line1: '12 rue des Lilas', postalCode: '75011', city: 'Paris', country: 'FR' }

const database = await openTestDatabase()
const db = database.db
// One brand per scenario, so "orders of the brand" counts only that scenario's orders.
const oversold = await createTestBrand(db)
const idempotent = await createTestBrand(db)
const twoKeys = await createTestBrand(db)
const oneUnit = (sku: string, onHand: number) => ({
  variants: [{ sku, size: 'M', colour: 'Noir', colourHex: '#000000', priceMinor: 2990, onHand }],
})
const scarce = await createTestProduct(oversold, oneUnit('SCARCE-M', 10))
const plenty = await createTestProduct(idempotent, oneUnit('PLENTY-M', 50))
const shared = await createTestProduct(twoKeys, oneUnit('SHARED-M', 100))
const crossed = await createTestBrand(db)
const pair = await createTestProduct(crossed, {
  variants: [
    { sku: 'PAIR-S', size: 'S', priceMinor: 1000, onHand: 3 },
    { sku: 'PAIR-M', size: 'M', priceMinor: 1000, onHand: 1000 },
  ],
})
const server = await startTestServer(database)

const staggerMs = onPostgres ? 1 : 2
// PGlite runs one query at a time, so a bigger crowd adds time but no new interleavings.
const crowd = onPostgres ? 200 : 60
const hostOf = (brand: { brand: { slug: string } }) => `${brand.brand.slug}.localhost`

async function filledCart(host: string, product: ProductDetail, quantity: number): Promise<string> {
  const cart = await server.request('POST', '/api/store/carts', { host })
  assert.equal(cart.status, 201)
  const added = await server.request('POST', `/api/store/carts/${cart.body.token}/lines`, {
    host,
    body: { variantId: product.variants[0]!.id, quantity },
  })
  assert.equal(added.status, 200, added.text)
  return cart.body.token
}

function checkout(host: string, cartToken: string, key: string, email = 'camille@example.org'): Promise<TestResponse> {
  return server.request('POST', '/api/store/checkout', {
    host,
    headers: { 'idempotency-key': key },
    body: {
      cartToken,
      email,
      shippingAddress: address,
      shippingMethod: 'standard',
      payment: { provider: 'test', token: testCards.success },
    },
  })
}

async function stockRow(brandId: string, variantId: string) {
  const row = await db
    .selectFrom('stock_levels')
    .select(['on_hand', 'reserved'])
    .where('brand_id', '=', brandId)
    .where('variant_id', '=', variantId)
    .executeTakeFirstOrThrow()
  return { onHand: row.on_hand, reserved: row.reserved, available: row.on_hand - row.reserved }
}

async function ordersOf(brandId: string) {
  return db
    .selectFrom('orders')
    .select(['id', 'number', 'idempotency_key'])
    .where('brand_id', '=', brandId)
    .orderBy('number')
    .execute()
}

/** order id → number of 'order.placed' outbox rows for it; also counts rows pointing at no order. */
async function placedMessagesPerOrder(brandId: string) {
  const perOrder = await db
    .selectFrom('orders as o')
    .leftJoin('outbox as m', (join) =>
      join
        .onRef('m.brand_id', '=', 'o.brand_id')
        .onRef('m.aggregate_id', '=', 'o.id')
        .on('m.topic', '=', 'order.placed'),
    )
    .select(['o.id', (eb) => eb.fn.count<number>('m.id').as('messages')])
    .where('o.brand_id', '=', brandId)
    .groupBy('o.id')
    .execute()
  const all = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('brand_id', '=', brandId)
    .executeTakeFirstOrThrow()
  return { perOrder: perOrder.map((r) => Number(r.messages)), total: Number(all.n) }
}

const countBy = (values: readonly (string | number)[]) =>
  Object.fromEntries([...new Set(values)].sort().map((v) => [v, values.filter((x) => x === v).length]))

describe(`checkout under contention (${onPostgres ? 'PostgreSQL: truly concurrent' : 'PGlite: interleaved'})`, () => {
  test(`${crowd} simultaneous checkouts of a variant with 10 in stock sell exactly 10 and refuse ${crowd - 10}`, async () => {
    const host = hostOf(oversold)
    const variantId = scarce.variants[0]!.id
    // Carts are filled first: adding to a cart checks stock but reserves none, so every add succeeds.
    const carts = await Promise.all(Array.from({ length: crowd }, () => filledCart(host, scarce, 1)))
    assert.equal(new Set(carts).size, crowd)

    const responses = await Promise.all(carts.map((token, i) => checkout(host, token, `oversell-${i}`)))

    assert.deepEqual(countBy(responses.map((r) => r.status)), { 201: 10, 409: crowd - 10 })
    const refused = responses.filter((r) => r.status === 409)
    assert.deepEqual(countBy(refused.map((r) => r.body.type)), { '/problems/out-of-stock': crowd - 10 })
    assert.ok(refused.every((r) => r.body.variantId === variantId && r.body.requested === 1 && r.body.available === 0))
    const sold = responses.filter((r) => r.status === 201)
    assert.equal(new Set(sold.map((r) => r.body.id)).size, 10)
    assert.equal(new Set(sold.map((r) => r.body.number)).size, 10)

    assert.deepEqual(await stockRow(oversold.brand.id, variantId), { onHand: 10, reserved: 10, available: 0 })
    const orders = await ordersOf(oversold.brand.id)
    assert.equal(orders.length, 10)
    assert.deepEqual(orders.map((o) => o.id).sort(), sold.map((r) => r.body.id).sort())
    const lines = await db
      .selectFrom('order_lines')
      .select(['order_id', 'variant_id', 'quantity'])
      .where('brand_id', '=', oversold.brand.id)
      .execute()
    assert.equal(lines.length, 10)
    assert.ok(lines.every((l) => l.variant_id === variantId && l.quantity === 1))
    assert.deepEqual(await placedMessagesPerOrder(oversold.brand.id), { perOrder: Array(10).fill(1), total: 10 })
    // The refused checkouts left their carts open, the sold ones are closed on their order.
    const closed = await db
      .selectFrom('carts')
      .select((eb) => eb.fn.count<number>('order_id').as('n'))
      .where('brand_id', '=', oversold.brand.id)
      .executeTakeFirstOrThrow()
    assert.equal(Number(closed.n), 10)
  })

  test('50 simultaneous identical checkouts with one Idempotency-Key place one order and all see it', async () => {
    const host = hostOf(idempotent)
    const variantId = plenty.variants[0]!.id
    const token = await filledCart(host, plenty, 2)
    const key = 'same-key-for-everyone'

    // Half arrive together; the other half trickle in over the next few milliseconds, as retries
    // do, so some land while the first order is being committed.
    const responses = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        if (i >= 25) await delay((i - 25) * staggerMs)
        return checkout(host, token, key)
      }),
    )

    assert.deepEqual(
      countBy(responses.map((r) => r.status)),
      { 200: 49, 201: 1 },
      JSON.stringify(responses.filter((r) => r.status >= 300).map((r) => r.body)),
    )
    const [first] = responses
    assert.equal(new Set(responses.map((r) => r.body.id)).size, 1)
    assert.equal(new Set(responses.map((r) => r.body.number)).size, 1)
    assert.ok(responses.every((r) => r.body.totalMinor === first!.body.totalMinor && r.body.lines.length === 1))

    const orders = await ordersOf(idempotent.brand.id)
    assert.deepEqual(orders, [{ id: first!.body.id, number: first!.body.number, idempotency_key: key }])
    assert.deepEqual(await stockRow(idempotent.brand.id, variantId), { onHand: 50, reserved: 2, available: 48 })
    assert.deepEqual(await placedMessagesPerOrder(idempotent.brand.id), { perOrder: [1], total: 1 })

    const reused = await checkout(host, token, key, 'someone.else@example.org')
    assert.equal(reused.status, 409)
    assert.equal(reused.body.type, '/problems/idempotency-key-reused')
    assert.equal((await ordersOf(idempotent.brand.id)).length, 1)
    assert.deepEqual(await stockRow(idempotent.brand.id, variantId), { onHand: 50, reserved: 2, available: 48 })
  })

  test('two different keys racing on one cart place one order; the other is told the cart is converted', async () => {
    const host = hostOf(twoKeys)
    const variantId = shared.variants[0]!.id
    // Several carts at once, so both outcomes of the race (refused before or inside the
    // transaction) get a chance to happen.
    const carts = await Promise.all(Array.from({ length: 8 }, () => filledCart(host, shared, 3)))

    const pairs = await Promise.all(
      carts.map((token, i) =>
        Promise.all([checkout(host, token, `cart-${i}-a`), checkout(host, token, `cart-${i}-b`)]),
      ),
    )

    for (const pair of pairs) {
      assert.deepEqual(pair.map((r) => r.status).sort(), [201, 409])
      const loser = pair.find((r) => r.status === 409)!
      assert.equal(loser.body.type, '/problems/cart-converted')
    }
    const winners = pairs.map((pair) => pair.find((r) => r.status === 201)!.body)
    const orders = await ordersOf(twoKeys.brand.id)
    assert.equal(orders.length, 8)
    assert.deepEqual(orders.map((o) => o.id).sort(), winners.map((w) => w.id).sort())
    assert.deepEqual(await stockRow(twoKeys.brand.id, variantId), { onHand: 100, reserved: 24, available: 76 })
    assert.deepEqual(await placedMessagesPerOrder(twoKeys.brand.id), { perOrder: Array(8).fill(1), total: 8 })
    for (const [i, token] of carts.entries()) {
      const cart = await server.request('GET', `/api/store/carts/${token}`, { host })
      assert.equal(cart.body.orderId, winners[i]!.id)
    }
  })

  test('orders over the same two variants, added in opposite orders, never deadlock and never oversell', async () => {
    const host = hostOf(crossed)
    const [small, large] = pair.variants as [ProductDetail['variants'][number], ProductDetail['variants'][number]]
    const count = onPostgres ? 40 : 16
    const carts = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const cart = (await server.request('POST', '/api/store/carts', { host })).body.token as string
        // Half the carts list S then M, the other half M then S: the lock order must not follow them.
        for (const variant of i % 2 === 0 ? [small, large] : [large, small]) {
          const added = await server.request('POST', `/api/store/carts/${cart}/lines`, {
            host,
            body: { variantId: variant.id, quantity: 1 },
          })
          assert.equal(added.status, 200, added.text)
        }
        return cart
      }),
    )
    const responses = await Promise.all(carts.map((cart, i) => checkout(host, cart, `crossed-${i}`)))
    const statuses = responses.map((r) => r.status)
    assert.deepEqual(
      { placed: statuses.filter((s) => s === 201).length, outOfStock: statuses.filter((s) => s === 409).length },
      { placed: 3, outOfStock: count - 3 },
    )
    for (const r of responses.filter((r) => r.status === 409)) assert.equal(r.body.type, '/problems/out-of-stock')
    assert.deepEqual(await stockRow(crossed.brand.id, small.id), { onHand: 3, reserved: 3, available: 0 })
    // The large variant was reserved only for the orders that went through: failed ones rolled back.
    assert.deepEqual(await stockRow(crossed.brand.id, large.id), { onHand: 1000, reserved: 3, available: 997 })
  })
})

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, test } from 'node:test'
import { testCards } from '../../src/checkout/index.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'
import { startTestServer } from '../helpers/server.ts'
import { hostOf, percent, saleEvent, testClock, wholeBrand } from './helpers.ts'

/** Carts are priced when read; a cart filled before a sale's start is re-priced at checkout and the shopper told. */
const database = await openTestDatabase()
const db = database.db
const clock = testClock('2026-01-07T06:30:00Z')
const server = await startTestServer(database, { clock: clock.now })
const brand = await createTestBrand(db, { timeZone: 'Europe/Paris' })
const product = await createTestProduct(brand, {
  variants: [{ sku: 'PULL-M', size: 'M', priceMinor: 2990, onHand: 50 }],
})
await saleEvent([brand], {
  startsAt: '2026-01-07T08:00',
  endsAt: '2026-01-07T20:00',
  rules: [{ discount: percent(30), target: wholeBrand }],
})
await server.brands.refresh()
const host = hostOf(brand)
const variantId = product.variants[0]!.id
const address = { name: 'Camille Martin', line1: '12 rue des Lilas', postalCode: '75011', city: 'Paris', country: 'FR' }

async function cartWithOne(): Promise<string> {
  const cart = await server.request('POST', '/api/store/carts', { host })
  const added = await server.request('POST', `/api/store/carts/${cart.body.token}/lines`, {
    host,
    body: { variantId, quantity: 2 },
  })
  assert.equal(added.status, 200, added.text)
  return cart.body.token
}

const checkout = (cartToken: string, key = randomUUID()) =>
  server.request('POST', '/api/store/checkout', {
    host,
    headers: { 'idempotency-key': key },
    body: {
      cartToken,
      email: 'camille@example.org',
      shippingAddress: address,
      shippingMethod: 'standard',
      payment: { provider: 'test', token: testCards.success },
    },
  })

describe('carts and checkout across a sale boundary', () => {
  test('a cart filled before 08:00 is re-priced at checkout after it: charged the sale price, told so', async () => {
    clock.set('2026-01-07T06:59:00Z')
    const token = await cartWithOne()
    const before = await server.request('GET', `/api/store/carts/${token}`, { host })
    assert.deepEqual(
      [before.body.lines[0].unitPriceMinor, before.body.lines[0].previousPriceMinor, before.body.priceChanged],
      [2990, null, false],
    )
    clock.set('2026-01-07T07:00:00.000Z')
    const read = await server.request('GET', `/api/store/carts/${token}`, { host })
    assert.deepEqual(
      [
        read.body.lines[0].unitPriceMinor,
        read.body.lines[0].compareAtMinor,
        read.body.lines[0].previousPriceMinor,
        read.body.priceChanged,
      ],
      [2093, 2990, 2990, true],
    )
    assert.equal(read.body.subtotalMinor, 4186)
    const placed = await checkout(token)
    assert.equal(placed.status, 201, placed.text)
    assert.equal(placed.body.lines[0].unitPriceMinor, 2093)
    assert.equal(placed.body.subtotalMinor, 4186)
    assert.deepEqual(placed.body.priceChanges, [
      { variantId, sku: 'PULL-M', title: product.title, oldPriceMinor: 2990, newPriceMinor: 2093 },
    ])
    const stored = await db
      .selectFrom('order_lines')
      .select('unit_price_minor')
      .where('brand_id', '=', brand.brand.id)
      .where('order_id', '=', placed.body.id)
      .execute()
    assert.deepEqual(
      stored.map((l) => Number(l.unit_price_minor)),
      [2093],
    )
  })

  test('a price that went up since it was shown is never charged unseen: 409, then the retry pays the shown price', async () => {
    clock.set('2026-01-07T18:30:00Z')
    const token = await cartWithOne()
    clock.set('2026-01-07T19:00:00.000Z') // 20:00 in Paris: the sale is over
    const refused = await checkout(token)
    assert.equal(refused.status, 409, refused.text)
    assert.equal(refused.body.type.endsWith('/prices-changed'), true)
    assert.deepEqual(
      refused.body.changes.map((c: { oldPriceMinor: number; newPriceMinor: number }) => [
        c.oldPriceMinor,
        c.newPriceMinor,
      ]),
      [[2093, 2990]],
    )
    const retried = await checkout(token)
    assert.equal(retried.status, 201, retried.text)
    assert.equal(retried.body.lines[0].unitPriceMinor, 2990)
    assert.deepEqual(retried.body.priceChanges, [])
  })

  test('the storefront checkout page says what changed, once', async () => {
    clock.set('2026-01-07T06:00:00Z')
    const added = await server.request('POST', '/cart/add', {
      host,
      rawBody: `variantId=${variantId}&productId=${product.id}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    assert.equal(added.status, 303, added.text)
    const cookie = (added.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ')
    clock.set('2026-01-07T07:00:00Z')
    const cart = await server.request('GET', '/cart', { host, headers: { cookie } })
    assert.match(cart.text, /Les prix ont changé depuis l’ajout au panier \(.*29,90.*→.*20,93/)
    const page = await server.request('GET', '/checkout', { host, headers: { cookie } })
    assert.equal(page.status, 200)
    assert.match(page.text, /Les prix ont changé/)
    assert.match(page.text, /20,93/)
    assert.equal(page.headers['cache-control'], 'private, no-store')
    const again = await server.request('GET', '/checkout', { host, headers: { cookie } })
    assert.doesNotMatch(
      again.text,
      /Les prix ont changé/,
      'told once: the checkout page now shows the prices checkout compares with',
    )
  })
})

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { testCards } from '../src/checkout/index.ts'
import { openTestDatabase } from './helpers/database.ts'
import { createTestBrand, createTestProduct } from './helpers/fixtures.ts'
import { startTestServer } from './helpers/server.ts'

const address = { name: 'Camille Martin', line1: '12 rue des Lilas', postalCode: '75011', city: 'Paris', country: 'FR' }

const database = await openTestDatabase()
const brand = await createTestBrand(database.db)
const dress = await createTestProduct(brand, {
  title: 'Robe portefeuille en lin',
  variants: [
    {
      sku: 'DRESS-S',
      size: 'S',
      colour: 'Bleu',
      colourHex: '#1f3a93',
      priceMinor: 8900,
      compareAtMinor: 12000,
      onHand: 5,
    },
    { sku: 'DRESS-M', size: 'M', colour: 'Bleu', colourHex: '#1f3a93', priceMinor: 8900, onHand: 0 },
  ],
})
const server = await startTestServer(database)
const host = `${brand.brand.slug}.localhost:3000`

describe('shopping through the HTTP API', () => {
  const newCart = async () => (await server.request('POST', '/api/store/carts', { host })).body.token as string
  const variantS = () => dress.variants.find((v) => v.sku === 'DRESS-S')!
  const checkout = (cartToken: string, card: string, key?: string) =>
    server.request('POST', '/api/store/checkout', {
      host,
      headers: key ? { 'idempotency-key': key } : {},
      body: {
        cartToken,
        email: 'camille@example.org',
        shippingAddress: address,
        shippingMethod: 'standard',
        payment: { provider: 'test', token: card },
      },
    })

  test('lists the brand’s products with price, compare-at price and availability', async () => {
    const res = await server.request('GET', '/api/store/products?pageSize=10', { host })
    assert.equal(res.status, 200)
    assert.equal(res.body.total, 1)
    assert.equal(res.body.currency, 'EUR')
    const [card] = res.body.items
    assert.deepEqual(
      {
        title: card.title,
        priceMinor: card.priceMinor,
        compareAtMinor: card.compareAtMinor,
        inStock: card.inStock,
        sizes: card.sizes,
      },
      { title: 'Robe portefeuille en lin', priceMinor: 8900, compareAtMinor: 12000, inStock: true, sizes: ['S', 'M'] },
    )
    assert.match(res.headers['cache-control'] ?? '', /s-maxage=/)
    assert.match(res.headers.etag ?? '', /^"[A-Za-z0-9_-]+"$/)
  })

  test('answers 304 when the listing has not changed', async () => {
    const first = await server.request('GET', '/api/store/products', { host })
    const second = await server.request('GET', '/api/store/products', {
      host,
      headers: { 'if-none-match': first.headers.etag! },
    })
    assert.equal(second.status, 304)
    assert.equal(second.text, '')
  })

  test('shows a product with per-variant stock', async () => {
    const res = await server.request('GET', `/api/store/products/${dress.id}`, { host })
    assert.equal(res.status, 200)
    assert.deepEqual(
      res.body.variants.map((v: { sku: string; available: number }) => [v.sku, v.available]),
      [
        ['DRESS-S', 5],
        ['DRESS-M', 0],
      ],
    )
  })

  test('builds a cart: add, change quantity, remove, with totals including VAT and shipping', async () => {
    const token = await newCart()
    let res = await server.request('POST', `/api/store/carts/${token}/lines`, {
      host,
      body: { variantId: variantS().id, quantity: 1 },
    })
    assert.equal(res.status, 200)
    // 89.00 < 50.00 free-shipping threshold? No: 89.00 ≥ 50.00, so shipping is free.
    assert.deepEqual(
      {
        items: res.body.itemCount,
        subtotal: res.body.subtotalMinor,
        shipping: res.body.shippingMinor,
        total: res.body.totalMinor,
        vat: res.body.vatMinor,
      },
      { items: 1, subtotal: 8900, shipping: 0, total: 8900, vat: 1483 },
    )
    res = await server.request('PUT', `/api/store/carts/${token}/lines/${variantS().id}`, {
      host,
      body: { quantity: 3 },
    })
    assert.equal(res.body.itemCount, 3)
    assert.equal(res.body.subtotalMinor, 26700)
    res = await server.request('PUT', `/api/store/carts/${token}/lines/${variantS().id}`, {
      host,
      body: { quantity: 6 },
    })
    assert.equal(res.status, 409)
    assert.equal(res.body.type, '/problems/out-of-stock')
    assert.equal(res.body.available, 5)
    res = await server.request('DELETE', `/api/store/carts/${token}/lines/${variantS().id}`, { host })
    assert.equal(res.body.itemCount, 0)
    assert.equal(res.headers['cache-control'], 'private, no-store')
  })

  test('refuses to add a sold-out variant', async () => {
    const token = await newCart()
    const soldOut = dress.variants.find((v) => v.sku === 'DRESS-M')!
    const res = await server.request('POST', `/api/store/carts/${token}/lines`, {
      host,
      body: { variantId: soldOut.id, quantity: 1 },
    })
    assert.equal(res.status, 409)
    assert.equal(res.body.type, '/problems/out-of-stock')
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  })

  test('checks out with the success card, reserves stock, and the shopper can look the order up', async () => {
    const token = await newCart()
    await server.request('POST', `/api/store/carts/${token}/lines`, {
      host,
      body: { variantId: variantS().id, quantity: 2 },
    })
    const res = await checkout(token, testCards.success, 'order-ok-1')
    assert.equal(res.status, 201)
    assert.match(res.body.number, new RegExp(`^${brand.brand.orderPrefix}-\\d{6}$`))
    assert.equal(res.body.status, 'placed')
    assert.equal(res.body.totalMinor, 17800)
    assert.equal(res.body.payment.last4, '4242')
    assert.equal(res.body.lines[0].sku, 'DRESS-S')

    const stock = await server.request('GET', `/api/admin/brands/${brand.brand.slug}/variants/${variantS().id}/stock`, {
      admin: true,
    })
    assert.deepEqual(stock.body, { variantId: variantS().id, onHand: 5, reserved: 2, available: 3 })

    const lookup = await server.request('POST', '/api/store/orders/lookup', {
      host,
      body: { number: res.body.number, email: 'CAMILLE@example.org' },
    })
    assert.equal(lookup.status, 200)
    assert.equal(lookup.body.id, res.body.id)
    const wrongEmail = await server.request('POST', '/api/store/orders/lookup', {
      host,
      body: { number: res.body.number, email: 'x@example.org' },
    })
    assert.equal(wrongEmail.status, 404)

    const again = await checkout(token, testCards.success, 'order-ok-2')
    assert.equal(again.status, 409)
    assert.equal(again.body.type, '/problems/cart-converted')
  })

  test('a declined card is a 402 and keeps the cart as it was', async () => {
    const token = await newCart()
    await server.request('POST', `/api/store/carts/${token}/lines`, {
      host,
      body: { variantId: variantS().id, quantity: 1 },
    })
    const res = await checkout(token, testCards.declined, 'declined-1')
    assert.equal(res.status, 402)
    assert.equal(res.body.type, '/problems/payment-declined')
    const cart = await server.request('GET', `/api/store/carts/${token}`, { host })
    assert.equal(cart.body.itemCount, 1)
    assert.equal(cart.body.orderId, null)
  })

  test('a failing payment provider is a 502 that invites a retry, and nothing is ordered', async () => {
    const token = await newCart()
    await server.request('POST', `/api/store/carts/${token}/lines`, {
      host,
      body: { variantId: variantS().id, quantity: 1 },
    })
    const res = await checkout(token, testCards.processingError)
    assert.equal(res.status, 502)
    assert.equal(res.body.type, '/problems/payment-failed')
    const retry = await checkout(token, testCards.success)
    assert.equal(retry.status, 201)
  })

  test('cancelling an order releases its stock, and a second cancellation is refused', async () => {
    const token = await newCart()
    await server.request('POST', `/api/store/carts/${token}/lines`, {
      host,
      body: { variantId: variantS().id, quantity: 1 },
    })
    const order = (await checkout(token, testCards.success)).body
    const before = (
      await server.request('GET', `/api/admin/brands/${brand.brand.slug}/variants/${variantS().id}/stock`, {
        admin: true,
      })
    ).body
    const res = await server.request('POST', `/api/admin/brands/${brand.brand.slug}/orders/${order.id}/cancel`, {
      admin: true,
      body: { reason: 'customer request' },
    })
    assert.equal(res.status, 200)
    assert.equal(res.body.status, 'cancelled')
    const after = (
      await server.request('GET', `/api/admin/brands/${brand.brand.slug}/variants/${variantS().id}/stock`, {
        admin: true,
      })
    ).body
    assert.equal(after.reserved, before.reserved - 1)
    const twice = await server.request('POST', `/api/admin/brands/${brand.brand.slug}/orders/${order.id}/cancel`, {
      admin: true,
    })
    assert.equal(twice.status, 409)
    assert.equal(twice.body.type, '/problems/order-not-cancellable')
  })

  test('a price change is visible on the next request', async () => {
    const before = await server.request('GET', `/api/store/products/${dress.id}`, { host })
    assert.equal(before.body.variants[0].priceMinor, 8900)
    const patch = await server.request('PATCH', `/api/admin/brands/${brand.brand.slug}/variants/${variantS().id}`, {
      admin: true,
      body: { priceMinor: 7900 },
    })
    assert.equal(patch.status, 204)
    const after = await server.request('GET', `/api/store/products/${dress.id}`, { host })
    assert.equal(after.body.variants[0].priceMinor, 7900)
    assert.notEqual(after.headers.etag, before.headers.etag)
  })
})

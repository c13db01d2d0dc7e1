import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { testCards } from '../../src/checkout/index.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'
import { startTestServer, type TestResponse } from '../helpers/server.ts'
import { form } from '../storefront/fixtures.ts'

const database = await openTestDatabase()
const db = database.db
const brand = await createTestBrand(db) // fr-FR, EUR, standard shipping 4.90 free from 50.00
const other = await createTestBrand(db)
const dress = await createTestProduct(brand, {
  variants: [{ sku: 'ROBE-M', size: 'M', colour: 'Noir', priceMinor: 3000, onHand: 50 }],
})
const server = await startTestServer(database)
const host = `${brand.brand.slug}.localhost:3000`

async function createCode(body: Record<string, unknown>, slug = brand.brand.slug) {
  const res = await server.request('POST', `/api/admin/brands/${slug}/promotions`, { admin: true, body })
  assert.equal(res.status, 201, res.text)
  return res.body
}

/** A shopper's browser: a host and a cookie jar. */
function shopper(shopHost = host) {
  const jar = new Map<string, string>()
  const remember = (res: TestResponse) => {
    for (const c of res.headers['set-cookie'] ?? []) {
      const [pair] = c.split(';')
      const [name, value] = pair!.split('=')
      jar.set(name!, value ?? '')
    }
    return res
  }
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  return {
    get: async (path: string) =>
      remember(await server.request('GET', path, { host: shopHost, headers: { cookie: cookie() } })),
    post: async (path: string, fields: Record<string, string>, origin = `http://${shopHost}`) =>
      remember(
        await server.request('POST', path, {
          host: shopHost,
          rawBody: form(fields),
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin, cookie: cookie() },
        }),
      ),
  }
}

const key = (html: string) => /name="idempotencyKey" value="([0-9a-f-]{36})"/.exec(html)![1]!
const checkoutFields = (page: string, email: string) => ({
  idempotencyKey: key(page),
  email,
  name: 'Camille Martin',
  line1: '12 rue des Lilas',
  postalCode: '75011',
  city: 'Paris',
  country: 'FR',
  shippingMethod: 'standard',
  cardNumber: testCards.success,
})
const plain = (text: string) => text.replace(/\u202f|\u00a0/g, ' ')

describe('promotion codes on the storefront (plain HTML forms)', () => {
  test('enter a code on the cart, see the discount on cart, checkout and confirmation', async () => {
    await createCode({ code: 'SOLDES10', kind: 'percentage', percent: 10 })
    const s = shopper()
    assert.equal((await s.post('/cart/add', { productId: dress.id, variantId: dress.variants[0]!.id })).status, 303)

    const applied = await s.post('/cart/promotion', { code: ' soldes10 ', returnTo: '/cart' })
    assert.equal(applied.status, 303)
    assert.equal(applied.headers.location, '/cart')
    const cart = await s.get('/cart')
    assert.equal(cart.headers['cache-control'], 'private, no-store')
    assert.match(cart.text, /Code SOLDES10 appliqué\./)
    assert.match(plain(cart.text), /Remise \(SOLDES10\)<\/dt><dd data-discount>−3,00 €/)
    // 30.00 − 3.00 + 4.90 shipping
    assert.match(plain(cart.text), /31,90 €/)

    const page = await s.get('/checkout')
    assert.match(plain(page.text), /data-discount>−3,00 €/)
    assert.match(plain(page.text), /Payer 31,90 €/)
    const placed = await s.post('/checkout', checkoutFields(page.text, 'camille@example.org'))
    assert.equal(placed.status, 303, placed.text)
    const confirmation = await s.get('/checkout/confirmation')
    assert.match(plain(confirmation.text), /Remise \(SOLDES10\)<\/dt><dd data-discount>−3,00 €/)
    const order = await db
      .selectFrom('orders')
      .select(['promotion_code', 'discount_minor', 'total_minor'])
      .where('brand_id', '=', brand.brand.id)
      .where('email', '=', 'camille@example.org')
      .executeTakeFirstOrThrow()
    assert.deepEqual(
      [order.promotion_code, Number(order.discount_minor), Number(order.total_minor)],
      ['SOLDES10', 300, 3190],
    )
  })

  test('a code that does not apply says why, in the shop language, and never echoes the input', async () => {
    await createCode({ code: 'MINI80', kind: 'amount', amountMinor: 1000, minimumSpendMinor: 8000 })
    const s = shopper()
    await s.post('/cart/add', { productId: dress.id, variantId: dress.variants[0]!.id })
    const unknown = await s.post('/cart/promotion', { code: '<script>alert(1)</script>', returnTo: '/cart' })
    assert.equal(unknown.status, 409)
    assert.match(unknown.text, /Ce code n’existe pas\./)
    assert.doesNotMatch(unknown.text, /<script>alert/)
    assert.equal((await s.post('/cart/promotion', { code: '', returnTo: '/cart' })).status, 422)
    assert.equal((await s.post('/cart/promotion', { code: 'x'.repeat(5000), returnTo: '/cart' })).status, 409)

    // Kept but not applied: the minimum and the amount to reach are shown.
    assert.equal(
      (await s.post('/cart/promotion', { code: 'mini80', returnTo: 'https://evil.example/' })).headers.location,
      '/cart',
    )
    const cart = await s.get('/cart')
    assert.match(
      plain(cart.text),
      /MINI80 — Votre commande n’atteint pas le montant minimum de ce code\. Dès 80,00 € d’articles\./,
    )
    assert.doesNotMatch(cart.text, /data-discount/)
    // Removing it from the checkout summary returns there.
    const removed = await s.post('/cart/promotion/remove', { returnTo: '/checkout' })
    assert.deepEqual([removed.status, removed.headers.location], [303, '/checkout'])
    assert.doesNotMatch((await s.get('/cart')).text, /MINI80/)
  })

  test('a code deactivated between cart and payment: refused, removed, nothing charged, new total shown', async () => {
    const code = await createCode({ code: 'FLASH', kind: 'amount', amountMinor: 500 })
    const s = shopper()
    await s.post('/cart/add', { productId: dress.id, variantId: dress.variants[0]!.id })
    await s.post('/cart/promotion', { code: 'FLASH', returnTo: '/checkout' })
    const page = await s.get('/checkout')
    assert.match(plain(page.text), /Payer 29,90 €/)
    await server.request('POST', `/api/admin/brands/${brand.brand.slug}/promotions/${code.id}/deactivate`, {
      admin: true,
    })
    const res = await s.post('/checkout', checkoutFields(page.text, 'late@example.org'))
    assert.equal(res.status, 409)
    assert.match(
      plain(res.text),
      /Ce code n’est plus valable\. Le code a été retiré de votre commande, rien n’a été débité : le total est maintenant de 34,90 €/,
    )
    assert.match(plain(res.text), /Payer 34,90 €/)
    const orders = await db.selectFrom('orders').select('id').where('email', '=', 'late@example.org').execute()
    assert.deepEqual(orders, [])
    // Paying again now works, at the full price.
    const again = await s.post('/checkout', checkoutFields(res.text, 'late@example.org'))
    assert.equal(again.status, 303)
  })

  test("another brand's code is unknown here, and a cross-site form cannot set a code", async () => {
    await createCode({ code: 'ELSEWHERE', kind: 'amount', amountMinor: 500 }, other.brand.slug)
    const s = shopper()
    await s.post('/cart/add', { productId: dress.id, variantId: dress.variants[0]!.id })
    assert.equal((await s.post('/cart/promotion', { code: 'ELSEWHERE', returnTo: '/cart' })).status, 409)
    const crossSite = await s.post('/cart/promotion', { code: 'SOLDES10', returnTo: '/cart' }, 'https://evil.example')
    assert.equal(crossSite.status, 403)
    assert.doesNotMatch((await s.get('/cart')).text, /SOLDES10/)
  })
})

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { testCards } from '../../src/checkout/index.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { startTestServer, type TestResponse } from '../helpers/server.ts'
import { createStorefrontFixture, form } from './fixtures.ts'

const database = await openTestDatabase()
const { fr, en, products } = await createStorefrontFixture(database.db)
const server = await startTestServer(database)
const frHost = `${fr.brand.slug}.localhost:3000`
const enHost = `${en.brand.slug}.localhost:3000`

/** A shopper's browser, reduced to what matters here: a host and a cookie jar. */
function shopper(host: string) {
  const jar = new Map<string, string>()
  const remember = (res: TestResponse) => {
    const cookies = res.headers['set-cookie'] ?? []
    for (const c of cookies) {
      const [pair] = c.split(';')
      const [name, value] = pair!.split('=')
      jar.set(name!, value ?? '')
    }
    return res
  }
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  return {
    jar,
    get: async (path: string) =>
      remember(await server.request('GET', path, { host, headers: { cookie: cookieHeader() } })),
    post: async (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
      remember(
        await server.request('POST', path, {
          host,
          rawBody: form(fields),
          // An empty value leaves the header out (a referer-only post).
          headers: Object.fromEntries(
            Object.entries({
              'content-type': 'application/x-www-form-urlencoded',
              origin: `http://${host}`,
              cookie: cookieHeader(),
              ...headers,
            }).filter(([, v]) => v !== ''),
          ),
        }),
      ),
  }
}

const variant = (product: keyof typeof products, sku: string) => products[product]!.variants.find((v) => v.sku === sku)!
const address = { name: 'Camille Martin', line1: '12 rue des Lilas', postalCode: '75011', city: 'Paris', country: 'FR' }
const idempotencyKey = (html: string) => /name="idempotencyKey" value="([0-9a-f-]{36})"/.exec(html)![1]!

describe('cart and checkout with plain HTML forms', () => {
  test('adds to the cart with a POST-redirect-GET, keeps the cart in an HttpOnly SameSite=Lax cookie', async () => {
    const s = shopper(frHost)
    const res = await s.post('/cart/add', {
      productId: products.longDress!.id,
      variantId: variant('longDress', 'LD-BLEU-S').id,
    })
    assert.equal(res.status, 303)
    assert.equal(res.headers.location, '/cart?added=1')
    const cookies = res.headers['set-cookie']!.join('\n')
    assert.match(cookies, /^cart=[A-Za-z0-9_-]{32}; Max-Age=2592000; Path=\/; HttpOnly; SameSite=Lax$/m)
    assert.match(cookies, /^cart_count=1; /m)
    const cart = await s.get('/cart?added=1')
    assert.equal(cart.status, 200)
    assert.equal(cart.headers['cache-control'], 'private, no-store')
    assert.match(cart.text, /Ajouté à votre panier/)
    assert.match(cart.text, /Robe longue en lin/)
    assert.match(cart.text, /Bleu · S/)
    assert.match(cart.text, /<dt>Sous-total<\/dt><dd>89,00\s€<\/dd>/)
    assert.match(cart.text, /Panier <span data-cart-count>\(1\)<\/span>/)
  })

  test('changes a quantity, refuses more than the stock with the item named, removes a line', async () => {
    const s = shopper(frHost)
    const id = variant('shortDress', 'SD-NOIR-L').id
    await s.post('/cart/add', { productId: products.shortDress!.id, variantId: id })
    let res = await s.post('/cart/update', { variantId: id, quantity: '3' })
    assert.equal(res.status, 303)
    let cart = await s.get('/cart')
    assert.match(cart.text, new RegExp(`id="qty-${id}" name="quantity" type="number" min="0" max="99" value="3"`))
    assert.match(cart.text, /<dt>Sous-total<\/dt><dd>147,00\s€<\/dd>/)
    res = await s.post('/cart/update', { variantId: id, quantity: '4' })
    assert.equal(res.status, 409)
    assert.match(res.text, /Plus que 3 exemplaire\(s\) de « Robe courte en coton »/)
    res = await s.post('/cart/update', { variantId: id, quantity: 'lots' })
    assert.equal(res.status, 422)
    res = await s.post('/cart/remove', { variantId: id })
    assert.equal(res.status, 303)
    cart = await s.get('/cart')
    assert.match(cart.text, /Votre panier est vide/)
  })

  test('a product form without a size says to choose one; a sold-out variant cannot be added', async () => {
    const s = shopper(frHost)
    let res = await s.post('/cart/add', { productId: products.longDress!.id })
    assert.equal(res.status, 422)
    assert.equal(res.headers['cache-control'], 'private, no-store')
    assert.match(res.text, /Choisissez d’abord une taille/)
    res = await s.post('/cart/add', {
      productId: products.longDress!.id,
      variantId: variant('longDress', 'LD-BLEU-M').id,
    })
    assert.equal(res.status, 409)
    assert.match(res.text, /role="alert">Épuisé</)
  })

  test('checks out: confirmation, then the order is found by number and e-mail', async () => {
    const s = shopper(frHost)
    await s.post('/cart/add', { productId: products.longDress!.id, variantId: variant('longDress', 'LD-BLEU-S').id })
    const page = await s.get('/checkout')
    assert.equal(page.status, 200)
    assert.equal(page.headers['cache-control'], 'private, no-store')
    assert.match(page.text, /Payer 93,90\s€/) // 89.00 + 4.90 standard shipping (free from 100.00)
    const res = await s.post('/checkout', {
      idempotencyKey: idempotencyKey(page.text),
      email: 'camille@example.org',
      ...address,
      shippingMethod: 'express',
      cardNumber: '4242 4242 4242 4242',
    })
    assert.equal(res.status, 303)
    assert.equal(res.headers.location, '/checkout/confirmation')
    const confirmation = await s.get('/checkout/confirmation')
    assert.equal(confirmation.headers['cache-control'], 'private, no-store')
    const number = /<strong data-order-number>([A-Z]+-\d{6})<\/strong>/.exec(confirmation.text)?.[1]
    assert.ok(number, 'order number shown')
    assert.match(confirmation.text, /Merci pour votre commande/)
    assert.match(confirmation.text, /<dt class="grand">Total<\/dt><dd class="grand">98,90\s€<\/dd>/)
    assert.match(confirmation.text, /Livraison express/)
    // The date is in the brand's time zone and language: "12 mars 2026 à 14:05".
    assert.match(confirmation.text, /<time datetime="[^"]+Z">\d{1,2} [a-zéû]+\.? \d{4} (à )?\d{2}:\d{2}<\/time>/)
    assert.equal((await s.get('/cart')).text.includes('Votre panier est vide'), true)

    const lookup = await shopper(frHost).post('/orders/lookup', { number: number!, email: 'CAMILLE@example.org' })
    assert.equal(lookup.status, 200)
    assert.equal(lookup.headers['cache-control'], 'private, no-store')
    assert.match(lookup.text, new RegExp(`Numéro de commande ${number}`))
    assert.match(lookup.text, /Robe longue en lin/)
    const wrong = await shopper(frHost).post('/orders/lookup', { number: number!, email: 'someone@example.org' })
    assert.equal(wrong.status, 404)
    assert.match(wrong.text, /Aucune commande ne correspond/)
    const otherBrand = await shopper(enHost).post('/orders/lookup', { number: number!, email: 'camille@example.org' })
    assert.equal(otherBrand.status, 404)
  })

  test('a double submit of one checkout form places one order', async () => {
    const s = shopper(enHost)
    await s.post('/cart/add', { productId: products.sneakers!.id, variantId: variant('sneakers', 'SNK-42').id })
    const page = await s.get('/checkout')
    const fields = {
      idempotencyKey: idempotencyKey(page.text),
      email: 'sam@example.org',
      name: 'Sam Jones',
      line1: '1 Harbour Road',
      postalCode: 'D02 X285',
      city: 'Dublin',
      country: 'IE',
      shippingMethod: 'standard',
      cardNumber: testCards.success,
    }
    const [a, b] = await Promise.all([s.post('/checkout', fields), s.post('/checkout', fields)])
    assert.deepEqual([a.status, b.status], [303, 303])
    const orders = await database.db
      .selectFrom('orders')
      .select('number')
      .where('brand_id', '=', en.brand.id)
      .where('email', '=', 'sam@example.org')
      .execute()
    assert.equal(orders.length, 1)
    const confirmation = await s.get('/checkout/confirmation')
    assert.match(confirmation.text, new RegExp(orders[0]!.number))
    assert.match(confirmation.text, /Thank you for your order/)
  })

  test('a declined card re-renders the checkout with a clear message and keeps the cart', async () => {
    const s = shopper(enHost)
    await s.post('/cart/add', { productId: products.midi!.id, variantId: variant('midi', 'MIDI-M').id })
    const page = await s.get('/checkout')
    const res = await s.post('/checkout', {
      idempotencyKey: idempotencyKey(page.text),
      email: 'lee@example.org',
      name: 'Lee Smith',
      line1: '2 Quay Street',
      postalCode: 'SW1A 1AA',
      city: 'London',
      country: 'GB',
      shippingMethod: 'standard',
      cardNumber: testCards.declined,
    })
    assert.equal(res.status, 402)
    assert.equal(res.headers['cache-control'], 'private, no-store')
    assert.match(res.text, /Your payment was declined\. Nothing was charged; your cart is kept\./)
    assert.match(res.text, /value="lee@example.org"/)
    assert.notEqual(idempotencyKey(res.text), idempotencyKey(page.text))
    const cart = await s.get('/cart')
    assert.match(cart.text, /Linen midi dress/)
  })

  test('invalid fields are named next to their input; values come back escaped', async () => {
    const s = shopper(frHost)
    await s.post('/cart/add', { productId: products.trousers!.id, variantId: variant('trousers', 'TR-GRIS-38').id })
    const page = await s.get('/checkout')
    const res = await s.post('/checkout', {
      idempotencyKey: idempotencyKey(page.text),
      email: 'not-an-email',
      name: '"><img src=x onerror=alert(1)>',
      line1: '',
      postalCode: '75011',
      city: '<script>alert(1)</script>',
      country: 'XX',
      shippingMethod: 'teleport',
      cardNumber: '',
    })
    assert.equal(res.status, 422)
    assert.ok(!res.text.includes('<img src=x onerror'))
    assert.ok(!res.text.includes('<script>alert(1)'))
    assert.match(res.text, /value="&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;"/)
    assert.match(res.text, /<span class="error" id="email-error">Saisissez une adresse e-mail/)
    assert.match(res.text, /aria-describedby="email-error" aria-invalid="true"/)
    assert.match(res.text, /<span class="error" id="line1-error">Ce champ est obligatoire\.<\/span>/)
    assert.match(res.text, /<a href="#cardNumber">Ce champ est obligatoire\.<\/a>/)
    assert.match(res.text, /<a href="#country">Choisissez une des options\.<\/a>/)
  })

  test('an item sold out meanwhile is named at checkout and nothing is ordered', async () => {
    const s = shopper(frHost)
    const id = variant('eveningDress', 'ED-NOIR-XS').id
    await s.post('/cart/add', { productId: products.eveningDress!.id, variantId: id })
    const page = await s.get('/checkout')
    // Someone else buys the last one.
    const other = shopper(frHost)
    await other.post('/cart/add', { productId: products.eveningDress!.id, variantId: id })
    const otherPage = await other.get('/checkout')
    const fields = { email: 'a@example.org', ...address, shippingMethod: 'standard', cardNumber: testCards.success }
    assert.equal(
      (await other.post('/checkout', { ...fields, idempotencyKey: idempotencyKey(otherPage.text) })).status,
      303,
    )
    const res = await s.post('/checkout', { ...fields, idempotencyKey: idempotencyKey(page.text) })
    assert.equal(res.status, 409)
    assert.match(res.text, /« Robe de soirée · Noir · XS » vient d’être épuisé/)
  })

  test('refuses a cross-site form post (Origin of another host)', async () => {
    const s = shopper(frHost)
    const add = { productId: products.longDress!.id, variantId: variant('longDress', 'LD-BLEU-S').id }
    const res = await s.post('/cart/add', add, { origin: 'http://evil.example' })
    assert.equal(res.status, 403)
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8')
    assert.match(res.text, /envoyé depuis un autre site/)
    assert.equal(res.headers['set-cookie'], undefined)
    const referer = await s.post('/cart/add', add, { origin: '', referer: 'https://evil.example/page' })
    assert.equal(referer.status, 403)
    const nullOrigin = await s.post('/cart/add', add, { origin: 'null' })
    assert.equal(nullOrigin.status, 403)
    const sameSite = await s.post('/cart/add', add, { origin: `http://${frHost}` })
    assert.equal(sameSite.status, 303)
    const sameSiteReferer = await s.post('/cart/add', add, { origin: '', referer: `http://${frHost}/p/x` })
    assert.equal(sameSiteReferer.status, 303)
  })

  test('the checkout of an empty cart and a confirmation without an order lead back to the cart', async () => {
    const s = shopper(frHost)
    assert.equal((await s.get('/checkout')).headers.location, '/cart')
    assert.equal((await s.get('/checkout/confirmation')).headers.location, '/cart')
    const lookup = await s.get('/orders/lookup')
    assert.equal(lookup.headers['cache-control'], 'private, no-store')
    assert.match(lookup.text, /<label for="lookup-number">Numéro de commande<\/label>/)
  })
})

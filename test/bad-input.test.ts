import assert from 'node:assert/strict'
import net from 'node:net'
import { describe, test } from 'node:test'
import { testCards } from '../src/checkout/index.ts'
import { openTestDatabase } from './helpers/database.ts'
import { createTestBrand, createTestProduct } from './helpers/fixtures.ts'
import { type RequestOptions, startTestServer, type TestResponse } from './helpers/server.ts'

/**
 * Hostile and broken requests through the real server: each is a clear 4xx problem document that
 * says what was wrong, and none shows a stack trace, SQL or file paths.
 */

const address = { name: 'Camille Martin', line1: '12 rue des Lilas', postalCode: '75011', city: 'Paris', country: 'FR' }

const database = await openTestDatabase()
const brand = await createTestBrand(database.db)
const product = await createTestProduct(brand, {
  categoryPath: 'Femme > Robes',
  variants: [{ sku: 'BAD-M', size: 'M', priceMinor: 2990, onHand: 10 }],
})
const variantId = product.variants[0]!.id
const server = await startTestServer(database)
const host = `${brand.brand.slug}.localhost`

const newCart = async () => (await server.request('POST', '/api/store/carts', { host })).body.token as string
const filledCart = async () => {
  const token = await newCart()
  const res = await server.request('POST', `/api/store/carts/${token}/lines`, {
    host,
    body: { variantId, quantity: 1 },
  })
  assert.equal(res.status, 200)
  return token
}
const cart = await newCart()
const checkoutBody = (cartToken: string, overrides: Record<string, unknown> = {}) => ({
  cartToken,
  email: 'camille@example.org',
  shippingAddress: address,
  shippingMethod: 'standard',
  payment: { provider: 'test', token: testCards.success },
  ...overrides,
})

const stackFrame = /\bat\s+\S+\s+\(|\bat\s+\S*\.(?:ts|js|mjs):\d+|\.(?:ts|js|mjs):\d+:\d+/

/** A problem document with exactly this status (and type), and nothing of the server's insides. */
function assertProblem(res: TestResponse, status: number, type?: string): void {
  assert.equal(res.status, status, res.text)
  assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  const body = res.body as Record<string, unknown>
  assert.equal(typeof body.type, 'string')
  assert.match(body.type as string, /^\/problems\/[a-z-]+$/)
  assert.equal(typeof body.title, 'string')
  assert.ok((body.title as string).length > 0)
  assert.equal(body.status, status)
  assert.equal(typeof body.detail, 'string')
  assert.ok((body.detail as string).length > 0)
  if (type) assert.equal(body.type, type)
  assert.doesNotMatch(res.text, stackFrame)
  for (const leak of ['select ', 'insert ', 'update ', 'node_modules', '/work/', 'stack', 'postgres', 'pglite']) {
    assert.ok(!res.text.toLowerCase().includes(leak), `problem body mentions "${leak}": ${res.text}`)
  }
}

const send = (method: string, path: string, options: RequestOptions = {}) =>
  server.request(method, path, { host, ...options })

/** Raw HTTP, for what node's client refuses to send (a request without Host). */
function rawRequest(text: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => socket.end(text))
    const chunks: Buffer[] = []
    socket.on('data', (c) => chunks.push(c))
    socket.on('error', reject)
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const [head = '', body = ''] = raw.split('\r\n\r\n')
      resolve({ status: Number(head.split(' ')[1]), headers: head, body })
    })
  })
}

describe('malformed bodies', () => {
  test('malformed JSON is a 400 malformed-request', async () => {
    const res = await send('POST', `/api/store/carts/${cart}/lines`, { rawBody: '{"variantId": "x", "quantity": ' })
    assertProblem(res, 400, '/problems/malformed-request')
  })

  test('an empty JSON body is a 400', async () => {
    const res = await send('POST', `/api/store/carts/${cart}/lines`, {
      rawBody: '',
      headers: { 'content-type': 'application/json' },
    })
    assertProblem(res, 400)
  })

  test('a JSON body that is not an object is a 400 validation problem', async () => {
    for (const rawBody of ['[]', '"text"', '42', 'null']) {
      assertProblem(await send('POST', `/api/store/carts/${cart}/lines`, { rawBody }), 400)
    }
  })

  test('a __proto__ key is refused, and nothing is polluted', async () => {
    const res = await send('POST', `/api/store/carts/${cart}/lines`, {
      rawBody: `{"variantId": "${variantId}", "quantity": 1, "__proto__": {"polluted": true}}`,
    })
    // Fastify's parser refuses prototype keys outright (onProtoPoisoning: 'error').
    assertProblem(res, 400, '/problems/malformed-request')
    const nested = await send('POST', '/api/store/checkout', {
      rawBody: JSON.stringify(checkoutBody(cart)).replace(
        '"shippingAddress":{',
        '"shippingAddress":{"__proto__":{"isAdmin":true},',
      ),
    })
    assertProblem(nested, 400, '/problems/malformed-request')
    const viaConstructor = await send('POST', `/api/store/carts/${cart}/lines`, {
      rawBody: `{"variantId": "${variantId}", "quantity": 1, "constructor": {"prototype": {"polluted": true}}}`,
    })
    assertProblem(viaConstructor, 400, '/problems/malformed-request')
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
    assert.equal(({} as Record<string, unknown>).isAdmin, undefined)
  })

  test('a body over 1 MB is a 413', async () => {
    const res = await send('POST', `/api/store/carts/${cart}/lines`, {
      rawBody: JSON.stringify({ variantId, quantity: 1, padding: 'x'.repeat(2 * 1024 * 1024) }),
    })
    assertProblem(res, 413, '/problems/payload-too-large')
  })

  test('a text/plain body is a 415', async () => {
    const res = await send('POST', `/api/store/carts/${cart}/lines`, {
      rawBody: JSON.stringify({ variantId, quantity: 1 }),
      headers: { 'content-type': 'text/plain' },
    })
    assertProblem(res, 415, '/problems/unsupported-media-type')
  })

  test('an unknown content type is a 415', async () => {
    const res = await send('POST', `/api/store/carts/${cart}/lines`, {
      rawBody: `<line><variantId>${variantId}</variantId><quantity>1</quantity></line>`,
      headers: { 'content-type': 'application/xml' },
    })
    assertProblem(res, 415, '/problems/unsupported-media-type')
  })
})

describe('values that break the schema', () => {
  const addLine = (body: unknown) => send('POST', `/api/store/carts/${cart}/lines`, { body })

  test('a quantity of the wrong type is a 400 naming the field', async () => {
    // Ajv coerces body values too (coerceTypes), so "2", true and [1] would pass as numbers;
    // these cannot be read as a quantity at all.
    for (const quantity of ['two', '', '1.5', null, { n: 1 }]) {
      const res = await addLine({ variantId, quantity })
      assertProblem(res, 400, '/problems/validation')
      assert.match(res.body.detail, /quantity/, JSON.stringify(quantity))
    }
  })

  test('zero, negative, fractional and huge quantities are refused when adding', async () => {
    for (const quantity of [0, -1, 1.5, 100, 1e9, 2 ** 53]) {
      assertProblem(await addLine({ variantId, quantity }), 400, '/problems/validation')
    }
  })

  test('negative, fractional and huge quantities are refused when setting a line, which keeps its quantity', async () => {
    const token = await filledCart()
    for (const quantity of [-1, 1.5, 100, 1e9, 'two']) {
      const res = await send('PUT', `/api/store/carts/${token}/lines/${variantId}`, { body: { quantity } })
      assertProblem(res, 400, '/problems/validation')
    }
    const view = await send('GET', `/api/store/carts/${token}`)
    assert.deepEqual(
      view.body.lines.map((l: { variantId: string; quantity: number }) => [l.variantId, l.quantity]),
      [[variantId, 1]],
    )
  })

  test('an add that would take a line past 99 is refused and the line keeps its quantity', async () => {
    const token = await filledCart()
    const res = await send('POST', `/api/store/carts/${token}/lines`, { body: { variantId, quantity: 99 } })
    assertProblem(res, 400, '/problems/validation')
    const view = await send('GET', `/api/store/carts/${token}`)
    assert.equal(view.body.itemCount, 1)
  })

  test('an unknown field is refused at the top level and nested', async () => {
    const top = await addLine({ variantId, quantity: 1, priceMinor: 1 })
    assertProblem(top, 400, '/problems/validation')
    assert.match(top.body.detail, /priceMinor/)
    const nested = await send('POST', '/api/store/checkout', {
      body: checkoutBody(cart, { shippingAddress: { ...address, evil: '<script>' } }),
    })
    assertProblem(nested, 400, '/problems/validation')
    assert.match(nested.body.detail, /shippingAddress/)
    assert.match(nested.body.detail, /evil/)
    const inPayment = await send('POST', '/api/store/checkout', {
      body: checkoutBody(cart, { payment: { provider: 'test', token: testCards.success, amountMinor: 1 } }),
    })
    assertProblem(inPayment, 400, '/problems/validation')
  })

  test('overlong strings are refused: a 300-character e-mail, a 10,000-character name', async () => {
    const longEmail = `${'a'.repeat(300 - '@example.org'.length)}@example.org`
    assert.equal(longEmail.length, 300)
    const email = await send('POST', '/api/store/checkout', { body: checkoutBody(cart, { email: longEmail }) })
    assertProblem(email, 400, '/problems/validation')
    assert.match(email.body.detail, /email/)
    const name = await send('POST', '/api/store/checkout', {
      body: checkoutBody(cart, { shippingAddress: { ...address, name: 'N'.repeat(10_000) } }),
    })
    assertProblem(name, 400, '/problems/validation')
    assert.match(name.body.detail, /name/)
    assert.ok(name.text.length < 2000, 'the problem does not echo the 10,000 characters back')
  })

  test('an invalid e-mail and a missing required field are refused', async () => {
    assertProblem(
      await send('POST', '/api/store/checkout', { body: checkoutBody(cart, { email: 'not-an-email' }) }),
      400,
      '/problems/validation',
    )
    const { cartToken: _omitted, ...withoutCart } = checkoutBody(cart)
    assertProblem(await send('POST', '/api/store/checkout', { body: withoutCart }), 400, '/problems/validation')
  })
})

describe('paths and headers', () => {
  test('an invalid UUID in a path is a 400', async () => {
    for (const id of ['not-a-uuid', '123', `${product.id}x`, "1' OR '1'='1"]) {
      const res = await send('GET', `/api/store/products/${encodeURIComponent(id)}`)
      assertProblem(res, 400, '/problems/validation')
    }
    const admin = await server.request('GET', `/api/admin/brands/${brand.brand.slug}/orders/nope`, { admin: true })
    assertProblem(admin, 400, '/problems/validation')
  })

  test('a cart token of the wrong shape is a 400, a well-formed unknown one a 404', async () => {
    for (const token of ['abc', 'x'.repeat(33), `${'a'.repeat(31)}!`]) {
      assertProblem(await send('GET', `/api/store/carts/${encodeURIComponent(token)}`), 400, '/problems/validation')
    }
    assertProblem(await send('GET', `/api/store/carts/${'a'.repeat(32)}`), 404, '/problems/not-found')
  })

  test('an unknown Host is a 404 unknown-host', async () => {
    for (const unknown of ['unknown.invalid', 'nope.localhost', 'localhost', `${brand.brand.slug}.example.org`]) {
      const res = await server.request('GET', '/api/store/products', { host: unknown })
      assertProblem(res, 404, '/problems/unknown-host')
    }
  })

  test('a request without a Host header gets a 4xx, never a shop', async () => {
    // HTTP/1.1 requires Host: node's server refuses the request before the application sees it.
    const http11 = await rawRequest('GET /api/store/products HTTP/1.1\r\nConnection: close\r\n\r\n')
    assert.equal(http11.status, 400)
    // HTTP/1.0 may omit it: the application answers that no shop is served there.
    const http10 = await rawRequest('GET /api/store/products HTTP/1.0\r\n\r\n')
    assert.equal(http10.status, 404)
    assert.match(http10.headers, /content-type: application\/problem\+json; charset=utf-8/i)
    assert.equal(JSON.parse(http10.body).type, '/problems/unknown-host')
  })

  test('an Idempotency-Key with control characters or over 200 characters is a 400', async () => {
    const token = await filledCart()
    for (const key of ['abc\tdef', 'clé-non-ascii', 'with space', 'k'.repeat(201)]) {
      const res = await send('POST', '/api/store/checkout', {
        headers: { 'idempotency-key': key },
        body: checkoutBody(token),
      })
      assertProblem(res, 400, '/problems/validation')
    }
    const cartView = await send('GET', `/api/store/carts/${token}`)
    assert.equal(cartView.body.orderId, null)
  })

  test('an unknown API route is a 404 problem', async () => {
    assertProblem(await send('GET', '/api/store/nothing-here'), 404, '/problems/not-found')
    assertProblem(await send('DELETE', '/api/store/products'), 404, '/problems/not-found')
    assertProblem(await send('GET', '/api/nothing'), 404, '/problems/not-found')
    assertProblem(await server.request('GET', '/api/admin/nothing', { admin: true }), 404, '/problems/not-found')
  })
})

describe('checkout refusals', () => {
  test('an unknown shipping method is a 400 unknown-shipping-method', async () => {
    const token = await filledCart()
    const res = await send('POST', '/api/store/checkout', { body: checkoutBody(token, { shippingMethod: 'teleport' }) })
    assertProblem(res, 400, '/problems/unknown-shipping-method')
  })

  test('an unknown payment provider is a 400', async () => {
    const token = await filledCart()
    const res = await send('POST', '/api/store/checkout', {
      body: checkoutBody(token, { payment: { provider: 'bitcoin', token: 'x' } }),
    })
    assertProblem(res, 400, '/problems/validation')
    assert.match(res.body.detail, /bitcoin/)
  })

  test('checking out an empty cart is a 409 cart-empty', async () => {
    const res = await send('POST', '/api/store/checkout', { body: checkoutBody(await newCart()) })
    assertProblem(res, 409, '/problems/cart-empty')
  })

  test('checking out a cart that does not exist is a 404', async () => {
    const res = await send('POST', '/api/store/checkout', { body: checkoutBody('b'.repeat(32)) })
    assertProblem(res, 404, '/problems/not-found')
  })

  test('none of these refusals placed an order or reserved stock', async () => {
    const orders = await database.db.selectFrom('orders').select('id').where('brand_id', '=', brand.brand.id).execute()
    assert.deepEqual(orders, [])
    const stock = await database.db
      .selectFrom('stock_levels')
      .select(['on_hand', 'reserved'])
      .where('brand_id', '=', brand.brand.id)
      .where('variant_id', '=', variantId)
      .executeTakeFirstOrThrow()
    assert.deepEqual(stock, { on_hand: 10, reserved: 0 })
  })
})

describe('injection-looking input', () => {
  const injections = ["' OR 1=1 --", "Robes'; DROP TABLE products; --", '%', '_', '\\', "Femme > Robes' UNION SELECT 1"]

  test('a category filter that looks like SQL finds nothing, and is no error', async () => {
    for (const category of injections) {
      const res = await send('GET', `/api/store/products?category=${encodeURIComponent(category)}`)
      assert.equal(res.status, 200, `${category}: ${res.text}`)
      assert.deepEqual(res.body.items, [], category)
      assert.equal(res.body.total, 0)
    }
    const real = await send('GET', `/api/store/products?category=${encodeURIComponent('Femme > Robes')}`)
    assert.equal(real.body.total, 1)
  })

  test('an order number that looks like SQL is a 400 (or finds nothing), never a 500', async () => {
    for (const number of [...injections, "AB-1' OR '1'='1", 'AB-1;SELECT']) {
      const res = await send('POST', '/api/store/orders/lookup', { body: { number, email: 'a@example.org' } })
      assert.ok(res.status === 400 || res.status === 404, `${number}: ${res.status}`)
      assertProblem(res, res.status)
    }
    const email = await send('POST', '/api/store/orders/lookup', {
      body: { number: 'AB-000001', email: "x'@example.org OR 1=1" },
    })
    assertProblem(email, 400, '/problems/validation')
  })
})

describe('the admin API', () => {
  const path = `/api/admin/brands/${brand.brand.slug}/orders`

  test('without a token is a 401', async () => {
    assertProblem(await server.request('GET', path), 401, '/problems/unauthorized')
  })

  test('with a wrong token, a wrong scheme or an empty bearer is a 401', async () => {
    for (const authorization of [
      'Bearer wrong-token',
      'Basic dGVzdDp0ZXN0',
      'Bearer ',
      'Bearer',
      'test-admin-token-0123456789',
    ]) {
      const res = await server.request('GET', path, { headers: { authorization } })
      assertProblem(res, 401, '/problems/unauthorized')
    }
  })

  test('with the right token answers 200 (the 401s above were about the token)', async () => {
    const res = await server.request('GET', path, { admin: true })
    assert.equal(res.status, 200)
  })
})

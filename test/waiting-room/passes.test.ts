/**
 * Passes, the shop behind the room, and everything hostile: tampered, expired and other-brand
 * passes; an admitted shopper through cart and checkout while the room stays on; the sold-out
 * message; brand isolation; garbage cookies; the admin API's permissions, validation and audit.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import { describe, test } from 'node:test'
import { testCards } from '../../src/checkout/index.ts'
import { setOnHand } from '../../src/inventory/index.ts'
import { signedInStaff } from '../access/fixtures.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'
import { startTestServer } from '../helpers/server.ts'
import { Shopper, TestClock } from './shopper.ts'

const database = await openTestDatabase()
const db = database.db
const brandA = await createTestBrand(db)
const brandB = await createTestBrand(db)
const hot = await createTestProduct(brandA, {
  variants: [{ sku: 'HOT-M', size: 'M', priceMinor: 5000, onHand: 3 }],
})
const other = await createTestProduct(brandB)
const t0 = new Date('2026-01-07T09:00:00.000Z')
const clock = new TestClock(t0)
const server = await startTestServer(database, { clock: clock.now })
const hostA = `${brandA.brand.slug}.localhost`
const hostB = `${brandB.brand.slug}.localhost`
const address = { name: 'Camille Martin', line1: '12 rue des Lilas', postalCode: '75011', city: 'Paris', country: 'FR' }

const configure = (slug: string, body: Record<string, unknown>) =>
  server.request('PUT', `/api/admin/brands/${slug}/waiting-room`, { admin: true, body })

/** A shopper of brand A admitted through the room (status polled until the pass comes). */
async function admittedShopper(): Promise<Shopper> {
  const shopper = new Shopper(server, hostA)
  await shopper.get('/')
  for (let i = 0; i < 100 && !shopper.cookies.has('vitrine_wr_pass'); i++) {
    clock.advance(1_000)
    await shopper.status()
  }
  assert.ok(shopper.cookies.has('vitrine_wr_pass'), 'admitted')
  return shopper
}

describe('brand A’s room is on', () => {
  test('the admin sets it; brand B is untouched', async () => {
    const res = await configure(brandA.brand.slug, { mode: 'on', ratePerMinute: 60, passLifetimeSeconds: 300 })
    assert.equal(res.status, 200, res.text)
    assert.deepEqual(
      [res.body.mode, res.body.phase, res.body.ratePerMinute, res.body.passLifetimeSeconds],
      ['on', 'admitting', 60, 300],
    )
    const audit = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_type', '=', 'waiting-room')
      .where('brand_id', '=', brandA.brand.id)
      .execute()
    assert.equal(audit.length, 1)
    assert.equal(audit[0]!.action, 'configure')
    assert.equal((audit[0]!.after as Record<string, unknown>).mode, 'on')

    // Brand B: pages and API as usual, no cookie of the room.
    const b = new Shopper(server, hostB)
    assert.equal((await b.get('/')).status, 200)
    assert.equal((await b.get('/api/store/products')).status, 200)
    assert.equal((await b.request('POST', '/api/store/carts')).status, 201)
    assert.equal(b.cookies.size, b.cookies.has('cart') ? 1 : 0)
    assert.equal((await b.status()).active, false)
  })

  test('without a pass: the waiting page for pages, a problem+json 503 for the API', async () => {
    const shopper = new Shopper(server, hostA)
    const page = await shopper.get(`/p/${hot.id}`)
    assert.equal(page.status, 503)
    assert.equal(page.headers['cache-control'], 'no-store')
    assert.equal(page.headers['x-robots-tag'], 'noindex')
    assert.match(String(page.headers['retry-after']), /^[0-9]+$/)
    assert.match(page.text, /<html lang="fr-FR">/)
    assert.match(page.text, /http-equiv="refresh" content="[0-9]+;url=\/p\//)
    assert.match(page.text, /role="status"/)
    assert.equal(page.headers['x-content-type-options'], 'nosniff') // helmet's headers are on it too
    const api = await shopper.request('POST', '/api/store/carts')
    assert.equal(api.status, 503)
    assert.match(String(api.headers['content-type']), /^application\/problem\+json/)
    assert.equal(api.body.type, '/problems/waiting-room')
    assert.equal(api.body.waitingRoom, '/waiting-room/status')
    assert.equal(String(api.headers['retry-after']), String(api.body.retryAfter))
    // Never held back: probes, the back office, assets, the problem catalogue.
    for (const path of ['/health', '/ready', '/robots.txt', '/problems/waiting-room']) {
      const res = await shopper.get(path)
      assert.notEqual(res.status, 503, path)
    }
    assert.equal(
      (await server.request('GET', `/api/admin/brands/${brandA.brand.slug}/waiting-room`, { admin: true, host: hostA }))
        .status,
      200,
    )
    // A crawler is told to come back later and is given no ticket.
    const bot = await server.request('GET', '/', { host: hostA, headers: { 'user-agent': 'Googlebot/2.1' } })
    assert.equal(bot.status, 503)
    assert.equal(bot.headers['set-cookie'], undefined)
  })

  test('an admitted shopper goes through cart and checkout while the room stays on', async () => {
    const shopper = await admittedShopper()
    assert.equal((await shopper.get(`/p/${hot.id}`)).status, 200)
    const cart = await shopper.request('POST', '/api/store/carts')
    assert.equal(cart.status, 201, cart.text)
    const lines = await shopper.request('POST', `/api/store/carts/${cart.body.token}/lines`, {
      variantId: hot.variants[0]!.id,
      quantity: 1,
    })
    assert.equal(lines.status, 200, lines.text)
    // The shopper dawdles on the checkout form past the pass's expiry (300 s, not renewed meanwhile):
    // checkout is still let through within the grace, and nobody is sent back mid-payment.
    clock.advance(320_000)
    const pass = shopper.cookies.get('vitrine_wr_pass')
    const browsing = await server.request('GET', '/api/store/products', {
      host: hostA,
      headers: { cookie: `vitrine_wr_pass=${pass}` },
    })
    assert.equal(browsing.status, 503, 'browsing with the expired pass waits again')
    const order = await shopper.request(
      'POST',
      '/api/store/checkout',
      {
        cartToken: cart.body.token,
        email: 'camille@example.org',
        shippingAddress: address,
        shippingMethod: 'standard',
        payment: { provider: 'test', token: testCards.success },
      },
      { 'idempotency-key': randomBytes(8).toString('hex') },
    )
    assert.equal(order.status, 201, order.text)
  })

  test('tampered, expired and other-brand passes are refused', async () => {
    const shopper = await admittedShopper()
    const pass = shopper.cookies.get('vitrine_wr_pass')!
    const [kind, brandId, ticketId, expiry, signature] = pass.split('.')
    const tries: Record<string, string> = {
      'flipped signature': `${kind}.${brandId}.${ticketId}.${expiry}.${signature!.slice(0, -1)}${signature!.endsWith('A') ? 'B' : 'A'}`,
      'longer expiry': `${kind}.${brandId}.${ticketId}.${Number(expiry) + 86_400}.${signature}`,
      'other brand id': `${kind}.${brandB.brand.id}.${ticketId}.${expiry}.${signature}`,
      'ticket kind': `t1.${brandId}.${ticketId}.${expiry}.${signature}`,
      'no signature': `${kind}.${brandId}.${ticketId}.${expiry}`,
    }
    for (const [name, forged] of Object.entries(tries)) {
      const res = await server.request('GET', '/api/store/products', {
        host: hostA,
        headers: { cookie: `vitrine_wr_pass=${forged}` },
      })
      assert.equal(res.status, 503, name)
    }
    const genuine = await server.request('GET', '/api/store/products', {
      host: hostA,
      headers: { cookie: `vitrine_wr_pass=${pass}` },
    })
    assert.equal(genuine.status, 200)
    // Expired: 300 s lifetime; browsing gets no grace.
    clock.advance(301_000)
    const expired = await server.request('GET', '/api/store/products', {
      host: hostA,
      headers: { cookie: `vitrine_wr_pass=${pass}` },
    })
    assert.equal(expired.status, 503)
    // Beyond the grace, even checkout is sent back.
    clock.advance(300_000)
    const late = await server.request('POST', '/api/store/carts', {
      host: hostA,
      headers: { cookie: `vitrine_wr_pass=${pass}` },
    })
    assert.equal(late.status, 503)
  })

  test("brand A's pass does not open brand B's room", async () => {
    const shopper = await admittedShopper()
    const pass = shopper.cookies.get('vitrine_wr_pass')!
    const saved = await configure(brandB.brand.slug, { mode: 'on', ratePerMinute: 1 })
    assert.equal(saved.status, 200)
    const res = await server.request('GET', '/api/store/products', {
      host: hostB,
      headers: { cookie: `vitrine_wr_pass=${pass}` },
    })
    assert.equal(res.status, 503)
    const page = await server.request('GET', `/p/${other.id}`, {
      host: hostB,
      headers: { cookie: `vitrine_wr_pass=${pass}` },
    })
    assert.equal(page.status, 503)
    assert.equal((await configure(brandB.brand.slug, { mode: 'off' })).status, 200)
    assert.equal((await server.request('GET', '/', { host: hostB })).status, 200)
  })

  test('hostile cookies: huge, garbage, injection, duplicates — a 503 or a 431, never a 500', async () => {
    const cookies = [
      `vitrine_wr_pass=${'A'.repeat(8000)}`,
      `vitrine_wr_ticket=${'t1.'.repeat(2000)}`,
      'vitrine_wr_pass=%00%ff; vitrine_wr_ticket=;;;===;',
      `vitrine_wr_ticket=t1.' OR 1=1 --.${brandA.brand.id}.0.x`,
      `vitrine_wr_ticket=t1.${brandA.brand.id}.00000000-0000-4000-8000-000000000000.0.${'A'.repeat(43)}`,
      `vitrine_wr_pass=p1.${brandA.brand.id}.00000000-0000-4000-8000-000000000000.99999999999.${'_'.repeat(43)}`,
      `vitrine_wr_pass=<script>alert(1)</script>; vitrine_wr_pass=${'x'.repeat(100)}`,
      Array.from({ length: 500 }, (_, i) => `c${i}=v`).join('; '),
    ]
    for (const cookie of cookies) {
      for (const path of ['/', '/api/store/products', '/waiting-room/status']) {
        const res = await server.request('GET', path, { host: hostA, headers: { cookie } })
        assert.ok(
          path === '/waiting-room/status' ? res.status === 200 : res.status === 503,
          `${path} ${cookie.slice(0, 40)}: ${res.status}`,
        )
        assert.ok(!res.text.includes('<script>alert'), 'nothing reflected')
      }
    }
    // Beyond Node's 16 KB of headers: refused before any code of ours runs. On a connection of its
    // own, as the server drops it afterwards.
    const oversized = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/',
          agent: false,
          headers: { host: hostA, cookie: `vitrine_wr_pass=${'A'.repeat(20_000)}` },
        },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      req.end()
    })
    assert.equal(oversized, 431)
  })

  test('when the hot items are sold out, the waiting page says so', async () => {
    const saved = await configure(brandA.brand.slug, { mode: 'on', hotProductIds: [hot.id] })
    assert.equal(saved.status, 200, saved.text)
    assert.deepEqual(saved.body.hotProductIds, [hot.id])
    // Arrivals at one instant: the first takes the slot being released, the others wait.
    for (const s of [0, 1, 2].map(() => new Shopper(server, hostA))) await s.get('/')
    const before = await new Shopper(server, hostA).status()
    assert.equal(before.admitted, false)
    assert.equal(before.soldOut, false)

    await setOnHand({ ...brandA, now: clock.now() }, hot.variants[0]!.id, 0)
    clock.advance(2_500) // the check is at most 2 s old
    const late = new Shopper(server, hostA)
    const page = await late.get('/')
    assert.equal(page.status, 503)
    assert.match(page.text, /articles en solde sont épuisés/)
    assert.equal((await late.status()).soldOut, true)
    const api = await late.request('GET', '/api/store/products')
    assert.equal(api.body.soldOut, true)
  })
})

describe('the admin API of the room', () => {
  test('validation: unknown fields, a schedule without a start, bad instants and foreign products', async () => {
    const slug = brandA.brand.slug
    const bad: Array<[string, Record<string, unknown>]> = [
      ['unknown field', { mode: 'on', speed: 3 }],
      ['unknown mode', { mode: 'always' }],
      ['no start', { mode: 'scheduled' }],
      ['end before start', { mode: 'scheduled', startsAt: '2026-01-10T08:00:00Z', endsAt: '2026-01-10T07:00:00Z' }],
      ['rate 0', { mode: 'on', ratePerMinute: 0 }],
      ['short pass', { mode: 'on', passLifetimeSeconds: 5 }],
      ['not an instant', { mode: 'scheduled', startsAt: 'tomorrow' }],
      ['another brand’s product', { mode: 'on', hotProductIds: [other.id] }],
      ['unknown sale event', { mode: 'scheduled', eventId: '00000000-0000-4000-8000-000000000000' }],
      ['not a uuid', { mode: 'on', hotProductIds: ["1' OR '1'='1"] }],
    ]
    for (const [name, body] of bad) {
      const res = await configure(slug, body)
      assert.equal(res.status, 400, `${name}: ${res.text}`)
    }
    const malformed = await server.request('PUT', `/api/admin/brands/${slug}/waiting-room`, {
      admin: true,
      rawBody: '{"mode":',
    })
    assert.equal(malformed.status, 400)
  })

  test('permissions: brand staff see their room but cannot switch it; another brand is a 404', async () => {
    const viewer = await signedInStaff(server, db, 'brand-viewer', brandA.brand.id)
    const merchandiser = await signedInStaff(server, db, 'merchandiser', brandA.brand.id)
    const own = `/api/admin/brands/${brandA.brand.slug}/waiting-room`
    const foreign = `/api/admin/brands/${brandB.brand.slug}/waiting-room`
    assert.equal((await server.request('GET', own, { session: viewer })).status, 200)
    assert.equal((await server.request('PUT', own, { session: viewer, body: { mode: 'off' } })).status, 403)
    assert.equal((await server.request('PUT', own, { session: merchandiser, body: { mode: 'off' } })).status, 403)
    assert.equal((await server.request('GET', foreign, { session: viewer })).status, 404)
    assert.equal((await server.request('PUT', foreign, { session: merchandiser, body: { mode: 'on' } })).status, 404)
    assert.equal((await server.request('PUT', own, { body: { mode: 'off' } })).status, 401)
  })

  test('changing the rate keeps the queue and the slots already released; changing the mode starts afresh', async () => {
    const slug = brandA.brand.slug
    const base = await configure(slug, { mode: 'off' })
    assert.equal(base.status, 200)
    const on = await configure(slug, { mode: 'on', ratePerMinute: 60, hotProductIds: [] })
    assert.equal(on.body.ticketsIssued, 0, 'a fresh queue')
    const queue = [0, 1, 2, 3].map(() => new Shopper(server, hostA))
    for (const s of queue) await s.get('/')
    clock.advance(1_500) // one slot released
    const faster = await configure(slug, { mode: 'on', ratePerMinute: 120 })
    assert.equal(faster.body.admitted, 1)
    assert.equal(faster.body.ticketsIssued, 4)
    assert.deepEqual(
      (await Promise.all(queue.map((s) => s.status()))).map((s) => s.position),
      [null, 1, 2, 3],
    )
    clock.advance(500) // 120 a minute: one more every half second
    assert.deepEqual(
      (await Promise.all(queue.slice(1).map((s) => s.status()))).map((s) => s.position),
      [null, 1, 2],
    )
  })
})

import assert from 'node:assert/strict'
import os from 'node:os'
import { describe, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'
import { type Answer, percentile, send, startSurgeServer } from './helpers.ts'

/**
 * Admission control through real HTTP, with a tiny configured capacity. Slots are kept busy by slow
 * clients (a request whose body arrives in two halves is admitted on arrival and holds its slot
 * until the rest comes), so the scenarios do not depend on how fast this machine is.
 */

const database = await openTestDatabase()
const a = await createTestBrand(database.db, { name: 'Maison Alpha' })
const b = await createTestBrand(database.db)
const productA = await createTestProduct(a, {
  variants: [{ sku: 'A-1', size: 'M', priceMinor: 1000, onHand: 1_000_000 }],
})
await createTestProduct(b)
const hostA = `${a.brand.slug}.localhost`
const hostB = `${b.brand.slug}.localhost`

// Two slots and a queue of four: a burst of 20 overflows it at once.
const small = await startSurgeServer(database, {
  admission: { maxInflight: 2, queueSize: 4, queueTimeoutMs: 1500 },
  metricsToken: null,
})

const cartOf = async (port: number, host: string) => {
  const cart = await send(port, 'POST', '/api/store/carts', { host })
  assert.equal(cart.status, 201, cart.text)
  return (JSON.parse(cart.text) as { token: string }).token
}
const tokenA = await cartOf(small.port, hostA)

/** A request that holds an admission slot for `ms` (sets brand A's cart line to one unit). */
const hold = (port: number, token: string, ms: number) =>
  send(port, 'PUT', `/api/store/carts/${token}/lines/${productA.variants[0]!.id}`, {
    host: hostA,
    body: { quantity: 1 },
    holdMs: ms,
  })

const browse = (port: number, host: string, headers: Record<string, string> = {}) =>
  send(port, 'GET', '/api/store/products?pageSize=5', { host, headers })

// Warm the catalogs so the first measured request is not the one that loads them.
await browse(small.port, hostA)
await browse(small.port, hostB)

function assertShed(answer: Answer) {
  assert.equal(answer.status, 503, answer.text)
  const retryAfter = Number(answer.headers['retry-after'])
  assert.ok(
    Number.isInteger(retryAfter) && retryAfter >= 1,
    `Retry-After is whole seconds: ${answer.headers['retry-after']}`,
  )
  assert.equal(answer.headers['cache-control'], 'no-store')
}

describe('admission control over HTTP', () => {
  test('a burst beyond capacity is answered 503 + Retry-After at once, never a 500 or a hang', async () => {
    const holds = [hold(small.port, tokenA, 1000), hold(small.port, tokenA, 1000)]
    await delay(100)
    const started = performance.now()
    const burst = await Promise.all(Array.from({ length: 20 }, () => browse(small.port, hostA)))
    const elapsed = performance.now() - started
    const shed = burst.filter((r) => r.status === 503)
    assert.deepEqual(
      burst.filter((r) => r.status !== 503 && r.status !== 200).map((r) => r.status),
      [],
      'only 200 or 503',
    )
    assert.ok(shed.length >= 14, `at most the 4 queued are served, ${shed.length} shed`)
    for (const answer of shed) {
      assertShed(answer)
      assert.match(String(answer.headers['content-type']), /^application\/problem\+json/)
      const problem = JSON.parse(answer.text) as { type: string; status: number; retryAfter: number }
      assert.equal(problem.type, '/problems/overloaded')
      assert.equal(problem.status, 503)
      assert.equal(problem.retryAfter, Number(answer.headers['retry-after']))
    }
    // The shed ones did not wait for a slot: every one was answered before the slots' holders
    // finished (an order of events, not a time bound, so a busy CI machine cannot fail it).
    const held = await Promise.all(holds)
    for (const h of held) assert.equal(h.status, 200, h.text)
    const slotsFreedAt = Math.min(...held.map((h) => h.endedAt))
    const lateShed = shed.filter((r) => r.endedAt >= slotsFreedAt)
    assert.deepEqual(
      lateShed.map((r) => Math.round(r.ms)),
      [],
      'shed at once, not after waiting for a slot',
    )
    assert.ok(elapsed < 5000, `every request answered, in ${Math.round(elapsed)} ms`)
    assert.equal((await browse(small.port, hostA)).status, 200, 'capacity is back once the burst is over')
  })

  test('shed requests never reach the application, yet the traffic history counts them as demand', async () => {
    const history = (small.app as unknown as { trafficHistory: { flush(): Promise<void> } }).trafficHistory
    const apiReads = async () => {
      await history.flush()
      const row = await database.db
        .selectFrom('traffic_hourly')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('n'), eb.val(0)).as('n'))
        .where('brand_id', '=', a.brand.id)
        .where('kind', '=', 'api')
        .executeTakeFirstOrThrow()
      return Number(row.n)
    }
    const before = await apiReads()
    const holds = [hold(small.port, tokenA, 600), hold(small.port, tokenA, 600)]
    await delay(100)
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) => browse(small.port, hostA, { 'x-request-id': `burst-${i}` })),
    )
    await Promise.all(holds)
    const shed = burst.filter((r) => r.status === 503)
    assert.ok(shed.length >= 8, `${shed.length} shed`)
    // Fastify's hooks never ran for them, yet the 503 echoes the id as every response does.
    for (const answer of shed) assert.match(String(answer.headers['x-request-id']), /^burst-\d+$/)
    assert.equal((await apiReads()) - before, burst.length, 'every storefront API read counted, shed or served')
  })

  test('a shop page is shed as a small HTML page that reloads itself', async () => {
    const holds = [hold(small.port, tokenA, 500), hold(small.port, tokenA, 500)]
    await delay(100)
    const waiting = Array.from({ length: 4 }, () => browse(small.port, hostA))
    await delay(50)
    const page = await send(small.port, 'GET', '/', { host: hostA, headers: { accept: 'text/html' } })
    assertShed(page)
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8')
    assert.match(page.text, /<meta http-equiv="refresh" content="\d+">/)
    assert.match(page.text, /Maison Alpha/)
    assert.ok(page.text.length < 2000, 'a small page')
    await Promise.all([...holds, ...waiting])
  })

  test('health, readiness and metrics answer while every slot and the queue are taken', async () => {
    const holds = [hold(small.port, tokenA, 800), hold(small.port, tokenA, 800)]
    await delay(100)
    const waiting = Array.from({ length: 4 }, () => browse(small.port, hostA))
    await delay(50)
    for (const path of ['/health', '/ready', '/metrics']) {
      const answer = await send(small.port, 'GET', path, { host: 'localhost' })
      assert.equal(answer.status, 200, `${path}: ${answer.text}`)
      assert.ok(answer.ms < 500, `${path} did not queue (${Math.round(answer.ms)} ms)`)
    }
    const metrics = await send(small.port, 'GET', '/metrics', { host: 'localhost' })
    assert.match(
      metrics.text,
      new RegExp(`vitrine_http_requests_in_flight\\{brand="${a.brand.slug}",class="cart"\\} 2\\n`),
    )
    assert.match(
      metrics.text,
      new RegExp(`vitrine_admission_queue_length\\{brand="${a.brand.slug}",class="browse"\\} 4\\n`),
    )
    await Promise.all([...holds, ...waiting])
  })

  test('checkout is admitted ahead of browsing that queued before it; browsing keeps its order', async () => {
    // One slot frees early, the other stays busy: the queue then drains one request at a time.
    const early = hold(small.port, tokenA, 400)
    const late = hold(small.port, tokenA, 2500)
    await delay(100)
    const queued: Array<Promise<Answer & { name: string }>> = []
    for (const name of ['browse-1', 'browse-2', 'browse-3']) {
      queued.push(browse(small.port, hostA).then((r) => ({ ...r, name })))
      await delay(20)
    }
    // An empty checkout body: answered 400 by validation, which runs only once admitted.
    queued.push(
      send(small.port, 'POST', '/api/store/checkout', {
        host: hostA,
        body: {},
        headers: { 'idempotency-key': 'surge-priority-1' },
      }).then((r) => ({ ...r, name: 'checkout' })),
    )
    const answers = await Promise.all(queued)
    assert.deepEqual(
      answers.map((r) => r.status),
      [200, 200, 200, 400],
    )
    const order = [...answers].sort((x, y) => x.endedAt - y.endedAt).map((r) => r.name)
    assert.deepEqual(order, ['checkout', 'browse-1', 'browse-2', 'browse-3'])
    await Promise.all([early, late])
  })

  test('request ids: a sane x-request-id is echoed, anything else is replaced by a fresh id', async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
    const kept = await browse(small.port, hostB, { 'x-request-id': 'lb-7f3a:42' })
    assert.equal(kept.headers['x-request-id'], 'lb-7f3a:42')
    for (const hostile of ['two words', 'x'.repeat(129), '<script>alert(1)</script>', '"}{"level":60', 'é']) {
      const answer = await browse(small.port, hostB, { 'x-request-id': hostile })
      assert.equal(answer.status, 200)
      assert.match(String(answer.headers['x-request-id']), uuid, `replaced: ${hostile}`)
    }
    const fresh = [await browse(small.port, hostB), await browse(small.port, hostB)]
    assert.notEqual(fresh[0]!.headers['x-request-id'], fresh[1]!.headers['x-request-id'])
    const notFound = await send(small.port, 'GET', '/api/store/nothing-here', { host: hostB })
    assert.equal(notFound.status, 404)
    assert.match(String(notFound.headers['x-request-id']), uuid, 'errors carry the id too')
  })

  test('/metrics is Prometheus text with per-brand, per-class series', async () => {
    await browse(small.port, hostB, { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' })
    const metrics = await send(small.port, 'GET', '/metrics', { host: 'localhost' })
    assert.equal(metrics.status, 200)
    assert.equal(metrics.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8')
    const sample =
      /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*",?)*\})? -?[0-9.e+-]+$|^[a-z_]+(\{.*\})? (NaN|\+Inf|-Inf)$/
    for (const line of metrics.text.trimEnd().split('\n')) {
      if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue
      assert.match(line, sample, `a valid sample line: ${line}`)
    }
    const value = (pattern: string) => {
      const match = metrics.text.match(new RegExp(`^${pattern} (\\S+)$`, 'm'))
      return match ? Number(match[1]) : 0
    }
    const slugA = a.brand.slug
    const slugB = b.brand.slug
    assert.ok(value(`vitrine_admission_shed_total\\{brand="${slugA}",class="browse",reason="queue-full"\\}`) >= 14)
    assert.equal(value(`vitrine_admission_shed_total\\{brand="${slugB}",class="browse",reason="queue-full"\\}`), 0)
    assert.ok(value(`vitrine_http_requests_total\\{brand="${slugB}",class="browse",code="200"\\}`) >= 8)
    assert.ok(value(`vitrine_http_requests_total\\{brand="${slugA}",class="browse",code="503"\\}`) >= 14)
    assert.equal(value(`vitrine_http_requests_total\\{brand="${slugB}",class="bot",code="200"\\}`), 1)
    assert.ok(value(`vitrine_http_request_duration_seconds_count\\{brand="${slugA}",class="checkout"\\}`) >= 1)
    assert.ok(value('process_resident_memory_bytes') > 10_000_000)
    // Cumulative buckets never decrease and end at the count.
    const buckets = [
      ...metrics.text.matchAll(
        new RegExp(
          `^vitrine_http_request_duration_seconds_bucket\\{brand="${slugB}",class="browse",le="[^"]+"\\} (\\d+)$`,
          'gm',
        ),
      ),
    ].map((m) => Number(m[1]))
    assert.ok(buckets.length > 5)
    assert.deepEqual(
      buckets,
      [...buckets].sort((x, y) => x - y),
    )
    assert.equal(
      buckets.at(-1),
      value(`vitrine_http_request_duration_seconds_count\\{brand="${slugB}",class="browse"\\}`),
    )
  })
})

describe('admission tells the waiting room how much each brand sheds', () => {
  test('each second, the share of the brand’s requests shed over the last seconds is reported for auto rooms', async () => {
    const calls: Array<{ brandId: string; ratio: number }> = []
    const room = (small.app as unknown as { waitingRoom: { reportPressure: unknown } }).waitingRoom
    room.reportPressure = async (brandId: string, ratio: number) => {
      calls.push({ brandId, ratio })
      return null
    }
    await delay(1100) // a fresh one-second window
    calls.length = 0
    const holds = [hold(small.port, tokenA, 400), hold(small.port, tokenA, 400)]
    await delay(100)
    // More than the 20 decisions below which a brand's ratio reads 0 (shed-pressure.ts).
    const burst = await Promise.all(Array.from({ length: 24 }, () => browse(small.port, hostA)))
    await Promise.all(holds)
    await delay(1100)
    const shed = burst.filter((r) => r.status === 503).length
    const forA = calls.filter((c) => c.brandId === a.brand.id)
    assert.ok(forA.length >= 1, 'brand A reported')
    const worst = Math.max(...forA.map((c) => c.ratio))
    assert.ok(worst > 0.3 && worst < 1, `ratio ${worst} (${shed} of ${burst.length} shed)`)
    assert.ok(
      calls.every((c) => c.brandId !== b.brand.id || c.ratio === 0),
      'brand B sheds nothing',
    )
  })
})

describe('fair share across brands', () => {
  test("brand B's latency stays low and nothing of B is shed while brand A floods", async () => {
    const fair = await startSurgeServer(database, {
      admission: { maxInflight: 4, queueSize: 16, queueTimeoutMs: 1000 },
      metricsToken: null,
    })
    const token = await cartOf(fair.port, hostA)
    // Brand B alone first: what this machine, right now, takes to answer it.
    const alone: Answer[] = []
    for (let i = 0; i < 10; i++) alone.push(await browse(fair.port, hostB))
    const aloneP99 = percentile(
      alone.map((r) => r.ms),
      99,
    )

    let quietDone = false
    const flood: Answer[] = []
    // 24 clients on brand A in closed loops, each request holding a slot 200 ms: 6× what fits.
    // Their bodies lack the variant, so once read they are answered 400 by validation without a
    // query: on embedded PGlite a query runs on this very event loop, and the point here is the
    // admission queue, not the CPU.
    const floodClients = Array.from({ length: 24 }, async () => {
      while (!quietDone) {
        const answer = await send(fair.port, 'POST', `/api/store/carts/${token}/lines`, {
          host: hostA,
          body: { quantity: 1 },
          holdMs: 200,
        })
        flood.push(answer)
        if (answer.status === 503) await delay(50)
      }
    })
    await delay(400) // let the flood fill every slot and the queue
    const quiet: Answer[] = []
    for (let i = 0; i < 30; i++) {
      quiet.push(await browse(fair.port, hostB))
      await delay(20)
    }
    quietDone = true
    await Promise.all(floodClients)

    assert.deepEqual(
      quiet.filter((r) => r.status !== 200).map((r) => r.status),
      [],
      'nothing of brand B is shed',
    )
    assert.ok(
      flood.some((r) => r.status === 503),
      'brand A was over capacity',
    )
    assert.deepEqual(
      flood.filter((r) => r.status !== 400 && r.status !== 503).map((r) => r.status),
      [],
    )
    // FIFO admission would put B behind A's 16 queued requests: 16 / 4 slots × 200 ms = 800 ms.
    // Fair share admits B at the next free slot: at most one A request's 200 ms. The bound allows
    // for a slow machine (B alone measured just before) without letting FIFO through.
    const p99 = percentile(
      quiet.map((r) => r.ms),
      99,
    )
    const bound = 400 + 2 * aloneP99
    assert.ok(p99 < bound, `brand B p99 ${Math.round(p99)} ms under A's flood (alone: ${Math.round(aloneP99)} ms)`)
  })
})

describe('/metrics from another address', () => {
  const address = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address
  const skip = address ? false : 'no non-loopback IPv4 address on this machine to call from'

  test('needs the bearer token; without a configured token it is refused', { skip }, async () => {
    const withToken = await startSurgeServer(database, { admission: false, metricsToken: 'tok-123456789' }, address)
    const call = (headers: Record<string, string> = {}) =>
      send(withToken.port, 'GET', '/metrics', { host: 'localhost', address: address!, headers })
    assert.equal((await call()).status, 401)
    assert.equal((await call({ authorization: 'Bearer wrong' })).status, 401)
    assert.equal((await call({ authorization: 'Bearer tok-123456789x' })).status, 401)
    assert.equal((await call({ authorization: 'Basic tok-123456789' })).status, 401)
    assert.equal((await call({ 'x-forwarded-for': '127.0.0.1' })).status, 401, 'a forwarded header is not loopback')
    const ok = await call({ authorization: 'Bearer tok-123456789' })
    assert.equal(ok.status, 200)
    assert.match(ok.text, /^# HELP /m)

    const without = await startSurgeServer(database, { admission: false, metricsToken: null }, address)
    const refused = await send(without.port, 'GET', '/metrics', { host: 'localhost', address: address! })
    assert.equal(refused.status, 403)
    assert.match(String(refused.headers['content-type']), /problem\+json/)
  })
})

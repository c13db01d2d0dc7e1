import assert from 'node:assert/strict'
import http from 'node:http'
import { describe, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import type { Brand } from '../../brands/brand.ts'
import type { BrandDirectory } from '../../brands/brand-directory.ts'
import { type AdmissionConfig, AdmissionController } from './admission-controller.ts'
import { type GatedRequest, installAdmissionGate } from './admission-gate.ts'

/** No brand is known: every request counts under `_unknown` (the brand only labels and words the 503). */
const noBrands = { byHost: () => null, bySlug: () => null, byId: () => null } as unknown as BrandDirectory

/**
 * A plain node:http server whose own 'request' listener stands for Fastify's: it records what
 * reached it, answers `/hold…` only when told, anything else at once.
 */
async function gatedServer(
  config: AdmissionConfig,
  extra: { brands?: BrandDirectory; shedRatio?: (brandId: string) => number } = {},
) {
  const reached: string[] = []
  const held: http.ServerResponse[] = []
  const server = http.createServer((req, res) => {
    reached.push(req.url ?? '')
    if (req.url?.startsWith('/hold')) held.push(res)
    else res.end('served')
  })
  const events = { done: [] as string[], shed: [] as string[], decided: [] as boolean[] }
  installAdmissionGate(server, {
    admission: new AdmissionController(config),
    brands: extra.brands ?? noBrands,
    ...(extra.shedRatio ? { shedRatio: extra.shedRatio } : {}),
    draining: () => false,
    onDone: (request: GatedRequest, code) => events.done.push(`${request.path} ${request.cls} ${code}`),
    onWaited: () => {},
    onDecided: (_request, admitted) => events.decided.push(admitted),
    onShed: (request, reason) => events.shed.push(`${request.path} ${reason}`),
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const agent = new http.Agent({ keepAlive: false })
  const get = (path: string, headers: Record<string, string> = {}) => {
    let request: http.ClientRequest | null = null
    const answer = new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>(
      (resolve, reject) => {
        request = http.get({ host: '127.0.0.1', port, path, agent, headers }, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }),
          )
        })
        request.on('error', reject)
      },
    )
    return { answer, abort: () => request?.destroy() }
  }
  const releaseHeld = () => {
    for (const res of held.splice(0)) res.end('held')
  }
  const close = async () => {
    releaseHeld()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
  return { get, reached, events, releaseHeld, close }
}

describe('the admission gate, before the application', () => {
  test('a brand shedding a fifth of its requests or more tells its shed shoppers to wait longer', async () => {
    const brand = { id: 'b-1', slug: 'lune', name: 'Lune', locale: 'fr-FR' } as unknown as Brand
    const brands = { byHost: () => brand, bySlug: () => brand, byId: () => brand } as unknown as BrandDirectory
    let ratio = 0
    const s = await gatedServer(
      { maxInflight: 1, queueSize: 0, queueTimeoutMs: 1000 },
      { brands, shedRatio: () => ratio },
    )
    try {
      const hold = s.get('/hold')
      await delay(50)
      const waits = async () => {
        const answers = await Promise.all(Array.from({ length: 30 }, () => s.get('/', { accept: 'text/html' }).answer))
        return new Set(answers.map((a) => Number(a.headers['retry-after'])))
      }
      assert.deepEqual([...(await waits())].sort(), [1, 2, 3])
      ratio = 0.25
      assert.deepEqual([...(await waits())].sort(), [3, 4, 5])
      // The funnel comes back soonest whatever the pressure.
      const cart = await s.get('/cart').answer
      assert.equal(cart.headers['retry-after'], '1')
      s.releaseHeld()
      await hold.answer
    } finally {
      await s.close()
    }
  })

  test('a shed request never reaches the application: 503, Retry-After and a problem, from memory', async () => {
    const s = await gatedServer({ maxInflight: 1, queueSize: 0, queueTimeoutMs: 1000 })
    try {
      const hold = s.get('/hold')
      await delay(50)
      const shed = await Promise.all(
        Array.from(
          { length: 5 },
          (_, i) => s.get(`/api/store/products?page=${i}`, { 'x-request-id': `r-${i}` }).answer,
        ),
      )
      for (const [i, answer] of shed.entries()) {
        assert.equal(answer.status, 503)
        assert.ok(Number(answer.headers['retry-after']) >= 1)
        assert.equal(answer.headers['cache-control'], 'no-store')
        assert.equal(answer.headers['x-request-id'], `r-${i}`)
        assert.match(String(answer.headers['content-type']), /^application\/problem\+json/)
        assert.equal((JSON.parse(answer.text) as { type: string }).type, '/problems/overloaded')
      }
      assert.deepEqual(s.reached, ['/hold'], 'only the admitted request ran the application')
      assert.deepEqual(
        s.events.shed,
        Array.from({ length: 5 }, () => '/api/store/products queue-full'),
      )
      const page = await s.get('/', { accept: 'text/html' }).answer
      assert.equal(page.status, 503)
      assert.equal(page.headers['content-type'], 'text/html; charset=utf-8')
      assert.match(page.text, /<meta http-equiv="refresh" content="\d+">/)

      s.releaseHeld()
      assert.equal((await hold.answer).status, 200)
      assert.equal((await s.get('/after').answer).text, 'served', 'the freed slot admits again')
      assert.deepEqual(s.reached, ['/hold', '/after'])
    } finally {
      await s.close()
    }
  })

  test('a queued request runs once a slot frees; one whose client left while queued never runs', async () => {
    const s = await gatedServer({ maxInflight: 1, queueSize: 4, queueTimeoutMs: 5000 })
    try {
      const hold = s.get('/hold')
      await delay(50)
      const waiting = s.get('/waiting')
      const leaving = s.get('/leaving')
      leaving.answer.catch(() => {})
      await delay(50)
      leaving.abort()
      await delay(50)
      assert.deepEqual(s.reached, ['/hold'])
      s.releaseHeld()
      assert.equal((await hold.answer).status, 200)
      assert.equal((await waiting.answer).text, 'served')
      await delay(50)
      assert.deepEqual(s.reached, ['/hold', '/waiting'])
      assert.deepEqual(s.events.shed, [], 'a client gone is not shed')
      assert.deepEqual(s.events.decided, [true, true], 'nor counted as pressure')
      assert.deepEqual([...s.events.done].sort(), [
        '/hold browse 200',
        '/leaving browse aborted',
        '/waiting browse 200',
      ])
    } finally {
      await s.close()
    }
  })

  test('probes and metrics go straight to the application while every slot and the queue are taken', async () => {
    const s = await gatedServer({ maxInflight: 1, queueSize: 0, queueTimeoutMs: 1000 })
    try {
      s.get('/hold')
      await delay(50)
      assert.equal((await s.get('/x').answer).status, 503)
      for (const path of ['/health', '/ready', '/metrics?x=1']) {
        assert.equal((await s.get(path).answer).text, 'served', path)
      }
      assert.ok(
        s.events.done.every((line) => !line.startsWith('/health')),
        'probes are not counted as shop traffic',
      )
    } finally {
      await s.close()
    }
  })

  test('classes come from the path: a checkout queued behind browsing is admitted first', async () => {
    const s = await gatedServer({ maxInflight: 1, queueSize: 4, queueTimeoutMs: 5000 })
    try {
      s.get('/hold')
      await delay(50)
      const browse = s.get('/p/shoe')
      await delay(20)
      const checkout = s.get('/checkout')
      await delay(20)
      s.releaseHeld()
      await Promise.all([browse.answer, checkout.answer])
      assert.deepEqual(s.reached, ['/hold', '/checkout', '/p/shoe'])
    } finally {
      await s.close()
    }
  })
})

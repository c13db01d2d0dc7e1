import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { type Admission, AdmissionController, type QueuedAdmission } from './admission-controller.ts'
import { classifyRequest } from './classify-request.ts'

const admitted = (a: Admission | QueuedAdmission) => {
  assert.ok(!('queued' in a) && a.admitted, 'expected an immediate admission')
  return a
}
const queued = (a: Admission | QueuedAdmission) => {
  assert.ok('queued' in a, 'expected the request to queue')
  return a
}

/** Settles queued admissions into an ordered log, releasing each admitted one when told. */
function track(log: string[], name: string, q: QueuedAdmission) {
  return q.queued.then((a) => {
    log.push(a.admitted ? name : `${name}:${a.reason}`)
    return a
  })
}

/**
 * A controller on a fake clock (turns' target 20 ms, budget 16), and `endTurn(ms)`: the turn took
 * that long from its first arrival, then the event loop moves on to the next one.
 */
function timedController() {
  let now = 0
  const c = new AdmissionController(
    { maxInflight: 16, queueSize: 100, queueTimeoutMs: 10_000, turnTargetMs: 20 },
    () => now,
  )
  const endTurn = (tookMs = 0) => {
    now += tookMs
    return new Promise((resolve) => setImmediate(resolve))
  }
  return { c, endTurn }
}

describe('admission control', () => {
  test('admits up to the limit, queues up to the queue size, then sheds the newcomer', () => {
    const c = new AdmissionController({ maxInflight: 2, queueSize: 1, queueTimeoutMs: 10_000 })
    admitted(c.acquire('a', 'browse'))
    admitted(c.acquire('a', 'browse'))
    const third = queued(c.acquire('a', 'browse'))
    const fourth = c.acquire('a', 'browse')
    assert.deepEqual(fourth, { admitted: false, reason: 'queue-full' })
    assert.equal(c.inflightCount, 2)
    assert.equal(c.queuedCount, 1)
    third.cancel()
    assert.equal(c.queuedCount, 0)
  })

  test('a freed slot goes to checkout before cart before browse before crawlers, FIFO within a class', async () => {
    const c = new AdmissionController({ maxInflight: 1, queueSize: 10, queueTimeoutMs: 10_000 })
    const first = admitted(c.acquire('a', 'browse'))
    const order: string[] = []
    const waits: Record<string, Promise<Admission>> = {
      bot: track(order, 'bot', queued(c.acquire('a', 'bot'))),
      'browse-1': track(order, 'browse-1', queued(c.acquire('a', 'browse'))),
      'browse-2': track(order, 'browse-2', queued(c.acquire('a', 'browse'))),
      cart: track(order, 'cart', queued(c.acquire('a', 'cart'))),
      checkout: track(order, 'checkout', queued(c.acquire('a', 'checkout'))),
    }
    let current: Admission = first
    for (let i = 0; i < 5; i++) {
      if (current.admitted) current.release()
      await delay(0)
      assert.equal(order.length, i + 1, 'each release admits exactly one waiter')
      current = await waits[order[i]!]!
    }
    assert.deepEqual(order, ['checkout', 'cart', 'browse-1', 'browse-2', 'bot'])
  })

  test('the brand with fewer requests in flight gets the next slot, whatever the other one queued first', async () => {
    const c = new AdmissionController({ maxInflight: 4, queueSize: 20, queueTimeoutMs: 10_000 })
    const held = [1, 2, 3, 4].map(() => admitted(c.acquire('surging', 'browse')))
    const order: string[] = []
    const surging = [1, 2, 3, 4, 5].map((i) => track(order, `surging-${i}`, queued(c.acquire('surging', 'checkout'))))
    const quiet = track(order, 'quiet', queued(c.acquire('quiet', 'browse')))
    held[0]!.release()
    await quiet
    assert.deepEqual(order, ['quiet'], 'the quiet brand’s browse goes before the surging brand’s checkouts')
    held[1]!.release()
    await surging[0]
    assert.deepEqual(order, ['quiet', 'surging-1'])
  })

  test('a full queue pushes out the busiest brand’s least important, newest request', async () => {
    const c = new AdmissionController({ maxInflight: 1, queueSize: 3, queueTimeoutMs: 10_000 })
    admitted(c.acquire('a', 'browse'))
    const order: string[] = []
    const aCart = track(order, 'a-cart', queued(c.acquire('a', 'cart')))
    const aBrowse1 = track(order, 'a-browse-1', queued(c.acquire('a', 'browse')))
    const aBrowse2 = track(order, 'a-browse-2', queued(c.acquire('a', 'browse')))
    // Brand b's browse displaces a's newest browse; a's checkout then displaces a's other browse.
    const bBrowse = queued(c.acquire('b', 'browse'))
    assert.deepEqual(await aBrowse2, { admitted: false, reason: 'queue-full' })
    const aCheckout = queued(c.acquire('a', 'checkout'))
    assert.deepEqual(await aBrowse1, { admitted: false, reason: 'queue-full' })
    // Now the queue holds a-cart, b-browse, a-checkout; another a-browse is the worst: shed itself.
    assert.deepEqual(c.acquire('a', 'browse'), { admitted: false, reason: 'queue-full' })
    assert.equal(c.queuedCount, 3)
    for (const q of [bBrowse, aCheckout]) q.cancel()
    void aCart
    assert.deepEqual(order, ['a-browse-2:queue-full', 'a-browse-1:queue-full'])
  })

  test('a request that waited the queue timeout is shed, and a cancelled one leaves the queue', async () => {
    const c = new AdmissionController({ maxInflight: 1, queueSize: 5, queueTimeoutMs: 30 })
    const held = admitted(c.acquire('a', 'browse'))
    const waiting = queued(c.acquire('a', 'browse'))
    const started = performance.now()
    assert.deepEqual(await waiting.queued, { admitted: false, reason: 'queue-timeout' })
    assert.ok(performance.now() - started < 1000)
    const cancelled = queued(c.acquire('a', 'browse'))
    cancelled.cancel()
    assert.deepEqual(await cancelled.queued, { admitted: false, reason: 'aborted' })
    assert.equal(c.queuedCount, 0)
    held.release()
    held.release() // twice is harmless
    assert.equal(c.inflightCount, 0)
  })

  test('requests served within one turn of the event loop: beyond a turn’s budget they queue, fairest brand first next turn; two per brand pass beyond it', async () => {
    const c = new AdmissionController({ maxInflight: 16, queueSize: 100, queueTimeoutMs: 10_000 })
    // A worker at full CPU on cached pages: each request is admitted and answered before the next
    // one is read, so nothing is ever in flight — yet the turn's budget runs out.
    for (let i = 0; i < 16; i++) admitted(c.acquire('surging', 'browse')).release()
    assert.equal(c.inflightCount, 0)
    const order: string[] = []
    const surging = [1, 2, 3].map((i) => track(order, `surging-${i}`, queued(c.acquire('surging', 'browse'))))
    // A brand gets two requests per turn in beyond the budget (its shoppers do not wait behind the
    // surge's); its third one in the same turn queues.
    admitted(c.acquire('quiet', 'browse')).release()
    admitted(c.acquire('quiet', 'browse')).release()
    const quiet = track(order, 'quiet', queued(c.acquire('quiet', 'browse')))
    // Crawlers never pass beyond the budget.
    const crawler = track(order, 'crawler', queued(c.acquire('crawled', 'bot')))
    assert.equal(c.queuedCount, 5, 'visible to the queue, where fair share and timeouts apply')
    // The next turn admits from the queue; the brand surging had more admitted, the quiet one goes first.
    for (const a of await Promise.all([quiet, ...surging, crawler])) if (a.admitted) a.release()
    assert.deepEqual(order, ['quiet', 'crawler', 'surging-1', 'surging-2', 'surging-3'])
    // A new turn has its full budget again.
    await new Promise((resolve) => setImmediate(resolve))
    admitted(c.acquire('quiet', 'browse')).release()
  })

  test('after a turn longer than its target the next turns admit half as many; short turns give them back one by one', async () => {
    const { c, endTurn } = timedController()
    assert.equal(c.turnBudget, 16)
    admitted(c.acquire('a', 'browse')).release()
    await endTurn(50) // the turn took 50 ms from its first arrival
    assert.equal(c.turnBudget, 8)
    for (let i = 0; i < 8; i++) admitted(c.acquire('a', 'browse')).release()
    const waiting = queued(c.acquire('a', 'browse'))
    await endTurn(50)
    assert.equal(c.turnBudget, 4)
    const next = await waiting.queued
    assert.ok(next.admitted, 'the queue is served by the next turn')
    next.release()
    for (let turn = 0; turn < 3; turn++) {
      admitted(c.acquire('a', 'browse')).release()
      await endTurn(100)
    }
    assert.equal(c.turnBudget, 4, 'never below the floor: the node keeps serving while it sheds')
    for (let turn = 0; turn < 5; turn++) {
      admitted(c.acquire('a', 'browse')).release()
      await endTurn(5)
    }
    assert.equal(c.turnBudget, 9)
    for (let turn = 0; turn < 20; turn++) {
      admitted(c.acquire('a', 'browse')).release()
      await endTurn()
    }
    assert.equal(c.turnBudget, 16, 'up to the configured budget, not beyond')
  })

  test('a brand with a request waiting queues behind its own, and is served from the queue on its turn share', async () => {
    const { c, endTurn } = timedController()
    for (let turn = 0; turn < 2; turn++) {
      admitted(c.acquire('warm-up', 'browse')).release()
      await endTurn(50)
    }
    assert.equal(c.turnBudget, 4)
    // The quiet brand holds four requests (the turn's budget: its share beyond it is spent too); its fifth waits.
    const held = Array.from({ length: 4 }, () => admitted(c.acquire('quiet', 'browse')))
    const order: string[] = []
    const fifth = track(order, 'quiet-5', queued(c.acquire('quiet', 'browse')))
    // The surging brand gets its two beyond the budget, then queues.
    admitted(c.acquire('surging', 'browse')).release()
    admitted(c.acquire('surging', 'browse')).release()
    const surging = Array.from({ length: 8 }, (_, i) =>
      track(order, `surging-${i}`, queued(c.acquire('surging', 'browse'))),
    )
    // The next turn (budget 4 again: this one was long) gives its budget to the brand with fewer in
    // flight, the surge; then the quiet brand's fifth request goes on its share, not a turn later.
    await endTurn(50)
    assert.deepEqual(order, ['surging-0', 'surging-1', 'surging-2', 'surging-3', 'quiet-5'])
    assert.equal(c.queuedCount, 4)
    // In that turn the quiet brand, nothing of it waiting now, still has one admission of its share;
    // the surge has spent its own and queues.
    const sixth = admitted(c.acquire('quiet', 'browse'))
    const more = track(order, 'surging-8', queued(c.acquire('surging', 'browse')))
    sixth.release()
    for (const h of held) h.release()
    for (const a of await Promise.all([fifth, more, ...surging])) if (a.admitted) a.release()
    assert.ok(order.indexOf('surging-7') < order.indexOf('surging-8'), order.join(' '))
  })

  test('crawlers never hold more than a quarter of the slots, even on an idle node', () => {
    const c = new AdmissionController({ maxInflight: 8, queueSize: 5, queueTimeoutMs: 10_000 })
    admitted(c.acquire('a', 'bot'))
    admitted(c.acquire('a', 'bot'))
    const third = queued(c.acquire('a', 'bot'))
    admitted(c.acquire('a', 'browse'))
    third.cancel()
  })

  test('classification by route pattern, method and User-Agent', () => {
    const ua = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0'
    assert.equal(classifyRequest('POST', '/api/store/checkout', ua), 'checkout')
    assert.equal(classifyRequest('POST', '/checkout', ua), 'checkout')
    assert.equal(classifyRequest('POST', '/api/store/carts/:token/lines', ua), 'cart')
    assert.equal(classifyRequest('POST', '/cart/add', ua), 'cart')
    assert.equal(classifyRequest('GET', '/api/admin/brands/:slug/orders', ua), 'admin')
    assert.equal(classifyRequest('GET', '/p/:handle', ua), 'browse')
    assert.equal(classifyRequest('GET', undefined, ua), 'browse')
    assert.equal(classifyRequest('GET', '/p/:handle', 'Mozilla/5.0 (compatible; Googlebot/2.1)'), 'bot')
    assert.equal(classifyRequest('POST', '/api/store/checkout', 'AhrefsBot/7.0'), 'bot')
    assert.equal(classifyRequest('GET', '/', 'facebookexternalhit/1.1'), 'bot')
    assert.equal(classifyRequest('GET', '/', undefined), 'browse')
    // The admission gate classifies by path, before routing: the same rules, whole segments only.
    assert.equal(classifyRequest('PUT', '/api/store/carts/3f2a/lines/9', ua), 'cart')
    assert.equal(classifyRequest('GET', '/cart', ua), 'cart')
    assert.equal(classifyRequest('GET', '/cartes-cadeaux', ua), 'browse')
    assert.equal(classifyRequest('GET', '/api/store/cartsy', ua), 'browse')
    assert.equal(classifyRequest('DELETE', '/api/admin/brands/alpha/orders/1', ua), 'admin')
  })
})

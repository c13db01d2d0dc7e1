import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { trafficKindsOf } from './classify-traffic.ts'
import { TrafficCounter } from './traffic-counter.ts'

describe('TrafficCounter', () => {
  test('splits counts at the UTC hour and by brand and kind; take() empties it; restore() puts back', () => {
    const counter = new TrafficCounter()
    const h = Date.UTC(2026, 0, 7, 9, 0, 0)
    counter.add('a', 'page', h - 1)
    counter.add('a', 'page', h)
    counter.add('a', 'page', h + 3_599_999)
    counter.add('b', 'page', h + 10)
    counter.add('a', 'order', h + 10)
    const taken = counter.take()
    const byKey = Object.fromEntries(taken.map((c) => [`${c.brandId}|${c.hour.toISOString()}|${c.kind}`, c.n]))
    assert.deepEqual(byKey, {
      'a|2026-01-07T08:00:00.000Z|page': 1,
      'a|2026-01-07T09:00:00.000Z|page': 2,
      'b|2026-01-07T09:00:00.000Z|page': 1,
      'a|2026-01-07T09:00:00.000Z|order': 1,
    })
    assert.equal(counter.pending, 0)
    counter.add('a', 'page', h)
    counter.restore(taken)
    const again = counter.take().find((c) => c.brandId === 'a' && c.kind === 'page' && c.hour.getTime() === h)
    assert.equal(again?.n, 3)
  })
})

describe('trafficKindsOf', () => {
  const served = (method: string, route: string | undefined, url: string, status = 200, extra = {}) =>
    trafficKindsOf({ method, route, url, status, userAgent: 'Mozilla/5.0', location: undefined, ...extra })

  test('classes shop requests from their route', () => {
    assert.deepEqual(served('GET', '/', '/'), ['page'])
    assert.deepEqual(served('GET', '/c/*', '/c/femme/robes?page=2'), ['page'])
    assert.deepEqual(served('GET', '/cart', '/cart'), ['page'])
    assert.deepEqual(served('GET', '/checkout', '/checkout'), ['page'])
    assert.deepEqual(served('GET', '/api/store/products', '/api/store/products'), ['api'])
    assert.deepEqual(served('POST', '/api/store/carts/:token/lines', '/api/store/carts/x/lines'), ['cart'])
    assert.deepEqual(served('POST', '/cart/add', '/cart/add', 303), ['cart'])
    assert.deepEqual(served('POST', '/api/store/checkout', '/api/store/checkout', 201), ['checkout', 'order'])
    assert.deepEqual(served('POST', '/api/store/checkout', '/api/store/checkout', 200), ['checkout'])
    assert.deepEqual(served('POST', '/api/store/checkout', '/api/store/checkout', 409), ['checkout'])
    assert.deepEqual(served('POST', '/checkout', '/checkout', 303, { location: '/checkout/confirmation' }), [
      'checkout',
      'order',
    ])
    assert.deepEqual(served('POST', '/checkout', '/checkout', 303, { location: '/cart' }), ['checkout'])
  })

  test('leaves out probes, files, the back office and posts that are no page', () => {
    for (const url of ['/health', '/ready', '/metrics', '/assets/app.css', '/media/demo/x.svg', '/robots.txt']) {
      assert.deepEqual(served('GET', undefined, url), [], url)
    }
    assert.deepEqual(served('GET', '/api/admin/brands', '/api/admin/brands'), [])
    assert.deepEqual(served('DELETE', undefined, '/whatever'), [])
    assert.deepEqual(served('GET', undefined, '/api/nothing'), [])
  })

  test('counts crawlers apart', () => {
    assert.deepEqual(served('GET', '/', '/', 200, { userAgent: 'Mozilla/5.0 (compatible; bingbot/2.0)' }), ['bot'])
    assert.deepEqual(served('GET', undefined, '/assets/x.css', 200, { userAgent: 'Googlebot' }), [])
  })
})

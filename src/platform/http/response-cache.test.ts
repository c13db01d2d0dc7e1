import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { gunzipSync } from 'node:zlib'
import { preferredCoding, ResponseCache } from './response-cache.ts'

const page = (fill: string) => ({ body: `<p>${fill.repeat(4000)}</p>`, contentType: 'text/html' })

describe('response cache', () => {
  test('the coding a client gets: brotli, else gzip, never one it refused', () => {
    assert.equal(preferredCoding('gzip, deflate, br, zstd'), 'br')
    assert.equal(preferredCoding('gzip, deflate'), 'gzip')
    assert.equal(preferredCoding('br;q=0, gzip;q=0.5'), 'gzip')
    assert.equal(preferredCoding('BR ; Q=1'), 'br')
    assert.equal(preferredCoding('*'), 'br')
    assert.equal(preferredCoding('*;q=0'), null)
    assert.equal(preferredCoding('gzip;q=0, *;q=0'), null)
    assert.equal(preferredCoding('identity'), null)
    assert.equal(preferredCoding('gzip;q=abc'), null)
    assert.equal(preferredCoding(''), null)
    assert.equal(preferredCoding(undefined), null)
    assert.equal(preferredCoding(['gzip', 'br']), null)
  })

  test('a compressed copy is made once, and counts in the bytes the cache may hold', async () => {
    // Room for two bodies of 4 KB (compressed, each is a few dozen bytes).
    const cache = new ResponseCache({ maxBytes: 8_020 })
    const a = await cache.getOrBuild('a', 60_000, 0, async () => page('a'))
    const b = await cache.getOrBuild('b', 60_000, 0, async () => page('b'))
    assert.equal(cache.size, 2)

    const gz = cache.encodedBody(a, 'gzip')
    assert.equal(gunzipSync(gz).toString(), a.body.toString())
    assert.equal(cache.encodedBody(a, 'gzip'), gz, 'the same copy, not compressed again')
    // 8,014 bytes of bodies + the copy exceed the bound: the least recently used entry goes.
    assert.equal(cache.size, 1)
    let rebuilt = false
    await cache.getOrBuild('a', 60_000, 0, async () => {
      rebuilt = true
      return page('a')
    })
    assert.ok(rebuilt, 'a was the least recently used')
    const stillB = await cache.getOrBuild('b', 60_000, 0, async () => page('x'))
    assert.equal(stillB, b)
  })

  test('after clear(), compressing an entry taken before it counts nothing', async () => {
    const cache = new ResponseCache({ maxBytes: 4_020 })
    const a = await cache.getOrBuild('a', 60_000, 0, async () => page('a'))
    cache.clear()
    cache.encodedBody(a, 'gzip')
    const b = await cache.getOrBuild('b', 60_000, 0, async () => page('b'))
    assert.equal(cache.size, 1, 'b fits: the cleared entry took no room')
    assert.equal(await cache.getOrBuild('b', 60_000, 0, async () => page('x')), b)
  })

  test('an entry evicted while it is being sent can still be compressed, without counting', async () => {
    const cache = new ResponseCache({ maxEntries: 1 })
    const a = await cache.getOrBuild('a', 60_000, 0, async () => page('a'))
    await cache.getOrBuild('b', 60_000, 0, async () => page('b'))
    assert.equal(cache.size, 1)
    assert.equal(gunzipSync(cache.encodedBody(a, 'gzip')).toString(), a.body.toString())
    assert.equal(cache.size, 1, 'b stays: the evicted entry took no room')
  })
})

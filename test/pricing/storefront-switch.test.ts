import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'
import { startTestServer } from '../helpers/server.ts'
import { hostOf, percent, saleEvent, testClock, wholeBrand } from './helpers.ts'

/**
 * A storefront node with a warm cache crosses a sale's start and end instants: real HTTP, the
 * server's clock injected, no restart, no purge. 08:00 Europe/Paris on an ordinary winter day and
 * on both DST-change days of 2026.
 */
const database = await openTestDatabase()
const db = database.db
const clock = testClock('2026-01-07T06:00:00Z')
const server = await startTestServer(database, { clock: clock.now })

async function shopFixture() {
  const brand = await createTestBrand(db, { timeZone: 'Europe/Paris' })
  const product = await createTestProduct(brand, {
    title: 'Robe lin',
    variants: [{ sku: `${brand.brand.slug}-M`, size: 'M', priceMinor: 2990, onHand: 5 }],
  })
  await server.brands.refresh()
  return { brand, product, host: hostOf(brand) }
}

/** The price the JSON API, the JSON listing and the product page show, and whether the page came from the cache. */
async function shown(host: string, productId: string) {
  const detail = await server.request('GET', `/api/store/products/${productId}`, { host })
  const list = await server.request('GET', '/api/store/products?page=1&pageSize=48', { host })
  const card = list.body.items.find((c: { id: string }) => c.id === productId)
  return {
    price: detail.body.variants[0].priceMinor as number,
    compareAt: detail.body.variants[0].compareAtMinor as number | null,
    card: card.priceMinor as number,
    cardCompareAt: card.compareAtMinor as number | null,
    etag: detail.headers.etag,
  }
}

async function pagePrice(host: string, productId: string, title: string) {
  const handle = `${title.toLowerCase().replace(/\s+/g, '-')}-${productId}`
  const res = await server.request('GET', `/p/${handle}`, { host })
  assert.equal(res.status, 200, res.text.slice(0, 300))
  return { text: res.text, etag: res.headers.etag, cacheControl: res.headers['cache-control'] }
}

describe('a warm storefront switches prices at the instant', () => {
  for (const [day, startZ, endLocal, endZ] of [
    ['an ordinary winter day', '2026-01-07T07:00:00.000Z', '2026-01-07T20:00', '2026-01-07T19:00:00.000Z'],
    ['the spring DST change (2026-03-29)', '2026-03-29T06:00:00.000Z', '2026-03-29T20:00', '2026-03-29T18:00:00.000Z'],
    ['the autumn DST change (2026-10-25)', '2026-10-25T07:00:00.000Z', '2026-10-25T20:00', '2026-10-25T19:00:00.000Z'],
  ] as const) {
    test(`08:00 Europe/Paris on ${day}: old price at 07:59:59.999, sale price at 08:00:00.000, back at the end`, async () => {
      const { brand, product, host } = await shopFixture()
      const date = startZ.slice(0, 10)
      await saleEvent([brand], {
        startsAt: `${date}T08:00`,
        endsAt: endLocal,
        rules: [{ discount: percent(30), target: wholeBrand }],
      })
      const before = new Date(Date.parse(startZ) - 1).toISOString()
      clock.set(before)
      const warm = await shown(host, product.id)
      const page = await pagePrice(host, product.id, 'Robe lin')
      assert.deepEqual([warm.price, warm.compareAt, warm.card, warm.cardCompareAt], [2990, null, 2990, null])
      // Warm: the same responses again come from the cache (same ETag).
      assert.equal((await shown(host, product.id)).etag, warm.etag)
      assert.equal((await pagePrice(host, product.id, 'Robe lin')).etag, page.etag)
      assert.match(page.text, /29,90/)

      clock.set(startZ)
      const sale = await shown(host, product.id)
      assert.deepEqual([sale.price, sale.compareAt, sale.card, sale.cardCompareAt], [2093, 2990, 2093, 2990])
      assert.notEqual(sale.etag, warm.etag)
      const salePage = await pagePrice(host, product.id, 'Robe lin')
      assert.match(salePage.text, /20,93/)
      assert.match(salePage.text, /<s>29,90/)

      clock.set(new Date(Date.parse(endZ) - 1).toISOString())
      assert.equal((await shown(host, product.id)).price, 2093)
      clock.set(endZ)
      const after = await shown(host, product.id)
      assert.deepEqual([after.price, after.compareAt, after.card], [2990, null, 2990])
      assert.match((await pagePrice(host, product.id, 'Robe lin')).text, /29,90/)
    })
  }

  test('an event edited while pages are cached shows on the next request, a deleted one reverts', async () => {
    const { brand, product, host } = await shopFixture()
    clock.set('2026-05-10T10:00:00Z')
    assert.equal((await shown(host, product.id)).price, 2990)
    const id = await saleEvent([brand], {
      startsAt: '2026-05-01T00:00',
      endsAt: '2026-06-01T00:00',
      rules: [{ discount: percent(10), target: wholeBrand }],
    })
    assert.equal((await shown(host, product.id)).price, 2691)
    const { updateSaleEvent, deleteSaleEvent } = await import('../../src/pricing/index.ts')
    const { systemCtx } = await import('../helpers/fixtures.ts')
    await updateSaleEvent(systemCtx(db), id, {
      name: 'Soldes',
      brands: [brand.brand],
      startsAt: '2026-05-01T00:00',
      endsAt: '2026-06-01T00:00',
      priority: 0,
      combine: 'best',
      rounding: '.99',
      rules: [{ discount: percent(20), target: wholeBrand }],
    })
    assert.equal((await shown(host, product.id)).price, 2299) // 2392 rounded down to .99
    await deleteSaleEvent(systemCtx(db), id)
    assert.equal((await shown(host, product.id)).price, 2990)
  })
})

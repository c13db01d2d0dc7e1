import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { placeOrder } from '../access/fixtures.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { startTestServer } from '../helpers/server.ts'
import { cardTitles } from '../storefront/fixtures.ts'
import { createSearchFixture, newestFirst } from './fixtures.ts'

const database = await openTestDatabase()
const { fr, other, p } = await createSearchFixture(database.db)
const server = await startTestServer(database)
const host = `${fr.brand.slug}.localhost`
const get = (path: string, h = host) => server.request('GET', path, { host: h })
const titlesOf = (body: { items: Array<{ title: string }> }) => body.items.map((c) => c.title)

const c = (name: string, hex: string, count: number) => ({ name, hex, count })

describe('facet counts', () => {
  test('with no filter: every value of the scope with its product count', async () => {
    const res = await get('/api/store/search')
    assert.equal(res.status, 200)
    assert.deepEqual(titlesOf(res.body), newestFirst)
    assert.deepEqual(res.body.facets, {
      sizes: [
        { value: 'S', count: 4 },
        { value: 'M', count: 4 },
        { value: 'L', count: 3 },
        { value: '38', count: 1 },
      ],
      colours: [
        c('Beige', '#d8c8a8', 1),
        c('Blanc', '#ffffff', 2),
        c('Bleu', '#1f3a93', 3),
        c('Gris', '#808080', 1),
        c('Marron', '#6b4423', 1),
        c('Noir', '#000000', 1),
        c('Rose', '#e8a0b0', 1),
      ],
      priceBands: [
        { minMinor: 2500, maxMinor: 4999, count: 2 },
        { minMinor: 5000, maxMinor: 9999, count: 5 },
        { minMinor: 10000, maxMinor: 19999, count: 1 },
      ],
      inStock: 7,
      priceMinMinor: 3900,
      priceMaxMinor: 12000,
    })
  })

  test('a facet’s own selection does not narrow its counts; the other selections do (one variant matches all)', async () => {
    const res = await get('/api/store/search?size=M&inStock=true')
    assert.deepEqual(titlesOf(res.body), ['Short de plage', 'Chemise en lin', 'Robe d’été en lin'])
    assert.equal(res.body.total, 3)
    assert.deepEqual(res.body.facets, {
      // In stock kept, size left out: L exists only sold out.
      sizes: [
        { value: 'S', count: 4 },
        { value: 'M', count: 3 },
        { value: 'L', count: 0 },
        { value: '38', count: 1 },
      ],
      // M in stock: the dress's blue M is sold out, so only the shorts count for Bleu.
      colours: [
        c('Beige', '#d8c8a8', 0),
        c('Blanc', '#ffffff', 2),
        c('Bleu', '#1f3a93', 1),
        c('Gris', '#808080', 0),
        c('Marron', '#6b4423', 0),
        c('Noir', '#000000', 0),
        c('Rose', '#e8a0b0', 0),
      ],
      priceBands: [
        { minMinor: 2500, maxMinor: 4999, count: 1 },
        { minMinor: 5000, maxMinor: 9999, count: 2 },
      ],
      inStock: 3,
      priceMinMinor: 3900,
      priceMaxMinor: 8900,
    })
  })

  test('price bounds narrow the other facets, never the price bands', async () => {
    const res = await get('/api/store/search?minPrice=5000&maxPrice=9999&colour=Bleu')
    assert.deepEqual(titlesOf(res.body), ['Chemise en lin', 'Robe d’été en lin'])
    const f = res.body.facets
    assert.deepEqual(f.priceBands, [
      { minMinor: 2500, maxMinor: 4999, count: 1 },
      { minMinor: 5000, maxMinor: 9999, count: 2 },
    ])
    assert.deepEqual(
      f.colours.map((x: { name: string; count: number }) => [x.name, x.count]),
      [
        ['Beige', 1],
        ['Blanc', 2],
        ['Bleu', 2],
        ['Gris', 1],
        ['Marron', 0],
        ['Noir', 1],
        ['Rose', 0],
      ],
    )
    assert.deepEqual(f.sizes, [
      { value: 'S', count: 1 },
      { value: 'M', count: 1 },
      { value: 'L', count: 1 },
      { value: '38', count: 0 },
    ])
    assert.equal(f.inStock, 1)
  })

  test('facets of a search: only the matching products count', async () => {
    const res = await get('/api/store/search?q=lin')
    assert.deepEqual(
      res.body.facets.colours.map((x: { name: string; count: number }) => [x.name, x.count]),
      [
        ['Beige', 1],
        ['Blanc', 2],
        ['Bleu', 2],
      ],
    )
    assert.equal(res.body.facets.inStock, 3)
  })

  test('the storefront shows the counts and price bands', async () => {
    const res = await get('/c/femme?size=S')
    assert.equal(res.status, 200)
    assert.match(res.text, /value="S" checked>S <span class="count">\(4\)<\/span>/)
    assert.match(res.text, /value="Rose">.*Rose <span class="count">\(1\)<\/span>/)
    assert.match(
      res.text,
      /href="\/c\/femme\?size=S&amp;min=5000.00&amp;max=9999.99"|href="\/c\/femme\?size=S&amp;min=50.00&amp;max=99.99"/,
    )
  })
})

describe('keyset paging', () => {
  const walk = async (query: string, pageSize: number) => {
    const seen: string[] = []
    let cursor: string | null = null
    for (let pages = 0; pages < 20; pages++) {
      const res: { status: number; body: { items: Array<{ title: string }>; nextCursor: string | null } } = await get(
        `/api/store/search?pageSize=${pageSize}${query}${cursor ? `&cursor=${cursor}` : ''}`,
      )
      assert.equal(res.status, 200)
      seen.push(...titlesOf(res.body))
      cursor = res.body.nextCursor
      if (!cursor) return seen
    }
    throw new Error('paging did not end')
  }

  test('visits every product exactly once, in the listing’s order, for every sort', async () => {
    for (const sort of ['newest', 'price-asc', 'price-desc', 'best-selling']) {
      const whole = titlesOf((await get(`/api/store/search?pageSize=100&sort=${sort}`)).body)
      assert.equal(whole.length, 8)
      for (const size of [1, 3, 7]) assert.deepEqual(await walk(`&sort=${sort}`, size), whole, `${sort} by ${size}`)
    }
    assert.deepEqual(await walk('&q=lin', 1), ['Chemise en lin', 'Robe d’été en lin', 'Pantalon large'])
    assert.deepEqual(await walk('&colour=Bleu&sort=price-asc', 2), [
      'Short de plage',
      'Chemise en lin',
      'Robe d’été en lin',
    ])
  })

  test('a cursor that was altered, is malformed, or belongs to another query is a 400', async () => {
    const first = await get('/api/store/search?pageSize=2&sort=price-asc')
    const cursor: string = first.body.nextCursor
    assert.match(cursor, /^[\w-]+\.[\w-]{16}$/)
    const [payload = '', sum] = cursor.split('.')
    const edited = JSON.parse(Buffer.from(payload, 'base64url').toString())
    edited[2] = 0 // another price
    const forged = `${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${sum}`
    const flipped = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`
    for (const bad of [forged, flipped, 'abc', `${payload}.`, `${cursor}x`, '%00', 'A'.repeat(399)]) {
      const res = await get(`/api/store/search?pageSize=2&sort=price-asc&cursor=${encodeURIComponent(bad)}`)
      assert.equal(res.status, 400, bad)
      assert.equal(res.body.type, '/problems/invalid-cursor')
    }
    for (const elsewhere of ['&sort=price-desc', '&sort=price-asc&size=M', '&sort=price-asc&q=lin']) {
      const res = await get(`/api/store/search?pageSize=2${elsewhere}&cursor=${cursor}`)
      assert.equal(res.status, 400, elsewhere)
    }
    const tooLong = await get(`/api/store/search?cursor=${'A'.repeat(10_000)}`)
    assert.equal(tooLong.status, 400)
    const page = await get(`/c/femme?cursor=${flipped}`)
    assert.equal(page.status, 400)
    const good = await get(`/api/store/search?pageSize=2&sort=price-asc&cursor=${cursor}`)
    assert.equal(good.status, 200)
    assert.deepEqual(titlesOf(good.body), ['Chemise en lin', 'Chemisier en soie'])
    // A cursor is bound to its brand: the same query on another brand's shop refuses it.
    const theirs = await get(
      `/api/store/search?pageSize=2&sort=price-asc&cursor=${cursor}`,
      `${other.brand.slug}.localhost`,
    )
    assert.equal(theirs.status, 400)
  })
})

describe('hostile input', () => {
  test('SQL-ish text, control characters, a 10 kB query and bad parameters', async () => {
    const sqlish = await get(`/api/store/search?q=${encodeURIComponent("robe' OR 1=1; DROP TABLE products; --")}`)
    assert.equal(sqlish.status, 200)
    assert.deepEqual(sqlish.body.items, [])
    const control = await get(`/api/store/search?q=${encodeURIComponent('\u0000robe\u0007\u001b\r\n\u202e')}`)
    assert.equal(control.status, 200)
    assert.deepEqual(titlesOf(control.body), ['Robe d’été en lin', 'Robe longue fleurie'])
    const huge = 'robe '.repeat(2048)
    assert.equal((await get(`/api/store/search?q=${encodeURIComponent(huge)}`)).status, 400)
    const page = await get(`/search?q=${encodeURIComponent(huge)}`)
    assert.equal(page.status, 200)
    assert.deepEqual(cardTitles(page.text), ['Robe d’été en lin', 'Robe longue fleurie'])
    for (const bad of ['sort=random', 'pageSize=0', 'pageSize=101', 'minPrice=-1', 'inStock=maybe', 'unknown=1']) {
      assert.equal((await get(`/api/store/search?${bad}`)).status, 400, bad)
    }
    const wildcards = await get(`/api/store/search?q=${encodeURIComponent('%_ *:& | ! <->')}`)
    assert.equal(wildcards.status, 200)
    assert.deepEqual(wildcards.body.items, [])
    const nul = await get('/api/store/search?size=%00&colour=%27&category=%00')
    assert.equal(nul.status, 200)
    assert.deepEqual(nul.body.items, [])
  })

  test('the search document follows product edits, and archived products leave the results', async () => {
    const patch = await server.request('PATCH', `/api/admin/brands/${fr.brand.slug}/products/${p.sandals!.id}`, {
      admin: true,
      body: { title: 'Espadrilles en toile', description: 'Semelle en corde.' },
    })
    assert.equal(patch.status, 200)
    assert.deepEqual(titlesOf((await get('/api/store/search?q=espadrille')).body), ['Espadrilles en toile'])
    assert.deepEqual(titlesOf((await get('/api/store/search?q=sandales')).body), [])
    await server.request('PATCH', `/api/admin/brands/${fr.brand.slug}/products/${p.trousers!.id}`, {
      admin: true,
      body: { status: 'archived' },
    })
    assert.deepEqual(titlesOf((await get('/api/store/search?q=pantalon')).body), [])
  })
})

describe('best-selling', () => {
  test('ranks by units sold over the last 30 days, newest first among equals', async () => {
    // A brand of its own: the ranking is read on first use, then refreshed every 5 minutes.
    const shop = await createSearchFixture(database.db)
    const shopHost = `${shop.fr.brand.slug}.localhost`
    const variant = (key: string) => shop.p[key]!.variants.find((v) => v.available > 0)!.id
    for (const [key, times] of [
      ['beachShorts', 3],
      ['silkBlouse', 2],
      ['summerDress', 1],
    ] as const) {
      for (let i = 0; i < times; i++) await placeOrder(server, shop.fr.brand.slug, variant(key))
    }
    const res = await get('/api/store/search?sort=best-selling&pageSize=4', shopHost)
    assert.deepEqual(titlesOf(res.body), [
      'Short de plage',
      'Chemisier en soie',
      'Robe d’été en lin',
      'Sandales en cuir',
    ])
  })
})

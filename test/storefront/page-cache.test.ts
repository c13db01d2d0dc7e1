import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { catalogSnapshots } from '../../src/catalog/catalog-snapshot.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { startTestServer } from '../helpers/server.ts'
import { cardTitles, createStorefrontFixture } from './fixtures.ts'

const database = await openTestDatabase()
const { fr, products } = await createStorefrontFixture(database.db)
let now = Date.now()
const server = await startTestServer(database, { clock: () => new Date(now) })
const host = `${fr.brand.slug}.localhost:3000`
const get = (path: string) => server.request('GET', path, { host })
const dress = products.longDress!
const dressUrl = `/p/x-${dress.id}`
const bleuS = dress.variants.find((v) => v.sku === 'LD-BLEU-S')!
const rougeS = dress.variants.find((v) => v.sku === 'LD-ROUGE-S')!

/** Sets a variant's stock as an order or a stock movement does: the catalog version stays. */
async function setOnHand(variantId: string, onHand: number): Promise<void> {
  await database.db
    .updateTable('stock_levels')
    .set({ on_hand: onHand, reserved: 0 })
    .where('brand_id', '=', fr.brand.id)
    .where('variant_id', '=', variantId)
    .execute()
}

/** Moves the clock past the 2 s the stock map may be old, and lets the brand's map be re-read. */
async function afterStockRefresh(): Promise<void> {
  now += 2001
  await get(dressUrl)
  await catalogSnapshots(database.db).settled(fr.brand.id)
}

describe('product page cache', () => {
  test('a product page is the cached copy until the stock it shows moves, then shows it after the 2 s refresh', async () => {
    const first = await get(dressUrl)
    assert.equal(first.status, 200)
    assert.match(first.text, new RegExp(`value="${bleuS.id}" required>`))

    // 5 → 4 units: the page says "in stock" either way, so the cached copy is still the page.
    await setOnHand(bleuS.id, 4)
    await afterStockRefresh()
    const unchanged = await get(dressUrl)
    assert.equal(unchanged.headers.etag, first.headers.etag)

    // 4 → 2: "only 2 left" must show once the stock map is re-read, although no entry expired.
    await setOnHand(bleuS.id, 2)
    const withinFreshness = await get(dressUrl)
    assert.equal(withinFreshness.headers.etag, first.headers.etag, 'stock may be up to 2 s old')
    await afterStockRefresh()
    const fewLeft = await get(dressUrl)
    assert.notEqual(fewLeft.headers.etag, first.headers.etag)
    assert.match(fewLeft.text, /S <small>\(Plus que 2\)<\/small>/)

    // Blue sold out (its M already was): the page opens on red, blue says so, and so does its offer.
    await setOnHand(bleuS.id, 0)
    await afterStockRefresh()
    const soldOut = await get(dressUrl)
    assert.match(soldOut.text, /Bleu <small>\(Épuisé\)<\/small>/)
    assert.match(soldOut.text, /"sku":"LD-BLEU-S"[^}]*OutOfStock/)

    await setOnHand(bleuS.id, 5)
    await afterStockRefresh()
    const restocked = await get(dressUrl)
    assert.equal(restocked.headers.etag, first.headers.etag)
  })

  test('a listing is the cached copy while no variant sells out or comes back, and follows one that does', async () => {
    const inStock = '/c/femme/robes?stock=1'
    const first = await get(inStock)
    assert.ok(cardTitles(first.text).includes('Robe longue en lin'))
    assert.ok(cardTitles((await get('/search?q=lin&stock=1')).text).includes('Robe longue en lin'))

    // Counts move, nothing sells out: same page.
    await setOnHand(rougeS.id, 1)
    await afterStockRefresh()
    assert.equal((await get(inStock)).headers.etag, first.headers.etag)

    // The dress sells out (its blue M already had): gone from "in stock" once the map is re-read.
    await setOnHand(bleuS.id, 0)
    await setOnHand(rougeS.id, 0)
    await afterStockRefresh()
    const soldOut = await get(inStock)
    assert.ok(!cardTitles(soldOut.text).includes('Robe longue en lin'))
    const search = await get('/search?q=lin&stock=1')
    assert.ok(!cardTitles(search.text).includes('Robe longue en lin'), 'search pages follow the same stock')

    await setOnHand(bleuS.id, 5)
    await setOnHand(rougeS.id, 2)
    await afterStockRefresh()
    assert.ok(cardTitles((await get(inStock)).text).includes('Robe longue en lin'))
  })

  test('a change to the brand’s settings shows on the next product page, stock unchanged', async () => {
    const before = await get(dressUrl)
    assert.match(before.text, /--primary:#3d4a5c/)
    const theme = { ...fr.brand.theme, colours: { ...fr.brand.theme.colours, primary: '#112233' } }
    await database.db
      .updateTable('brands')
      .set({ theme: JSON.stringify(theme) })
      .where('id', '=', fr.brand.id)
      .execute()
    // What a NOTIFY of the change makes every process do.
    await server.brands.refresh()
    const after = await get(dressUrl)
    assert.match(after.text, /--primary:#112233/)
  })
})

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { KyselyPlugin } from 'kysely'
import { onPostgres, openTestDatabase } from '../../test/helpers/database.ts'
import { createTestBrand, createTestProduct } from '../../test/helpers/fixtures.ts'
import type { BrandCtx } from '../brands/brand.ts'
import { releaseStock, reserveStock, setOnHand } from '../inventory/index.ts'
import { CatalogSnapshots, catalogSnapshots } from './catalog-snapshot.ts'
import { getProductDetail } from './queries.ts'
import { stockBits, variantIndex } from './search/stock-bits.ts'
import { searchProducts } from './search-products.ts'

const database = await openTestDatabase()
const brand = await createTestBrand(database.db)
const other = await createTestBrand(database.db)

const variant = (sku: string, onHand: number) => ({ sku, size: 'M', colour: 'Noir', priceMinor: 2990, onHand })
const dress = await createTestProduct(brand, { title: 'Robe', variants: [variant('R-M', 3)] })
const draft = await createTestProduct(brand, { title: 'Brouillon', status: 'draft', variants: [variant('D-M', 3)] })
const archived = await createTestProduct(brand, { title: 'Archivé', status: 'archived', variants: [variant('A-M', 3)] })
const elsewhere = await createTestProduct(other, { title: 'Robe ailleurs', variants: [variant('O-M', 3)] })
const dressVariant = dress.variants[0]!.id

/** A handle on the test database that counts the statements sent through it, and the rows they returned. */
function countingDb() {
  const counter = { queries: 0, rows: 0 }
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      counter.queries += 1
      return args.node
    },
    transformResult: async (args) => {
      counter.rows += args.result.rows.length
      return args.result
    },
  }
  return { db: database.db.withPlugin(plugin), counter }
}

/** The brand's context as a request would carry it: at `version` (default: the current one), at instant `ms`. */
async function at(ctx: BrandCtx, ms: number, db = ctx.db, version?: number): Promise<BrandCtx> {
  const current = await database.db
    .selectFrom('brands')
    .select('catalog_version')
    .where('id', '=', ctx.brand.id)
    .executeTakeFirstOrThrow()
  return { ...ctx, db, now: new Date(ms), brand: { ...ctx.brand, catalogVersion: version ?? current.catalog_version } }
}

const t0 = Date.parse('2030-01-01T00:00:00Z')

describe('catalog snapshots', () => {
  test('concurrent callers share one load of the catalog and one of the stock', async () => {
    const { db, counter } = countingDb()
    const snapshots = new CatalogSnapshots(db)
    const ctx = await at(brand, t0, db)
    const [a, b] = await Promise.all([snapshots.catalog(ctx), snapshots.catalog(ctx)])
    assert.equal(a, b)
    // products, variants; and the brand's sale schedule (events, price version, feed prices)
    assert.equal(counter.queries, 5)
    const [x, y] = await Promise.all([snapshots.available(ctx), snapshots.available(ctx)])
    assert.equal(x, y)
    assert.equal(counter.queries, 6)
    assert.equal(await snapshots.catalog(ctx), a)
    assert.equal(counter.queries, 6)
  })

  test('holds only the brand’s active products', async () => {
    const catalog = await new CatalogSnapshots(database.db).catalog(await at(brand, t0))
    assert.deepEqual(
      catalog.products.map((p) => p.title),
      ['Robe'],
    )
    for (const id of [draft.id, archived.id, elsewhere.id]) {
      assert.equal(catalog.byId.has(id), false)
      assert.equal(await getProductDetail(await at(brand, t0), id), null)
    }
    assert.deepEqual(
      (await searchProducts(await at(brand, t0), { page: 1, pageSize: 10 })).items.map((c) => c.title),
      ['Robe'],
    )
    assert.equal((await getProductDetail(await at(other, t0), elsewhere.id))?.title, 'Robe ailleurs')
  })

  test('a newer catalog version reloads; an older or equal one is served what is held', async () => {
    const { db, counter } = countingDb()
    const snapshots = new CatalogSnapshots(db)
    const before = await at(brand, t0, db)
    const first = await snapshots.catalog(before)
    await createTestProduct(brand, {
      title: 'Jupe',
      createdAt: new Date(brand.now.getTime() + 60_000),
      variants: [variant('J-M', 1)],
    })
    assert.equal(await snapshots.catalog(before), first)
    assert.equal(await snapshots.catalog(await at(brand, t0, db, before.brand.catalogVersion - 1)), first)
    const queries = counter.queries
    const after = await at(brand, t0, db)
    assert.ok(after.brand.catalogVersion > before.brand.catalogVersion)
    const second = await snapshots.catalog(after)
    assert.notEqual(second, first)
    assert.equal(counter.queries, queries + 5) // the catalog (2) and the schedule's feed prices with it (3)
    assert.deepEqual(
      second.products.map((p) => p.title),
      ['Jupe', 'Robe'],
    )
    assert.equal(await snapshots.catalog(before), second)
  })

  test('stock is refreshed once 2 s old, serving the previous figures meanwhile', async () => {
    const { db, counter } = countingDb()
    const snapshots = new CatalogSnapshots(db)
    const ctx = await at(brand, t0, db)
    assert.equal((await snapshots.available(ctx)).get(dressVariant), 3)
    await setOnHand(brand, dressVariant, 7)
    const queries = counter.queries
    const later = (ms: number) => ({ ...ctx, now: new Date(t0 + ms) })
    assert.equal((await snapshots.available(later(1999))).get(dressVariant), 3)
    assert.equal(counter.queries, queries, 'no query within 2 s')
    assert.equal((await snapshots.available(later(2000))).get(dressVariant), 3, 'stale while it refreshes')
    await snapshots.settled(brand.brand.id)
    assert.equal(counter.queries, queries + 1)
    assert.equal((await snapshots.available(later(2001))).get(dressVariant), 7)
    assert.equal(counter.queries, queries + 1)
  })

  test('a refresh reads the rows written since the last read only, and keeps the map when none moved', async () => {
    const { db, counter } = countingDb()
    const snapshots = new CatalogSnapshots(db)
    const ctx = await at(brand, t0, db)
    await setOnHand(brand, dressVariant, 3)
    const first = await snapshots.available(ctx)
    assert.equal(first.get(dressVariant), 3)
    const later = (ms: number) => ({ ...ctx, now: new Date(t0 + ms) })
    // Nothing written: the same map (the stock bits and the pages keyed on them stay as they are).
    let rows = counter.rows
    await snapshots.available(later(2000))
    await snapshots.settled(brand.brand.id)
    assert.equal(await snapshots.available(later(2001)), first)
    assert.equal(counter.rows, rows + 1, 'only the read horizon came back')
    // A sale reserves one: that row alone is read, into a new map.
    assert.ok((await reserveStock(brand, [{ variantId: dressVariant, quantity: 1 }])).ok)
    rows = counter.rows
    await snapshots.available(later(4001))
    await snapshots.settled(brand.brand.id)
    const second = await snapshots.available(later(4002))
    assert.notEqual(second, first)
    assert.equal(second.get(dressVariant), 2)
    assert.equal(first.get(dressVariant), 3, 'a map handed out never changes')
    assert.equal(counter.rows, rows + 2)
    // Sold out: the variant leaves the map (absent = none), and the listing's stock bits follow.
    const catalog = await snapshots.catalog(ctx)
    const before = stockBits(catalog, second)
    assert.ok((await reserveStock(brand, [{ variantId: dressVariant, quantity: 2 }])).ok)
    await snapshots.available(later(6002))
    await snapshots.settled(brand.brand.id)
    const third = await snapshots.available(later(6003))
    assert.equal(third.has(dressVariant), false)
    const after = stockBits(catalog, third)
    assert.notEqual(after.generation, before.generation)
    // Derived from the previous bits, they are what a full build from the map gives.
    assert.deepEqual(after.bits, stockBits(catalog, new Map(third)).bits)
    const { offsets } = variantIndex(catalog)
    const place = catalog.products.findIndex((p) => p.id === dress.id)
    assert.equal(after.bits[offsets[place]!], 0)
    await releaseStock(brand, [{ variantId: dressVariant, quantity: 3 }])
  })

  test('a stock write in a transaction still open at a read is in the next read (PostgreSQL)', {
    skip: onPostgres ? false : 'PostgreSQL only: embedded PGlite runs one transaction at a time',
  }, async () => {
    const snapshots = new CatalogSnapshots(database.db)
    const ctx = await at(brand, t0)
    await setOnHand(brand, dressVariant, 3)
    assert.equal((await snapshots.available(ctx)).get(dressVariant), 3)
    const later = (ms: number) => ({ ...ctx, now: new Date(t0 + ms) })
    await database.db.transaction().execute(async (tx) => {
      assert.ok((await reserveStock({ ...brand, db: tx }, [{ variantId: dressVariant, quantity: 1 }])).ok)
      // A later transaction commits meanwhile: the read's snapshot has ids above this one's.
      await setOnHand(other, elsewhere.variants[0]!.id, 4)
      // Read while the write is not committed: not in this read, and the next one must not skip it.
      await snapshots.available(later(2000))
      await snapshots.settled(brand.brand.id)
      assert.equal((await snapshots.available(later(2001))).get(dressVariant), 3)
    })
    await snapshots.available(later(4001))
    await snapshots.settled(brand.brand.id)
    assert.equal((await snapshots.available(later(4002))).get(dressVariant), 2)
    await releaseStock(brand, [{ variantId: dressVariant, quantity: 1 }])
  })

  test('a catalog version newer than the stock figures waits for fresh ones (a count set by staff)', async () => {
    const snapshots = new CatalogSnapshots(database.db)
    const ctx = await at(brand, t0)
    await setOnHand(brand, dressVariant, 5)
    assert.equal((await snapshots.available(ctx)).get(dressVariant), 5)
    await setOnHand(brand, dressVariant, 0)
    const bumped = { ...ctx, brand: { ...ctx.brand, catalogVersion: ctx.brand.catalogVersion + 1 } }
    assert.equal((await snapshots.available(bumped)).get(dressVariant), undefined)
  })

  test('search words match whatever their case and accents', async () => {
    await createTestProduct(brand, { title: 'Chemise écrue', variants: [variant('C-M', 1)] })
    for (const text of ['ECRUE', 'écrue', 'chemise Ecrue']) {
      const found = await searchProducts(await at(brand, t0), { page: 1, pageSize: 10, text })
      assert.deepEqual(
        found.items.map((c) => c.title),
        ['Chemise écrue'],
        text,
      )
    }
  })

  test('shares one instance per database handle, none with a transaction', async () => {
    assert.equal(catalogSnapshots(database.db), catalogSnapshots(database.db))
    await database.db.transaction().execute(async (tx) => {
      assert.notEqual(catalogSnapshots(tx), catalogSnapshots(database.db))
    })
  })
})

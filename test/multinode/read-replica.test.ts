import assert from 'node:assert/strict'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'
import { sql } from 'kysely'
import type { BrandCtx } from '../../src/brands/brand.ts'
import { catalogReader } from '../../src/catalog/catalog-reader.ts'
import type { ProductDetail } from '../../src/catalog/index.ts'
import { testCards } from '../../src/checkout/index.ts'
import { readConfig } from '../../src/platform/config.ts'
import { type Database, type Db, openDatabase, readerOf } from '../../src/platform/db/database.ts'
import { migrateToLatest } from '../../src/platform/db/migrate.ts'
import { onPostgres } from '../helpers/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { onTeardown } from '../helpers/teardown.ts'
import { missingTool, waitFor } from './helpers.ts'
import { postgresBin, startReplicaPair } from './replica-pair.ts'

/**
 * DATABASE_READ_URL on a real streaming replica (set up here: initdb, pg_basebackup -R -X stream,
 * a hot standby; all on loopback, removed at the end). The application runs with the primary as
 * DATABASE_URL and the standby as DATABASE_READ_URL. Replay on the standby is paused, then rows
 * are changed on the primary WITHOUT a catalog version bump: the two servers disagree under the
 * same version, so every answer shows which one it came from.
 */

const skip = onPostgres
  ? missingTool(join(postgresBin, 'initdb'), 'PostgreSQL 15 server binaries (initdb, pg_basebackup)')
  : 'runs in the PostgreSQL pass (DATABASE_URL): it needs PostgreSQL server binaries, not PGlite'

const address = { name: 'Camille Martin', line1: '12 rue des Lilas', postalCode: '75011', city: 'Paris', country: 'FR' }

let database: Database
let replica: Db
let server: TestServer
let brand: BrandCtx
let product: ProductDetail
let host: string

// Set up at the top level (not in a before hook), so teardown runs after the tests of the file.
if (!skip) {
  const pair = await startReplicaPair(async (url) => {
    const setup = await openDatabase({ kind: 'postgres', url, poolSize: 2 })
    try {
      await migrateToLatest(setup.db)
    } finally {
      await setup.close()
    }
  })
  onTeardown(() => pair.stop())
  database = await openDatabase({ kind: 'postgres', url: pair.primaryUrl, readUrl: pair.replicaUrl, poolSize: 8 })
  onTeardown(() => database.close())
  replica = database.readDb
  brand = await createTestBrand(database.db)
  product = await createTestProduct(brand, {
    title: 'Robe Alpaga',
    variants: [{ sku: 'RR-M', size: 'M', colour: 'Noir', colourHex: '#000000', priceMinor: 3000, onHand: 5 }],
  })
  server = await startTestServer(database)
  host = `${brand.brand.slug}.localhost`
}

describe('catalog reads on a streaming read replica', { skip: skip ?? false }, () => {
  before(() => caughtUp())

  /** Waits until the standby has replayed everything the primary has written so far. */
  async function caughtUp(): Promise<void> {
    const { rows } = await sql<{ lsn: string }>`SELECT pg_current_wal_lsn()::text AS lsn`.execute(database.db)
    const lsn = rows[0]!.lsn
    await waitFor(
      `the standby to replay up to ${lsn}`,
      async () =>
        (await sql<{ ok: boolean }>`SELECT pg_last_wal_replay_lsn() >= ${lsn}::pg_lsn AS ok`.execute(replica)).rows[0]
          ?.ok,
      30_000,
    )
  }

  async function pauseReplay(): Promise<void> {
    await sql`SELECT pg_wal_replay_pause()`.execute(replica)
    await waitFor(
      'replay to pause',
      async () =>
        (await sql<{ s: string }>`SELECT pg_get_wal_replay_pause_state() AS s`.execute(replica)).rows[0]?.s ===
        'paused',
      10_000,
    )
  }

  test('the read pool is the hot standby, the primary pool is not', async () => {
    const recovery = async (db: Db) =>
      (await sql<{ r: boolean }>`SELECT pg_is_in_recovery() AS r`.execute(db)).rows[0]?.r
    assert.equal(await recovery(database.readDb), true)
    assert.equal(await recovery(database.db), false)
    assert.equal(readerOf(database.db), database.readDb, 'code holding the primary handle finds the replica')
    // A write through the read pool is refused by the standby: it really is read-only.
    await assert.rejects(
      sql`UPDATE brands SET name = name WHERE id = ${brand.brand.id}`.execute(replica),
      /read-only transaction/,
    )
  })

  test('listings and search read the replica at the brand’s version, the primary once the replica is behind', async () => {
    await pauseReplay()
    // Renamed on the primary only, with no version bump: both servers claim the same catalog version.
    await sql`UPDATE products SET title = 'Robe Brocart' WHERE brand_id = ${brand.brand.id} AND id = ${product.id}`.execute(
      database.db,
    )
    const titles = async (path: string) => {
      const res = await server.request('GET', path, { host })
      assert.equal(res.status, 200, res.text)
      return (res.body.items as Array<{ title: string }>).map((i) => i.title)
    }
    assert.deepEqual(await titles('/api/store/products'), ['Robe Alpaga'], 'the listing came from the replica')
    assert.deepEqual(await titles('/api/store/search?q=alpaga'), ['Robe Alpaga'], 'the text search ran on the replica')
    assert.deepEqual(await titles('/api/store/search?q=brocart'), [], 'the primary’s new words are not on the replica')

    // A catalog write through the API bumps the version on the primary; the paused replica still
    // shows the old one, so the next reads go to the primary instead of caching old rows as new.
    const patch = await server.request(
      'PATCH',
      `/api/admin/brands/${brand.brand.slug}/variants/${product.variants[0]!.id}`,
      {
        admin: true,
        body: { priceMinor: 4500 },
      },
    )
    assert.equal(patch.status, 204, patch.text)
    const listing = await server.request('GET', '/api/store/products', { host })
    assert.equal(listing.status, 200, listing.text)
    assert.deepEqual(
      listing.body.items.map((i: { title: string; priceMinor: number }) => [i.title, i.priceMinor]),
      [['Robe Brocart', 4500]],
    )
    assert.deepEqual(await titles('/api/store/search?q=brocart'), ['Robe Brocart'])
    assert.equal(
      (await sql<{ v: number }>`SELECT catalog_version AS v FROM brands WHERE id = ${brand.brand.id}`.execute(replica))
        .rows[0]!.v < server.brands.bySlug(brand.brand.slug)!.catalogVersion,
      true,
      'the replica was still behind when those answers were built',
    )
    await sql`SELECT pg_wal_replay_resume()`.execute(replica)
    await caughtUp()
  })

  test('checkout reserves against the primary’s stock while the replica still shows more', async () => {
    await caughtUp()
    await pauseReplay()
    const variantId = product.variants[0]!.id
    // 5 on hand on the replica, 1 on the primary; no version bump, so nothing forces the primary.
    await sql`UPDATE stock_levels SET on_hand = 1 WHERE brand_id = ${brand.brand.id} AND variant_id = ${variantId}`.execute(
      database.db,
    )
    const onReplica = await replica
      .selectFrom('stock_levels')
      .select(['on_hand', 'reserved'])
      .where('brand_id', '=', brand.brand.id)
      .where('variant_id', '=', variantId)
      .executeTakeFirstOrThrow()
    assert.deepEqual(onReplica, { on_hand: 5, reserved: 0 })

    // Two shoppers put the last unit in their carts (a cart checks stock, it does not reserve it).
    const fill = async () => {
      const cart = await server.request('POST', '/api/store/carts', { host })
      assert.equal(cart.status, 201, cart.text)
      const line = await server.request('POST', `/api/store/carts/${cart.body.token}/lines`, {
        host,
        body: { variantId, quantity: 1 },
      })
      assert.equal(line.status, 200, line.text)
      return cart.body.token as string
    }
    const carts = [await fill(), await fill()]
    const checkout = (cartToken: string, key: string) =>
      server.request('POST', '/api/store/checkout', {
        host,
        headers: { 'idempotency-key': key },
        body: {
          cartToken,
          email: 'camille@example.org',
          shippingAddress: address,
          shippingMethod: 'standard',
          payment: { provider: 'test', token: testCards.success },
        },
      })
    const first = await checkout(carts[0]!, 'replica-stock-1')
    assert.equal(first.status, 201, first.text)
    // The replica would still say 5 on hand and none reserved; the primary has none left.
    const second = await checkout(carts[1]!, 'replica-stock-2')
    assert.equal(second.status, 409, second.text)
    assert.match(second.body.type, /out-of-stock/)

    const onPrimary = await database.db
      .selectFrom('stock_levels')
      .select(['on_hand', 'reserved'])
      .where('brand_id', '=', brand.brand.id)
      .where('variant_id', '=', variantId)
      .executeTakeFirstOrThrow()
    assert.deepEqual(onPrimary, { on_hand: 1, reserved: 1 }, 'one unit reserved, none oversold')
    const orders = await database.db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('brand_id', '=', brand.brand.id)
      .executeTakeFirstOrThrow()
    assert.equal(Number(orders.n), 1)
    await sql`SELECT pg_wal_replay_resume()`.execute(replica)
  })
})

describe('DATABASE_READ_URL configuration', () => {
  test('is read with DATABASE_URL, absent when empty, and refused without a primary', () => {
    const primary = 'postgres://postgres@127.0.0.1:5432/vitrine'
    const replica = 'postgres://postgres@127.0.0.1:5433/vitrine'
    assert.equal(readConfig({ DATABASE_URL: primary, DATABASE_READ_URL: ` ${replica} ` }).databaseReadUrl, replica)
    assert.equal(readConfig({ DATABASE_URL: primary, DATABASE_READ_URL: '  ' }).databaseReadUrl, null)
    assert.equal(readConfig({ DATABASE_URL: primary }).databaseReadUrl, null)
    assert.throws(() => readConfig({ DATABASE_READ_URL: replica }), /DATABASE_READ_URL needs DATABASE_URL/)
  })

  test('without a read URL, catalog reads use the primary handle itself', async () => {
    // A pool connects lazily: nothing listens on port 1, and nothing needs to.
    const plain = await openDatabase({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/none', poolSize: 1 })
    try {
      assert.equal(plain.readDb, plain.db)
      assert.equal(readerOf(plain.db), plain.db)
    } finally {
      await plain.close()
    }
  })

  test('a replica that does not answer sends catalog reads back to the primary', async () => {
    const dead = await openDatabase({
      kind: 'postgres',
      url: 'postgres://postgres@127.0.0.1:1/none',
      readUrl: 'postgres://postgres@127.0.0.1:1/replica',
      poolSize: 1,
    })
    try {
      assert.notEqual(dead.readDb, dead.db)
      const reader = await catalogReader(dead.db, '00000000-0000-4000-8000-000000000000', 1)
      assert.equal(reader, dead.db)
    } finally {
      await dead.close()
    }
  })
})

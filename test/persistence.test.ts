import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import type { BrandCtx } from '../src/brands/brand.ts'
import { findBrandBySlug, orderSequenceName } from '../src/brands/queries.ts'
import { changeCartLine, createCart, createTestProvider, placeOrder, testCards } from '../src/checkout/index.ts'
import { stockLevels } from '../src/inventory/index.ts'
import { getOrder, type Order } from '../src/orders/index.ts'
import { type Database, openDatabase } from '../src/platform/db/database.ts'
import { migrateToLatest } from '../src/platform/db/migrate.ts'
import { onPostgres } from './helpers/database.ts'
import { createTestBrand, createTestProduct, systemCtx } from './helpers/fixtures.ts'
import { onTeardown } from './helpers/teardown.ts'

/**
 * Embedded mode keeps its data in a directory: what was committed is there after a restart, and
 * one process at a time may use the directory. Creating a PGlite data directory costs seconds, so
 * this file opens one directory twice and no more.
 */

const skip = onPostgres ? 'embedded-only: PGlite data directories; PostgreSQL keeps its own files' : false

describe('the embedded database on a data directory', { skip }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vitrine-persistence-'))
  const lockFile = join(dataDir, 'vitrine.lock')
  const open: Database[] = []
  onTeardown(async () => {
    for (const database of open) await database.close().catch(() => {})
    rmSync(dataDir, { recursive: true, force: true })
  })

  let slug = ''
  let placed: Order | null = null
  let variantId = ''

  test('an open directory is locked: another live process holding it makes a second open fail', async () => {
    const first = await openDatabase({ kind: 'pglite', dataDir })
    open.push(first)
    await migrateToLatest(first.db)
    assert.equal(readFileSync(lockFile, 'utf8'), String(process.pid))

    const ctx = await createTestBrand(first.db)
    const product = await createTestProduct(ctx, {
      variants: [{ sku: 'KEEP-M', size: 'M', priceMinor: 4500, onHand: 7 }],
    })
    slug = ctx.brand.slug
    variantId = product.variants[0]!.id
    const { token } = await createCart(ctx)
    await changeCartLine(ctx, token, { variantId, quantity: 3, mode: 'add' })
    placed = (
      await placeOrder(
        ctx,
        {
          cartToken: token,
          email: 'camille@example.org',
          shippingAddress: {
            name: 'Camille Martin',
            line1: '1 rue A',
            postalCode: '75011',
            city: 'Paris',
            country: 'FR',
          },
          shippingMethod: 'standard',
          payment: { provider: 'test', token: testCards.success },
        },
        { idempotencyKey: 'persist-1', providers: new Map([['test', createTestProvider()]]) },
      )
    ).order

    // The lock holds our own pid, which a second open in this process would take over; pretend a
    // live other process (our parent) holds it.
    writeFileSync(lockFile, String(process.ppid))
    await assert.rejects(openDatabase({ kind: 'pglite', dataDir }), (error: Error) => {
      assert.match(error.message, new RegExp(`in use by process ${process.ppid}\\b`))
      assert.match(error.message, /DATABASE_URL/)
      return true
    })
    assert.equal(readFileSync(lockFile, 'utf8'), String(process.ppid), 'a refused open leaves the lock alone')

    writeFileSync(lockFile, String(process.pid))
    await first.close()
    open.pop()
    assert.equal(existsSync(lockFile), false, 'closing releases the lock')
  })

  test('a stale lock is taken over, and the order is there after reopening, with its lines and stock', async () => {
    assert.ok(placed, 'the first test placed an order')
    // A process that has exited: its pid is no longer alive.
    const gone = spawnSync(process.execPath, ['-e', '']).pid
    assert.ok(gone > 0)
    writeFileSync(lockFile, String(gone))

    const again = await openDatabase({ kind: 'pglite', dataDir })
    open.push(again)
    assert.equal(readFileSync(lockFile, 'utf8'), String(process.pid))
    const migrations = await migrateToLatest(again.db)
    assert.deepEqual(migrations.results, [], 'nothing left to migrate')

    const brand = await findBrandBySlug(again.db, slug)
    assert.ok(brand)
    const ctx: BrandCtx = { ...systemCtx(again.db), brand }
    const order = await getOrder(ctx, placed.id)
    assert.ok(order)
    assert.deepEqual(
      {
        number: order.number,
        status: order.status,
        email: order.email,
        totalMinor: order.totalMinor,
        vatMinor: order.vatMinor,
        payment: order.payment,
      },
      {
        number: placed.number,
        status: 'placed',
        email: 'camille@example.org',
        totalMinor: 13_500,
        vatMinor: placed.vatMinor,
        payment: placed.payment,
      },
    )
    assert.deepEqual(
      order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unit: l.unitPriceMinor, total: l.lineTotalMinor })),
      [{ sku: 'KEEP-M', quantity: 3, unit: 4500, total: 13_500 }],
    )
    assert.deepEqual(await stockLevels(ctx, [variantId]), [{ variantId, onHand: 7, reserved: 3, available: 4 }])
    const outbox = await again.db
      .selectFrom('outbox')
      .select(['topic', 'aggregate_id'])
      .where('brand_id', '=', brand.id)
      .execute()
    assert.deepEqual(outbox, [{ topic: 'order.placed', aggregate_id: placed.id }])
    // The order number sequence continues where it was, rather than starting over.
    const { rows } = await again.pglite!.query<{ last_value: number }>(
      `select last_value from ${orderSequenceName(brand.id)}`,
    )
    assert.equal(Number(rows[0]?.last_value), 1)
  })
})

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { getImportRun, listImportRejections } from '../../src/catalog/import/index.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand } from '../helpers/fixtures.ts'
import { catalogRows, catalogSnapshot, importText, item, later, tsvFeed } from './helpers.ts'

const database = await openTestDatabase()
const db = database.db
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'feeds')

describe('importing a feed', () => {
  test('a first import creates products, variants and stock exactly as the feed says', async () => {
    const ctx = await createTestBrand(db)
    const feed = tsvFeed([
      item('ROBE', 'S', { gtin: '4006381333931', shipping_weight: '350 g', brand: 'Maison' }),
      item('ROBE', 'M', { price: '31.00 EUR', availability: 'out of stock' }),
      item('PULL', 'L', { title: 'Pull marin', sale_price: '20.00 EUR', price: '40.00 EUR' }),
    ])
    const run = await importText(ctx, feed)
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error))
    assert.deepEqual(run.counts, {
      created: 2,
      updated: 0,
      unchanged: 0,
      archived: 0,
      rejected: 0,
      variantsCreated: 3,
      variantsUpdated: 0,
      variantsDelisted: 0,
      stockUpdated: 1,
    })
    const snap = await catalogSnapshot(ctx)
    assert.deepEqual(
      snap.products.map((p) => [
        p.reference,
        p.title,
        p.description,
        p.category_path,
        p.status,
        p.images,
        p.attributes,
      ]),
      [
        [
          'PULL',
          'Pull marin',
          'Description de PULL',
          'Femme > Robes',
          'active',
          [{ url: 'https://cdn.example/PULL.jpg', alt: 'Pull marin' }],
          {},
        ],
        [
          'ROBE',
          'Produit ROBE',
          'Description de ROBE',
          'Femme > Robes',
          'active',
          [{ url: 'https://cdn.example/ROBE.jpg', alt: 'Produit ROBE' }],
          { brand: 'Maison' },
        ],
      ],
    )
    // A sale price without an interval is "on sale now": price = sale price, compare-at = price.
    // Stock: Google feeds carry no quantity; out of stock sets 0, in stock leaves it (a new variant starts at 0).
    assert.deepEqual(
      snap.variants.map((v) => [
        v.sku,
        v.reference,
        v.size,
        v.gtin,
        v.price_minor,
        v.compare_at_minor,
        v.weight_grams,
        v.position,
        v.on_hand,
      ]),
      [
        ['PULL-L', 'PULL', 'L', null, 2000, 4000, null, 0, 0],
        ['ROBE-M', 'ROBE', 'M', null, 3100, null, null, 1, 0],
        ['ROBE-S', 'ROBE', 'S', '4006381333931', 2990, null, 350, 0, 0],
      ],
    )
    const recorded = await getImportRun(ctx, run.runId)
    assert.equal(recorded?.status, 'succeeded')
    assert.equal(recorded?.itemsRead, 3)
    assert.equal(recorded?.created, 2)
    assert.equal(recorded?.source, 'cli')
    assert.equal(recorded?.startedBy, 'system:test')
    assert.ok(recorded?.finishedAt)
    const staged = await db.selectFrom('import_items').select('item_id').where('run_id', '=', run.runId).execute()
    assert.deepEqual(staged, [], 'staging rows are cleared after the run')
  })

  test('re-importing the same feed rewrites nothing and counts every product unchanged', async () => {
    const ctx = await createTestBrand(db)
    const feed = tsvFeed(catalogRows(5))
    assert.equal((await importText(ctx, feed)).counts.created, 5)
    const before = await catalogSnapshot(ctx)
    const again = await importText(later(ctx), feed)
    assert.equal(again.status, 'succeeded')
    assert.deepEqual(
      { ...again.counts },
      {
        created: 0,
        updated: 0,
        unchanged: 5,
        archived: 0,
        rejected: 0,
        variantsCreated: 0,
        variantsUpdated: 0,
        variantsDelisted: 0,
        stockUpdated: 0,
      },
    )
    assert.deepEqual(await catalogSnapshot(ctx), before, 'same rows, same updated_at, same catalog version')
  })

  test('a changed price updates one product and its variant, and bumps the catalog version', async () => {
    const ctx = await createTestBrand(db)
    await importText(ctx, tsvFeed(catalogRows(3)))
    const before = await catalogSnapshot(ctx)
    const rows = catalogRows(3)
    rows[2] = { ...rows[2]!, price: '35.00 EUR' } // P02-S
    const run = await importText(later(ctx), tsvFeed(rows))
    assert.equal(run.counts.updated, 1)
    assert.equal(run.counts.unchanged, 2)
    assert.equal(run.counts.variantsUpdated, 1)
    const after = await catalogSnapshot(ctx)
    assert.equal(after.catalogVersion, before.catalogVersion + 1)
    const changed = after.variants.filter((v, i) => v.price_minor !== before.variants[i]!.price_minor)
    assert.deepEqual(
      changed.map((v) => [v.sku, v.price_minor]),
      [['P02-S', 3500]],
    )
    assert.notEqual(
      changed[0]!.updated_at.getTime(),
      before.variants.find((v) => v.sku === 'P02-S')!.updated_at.getTime(),
    )
    // The product row itself did not change, so it was not rewritten.
    assert.deepEqual(after.products, before.products)
  })

  test('a full import archives the products the feed no longer lists; they come back when listed again', async () => {
    const ctx = await createTestBrand(db)
    await importText(ctx, tsvFeed(catalogRows(10)))
    const run = await importText(later(ctx), tsvFeed(catalogRows(10, (n) => n !== 4)))
    assert.equal(run.status, 'succeeded')
    assert.equal(run.counts.archived, 1)
    assert.equal(run.counts.unchanged, 9)
    const snap = await catalogSnapshot(ctx)
    assert.deepEqual(
      snap.products.filter((p) => p.status !== 'active').map((p) => [p.reference, p.status]),
      [['P04', 'archived']],
    )
    const back = await importText(later(ctx, 120_000), tsvFeed(catalogRows(10)))
    assert.equal(back.counts.updated, 1)
    assert.equal(back.counts.archived, 0)
    assert.ok((await catalogSnapshot(ctx)).products.every((p) => p.status === 'active'))
  })

  test('a full import refuses to archive more than 20% of the active products, unless forced', async () => {
    const ctx = await createTestBrand(db)
    await importText(ctx, tsvFeed(catalogRows(10)))
    const before = await catalogSnapshot(ctx)
    const smaller = tsvFeed(catalogRows(10, (n) => n > 3).map((r) => ({ ...r, price: '19.00 EUR' })))
    const refused = await importText(later(ctx), smaller)
    assert.equal(refused.status, 'failed')
    assert.match(
      refused.error?.reason ?? '',
      /would archive 3 of 10 active products \(30\.0%, above the 20% safety threshold\)/,
    )
    assert.deepEqual(await catalogSnapshot(ctx), before, 'nothing applied, not even the price changes')
    assert.equal((await getImportRun(ctx, refused.runId))?.status, 'failed')

    const forced = await importText(later(ctx), smaller, { force: true })
    assert.equal(forced.status, 'succeeded')
    assert.equal(forced.counts.archived, 3)
    assert.equal(forced.counts.updated, 7)
    const after = await catalogSnapshot(ctx)
    assert.deepEqual(
      after.products.filter((p) => p.status === 'archived').map((p) => p.reference),
      ['P01', 'P02', 'P03'],
    )
  })

  test('a delta import creates and updates but never archives', async () => {
    const ctx = await createTestBrand(db)
    await importText(ctx, tsvFeed(catalogRows(5)))
    const run = await importText(later(ctx), tsvFeed([item('NEW', 'S'), item('P01', 'S', { price: '10.00 EUR' })]), {
      mode: 'delta',
    })
    assert.deepEqual([run.counts.created, run.counts.updated, run.counts.unchanged, run.counts.archived], [1, 1, 0, 0])
    const snap = await catalogSnapshot(ctx)
    assert.equal(snap.products.length, 6)
    assert.ok(snap.products.every((p) => p.status === 'active'))
  })

  test('a duplicate id: the first occurrence wins and the later ones are rejected with its line', async () => {
    const ctx = await createTestBrand(db)
    const run = await importText(
      ctx,
      tsvFeed([item('A', 'S', { price: '10.00 EUR' }), item('A', 'M'), item('A', 'S', { price: '99.00 EUR' })]),
    )
    assert.equal(run.status, 'succeeded')
    assert.equal(run.counts.rejected, 1)
    assert.deepEqual(await listImportRejections(ctx, run.runId, { limit: 10, offset: 0 }), [
      { line: 4, itemId: 'A-S', reason: 'duplicate id, first seen at line 2' },
    ])
    const snap = await catalogSnapshot(ctx)
    assert.deepEqual(
      snap.variants.map((v) => [v.sku, v.price_minor]),
      [
        ['A-M', 2990],
        ['A-S', 1000],
      ],
    )
  })

  test('duplicates across staging batches are found too', async () => {
    const ctx = await createTestBrand(db)
    const rows = []
    for (let n = 0; n < 1100; n++) rows.push(item(`G${n}`, 'S'))
    rows.push(item('G5', 'S', { price: '1.00 EUR' }))
    const run = await importText(ctx, tsvFeed(rows), { mode: 'delta' })
    assert.equal(run.counts.created, 1100)
    assert.deepEqual(await listImportRejections(ctx, run.runId, { limit: 10, offset: 0 }), [
      { line: 1102, itemId: 'G5-S', reason: 'duplicate id, first seen at line 7' },
    ])
  })

  test('a truncated feed fails the run with its line and leaves the catalog exactly as it was', async () => {
    const ctx = await createTestBrand(db)
    await importText(ctx, tsvFeed(catalogRows(3)))
    const before = await catalogSnapshot(ctx)
    const run = await importText(later(ctx), readFileSync(join(fixtures, 'truncated.xml'), 'utf8'), {
      fileName: 'truncated.xml',
    })
    assert.equal(run.status, 'failed')
    assert.ok(run.error?.line, 'the structural error carries a line')
    const recorded = await getImportRun(ctx, run.runId)
    assert.equal(recorded?.status, 'failed')
    assert.equal(recorded?.error?.line, run.error?.line)
    assert.ok(recorded?.finishedAt)
    assert.deepEqual(await catalogSnapshot(ctx), before)
    const staged = await db.selectFrom('import_items').select('item_id').where('run_id', '=', run.runId).execute()
    assert.deepEqual(staged, [])
  })

  test('a dry run counts what would change and changes nothing', async () => {
    const ctx = await createTestBrand(db)
    await importText(ctx, tsvFeed(catalogRows(10)))
    const before = await catalogSnapshot(ctx)
    const rows = catalogRows(10, (n) => n !== 10)
    rows[0] = { ...rows[0]!, price: '1.00 EUR' }
    rows.push(item('NEW', 'S'), { ...item('BAD', 'S'), price: 'free' })
    const run = await importText(later(ctx), tsvFeed(rows), { dryRun: true })
    assert.equal(run.status, 'succeeded')
    assert.deepEqual(
      [run.counts.created, run.counts.updated, run.counts.unchanged, run.counts.archived, run.counts.rejected],
      [1, 1, 8, 1, 1],
    )
    assert.deepEqual(await catalogSnapshot(ctx), before)
    const recorded = await getImportRun(ctx, run.runId)
    assert.equal(recorded?.dryRun, true)
    assert.equal(recorded?.archived, 1)
  })

  test('rejected lines are recorded with their line number and reason, the rest is imported', async () => {
    const ctx = await createTestBrand(db)
    const run = await importText(
      ctx,
      tsvFeed([
        item('OK', 'S'),
        { ...item('USD', 'S'), price: '10.00 USD' },
        { ...item('GT', 'S'), gtin: '4006381333932' },
        { ...item('NOTITLE', 'S'), title: '' },
        item('OK', 'M'),
      ]),
    )
    assert.equal(run.status, 'succeeded')
    const rejections = await listImportRejections(ctx, run.runId, { limit: 10, offset: 0 })
    assert.deepEqual(
      rejections.map((r) => [r.line, r.itemId]),
      [
        [3, 'USD-S'],
        [4, 'GT-S'],
        [5, 'NOTITLE-S'],
      ],
    )
    for (const r of rejections) assert.ok(r.reason.length > 0)
    assert.equal(run.counts.rejected, 3)
    assert.deepEqual(
      (await catalogSnapshot(ctx)).variants.map((v) => v.sku),
      ['OK-M', 'OK-S'],
    )
  })

  test('a sale price with an effective period becomes a scheduled price; the base price stays', async () => {
    const ctx = await createTestBrand(db)
    const period = '2026-01-07T08:00+01:00/2026-02-03T19:00+01:00'
    const run = await importText(
      ctx,
      tsvFeed([item('S', 'M', { price: '50.00 EUR', sale_price: '35.00 EUR', sale_price_effective_date: period })]),
    )
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error))
    let snap = await catalogSnapshot(ctx)
    assert.deepEqual(
      snap.variants.map((v) => [v.sku, v.price_minor, v.compare_at_minor]),
      [['S-M', 5000, null]],
    )
    assert.deepEqual(snap.scheduled, [
      {
        variant_id: snap.variants[0]!.id,
        price_minor: 3500,
        starts_at: new Date('2026-01-07T07:00:00Z'),
        ends_at: new Date('2026-02-03T18:00:00Z'),
        source: 'feed',
      },
    ])
    const unchanged = await importText(
      later(ctx),
      tsvFeed([item('S', 'M', { price: '50.00 EUR', sale_price: '35.00 EUR', sale_price_effective_date: period })]),
    )
    assert.equal(unchanged.counts.unchanged, 1)
    const ended = await importText(later(ctx, 120_000), tsvFeed([item('S', 'M', { price: '50.00 EUR' })]))
    assert.equal(ended.counts.updated, 1)
    snap = await catalogSnapshot(ctx)
    assert.deepEqual(snap.scheduled, [], 'a variant listed without its sale loses it')
  })

  test('stock: only a quantity or out-of-stock sets on_hand; in stock without a quantity leaves it', async () => {
    const ctx = await createTestBrand(db)
    const shopify = (rows: string[]) =>
      `Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Inventory Qty,Variant Price,Status\n${rows.join('\n')}\n`
    await importText(
      ctx,
      shopify(['k,Kit,Taille,S,K-S,5,10.00,active', 'k,,Taille,M,K-M,5,10.00,', 'k,,Taille,L,K-L,5,10.00,']),
      { fileName: 'kit.csv' },
    )
    assert.deepEqual(
      (await catalogSnapshot(ctx)).variants.map((v) => [v.sku, v.on_hand]),
      [
        ['K-L', 5],
        ['K-M', 5],
        ['K-S', 5],
      ],
    )
    // Shopify quantities set on_hand (a negative one counts as 0); Google's availability without one:
    const run = await importText(
      later(ctx),
      shopify(['k,Kit,Taille,S,K-S,5,10.00,active', 'k,,Taille,M,K-M,-2,10.00,', 'k,,Taille,L,K-L,2,10.00,']),
      { fileName: 'kit.csv' },
    )
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error))
    assert.equal(run.counts.stockUpdated, 2)
    assert.equal(run.counts.unchanged, 1, 'stock alone does not make the product "updated"')
    const google = await importText(
      later(ctx, 120_000),
      tsvFeed([
        { ...item('k', 'S'), id: 'K-S', title: 'Kit', price: '10.00 EUR' },
        { ...item('k', 'L'), id: 'K-L', title: 'Kit', price: '10.00 EUR', availability: 'out of stock' },
      ]),
      { mode: 'delta' },
    )
    assert.equal(google.status, 'succeeded')
    assert.deepEqual(
      (await catalogSnapshot(ctx)).variants.map((v) => [v.sku, v.on_hand]),
      [
        ['K-L', 0],
        ['K-M', 0],
        ['K-S', 5],
      ],
    )
  })

  test('a variant whose SKU moves to another product of the feed is moved, keeping its id', async () => {
    const ctx = await createTestBrand(db)
    await importText(ctx, tsvFeed([item('A', 'S'), item('A', 'M'), item('B', 'S')]))
    // A-M keeps position 1: it is B's second variant as it was A's second.
    const before = await catalogSnapshot(ctx)
    const run = await importText(
      later(ctx),
      tsvFeed([item('A', 'S'), item('B', 'S'), { ...item('A', 'M'), item_group_id: 'B' }]),
      { mode: 'delta' },
    )
    assert.equal(run.counts.variantsUpdated, 1)
    const after = await catalogSnapshot(ctx)
    const moved = after.variants.find((v) => v.sku === 'A-M')!
    assert.equal(moved.reference, 'B')
    assert.equal(moved.id, before.variants.find((v) => v.sku === 'A-M')!.id)
  })

  test('a Shopify CSV: product fields from the first row, quantities to stock, compare-at prices', async () => {
    const ctx = await createTestBrand(db)
    const run = await importText(ctx, readFileSync(join(fixtures, 'shopify.csv'), 'utf8'), { fileName: 'shopify.csv' })
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error))
    const snap = await catalogSnapshot(ctx)
    const pull = snap.products.find((p) => p.reference === 'pull-marin')!
    assert.equal(pull.title, 'Pull marin "Breton"')
    assert.equal(pull.status, 'active')
    assert.deepEqual(
      snap.variants
        .filter((v) => v.reference === 'pull-marin')
        .map((v) => [v.sku, v.price_minor, v.compare_at_minor, v.on_hand]),
      [
        ['PULL-L', 9250, null, 0],
        ['PULL-M', 8900, null, 0],
        ['PULL-S', 8900, 12000, 12],
      ],
    )
    assert.equal(snap.products.find((p) => p.reference === 'sac-toile')?.status, 'draft')
  })

  test('brand isolation: identical references and SKUs in another brand are never touched', async () => {
    const a = await createTestBrand(db)
    const b = await createTestBrand(db)
    await importText(a, tsvFeed(catalogRows(5)))
    const aBefore = await catalogSnapshot(a)
    const rows = catalogRows(5).map((r) => ({ ...r, title: 'Autre marque', price: '12.00 EUR' }))
    const first = await importText(b, tsvFeed(rows))
    assert.equal(first.counts.created, 5, 'B creates its own products despite A having the same references')
    const second = await importText(later(b), tsvFeed(rows.slice(0, 2)), { force: true })
    assert.equal(second.counts.archived, 4)
    assert.deepEqual(await catalogSnapshot(a), aBefore)
    const bSnap = await catalogSnapshot(b)
    assert.ok(bSnap.variants.every((v) => v.price_minor === 1200))
    assert.ok(bSnap.products.every((p) => p.title === 'Autre marque'))
  })
})

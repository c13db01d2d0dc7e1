import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { sql } from 'kysely'
import type { BrandCtx } from '../../src/brands/brand.ts'
import { type ImportFeedInput, listImportRejections } from '../../src/catalog/import/index.ts'
import { sharesOneConnection } from '../../src/platform/db/pglite-dialect.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand } from '../helpers/fixtures.ts'
import { catalogSnapshot, importText, item, tsvFeed } from './helpers.ts'

const database = await openTestDatabase()
const db = database.db
/** PGlite is one connection: a first import there always takes the staged apply. */
const appliesWhileReading = !sharesOneConnection(db as never)
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'feeds')

/** The brand's context with its info log lines collected (which apply a run took is logged). */
function logged(ctx: BrandCtx): { ctx: BrandCtx; lines: string[] } {
  const lines: string[] = []
  return { ctx: { ...ctx, log: { ...ctx.log, info: (_obj: unknown, msg?: string) => lines.push(msg ?? '') } }, lines }
}

/** Words of the brand's search documents not in its vocabulary, and vocabulary words of no document (0007's rule). */
async function vocabularyDiff(ctx: BrandCtx): Promise<{ missing: number; extra: number }> {
  const { rows } = await sql<{ missing: number; extra: number }>`
    with derived as (
      select distinct w.word from product_search s, regexp_split_to_table(s.folded, '[^[:alnum:]]+') as w (word)
      where s.brand_id = ${ctx.brand.id} and length(w.word) between 3 and 40
    ), stored as (select word from search_words where brand_id = ${ctx.brand.id})
    select (select count(*) from (select word from derived except select word from stored) m)::int as missing,
      (select count(*) from (select word from stored except select word from derived) e)::int as extra`.execute(ctx.db)
  return rows[0] ?? { missing: -1, extra: -1 }
}

/** Everything an import decides, without ids and instants, so two brands compare. */
async function catalogContent(ctx: BrandCtx, runId: string) {
  const snap = await catalogSnapshot(ctx)
  const b = ctx.brand.id
  const variants = await sql<Record<string, unknown>>`
    select v.sku, p.reference, v.size, v.colour, v.gtin, v.price_minor, v.compare_at_minor, v.weight_grams,
      v.position, v.link, v.mpn, v.availability, v.availability_date, v.delisted_at, s.on_hand, s.reserved
    from variants v join products p on p.brand_id = v.brand_id and p.id = v.product_id
    left join stock_levels s on s.brand_id = v.brand_id and s.variant_id = v.id
    where v.brand_id = ${b} and p.reference <> 'ZZ' order by v.sku`.execute(ctx.db)
  const products = await sql<Record<string, unknown>>`
    select p.reference, p.title, p.description, p.category_path, p.status, p.images, p.attributes, p.import_hash,
      s.document::text as document, s.folded
    from products p left join product_search s on s.brand_id = p.brand_id and s.product_id = p.id
    where p.brand_id = ${b} and p.reference <> 'ZZ' order by p.reference`.execute(ctx.db)
  const scheduled = await sql<Record<string, unknown>>`
    select v.sku, sp.price_minor, sp.starts_at, sp.ends_at, sp.source
    from scheduled_prices sp join variants v on v.brand_id = sp.brand_id and v.id = sp.variant_id
    where sp.brand_id = ${b} order by v.sku`.execute(ctx.db)
  const rejections = (await listImportRejections(ctx, runId, { limit: 10_000, offset: 0 })).map((r) => [
    r.line,
    r.itemId,
    r.reason,
  ])
  return {
    products: products.rows,
    variants: variants.rows,
    scheduled: scheduled.rows,
    rejections,
    // A hand-over may leave words of the documents first derived (words are only added): none is missing.
    missingWords: (await vocabularyDiff(ctx)).missing,
    catalogVersion: snap.catalogVersion,
  }
}

/** A brand whose catalog is not empty (one archived product, ZZ), so its imports take the staged apply. */
async function brandWithAProduct(): Promise<BrandCtx> {
  const ctx = await createTestBrand(db)
  await importText(ctx, tsvFeed([item('ZZ', 'S')]))
  await db.updateTable('products').set({ status: 'archived' }).where('brand_id', '=', ctx.brand.id).execute()
  return ctx
}

type Options = Partial<Omit<ImportFeedInput, 'input'>>

/**
 * Imports `text` as the first import of a new brand and into a brand with a product, and checks
 * both end in the same catalog, counts and rejections. Returns the first import's run and log lines.
 */
async function sameAsStaged(text: string | Buffer, options: Options = {}) {
  const first = logged(await createTestBrand(db))
  const staged = await brandWithAProduct()
  const versionBefore = (await catalogSnapshot(staged)).catalogVersion
  const run = await importText(first.ctx, text, options)
  const reference = await importText(staged, text, options)
  assert.equal(run.status, reference.status, JSON.stringify([run.error, reference.error]))
  assert.deepEqual(run.counts, reference.counts)
  const got = await catalogContent(first.ctx, run.runId)
  const want = await catalogContent(staged, reference.runId)
  assert.deepEqual(
    { ...got, catalogVersion: got.catalogVersion - 1 },
    { ...want, catalogVersion: want.catalogVersion - versionBefore },
  )
  return { run, ctx: first.ctx, lines: first.lines, content: got }
}

const applied = 'import: first import applied while reading'
const startsOver = 'import: first import starts over the usual way'

describe('a first import applies while it reads', () => {
  test('Google TSV: products, variants, stock, scheduled prices and search rows as the staged apply writes them', async () => {
    const rows = [
      item('A', 'S', { sale_price: '19.90 EUR', sale_price_effective_date: '2026-12-01T00:00Z/2026-12-31T23:59Z' }),
      item('A', 'M', { image_link: 'https://cdn.example/A-2.jpg', additional_image_link: 'https://cdn.example/A.jpg' }),
      item('A', 'L', { availability: 'out of stock', brand: 'Maison', gtin: '4006381333931', mpn: 'MP-1' }),
      item('B', 'S', { description: '', product_type: '', image_link: '' }),
      item('B', 'M', { description: 'La description de B vient de sa 2e ligne', sale_price: '9.90 EUR' }),
      { ...item('C', 'S'), material: 'Lin', pattern: 'Rayé', shipping_weight: '320 g' },
      item('D', 'S', { price: '-1.00 EUR' }),
    ]
    const { run, ctx, lines, content } = await sameAsStaged(tsvFeed(rows))
    assert.equal(run.status, 'succeeded')
    assert.deepEqual(
      [run.counts.created, run.counts.variantsCreated, run.counts.stockUpdated, run.counts.rejected],
      [3, 6, 1, 1],
    )
    assert.equal(content.scheduled.length, 1)
    assert.deepEqual(
      content.rejections.map((r) => r[1]),
      ['D-S'],
    )
    assert.equal(content.products[1]?.description, 'La description de B vient de sa 2e ligne')
    assert.ok(content.products.every((p) => typeof p.document === 'string' && p.document.length > 0))
    assert.deepEqual(await vocabularyDiff(ctx), { missing: 0, extra: 0 })
    assert.deepEqual(lines.includes(applied), appliesWhileReading)
  })

  test('the fixture feeds (RSS, Atom, Latin-1, Shopify CSV, invalid items) end as with the staged apply', async () => {
    for (const [file, format] of [
      ['google-rss-basic.xml', 'google-rss'],
      ['google-atom.xml', 'google-atom'],
      ['latin1.xml', 'google-rss'],
      ['invalid-items.xml', 'google-rss'],
      ['shopify.csv', 'shopify-csv'],
      ['google.tsv', 'google-tsv'],
    ] as const) {
      const { run } = await sameAsStaged(await readFile(join(fixtures, file)), { format })
      assert.equal(run.status, 'succeeded', `${file}: ${JSON.stringify(run.error)}`)
    }
  })

  test('a duplicate id or a split product: the first import reads the feed again the usual way and ends the same', async () => {
    const rows = []
    for (let n = 0; n < 2500; n++) rows.push(item(`F${n}`, 'S', n === 5 ? { price: 'gratuit' } : {}))
    rows.push({ ...item('F3', 'M'), id: 'F1-S', price: '1.00 EUR' })
    const duplicates = await sameAsStaged(tsvFeed(rows))
    // The first reading's rejection is not kept twice.
    assert.deepEqual(
      duplicates.content.rejections.map((r) => r.slice(0, 2)),
      [
        [7, 'F5-S'],
        [2502, 'F1-S'],
      ],
    )
    assert.equal(duplicates.content.rejections[1]?.[2], 'duplicate id, first seen at line 3')
    assert.deepEqual(duplicates.lines.includes(startsOver), appliesWhileReading)
    assert.equal(duplicates.lines.includes(applied), false)

    // F0 comes back 2,500 lines later (another batch): the product must be applied whole, in file order.
    rows.push(item('F0', 'XL', { title: 'Un autre titre, ignoré', image_link: 'https://cdn.example/F0-xl.jpg' }))
    const split = await sameAsStaged(tsvFeed(rows))
    const f0 = split.content.variants.filter((v) => v.reference === 'F0').map((v) => [v.sku, v.position])
    assert.deepEqual(f0, [
      ['F0-S', 0],
      ['F0-XL', 1],
    ])
    assert.deepEqual(split.lines.includes(startsOver), appliesWhileReading)
    assert.equal(split.lines.includes(applied), false)

    // Inside one batch, too.
    const near = await sameAsStaged(tsvFeed([item('A', 'S'), item('B', 'S'), item('A', 'M')]))
    assert.deepEqual(near.lines.includes(startsOver), appliesWhileReading)
  })

  test('a product without a title on any line is rejected whole, as with the staged apply', async () => {
    const { run, content } = await sameAsStaged(
      tsvFeed([item('A', 'S', { title: '' }), item('A', 'M', { title: '' }), item('B', 'S')]),
    )
    assert.equal(run.counts.created, 1)
    assert.deepEqual(
      content.rejections.map((r) => r[1]),
      ['A-S', 'A-M'],
    )
  })

  test('a truncated file or a dry run leaves the catalog empty; the rejections are kept', async () => {
    const rows = []
    for (let n = 0; n < 4500; n++) rows.push(item(`P${n}`, 'S', n === 7 ? { price: 'gratuit' } : {}))
    const text = tsvFeed(rows)
    const ctx = await createTestBrand(db)

    const dry = await importText(ctx, text, { dryRun: true })
    assert.equal(dry.status, 'succeeded')
    assert.deepEqual([dry.counts.created, dry.counts.variantsCreated, dry.counts.rejected], [4499, 4499, 1])
    assert.equal((await catalogSnapshot(ctx)).products.length, 0)

    // Not well-formed after 4,000 items (two batches applied): the run fails and nothing stays.
    const broken = `${text.split('\n').slice(0, 4001).join('\n')}\nP-x\t"unterminated\n`
    const failed = await importText(ctx, broken)
    assert.equal(failed.status, 'failed')
    assert.match(failed.error?.reason ?? '', /quote|line|unterminated|column/i)
    assert.deepEqual((await catalogSnapshot(ctx)).products, [])
    assert.equal(failed.counts.rejected, 1)

    const real = await importText(ctx, text)
    assert.deepEqual(real.counts, dry.counts)
  })

  test('a feed that cannot be opened again (no reopen) is staged first, and ends the same', async () => {
    const ctx = logged(await createTestBrand(db))
    const run = await importText(ctx.ctx, tsvFeed([item('A', 'S'), item('A', 'M')]), { reopen: undefined })
    assert.equal(run.status, 'succeeded')
    assert.equal(run.counts.created, 1)
    assert.equal(ctx.lines.includes(applied), false)
  })

  test('two first imports of one brand at once: one applies, the other then finds every product unchanged', async () => {
    const rows = []
    for (let n = 0; n < 1200; n++) rows.push(item(`P${n}`, 'S'), item(`P${n}`, 'M'))
    const text = tsvFeed(rows)
    const ctx = await createTestBrand(db)
    const runs = await Promise.all([importText(ctx, text), importText(ctx, text)])
    const created = runs.map((r) => r.counts.created).sort()
    const unchanged = runs.map((r) => r.counts.unchanged).sort()
    assert.deepEqual(created, [0, 1200])
    assert.deepEqual(unchanged, [0, 1200])
    assert.equal((await catalogSnapshot(ctx)).variants.length, 2400)
  })

  test("brand isolation: another brand's products with the same references neither block nor receive the import", async () => {
    const other = await createTestBrand(db)
    await importText(other, tsvFeed([item('A', 'S', { price: '5.00 EUR' })]))
    const before = await catalogSnapshot(other)
    const { run, lines } = await sameAsStaged(tsvFeed([item('A', 'S'), item('A', 'M')]))
    assert.equal(run.counts.created, 1)
    assert.deepEqual(lines.includes(applied), appliesWhileReading)
    assert.deepEqual(await catalogSnapshot(other), before)
  })
})

import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { describe, test } from 'node:test'
import { sql } from 'kysely'
import type { BrandCtx } from '../../src/brands/brand.ts'
import { applyImport } from '../../src/catalog/import/apply-import.ts'
import { listImportRejections } from '../../src/catalog/import/index.ts'
import { generateGoogleFeed, parseFeed } from '../../src/catalog/import/parse/index.ts'
import { clearStaging } from '../../src/catalog/import/runs.ts'
import { stageFeed } from '../../src/catalog/import/stage-items.ts'
import { newId } from '../../src/platform/ids.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand } from '../helpers/fixtures.ts'
import { catalogSnapshot, importText, item, later, tsvFeed } from './helpers.ts'

const database = await openTestDatabase()
const db = database.db

/** What an import decides about a catalog, without ids and instants (comparable across brands). */
async function catalogContent(ctx: BrandCtx) {
  const snap = await catalogSnapshot(ctx)
  return {
    products: snap.products.map((p) => [p.reference, p.title, p.description, p.category_path, p.status, p.images]),
    variants: snap.variants.map((v) => [v.sku, v.reference, v.size, v.price_minor, v.position, v.on_hand]),
  }
}

/** Stages `text` as a full run of `ctx`'s brand, without applying it. */
async function stageText(ctx: BrandCtx, text: string) {
  const runId = newId()
  const events = parseFeed(Readable.from([Buffer.from(text)]), { defaultCurrency: 'EUR' })
  return { runId, staged: await stageFeed(ctx, runId, 'full', events) }
}

/** Applies a run stageText staged, as importFeed would (full mode, default threshold), and clears its staging. */
async function applyStagedRun(ctx: BrandCtx, { runId, staged }: Awaited<ReturnType<typeof stageText>>) {
  const counts = await applyImport(ctx, {
    runId,
    mode: 'full',
    dryRun: false,
    force: false,
    archiveThresholdPct: 20,
    stagedCatalogVersion: staged.catalogVersion,
  })
  await clearStaging(ctx, ctx.brand.id, runId)
  return counts
}

/** How each item of `text` is staged for a run of `ctx`'s brand: whole, or as its keys and hash only (no price). */
async function stagedForms(ctx: BrandCtx, text: string) {
  const { runId } = await stageText(ctx, text)
  const rows = await db
    .selectFrom('import_items')
    .select(['item_id', 'price_minor', 'item_hash'])
    .where('brand_id', '=', ctx.brand.id)
    .where('run_id', '=', runId)
    .orderBy('seq')
    .execute()
  await clearStaging(ctx, ctx.brand.id, runId)
  return rows.map((r) => {
    assert.match(r.item_hash ?? '', /^[0-9a-f]{32}$/)
    return [r.item_id, r.price_minor === null ? 'keys-only' : 'full', r.price_minor]
  })
}

describe('unchanged products are skipped before staging', () => {
  test('the items of a product whose hash and status match are staged as keys and hash only; changed and new ones whole', async () => {
    const ctx = await createTestBrand(db)
    await importText(ctx, tsvFeed([item('A', 'S'), item('A', 'M'), item('B', 'S')]))
    const forms = await stagedForms(
      ctx,
      tsvFeed([item('A', 'S'), item('A', 'M'), item('B', 'S', { price: '9.90 EUR' }), item('C', 'S')]),
    )
    assert.deepEqual(forms, [
      ['A-S', 'keys-only', null],
      ['A-M', 'keys-only', null],
      ['B-S', 'full', 990],
      ['C-S', 'full', 2990],
    ])

    // Archived by a full feed that left it out: listing it again must re-activate it, so it is staged whole.
    await importText(later(ctx), tsvFeed([item('B', 'S')]), { force: true })
    assert.deepEqual(await stagedForms(ctx, tsvFeed([item('A', 'S'), item('A', 'M')])), [
      ['A-S', 'full', 2990],
      ['A-M', 'full', 2990],
    ])
  })

  test('a product split across the file is applied whole, exactly as a first import of that file', async () => {
    const ctx = await createTestBrand(db)
    await importText(ctx, tsvFeed([item('A', 'S'), item('A', 'M'), item('B', 'S')]))
    await db
      .updateTable('products')
      .set({ title: 'Titre retouché' })
      .where('brand_id', '=', ctx.brand.id)
      .where('reference', '=', 'A')
      .execute()
    // A's first two items are exactly what was last applied (staged as keys only); a third comes later, so
    // the run reads the feed again to stage A whole.
    const split = tsvFeed([
      item('A', 'S'),
      item('A', 'M'),
      item('B', 'S'),
      item('A', 'L', { price: '35.00 EUR', description: 'Ignorée : la première ligne qui en donne une gagne' }),
    ])
    const run = await importText(later(ctx), split)
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error))
    assert.deepEqual(
      [run.counts.created, run.counts.updated, run.counts.unchanged, run.counts.variantsCreated, run.counts.rejected],
      [0, 1, 1, 1, 0],
    )

    const fresh = await createTestBrand(db)
    await importText(fresh, split)
    assert.deepEqual(await catalogContent(ctx), await catalogContent(fresh))

    // A feed that cannot be read again stages every item whole from the start: the same catalog.
    const once = await createTestBrand(db)
    await importText(once, tsvFeed([item('A', 'S'), item('A', 'M'), item('B', 'S')]), { reopen: undefined })
    const again = await importText(later(once), split, { reopen: undefined })
    assert.deepEqual(again.counts, run.counts)
    assert.deepEqual(await catalogContent(once), await catalogContent(fresh))
    const a = (await catalogContent(ctx)).products.find((p) => p[0] === 'A')
    assert.equal(a?.[1], 'Produit A', 'a product the feed changes is applied whole again')
  })

  test('a duplicate id whose first occurrence is in a skipped product loses, with that line', async () => {
    const ctx = await createTestBrand(db)
    const rows = [item('A', 'S'), item('A', 'M')]
    // Fillers put the duplicate two staging batches after the product it repeats.
    for (let n = 0; n < 2100; n++) rows.push(item(`F${n}`, 'S'))
    await importText(ctx, tsvFeed(rows))
    const run = await importText(
      later(ctx),
      tsvFeed([...rows, { ...item('Z', 'S'), id: 'A-M', price: '1.00 EUR' }, item('Z', 'M')]),
    )
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error))
    assert.deepEqual(await listImportRejections(ctx, run.runId, { limit: 10, offset: 0 }), [
      { line: 2104, itemId: 'A-M', reason: 'duplicate id, first seen at line 3' },
    ])
    assert.deepEqual([run.counts.created, run.counts.updated, run.counts.unchanged], [1, 0, 2101])
    const variants = (await catalogContent(ctx)).variants.filter((v) => v[1] === 'A' || v[1] === 'Z')
    assert.deepEqual(variants, [
      ['A-M', 'A', 'M', 2990, 1, 0],
      ['A-S', 'A', 'S', 2990, 0, 0],
      ['Z-M', 'Z', 'M', 2990, 0, 0],
    ])
  })
})

describe('verdicts staged with each batch', () => {
  test('are settled again when the catalog moved between staging and the apply', async () => {
    const ctx = await createTestBrand(db)
    await importText(ctx, tsvFeed([item('A', 'S')]))
    const run = await stageText(ctx, tsvFeed([item('A', 'S'), item('B', 'S', { price: '9.90 EUR' })]))
    // B looked new while this run staged; another run creates it before this one applies.
    const meanwhile = await importText(later(ctx, 30_000), tsvFeed([item('B', 'S')]), { mode: 'delta' })
    assert.equal(meanwhile.status, 'succeeded')
    const counts = await applyStagedRun(later(ctx), run)
    assert.deepEqual([counts.created, counts.updated, counts.unchanged], [0, 1, 1])
    assert.deepEqual((await catalogContent(ctx)).variants, [
      ['A-S', 'A', 'S', 2990, 0, 0],
      ['B-S', 'B', 'S', 990, 0, 0],
    ])
  })

  test('a feed listing most products in pieces stops staging them, and the apply settles every product', async () => {
    const ctx = await createTestBrand(db)
    const groups = Array.from({ length: 1100 }, (_, n) => `P${n}`)
    const inPieces = (priceOfLast: string) =>
      tsvFeed([
        ...groups.map((g) => item(g, 'S')),
        ...groups.map((g, n) => item(g, 'M', n === groups.length - 1 ? { price: priceOfLast } : {})),
        // Ten products in one piece at the end, after staging gave up its verdicts.
        ...Array.from({ length: 10 }, (_, n) => [item(`W${n}`, 'S'), item(`W${n}`, 'M')]).flat(),
      ])
    const first = await importText(ctx, inPieces('29.90 EUR'))
    assert.equal(first.counts.created, 1110)

    // The same products, each in one place: their verdicts are staged and trusted.
    const whole = await stageText(ctx, tsvFeed(groups.flatMap((g) => [item(g, 'S'), item(g, 'M')])))
    assert.notEqual(whole.staged.catalogVersion, null)
    await clearStaging(ctx, ctx.brand.id, whole.runId)

    const split = await stageText(ctx, inPieces('9.90 EUR'))
    assert.equal(split.staged.catalogVersion, null, 'staging gave up its verdicts')
    const thin = await db
      .selectFrom('import_items')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('brand_id', '=', ctx.brand.id)
      .where('run_id', '=', split.runId)
      .where('item_id', 'like', 'W%')
      .where('price_minor', 'is', null)
      .executeTakeFirstOrThrow()
    assert.equal(Number(thin.n), 20, 'unchanged products are still staged as keys and hash only')
    const counts = await applyStagedRun(later(ctx), split)
    assert.deepEqual([counts.created, counts.updated, counts.unchanged, counts.variantsUpdated], [0, 1, 1109, 1])
    const last = (await catalogContent(ctx)).variants.find((v) => v[0] === 'P1099-M')
    assert.deepEqual(last, ['P1099-M', 'P1099', 'M', 990, 1, 0])
  })

  test('a product whose stored hash alone is rewritten moves the catalog version', async () => {
    const ctx = await createTestBrand(db)
    const feed = tsvFeed([item('A', 'S')])
    await importText(ctx, feed, { mode: 'delta' })
    const before = (await catalogSnapshot(ctx)).catalogVersion
    // The same content, now as a full feed: nothing the shop shows changes, but the stored hash
    // does, and staged verdicts trust the version to tell them so.
    const full = await importText(later(ctx), feed)
    assert.deepEqual([full.counts.updated, full.counts.unchanged], [0, 1])
    assert.equal((await catalogSnapshot(ctx)).catalogVersion, before + 1)
    const again = await importText(later(ctx, 120_000), feed)
    assert.deepEqual([again.counts.unchanged, again.counts.variantsUpdated], [1, 0])
    assert.equal((await catalogSnapshot(ctx)).catalogVersion, before + 1, 'an unchanged feed moves nothing')
  })
})

/** The brand's search rows and vocabulary, in a stable order. */
async function searchRows(ctx: BrandCtx) {
  const rows = await sql<{ reference: string; document: string; folded: string }>`
    select p.reference, s.document::text as document, s.folded
    from product_search s join products p on p.brand_id = s.brand_id and p.id = s.product_id
    where s.brand_id = ${ctx.brand.id} order by p.reference
  `.execute(db)
  const words = await sql<{ word: string }>`
    select word from search_words where brand_id = ${ctx.brand.id} order by word
  `.execute(db)
  return { rows: rows.rows, words: words.rows.map((w) => w.word) }
}

/** What the search trigger's function writes for every product of the brand, from the rows as they are. */
async function rebuiltSearchRows(ctx: BrandCtx) {
  await sql`
    select product_search_upsert(array_agg(brand_id), array_agg(id)) from products where brand_id = ${ctx.brand.id}
  `.execute(db)
  return searchRows(ctx)
}

describe('search rows of imported products', () => {
  test('are exactly what the search trigger writes: new products, changed ones, split ones', async () => {
    const ctx = await createTestBrand(db)
    const chunks: Buffer[] = []
    for await (const chunk of generateGoogleFeed({ products: 30, sizes: 3, currency: 'EUR' })) chunks.push(chunk)
    const first = await importText(ctx, Buffer.concat(chunks).toString('utf8'), { fileName: 'feed.xml' })
    assert.equal(first.status, 'succeeded', JSON.stringify(first.error))
    const imported = await searchRows(ctx)
    assert.equal(imported.rows.length, 30)
    assert.deepEqual(await rebuiltSearchRows(ctx), imported)

    // A changed title; a new product split across staging batches; new fillers.
    const rows = [
      { ...item('P000001', 'S1'), id: 'P000001-S1', title: 'Nouveau titre à fleurs' },
      item('ÉTÉ', 'S', { title: 'Robe d’été à fleurs', brand: 'Maison Été' }),
    ]
    for (let n = 0; n < 1100; n++) rows.push(item(`F${n}`, 'S'))
    rows.push(item('ÉTÉ', 'M', { image_link: 'https://cdn.example/ete-m.jpg', product_type: 'Femme > Été' }))
    const run = await importText(later(ctx), tsvFeed(rows), { mode: 'delta' })
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error))
    assert.deepEqual([run.counts.created, run.counts.updated], [1101, 1])
    const ete = await db
      .selectFrom('products')
      .select(['title', 'category_path', 'images'])
      .where('brand_id', '=', ctx.brand.id)
      .where('reference', '=', 'ÉTÉ')
      .executeTakeFirstOrThrow()
    assert.deepEqual(ete, {
      title: 'Robe d’été à fleurs',
      category_path: 'Femme > Robes',
      images: [
        { url: 'https://cdn.example/ÉTÉ.jpg', alt: 'Robe d’été à fleurs' },
        { url: 'https://cdn.example/ete-m.jpg', alt: 'Robe d’été à fleurs' },
      ],
    })
    const after = await searchRows(ctx)
    assert.equal(after.rows.length, 30 + 1101)
    assert.ok(after.words.includes('ete') && after.words.includes('nouveau'))
    assert.deepEqual(await rebuiltSearchRows(ctx), after)
  })
})

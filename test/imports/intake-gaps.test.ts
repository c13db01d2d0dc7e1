import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { getImportRun, reapInterruptedRuns } from '../../src/catalog/import/index.ts'
import { insertRun, recordProgress } from '../../src/catalog/import/runs.ts'
import { onHandRows, reserveStock, setOnHandBulk, stockLevels } from '../../src/inventory/index.ts'
import { newId } from '../../src/platform/ids.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand } from '../helpers/fixtures.ts'
import { catalogSnapshot, importText, item, later, tsvFeed } from './helpers.ts'

const database = await openTestDatabase()
const db = database.db
const minutes = (n: number) => n * 60_000

async function variantRow(brandId: string, sku: string) {
  return db
    .selectFrom('variants as v')
    .leftJoin('stock_levels as s', (j) => j.onRef('s.brand_id', '=', 'v.brand_id').onRef('s.variant_id', '=', 'v.id'))
    .select([
      'v.id',
      'v.delisted_at',
      'v.link',
      'v.mpn',
      'v.availability',
      'v.availability_date',
      's.on_hand',
      's.reserved',
    ])
    .where('v.brand_id', '=', brandId)
    .where('v.sku', '=', sku)
    .executeTakeFirstOrThrow()
}

describe('interrupted runs', () => {
  test('a run whose heartbeat stopped is closed as failed when the bound has passed, not before', async () => {
    const ctx = await createTestBrand(db)
    const other = await createTestBrand(db)
    const t0 = new Date('2026-03-01T10:00:00Z')
    const stale = newId()
    const otherBrandRun = newId()
    const run = {
      source: 'cli' as const,
      fileName: 'f.xml',
      format: null,
      mode: 'full' as const,
      dryRun: false,
      force: false,
    }
    await insertRun({ ...ctx, now: t0 }, { ...run, id: stale })
    await insertRun({ ...other, now: t0 }, { ...run, id: otherBrandRun })

    assert.deepEqual(
      await reapInterruptedRuns({ ...ctx, now: new Date(t0.getTime() + minutes(4)) }, { brandId: ctx.brand.id }),
      [],
    )
    // A heartbeat at +4 min keeps it alive at +6 min; without one more it is dead at +10 min.
    await recordProgress(ctx, stale, 1234, new Date(t0.getTime() + minutes(4)))
    assert.deepEqual(
      await reapInterruptedRuns({ ...ctx, now: new Date(t0.getTime() + minutes(6)) }, { brandId: ctx.brand.id }),
      [],
    )
    const reaped = await reapInterruptedRuns(
      { ...ctx, now: new Date(t0.getTime() + minutes(10)) },
      { brandId: ctx.brand.id },
    )
    assert.deepEqual(reaped, [{ brandId: ctx.brand.id, id: stale }])
    const closed = await getImportRun(ctx, stale)
    assert.equal(closed?.status, 'failed')
    assert.equal(
      closed?.error?.reason,
      'interrupted: the process running it stopped (no heartbeat since 2026-03-01T10:04:00Z)',
    )
    assert.deepEqual(closed?.finishedAt, new Date(t0.getTime() + minutes(10)))
    assert.equal(closed?.itemsRead, 1234)
    // Brand-scoped: the other brand's equally stale run is left for its own imports or a restart.
    assert.equal((await getImportRun(other, otherBrandRun))?.status, 'running')
    // A run this process is executing is never taken for dead.
    const reapedAll = await reapInterruptedRuns(
      { ...ctx, now: new Date(t0.getTime() + minutes(60)) },
      { except: new Set([otherBrandRun]) },
    )
    assert.ok(!reapedAll.some((r) => r.id === otherBrandRun))
    assert.equal((await getImportRun(other, otherBrandRun))?.status, 'running')
  })

  test('a new import of the brand closes its stale run first', async () => {
    const ctx = await createTestBrand(db)
    const t0 = new Date('2026-03-02T08:00:00Z')
    const stale = newId()
    await insertRun(
      { ...ctx, now: t0 },
      { id: stale, source: 'drop-folder', fileName: 'x.tsv', format: null, mode: 'full', dryRun: false, force: false },
    )
    const run = await importText({ ...ctx, now: new Date(t0.getTime() + minutes(30)) }, tsvFeed([item('A', 'S')]))
    assert.equal(run.status, 'succeeded')
    assert.equal((await getImportRun(ctx, stale))?.status, 'failed')
    const fresh = await getImportRun(ctx, run.runId)
    assert.equal(fresh?.status, 'succeeded')
    assert.ok(fresh?.heartbeatAt, 'a finished run carries its last heartbeat')
  })
})

describe('full feeds and variants they stop listing', () => {
  test('a variant no longer listed is delisted with its stock off sale, reservations kept; listing it again restores it', async () => {
    const ctx = await createTestBrand(db)
    const other = await createTestBrand(db)
    const rows = [item('ROBE', 'S'), item('ROBE', 'M'), item('ROBE', 'L'), item('PULL', 'S')]
    await importText(ctx, tsvFeed(rows))
    await importText(other, tsvFeed(rows))
    const m = await variantRow(ctx.brand.id, 'ROBE-M')
    await setOnHandBulk(ctx, onHandRows([{ variantId: m.id, onHand: 5 }]))
    assert.equal((await reserveStock(ctx, [{ variantId: m.id, quantity: 2 }])).ok, true)

    // A delta that omits ROBE-M says nothing about it.
    const delta = await importText(later(ctx), tsvFeed([item('ROBE', 'S'), item('ROBE', 'L')]), { mode: 'delta' })
    assert.equal(delta.counts.variantsDelisted, 0)
    assert.equal((await variantRow(ctx.brand.id, 'ROBE-M')).delisted_at, null)

    const at = later(ctx, minutes(5))
    const full = await importText(at, tsvFeed([item('ROBE', 'S'), item('ROBE', 'L'), item('PULL', 'S')]))
    assert.equal(full.status, 'succeeded', JSON.stringify(full.error))
    assert.equal(full.counts.variantsDelisted, 1)
    assert.equal(full.counts.updated, 1, 'ROBE counts as updated')
    assert.equal(full.counts.unchanged, 1)
    const delisted = await variantRow(ctx.brand.id, 'ROBE-M')
    assert.deepEqual(
      [delisted.id, delisted.delisted_at, delisted.on_hand, delisted.reserved],
      [m.id, at.now, 0, 2],
      'same variant row, delisted now, nothing left to sell, the placed order still holds its 2 units',
    )
    // The other brand's variant of the same SKU is untouched.
    const theirs = await variantRow(other.brand.id, 'ROBE-M')
    assert.deepEqual([theirs.delisted_at, theirs.on_hand, theirs.reserved], [null, 0, 0])

    // The same full feed again: nothing more to delist.
    const again = await importText(
      later(ctx, minutes(6)),
      tsvFeed([item('ROBE', 'S'), item('ROBE', 'L'), item('PULL', 'S')]),
    )
    assert.equal(again.counts.variantsDelisted, 0)
    assert.equal(again.counts.unchanged, 2)

    const back = await importText(later(ctx, minutes(7)), tsvFeed(rows))
    assert.equal(back.counts.variantsUpdated >= 1, true)
    const relisted = await variantRow(ctx.brand.id, 'ROBE-M')
    assert.deepEqual([relisted.id, relisted.delisted_at, relisted.on_hand, relisted.reserved], [m.id, null, 0, 2])
  })
})

describe('fields the feed gives', () => {
  test('link, mpn, availability and its date are stored on the variant; other fields as attributes', async () => {
    const ctx = await createTestBrand(db)
    const feed = tsvFeed([
      item('SAC', 'U', {
        link: 'https://shop.example/sac?taille=U',
        mpn: 'SAC-2026-U',
        availability: 'preorder',
        availability_date: '2026-04-01T09:00:00+02:00',
        gender: 'female',
        age_group: 'adult',
        google_product_category: '3032',
      }),
      item('SAC', 'XL', { availability: 'backorder' }),
    ])
    const run = await importText(ctx, feed)
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error))
    const u = await variantRow(ctx.brand.id, 'SAC-U')
    assert.deepEqual(
      [u.link, u.mpn, u.availability, u.availability_date],
      ['https://shop.example/sac?taille=U', 'SAC-2026-U', 'preorder', new Date('2026-04-01T07:00:00Z')],
    )
    const xl = await variantRow(ctx.brand.id, 'SAC-XL')
    assert.deepEqual([xl.link, xl.mpn, xl.availability, xl.availability_date], [null, null, 'backorder', null])
    const [product] = (await catalogSnapshot(ctx)).products
    assert.deepEqual(product?.attributes, { gender: 'female', age_group: 'adult', google_product_category: '3032' })

    // A changed mpn is a variant update; an overlong one is rejected with its line.
    const changed = await importText(
      later(ctx),
      tsvFeed([
        item('SAC', 'U', { mpn: 'SAC-2027-U', gender: 'female', age_group: 'adult', google_product_category: '3032' }),
        item('SAC', 'XL', { availability: 'backorder', mpn: 'M'.repeat(101) }),
      ]),
      { mode: 'delta' },
    )
    assert.equal(changed.counts.variantsUpdated, 1)
    assert.equal(changed.counts.rejected, 1)
    assert.equal((await variantRow(ctx.brand.id, 'SAC-U')).mpn, 'SAC-2027-U')
  })
})

describe('unchanged products are skipped by their hash', () => {
  test('a staff edit stays until the feed changes that product; an archived product listed again comes back', async () => {
    const ctx = await createTestBrand(db)
    const feed = tsvFeed([item('A', 'S'), item('A', 'M'), item('B', 'S')])
    await importText(ctx, feed)
    const hashOf = async (ref: string) =>
      await db
        .selectFrom('products')
        .select(['import_hash', 'title', 'status'])
        .where('brand_id', '=', ctx.brand.id)
        .where('reference', '=', ref)
        .executeTakeFirstOrThrow()
    const first = await hashOf('A')
    assert.match(first.import_hash ?? '', /^v3:full:[0-9a-f]{32}$/)
    await db
      .updateTable('products')
      .set({ title: 'Titre retouché' })
      .where('brand_id', '=', ctx.brand.id)
      .where('reference', '=', 'A')
      .execute()
    const same = await importText(later(ctx), feed)
    assert.equal(same.counts.unchanged, 2)
    assert.equal((await hashOf('A')).title, 'Titre retouché', 'the feed did not change: the enrichment stays')

    const changed = await importText(
      later(ctx, minutes(2)),
      tsvFeed([item('A', 'S', { price: '9.90 EUR' }), item('A', 'M'), item('B', 'S')]),
    )
    assert.equal(changed.counts.updated, 1)
    const after = await hashOf('A')
    assert.equal(after.title, 'Produit A', 'a changed product is applied whole again')
    assert.notEqual(after.import_hash, first.import_hash)

    // B drops out (archived, forced past the threshold), then comes back with the very same content.
    await importText(later(ctx, minutes(3)), tsvFeed([item('A', 'S', { price: '9.90 EUR' }), item('A', 'M')]), {
      force: true,
    })
    assert.equal((await hashOf('B')).status, 'archived')
    const back = await importText(
      later(ctx, minutes(4)),
      tsvFeed([item('A', 'S', { price: '9.90 EUR' }), item('A', 'M'), item('B', 'S')]),
    )
    assert.equal(back.counts.updated, 1)
    assert.equal((await hashOf('B')).status, 'active')
  })

  test('a duplicate id across staging batches never costs the next item its product fields', async () => {
    const ctx = await createTestBrand(db)
    const rows: Array<Record<string, string>> = []
    for (let n = 0; n < 2100; n++) rows.push({ ...item(`F${n}`, 'S'), title: `Filler ${n}` })
    // Line 2102: a duplicate of F0-S (first wins), in product Z; line 2103: Z's only other item, same title.
    rows.push({ ...item('Z', 'S'), id: 'F0-S', title: 'Zèbre' })
    rows.push({ ...item('Z', 'M'), title: 'Zèbre' })
    const run = await importText(ctx, tsvFeed(rows))
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error))
    assert.equal(run.counts.rejected, 1)
    assert.equal(run.counts.created, 2101)
    const z = await db
      .selectFrom('products')
      .select(['title', 'description', 'images'])
      .where('brand_id', '=', ctx.brand.id)
      .where('reference', '=', 'Z')
      .executeTakeFirstOrThrow()
    assert.deepEqual(z, {
      title: 'Zèbre',
      description: 'Description de Z',
      images: [{ url: 'https://cdn.example/Z.jpg', alt: 'Zèbre' }],
    })
  })
})

describe('setOnHandBulk', () => {
  test('sets counts set-based, keeps reservations, clamps negatives, and refuses another brand’s variant', async () => {
    const ctx = await createTestBrand(db)
    const other = await createTestBrand(db)
    await importText(ctx, tsvFeed([item('K', 'S'), item('K', 'M'), item('K', 'L')]))
    await importText(other, tsvFeed([item('K', 'S')]))
    const [s, m, l] = await Promise.all(['K-S', 'K-M', 'K-L'].map((sku) => variantRow(ctx.brand.id, sku)))
    assert.equal(
      await setOnHandBulk(
        ctx,
        onHandRows([
          { variantId: s!.id, onHand: 4 },
          { variantId: m!.id, onHand: 3 },
        ]),
      ),
      2,
    )
    assert.equal((await reserveStock(ctx, [{ variantId: s!.id, quantity: 3 }])).ok, true)
    const changed = await setOnHandBulk(
      ctx,
      onHandRows([
        { variantId: s!.id, onHand: 10 },
        { variantId: m!.id, onHand: -7 },
        { variantId: l!.id, onHand: null },
      ]),
    )
    assert.equal(changed, 2)
    const levels = await stockLevels(ctx, [s!.id, m!.id, l!.id])
    assert.deepEqual(
      levels.sort((a, b) => (a.variantId < b.variantId ? -1 : 1)),
      [
        { variantId: s!.id, onHand: 10, reserved: 3, available: 7 },
        { variantId: m!.id, onHand: 0, reserved: 0, available: 0 },
        { variantId: l!.id, onHand: 0, reserved: 0, available: 0 },
      ].sort((a, b) => (a.variantId < b.variantId ? -1 : 1)),
    )
    const theirs = await variantRow(other.brand.id, 'K-S')
    await assert.rejects(setOnHandBulk(ctx, onHandRows([{ variantId: theirs.id, onHand: 99 }])), /foreign key/)
    assert.equal((await variantRow(other.brand.id, 'K-S')).on_hand, 0)
  })
})

import assert from 'node:assert/strict'
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { type InboxSightings, pollInboxOnce } from '../../src/catalog/import/index.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, systemCtx } from '../helpers/fixtures.ts'
import { onTeardown } from '../helpers/teardown.ts'
import { catalogRows, catalogSnapshot, tsvFeed } from './helpers.ts'

const database = await openTestDatabase()
const db = database.db
const inbox = mkdtempSync(join(tmpdir(), 'vitrine-inbox-'))
onTeardown(() => rmSync(inbox, { recursive: true, force: true }))

async function brandInbox() {
  const ctx = await createTestBrand(db)
  const dir = join(inbox, ctx.brand.slug)
  mkdirSync(join(dir, 'incoming'), { recursive: true })
  return { ctx, dir, incoming: join(dir, 'incoming') }
}

describe('the drop folder', () => {
  test('a file is imported once, on the second poll that finds it unchanged, and moved with its report', async () => {
    const { ctx, dir, incoming } = await brandInbox()
    const sightings: InboxSightings = new Map()
    writeFileSync(join(incoming, 'catalog.tsv'), tsvFeed(catalogRows(3)))
    const first = await pollInboxOnce(systemCtx(db), inbox, sightings)
    assert.deepEqual(first.imported, [])
    assert.deepEqual(first.waiting, [join(incoming, 'catalog.tsv')])
    assert.equal((await catalogSnapshot(ctx)).products.length, 0)

    const second = await pollInboxOnce(systemCtx(db), inbox, sightings)
    assert.equal(second.imported.length, 1)
    assert.equal(second.imported[0]?.status, 'succeeded')
    assert.deepEqual(readdirSync(incoming), [])
    assert.deepEqual(readdirSync(join(dir, 'processed')).sort(), ['catalog.tsv', 'catalog.tsv.report.json'])
    const report = JSON.parse(readFileSync(join(dir, 'processed', 'catalog.tsv.report.json'), 'utf8'))
    assert.equal(report.status, 'succeeded')
    assert.equal(report.mode, 'full')
    assert.equal(report.counts.created, 3)
    assert.equal(report.runId, second.imported[0]?.runId)
    assert.equal((await catalogSnapshot(ctx)).products.length, 3)
    const run = await db.selectFrom('import_runs').selectAll().where('id', '=', report.runId).executeTakeFirstOrThrow()
    assert.equal(run.source, 'drop-folder')
    assert.equal(run.file_name, 'catalog.tsv')

    const third = await pollInboxOnce(systemCtx(db), inbox, sightings)
    assert.deepEqual(third.imported, [])
    const runs = await db.selectFrom('import_runs').select('id').where('brand_id', '=', ctx.brand.id).execute()
    assert.equal(runs.length, 1, 'imported exactly once')
  })

  test('a file still growing is not picked up; names being written (.part, .tmp, dot files) are ignored', async () => {
    const { ctx, dir, incoming } = await brandInbox()
    const sightings: InboxSightings = new Map()
    const path = join(incoming, 'catalog.delta.tsv')
    writeFileSync(path, tsvFeed(catalogRows(2)))
    writeFileSync(join(incoming, 'next.tsv.part'), 'id\n')
    writeFileSync(join(incoming, 'next.tmp'), 'id\n')
    writeFileSync(join(incoming, '.hidden.tsv'), 'id\n')
    await pollInboxOnce(systemCtx(db), inbox, sightings)
    appendFileSync(
      path,
      `P09-S\tP09\tProduit P09\tD\t9.00 EUR\tin stock\tS\tNoir\tFemme\thttps://cdn.example/P09.jpg\n`,
    )
    const growing = await pollInboxOnce(systemCtx(db), inbox, sightings)
    assert.deepEqual(growing.imported, [])
    assert.deepEqual(growing.waiting, [path])
    const settled = await pollInboxOnce(systemCtx(db), inbox, sightings)
    assert.equal(settled.imported.length, 1)
    const report = JSON.parse(readFileSync(join(dir, 'processed', 'catalog.delta.tsv.report.json'), 'utf8'))
    assert.equal(report.mode, 'delta')
    assert.equal(report.counts.created, 3, 'the appended line was imported too')
    assert.deepEqual(readdirSync(incoming).sort(), ['.hidden.tsv', 'next.tmp', 'next.tsv.part'])
    assert.equal((await catalogSnapshot(ctx)).products.length, 3)
  })

  test('a failing file goes to failed/ with a report giving the reason and line', async () => {
    const { ctx, dir, incoming } = await brandInbox()
    const sightings: InboxSightings = new Map()
    const truncated = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'feeds', 'truncated.xml'))
    writeFileSync(join(incoming, 'broken.xml'), truncated)
    await pollInboxOnce(systemCtx(db), inbox, sightings)
    const result = await pollInboxOnce(systemCtx(db), inbox, sightings)
    assert.equal(result.imported[0]?.status, 'failed')
    assert.ok(existsSync(join(dir, 'failed', 'broken.xml')))
    const report = JSON.parse(readFileSync(join(dir, 'failed', 'broken.xml.report.json'), 'utf8'))
    assert.equal(report.status, 'failed')
    assert.ok(report.error.reason)
    assert.ok(report.error.line)
    assert.equal((await catalogSnapshot(ctx)).products.length, 0)
  })
})

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { importCommand } from '../../src/catalog/import/cli.ts'
import { silentLog } from '../../src/platform/ctx.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand } from '../helpers/fixtures.ts'
import { onTeardown } from '../helpers/teardown.ts'
import { catalogRows, catalogSnapshot, item, tsvFeed } from './helpers.ts'

const database = await openTestDatabase()
const dir = mkdtempSync(join(tmpdir(), 'vitrine-import-cli-'))
onTeardown(() => rmSync(dir, { recursive: true, force: true }))

/** The command in-process, on the test database (its close is a no-op: the file owns the database). */
async function vitrineImport(args: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await importCommand(args, {
    open: async () => ({ ...database, close: async () => {} }),
    log: silentLog,
    out: (t) => {
      stdout += t
    },
    err: (t) => {
      stderr += t
    },
  })
  return { code, stdout, stderr }
}

describe('vitrine import', () => {
  test('imports a file, prints the counts and the first rejections, exits 0', async () => {
    const ctx = await createTestBrand(database.db)
    const file = join(dir, 'feed.tsv')
    writeFileSync(file, tsvFeed([...catalogRows(2), { ...item('X', 'S'), price: '3 USD' }]))
    const { code, stdout } = await vitrineImport(['--brand', ctx.brand.slug, file])
    assert.equal(code, 0)
    assert.match(stdout, /succeeded/)
    assert.match(stdout, /products {5}created 2 · updated 0 · unchanged 0 · archived 0/)
    assert.match(stdout, /rejected {5}1 line\n/)
    assert.match(stdout, /Rejections \(first 1 of 1\):\n {2}line 6 {2}X-S {2}price in USD/)
    assert.equal((await catalogSnapshot(ctx)).products.length, 2)
  })

  test('--dry-run counts and changes nothing', async () => {
    const ctx = await createTestBrand(database.db)
    const file = join(dir, 'dry.tsv')
    writeFileSync(file, tsvFeed(catalogRows(2)))
    const { code, stdout } = await vitrineImport(['--brand', ctx.brand.slug, '--dry-run', file])
    assert.equal(code, 0)
    assert.match(stdout, /dry run: nothing was changed/)
    assert.match(stdout, /created 2/)
    assert.equal((await catalogSnapshot(ctx)).products.length, 0)
  })

  test('a structural failure exits 1 with the reason and line', async () => {
    const ctx = await createTestBrand(database.db)
    const file = join(dir, 'broken.xml')
    writeFileSync(
      file,
      '<?xml version="1.0"?>\n<rss xmlns:g="http://base.google.com/ns/1.0"><channel>\n<item><g:id>A</g:id>',
    )
    const { code, stdout } = await vitrineImport(['--brand', ctx.brand.slug, file])
    assert.equal(code, 1)
    assert.match(stdout, /failed/)
    assert.match(stdout, /error {8}.+\(line \d+/)
  })

  test('usage errors exit 2: no brand, unknown brand, bad mode, missing file', async () => {
    const ctx = await createTestBrand(database.db)
    const file = join(dir, 'ok.tsv')
    writeFileSync(file, tsvFeed(catalogRows(1)))
    for (const args of [
      [file],
      ['--brand', 'nope-brand', file],
      ['--brand', ctx.brand.slug, '--mode', 'x', file],
      ['--brand', ctx.brand.slug, join(dir, 'missing.tsv')],
    ]) {
      const { code, stderr } = await vitrineImport(args)
      assert.equal(code, 2, args.join(' '))
      assert.match(stderr, /Usage: vitrine import/)
    }
  })
})

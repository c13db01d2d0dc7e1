/**
 * The per-brand ERP inbox folder: files dropped in <inbox>/<slug>/incoming/ are received like an
 * HTTP post, then moved to processed/ or failed/ with an outcome file; a file still being written
 * is left alone.
 */
import assert from 'node:assert/strict'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { pollErpInboxOnce } from '../../src/erp/inbound/inbox.ts'
import { escapeText } from '../../src/erp/xml.ts'
import { stockLevels } from '../../src/inventory/index.ts'
import { silentLog } from '../../src/platform/ctx.ts'
import type { InboxSightings } from '../../src/platform/drop-folder.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { onTeardown } from '../helpers/teardown.ts'
import { erpBrand } from './helpers.ts'

const database = await openTestDatabase()
const db = database.db
const { brand, variantIds } = await erpBrand(db, null)
const other = await erpBrand(db, null)
const [v0] = variantIds as [string]
const sku = (await db.selectFrom('variants').select('sku').where('id', '=', v0).executeTakeFirstOrThrow()).sku
const inbox = mkdtempSync(join(tmpdir(), 'vitrine-erp-inbox-'))
onTeardown(() => rmSync(inbox, { recursive: true, force: true }))
const dirOf = (slug: string, sub: string) => join(inbox, slug, sub)
const sightings: InboxSightings = new Map()
const ctx = () => ({ db, now: new Date(), actor: { kind: 'system' as const, name: 'erp-inbox' }, log: silentLog })
const poll = () => pollErpInboxOnce(ctx(), inbox, { sightings })
const onHand = async () => (await stockLevels(brand, [v0]))[0]!.onHand

const report = (id: string, quantity: number) =>
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<InventoryReport xmlns="urn:oasis:names:specification:ubl:schema:xsd:InventoryReport-2" ' +
  'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" ' +
  'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">' +
  `<cbc:ID>${id}</cbc:ID><cbc:IssueDate>2024-01-01</cbc:IssueDate>` +
  '<cac:RetailerCustomerParty><cac:Party><cac:PartyName><cbc:Name>Shop</cbc:Name></cac:PartyName></cac:Party></cac:RetailerCustomerParty>' +
  `<cac:InventoryReportLine><cbc:ID>1</cbc:ID><cbc:Quantity>${quantity}</cbc:Quantity>` +
  `<cac:Item><cac:SellersItemIdentification><cbc:ID>${escapeText(sku)}</cbc:ID></cac:SellersItemIdentification></cac:Item>` +
  '</cac:InventoryReportLine></InventoryReport>\n'

function drop(slug: string, name: string, content: string): string {
  mkdirSync(dirOf(slug, 'incoming'), { recursive: true })
  const path = join(dirOf(slug, 'incoming'), name)
  writeFileSync(path, content)
  return path
}

test('a dropped document is applied on the second poll, moved to processed/ with its outcome', async () => {
  drop(brand.brand.slug, 'stock-1.xml', report('INBOX-1', 42))
  const first = await poll()
  assert.deepEqual(first.received, [])
  assert.equal(first.waiting.length, 1)
  assert.equal(await onHand(), 100_000)
  const second = await poll()
  assert.deepEqual(
    second.received.map((r) => [r.file, r.status]),
    [['stock-1.xml', 'applied']],
  )
  assert.equal(await onHand(), 42)
  assert.deepEqual(readdirSync(dirOf(brand.brand.slug, 'incoming')), [])
  assert.deepEqual(readdirSync(dirOf(brand.brand.slug, 'processed')).sort(), [
    'stock-1.xml',
    'stock-1.xml.outcome.json',
  ])
  const outcome = JSON.parse(
    readFileSync(join(dirOf(brand.brand.slug, 'processed'), 'stock-1.xml.outcome.json'), 'utf8'),
  )
  assert.equal(outcome.status, 'applied')
  assert.equal(outcome.documentId, 'INBOX-1')
  const row = await db
    .selectFrom('erp_inbound')
    .select(['source', 'file_name', 'received_by', 'outcome'])
    .where('brand_id', '=', brand.brand.id)
    .where('document_id', '=', 'INBOX-1')
    .executeTakeFirstOrThrow()
  assert.deepEqual(row, { source: 'inbox', file_name: 'stock-1.xml', received_by: 'erp-inbox', outcome: 'applied' })
})

test('a file still being written (size or mtime changing) and .part/.tmp/hidden names are not taken', async () => {
  const path = drop(brand.brand.slug, 'stock-2.xml', report('INBOX-2', 7).slice(0, 100))
  drop(brand.brand.slug, 'stock-3.xml.part', report('INBOX-3', 8))
  drop(brand.brand.slug, '.stock-4.xml', report('INBOX-4', 9))
  assert.equal((await poll()).received.length, 0)
  writeFileSync(path, report('INBOX-2', 7).slice(0, 300)) // grew since the last poll
  assert.equal((await poll()).received.length, 0)
  writeFileSync(path, report('INBOX-2', 7))
  const later = new Date(Date.now() + 5000)
  utimesSync(path, later, later)
  assert.equal((await poll()).received.length, 0)
  const done = await poll()
  assert.deepEqual(
    done.received.map((r) => [r.file, r.status]),
    [['stock-2.xml', 'applied']],
  )
  assert.equal(await onHand(), 7)
  assert.deepEqual(readdirSync(dirOf(brand.brand.slug, 'incoming')).sort(), ['.stock-4.xml', 'stock-3.xml.part'])
})

test('a re-sent document goes to processed/ as a duplicate; malformed and hostile files go to failed/ with the reason', async () => {
  drop(brand.brand.slug, 'again.xml', report('INBOX-1', 999))
  drop(brand.brand.slug, 'broken.xml', report('INBOX-5', 1).slice(0, -30))
  drop(
    brand.brand.slug,
    'xxe.xml',
    report('INBOX-6', 1).replace(
      '<InventoryReport',
      '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<InventoryReport',
    ),
  )
  drop(brand.brand.slug, 'unknown-sku.xml', report('INBOX-7', 5).replace(escapeText(sku), 'NOPE'))
  await poll()
  const result = await poll()
  assert.deepEqual(result.received.map((r) => [r.file, r.status]).sort(), [
    ['again.xml', 'duplicate'],
    ['broken.xml', 'failed'],
    ['unknown-sku.xml', 'rejected'],
    ['xxe.xml', 'failed'],
  ])
  assert.equal(await onHand(), 7)
  const failed = dirOf(brand.brand.slug, 'failed')
  assert.deepEqual(readdirSync(failed).sort(), [
    'broken.xml',
    'broken.xml.outcome.json',
    'unknown-sku.xml',
    'unknown-sku.xml.outcome.json',
    'xxe.xml',
    'xxe.xml.outcome.json',
  ])
  const xxe = JSON.parse(readFileSync(join(failed, 'xxe.xml.outcome.json'), 'utf8'))
  assert.equal(xxe.status, 'failed')
  assert.match(xxe.error.reason, /DOCTYPE is not allowed/)
  const unknown = JSON.parse(readFileSync(join(failed, 'unknown-sku.xml.outcome.json'), 'utf8'))
  assert.deepEqual(unknown.errors, [{ line: 1, reason: 'unknown item NOPE' }])
  assert.ok(existsSync(join(dirOf(brand.brand.slug, 'processed'), 'again.xml.outcome.json')))
  // A second file of an earlier name keeps both.
  drop(brand.brand.slug, 'broken.xml', '<nope')
  await poll()
  await poll()
  assert.ok(readdirSync(failed).includes('broken.xml.2'))
})

test("a brand's inbox applies to that brand only; a folder of an unknown brand is left alone", async () => {
  const otherSku = (
    await db.selectFrom('variants').select('sku').where('id', '=', other.variantIds[0]!).executeTakeFirstOrThrow()
  ).sku
  // Brand A's SKU dropped in brand B's inbox is unknown there: nothing of A changes.
  drop(other.brand.brand.slug, 'cross.xml', report('INBOX-X', 1))
  drop('no-such-brand', 'lost.xml', report('INBOX-Y', 1))
  await poll()
  const result = await poll()
  assert.deepEqual(
    result.received.map((r) => [r.brand, r.status]),
    [[other.brand.brand.slug, 'rejected']],
  )
  assert.equal(await onHand(), 7)
  assert.notEqual(otherSku, sku)
  assert.deepEqual(readdirSync(dirOf('no-such-brand', 'incoming')), ['lost.xml'])
})

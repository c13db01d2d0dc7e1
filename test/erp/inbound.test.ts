/**
 * Inbound ERP documents through real HTTP: the official UBL examples (../shared/ubl-2.4/examples),
 * adapted to an order placed in the test, posted with the brand's API key.
 */
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { escapeText } from '../../src/erp/xml.ts'
import { stockLevels } from '../../src/inventory/index.ts'
import { getOrder } from '../../src/orders/index.ts'
import { apiKeyFor } from '../access/fixtures.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand } from '../helpers/fixtures.ts'
import { startTestServer } from '../helpers/server.ts'
import { erpBrand, placeTestOrder } from './helpers.ts'

const examples = join(import.meta.dirname, '../../../shared/ubl-2.4/examples')
const despatchExample = join(examples, 'UBL-DespatchAdvice-2.0-Example.xml')
const inventoryExample = join(examples, 'UBL-InventoryReport-2.1-Example.xml')
const missing =
  existsSync(despatchExample) && existsSync(inventoryExample)
    ? false
    : `UBL examples not found in ${examples}: inbound ERP document tests skipped`

describe('inbound ERP documents', { skip: missing }, async () => {
  if (missing) return
  const database = await openTestDatabase()
  const db = database.db
  const { brand, variantIds } = await erpBrand(db, null)
  const other = await createTestBrand(db)
  const server = await startTestServer(database)
  const [v0, v1] = variantIds as [string, string]
  const variants = await db.selectFrom('variants').select(['id', 'sku', 'gtin']).where('id', 'in', variantIds).execute()
  const skuOf = (id: string) => variants.find((v) => v.id === id)!.sku
  const { key } = await apiKeyFor(brand, ['erp:inbound'])
  const { key: otherKey } = await apiKeyFor(other, ['erp:inbound'])
  const { key: readOnlyKey } = await apiKeyFor(brand, ['orders:read'])
  const path = `/api/admin/brands/${brand.brand.slug}/erp/documents`

  const post = (xml: string, bearer: string | null = key, to = path) =>
    server.request('POST', to, {
      rawBody: xml,
      headers: { 'content-type': 'application/xml', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    })
  const stock = async () =>
    Object.fromEntries(
      (await stockLevels(brand, variantIds)).map((s) => [s.variantId === v0 ? 'v0' : 'v1', [s.onHand, s.reserved]]),
    )
  const inboundRows = () =>
    db
      .selectFrom('erp_inbound')
      .select(['document_type', 'document_id', 'outcome', 'errors'])
      .where('brand_id', '=', brand.brand.id)
      .orderBy('received_at')
      .execute()

  /** The official example, pointed at our order: its number, our SKUs, a carrier and a tracking number. */
  function despatchAdvice(documentId: string, orderNumber: string): string {
    const line = (no: number, sku: string, quantity: number) =>
      `<cac:DespatchLine><cbc:ID>${no}</cbc:ID><cbc:DeliveredQuantity unitCode="C62">${quantity}</cbc:DeliveredQuantity>` +
      '<cac:OrderLineReference><cbc:LineID>1</cbc:LineID></cac:OrderLineReference>' +
      `<cac:Item><cbc:Name>x</cbc:Name><cac:SellersItemIdentification><cbc:ID>${escapeText(sku)}</cbc:ID></cac:SellersItemIdentification></cac:Item></cac:DespatchLine>`
    return readFileSync(despatchExample, 'utf8')
      .replace('<cbc:ID>565899</cbc:ID>', `<cbc:ID>${documentId}</cbc:ID>`)
      .replaceAll('AEG012345', orderNumber)
      .replace(
        /<cac:Consignment>\s*<cbc:ID>1<\/cbc:ID>\s*<\/cac:Consignment>/,
        '<cac:Consignment><cbc:ID>1</cbc:ID><cac:CarrierParty><cac:PartyName><cbc:Name>Colissimo &amp; Co</cbc:Name></cac:PartyName></cac:CarrierParty></cac:Consignment>',
      )
      .replace('<cac:Delivery>', '<cac:Delivery><cbc:TrackingID>6A12345678901</cbc:TrackingID>')
      .replace(/<cac:DespatchLine>[\s\S]*<\/cac:DespatchLine>/, line(1, skuOf(v0), 1) + line(2, skuOf(v1), 2))
  }

  /** The official example: line 1 by GTIN (v0), line 2 an unknown SKU, line 3 by SKU (v1). */
  function inventoryReport(documentId: string): string {
    return readFileSync(inventoryExample, 'utf8')
      .replace('<cbc:ID>CC2679</cbc:ID>', `<cbc:ID>${documentId}</cbc:ID>`)
      .replace(
        /<cac:SellersItemIdentification>\s*<cbc:ID>DD88<\/cbc:ID>\s*<\/cac:SellersItemIdentification>/,
        '<cac:StandardItemIdentification><cbc:ID schemeID="0160">4006381333931</cbc:ID></cac:StandardItemIdentification>',
      )
      .replace('<cbc:ID>BA058</cbc:ID>', `<cbc:ID>${escapeText(skuOf(v1))}</cbc:ID>`)
  }

  test('a DespatchAdvice ships the order with carrier and tracking; its units leave on_hand and reserved', async () => {
    const order = await placeTestOrder(brand, variantIds) // 1 × v0, 2 × v1
    assert.deepEqual(await stock(), { v0: [100_000, 1], v1: [100_000, 2] })
    const res = await post(despatchAdvice('DA-1', order.number))
    assert.equal(res.status, 200, res.text)
    assert.deepEqual(res.body, {
      status: 'applied',
      documentType: 'DespatchAdvice',
      documentId: 'DA-1',
      inboundId: res.body.inboundId,
      summary: {
        order: order.number,
        carrier: 'Colissimo & Co',
        tracking: '6A12345678901',
        units: 3,
        orderShipped: true,
        unitsLeftToShip: 0,
      },
      errors: [],
    })
    assert.equal((await getOrder(brand, order.id))!.status, 'shipped')
    const shipments = await db
      .selectFrom('order_shipments')
      .select(['document_id', 'carrier', 'tracking', 'lines'])
      .where('order_id', '=', order.id)
      .execute()
    assert.deepEqual(shipments, [
      {
        document_id: 'DA-1',
        carrier: 'Colissimo & Co',
        tracking: '6A12345678901',
        lines: [
          { lineNo: 1, sku: skuOf(v0), quantity: 1 },
          { lineNo: 2, sku: skuOf(v1), quantity: 2 },
        ],
      },
    ])
    assert.deepEqual(await stock(), { v0: [99_999, 0], v1: [99_998, 0] })
  })

  test('a re-sent DespatchAdvice is acknowledged as a duplicate and not applied twice', async () => {
    const [shipped] = await db.selectFrom('orders').select('number').where('brand_id', '=', brand.brand.id).execute()
    const res = await post(despatchAdvice('DA-1', shipped!.number))
    assert.equal(res.status, 200)
    assert.equal(res.body.status, 'duplicate')
    assert.deepEqual(await stock(), { v0: [99_999, 0], v1: [99_998, 0] })
    assert.equal(
      (await db.selectFrom('order_shipments').select('order_id').where('brand_id', '=', brand.brand.id).execute())
        .length,
      1,
    )
  })

  test('an InventoryReport sets on_hand of known items, keeps reserved, reports the unknown SKU', async () => {
    await placeTestOrder(brand, variantIds) // reserves 1 × v0, 2 × v1
    const res = await post(inventoryReport('IR-1'))
    assert.equal(res.status, 200, res.text)
    assert.equal(res.body.status, 'partially-applied')
    assert.deepEqual(res.body.errors, [{ line: 2, reason: 'unknown item DA008' }])
    assert.deepEqual(res.body.summary, { lines: 3, updated: 2, unknown: 1 })
    assert.deepEqual(await stock(), { v0: [10, 1], v1: [5, 2] })

    await db.updateTable('stock_levels').set({ on_hand: 77 }).where('variant_id', '=', v0).execute()
    const again = await post(inventoryReport('IR-1'))
    assert.equal(again.body.status, 'duplicate')
    assert.deepEqual(await stock(), { v0: [77, 1], v1: [5, 2] })
  })

  test('refuses a DOCTYPE (XXE), malformed XML and an unknown root with a 400 problem, changing nothing', async () => {
    const before = await stock()
    const rowsBefore = (await inboundRows()).length
    const xxe = inventoryReport('IR-XXE')
      .replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
      )
      .replace('<cbc:Quantity unitCode="NAR">15</cbc:Quantity>', '<cbc:Quantity unitCode="NAR">&xxe;</cbc:Quantity>')
    const cases: Array<[string, RegExp]> = [
      [xxe, /DOCTYPE is not allowed/],
      [inventoryReport('IR-BAD').replace('</InventoryReport>', ''), /not well-formed XML/],
      [
        '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><cbc:ID xmlns:cbc="x">1</cbc:ID></Invoice>',
        /unsupported document/,
      ],
    ]
    for (const [xml, reason] of cases) {
      const res = await post(xml)
      assert.equal(res.status, 400, res.text)
      assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/)
      assert.match(res.body.detail, reason)
    }
    // Over 5 MB: refused by the body limit before it is read (413, the app's payload-too-large).
    const huge = await post(`<InventoryReport>${' '.repeat(5 * 1024 * 1024)}</InventoryReport>`)
    assert.equal(huge.status, 413)
    assert.equal(huge.body.type, '/problems/payload-too-large')
    assert.deepEqual(await stock(), before)
    assert.equal((await inboundRows()).length, rowsBefore)
  })

  test('a DespatchAdvice for an unknown order is recorded as rejected and changes nothing', async () => {
    const before = await stock()
    const res = await post(despatchAdvice('DA-404', `${brand.brand.orderPrefix}-999999`))
    assert.equal(res.status, 200)
    assert.equal(res.body.status, 'rejected')
    assert.deepEqual(res.body.errors, [{ line: null, reason: `order ${brand.brand.orderPrefix}-999999 not found` }])
    assert.deepEqual(await stock(), before)
  })

  test('records every applied document with its id and outcome', async () => {
    const rows = await inboundRows()
    assert.deepEqual(
      rows.map((r) => [r.document_type, r.document_id, r.outcome, r.errors.length]),
      [
        ['DespatchAdvice', 'DA-1', 'applied', 0],
        ['InventoryReport', 'IR-1', 'partially-applied', 1],
        ['DespatchAdvice', 'DA-404', 'rejected', 1],
      ],
    )
  })

  test('no key → 401; a key without erp:inbound → 403; another brand’s key → 404', async () => {
    const xml = inventoryReport('IR-AUTH')
    assert.equal((await post(xml, null)).status, 401)
    assert.equal((await post(xml, readOnlyKey)).status, 403)
    assert.equal((await post(xml, otherKey)).status, 404)
    assert.equal((await post(xml, key, `/api/admin/brands/${other.brand.slug}/erp/documents`)).status, 404)
    assert.equal(
      (await inboundRows()).some((r) => r.document_id === 'IR-AUTH'),
      false,
    )
  })
})

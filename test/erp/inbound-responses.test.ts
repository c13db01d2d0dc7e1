/**
 * StockAvailabilityReport, OrderResponse and partial/second shipments through real HTTP, built
 * from the official UBL examples (../shared/ubl-2.4/examples) pointed at orders placed here.
 */
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { escapeText } from '../../src/erp/xml.ts'
import { validateUbl, xsdAvailable } from '../../src/erp/xsd.ts'
import { stockLevels } from '../../src/inventory/index.ts'
import { getOrder } from '../../src/orders/index.ts'
import { apiKeyFor } from '../access/fixtures.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { startTestServer } from '../helpers/server.ts'
import { cancelTestOrder, erpBrand, placeTestOrder } from './helpers.ts'

const examples = join(import.meta.dirname, '../../../shared/ubl-2.4/examples')
const files = {
  stock: join(examples, 'UBL-StockAvailabilityReport-2.1-Example.xml'),
  response: join(examples, 'UBL-OrderResponse-2.1-Example.xml'),
  despatch: join(examples, 'UBL-DespatchAdvice-2.0-Example.xml'),
}
const missing = Object.values(files).every((f) => existsSync(f))
  ? false
  : `UBL examples not found in ${examples}: StockAvailabilityReport/OrderResponse/partial shipment tests skipped`

describe('inbound ERP stock availability, order responses and partial shipments', { skip: missing }, async () => {
  if (missing) return
  const database = await openTestDatabase()
  const db = database.db
  const { brand, variantIds } = await erpBrand(db, null, { variants: 3 })
  const other = await erpBrand(db, null)
  const server = await startTestServer(database)
  const [v0, v1, v2] = variantIds as [string, string, string]
  const variants = await db.selectFrom('variants').select(['id', 'sku']).where('id', 'in', variantIds).execute()
  const skuOf = (id: string) => variants.find((v) => v.id === id)!.sku
  const { key } = await apiKeyFor(brand, ['erp:inbound'])
  const { key: otherKey } = await apiKeyFor(other.brand, ['erp:inbound'])
  const slug = brand.brand.slug
  const post = (xml: string, bearer = key, toSlug = slug) =>
    server.request('POST', `/api/admin/brands/${toSlug}/erp/documents`, {
      rawBody: xml,
      headers: { 'content-type': 'application/xml', authorization: `Bearer ${bearer}` },
    })
  const erpView = (orderId: string, toSlug = slug) =>
    server.request('GET', `/api/admin/brands/${toSlug}/orders/${orderId}/erp`, { admin: true })
  const levels = async (): Promise<Record<'v0' | 'v1' | 'v2', [number, number]>> =>
    Object.fromEntries(
      (await stockLevels(brand, variantIds)).map((s) => [
        `v${variantIds.indexOf(s.variantId)}`,
        [s.onHand, s.reserved],
      ]),
    ) as Record<'v0' | 'v1' | 'v2', [number, number]>

  /** The official example: line 1 → v0 by SKU (50), line 2 → v1 (80) dated in the future, line 3 unknown (0). */
  function stockReport(id: string, futureDate: string): string {
    return readFileSync(files.stock, 'utf8')
      .replace('<cbc:ID>SA2009</cbc:ID>', `<cbc:ID>${id}</cbc:ID>`)
      .replace('<cbc:ID>ZZ738</cbc:ID>', `<cbc:ID>${escapeText(skuOf(v0))}</cbc:ID>`)
      .replace('<cbc:ID>K0058</cbc:ID>', `<cbc:ID>${escapeText(skuOf(v1))}</cbc:ID>`)
      .replace(
        '<cbc:AvailabilityDate>2010-04-11</cbc:AvailabilityDate>',
        `<cbc:AvailabilityDate>${futureDate}</cbc:AvailabilityDate>`,
      )
  }

  /** The official example, answering our order; `code` adds a cbc:OrderResponseCode in its schema place. */
  function orderResponse(
    id: string,
    orderNumber: string,
    code: string | null,
    note = 'Out of <stock> & sorry',
  ): string {
    let xml = readFileSync(files.response, 'utf8')
      .replace('<cbc:ID>7</cbc:ID>', `<cbc:ID>${id}</cbc:ID>`)
      .replace(
        '<cbc:Note>Information text for the whole order response</cbc:Note>',
        `<cbc:Note>${escapeText(note)}</cbc:Note>`,
      )
      .replace(/<cac:OrderReference>\s*<cbc:ID>34<\/cbc:ID>/, `<cac:OrderReference><cbc:ID>${orderNumber}</cbc:ID>`)
    if (code) xml = xml.replace('<cbc:Note>', `<cbc:OrderResponseCode>${code}</cbc:OrderResponseCode><cbc:Note>`)
    return xml
  }

  function despatch(id: string, orderNumber: string, lines: Array<[string, number]>): string {
    const line = ([variantId, quantity]: [string, number], i: number) =>
      `<cac:DespatchLine><cbc:ID>${i + 1}</cbc:ID><cbc:DeliveredQuantity unitCode="C62">${quantity}</cbc:DeliveredQuantity>` +
      '<cac:OrderLineReference><cbc:LineID>1</cbc:LineID></cac:OrderLineReference>' +
      `<cac:Item><cbc:Name>x</cbc:Name><cac:SellersItemIdentification><cbc:ID>${escapeText(skuOf(variantId))}</cbc:ID></cac:SellersItemIdentification></cac:Item></cac:DespatchLine>`
    const xml = readFileSync(files.despatch, 'utf8')
      .replace('<cbc:ID>565899</cbc:ID>', `<cbc:ID>${id}</cbc:ID>`)
      .replaceAll('AEG012345', orderNumber)
      .replace('<cac:Delivery>', `<cac:Delivery><cbc:TrackingID>TRK-${id}</cbc:TrackingID>`)
    return lines.length === 0
      ? xml.replace(/<cac:DespatchLine>[\s\S]*<\/cac:DespatchLine>/, '')
      : xml.replace(/<cac:DespatchLine>[\s\S]*<\/cac:DespatchLine>/, lines.map(line).join(''))
  }

  test('a StockAvailabilityReport sets on_hand like an InventoryReport, skips future lines, reports unknown items', async () => {
    await placeTestOrder(brand, [v0, v1]) // reserves 1 × v0, 2 × v1
    const res = await post(stockReport('SA-1', '2999-01-01'))
    assert.equal(res.status, 200, res.text)
    assert.equal(res.body.status, 'partially-applied')
    assert.deepEqual(res.body.summary, { lines: 3, updated: 1, unknown: 1, notYetAvailable: 1 })
    assert.deepEqual(res.body.errors, [
      { line: 2, reason: 'skipped: available from 2999-01-01, not yet in stock' },
      { line: 3, reason: 'unknown item PK009' },
    ])
    // on_hand := 50 for v0, reserved kept (in-flight order not counted twice); v1 untouched.
    assert.deepEqual((await levels()).v0, [50, 1])
    assert.deepEqual((await levels()).v1, [100_000, 2])
    const dup = await post(stockReport('SA-1', '2999-01-01'))
    assert.equal(dup.body.status, 'duplicate')
    // Dated today or earlier: applied.
    const past = await post(stockReport('SA-2', '2001-02-03'))
    assert.equal(past.body.status, 'partially-applied')
    assert.deepEqual((await levels()).v1, [80, 2])
  })

  test('the documents these tests send are still valid UBL 2.4 (xmllint --schema)', {
    skip: !xsdAvailable() && 'no xmllint or UBL XSD',
  }, async () => {
    const checks: Array<[string, string]> = [
      ['StockAvailabilityReport', stockReport('SA-X', '2999-01-01')],
      ['OrderResponse', orderResponse('OR-X', 'ABC-000001', 'RE')],
      ['OrderResponse', orderResponse('OR-Y', 'ABC-000001', null)],
      ['DespatchAdvice', despatch('DA-X', 'ABC-000001', [[v0, 1]])],
    ]
    for (const [type, xml] of checks) {
      const [result] = await validateUbl(type, [xml])
      assert.deepEqual(result, { valid: true, errors: [] }, type)
    }
  })

  test('the official StockAvailabilityReport example as is: all unknown items → rejected, nothing changes', async () => {
    const before = await levels()
    const res = await post(readFileSync(files.stock, 'utf8'))
    assert.equal(res.status, 200)
    assert.equal(res.body.status, 'rejected')
    assert.equal(res.body.errors.length, 3)
    assert.deepEqual(await levels(), before)
  })

  test('an OrderResponse without a code accepts the order; its disputed line is kept; shown in the order ERP view', async () => {
    const order = await placeTestOrder(brand, [v0])
    const res = await post(orderResponse('OR-1', order.number, null))
    assert.equal(res.status, 200, res.text)
    assert.equal(res.body.status, 'applied')
    assert.deepEqual(res.body.summary, {
      order: order.number,
      orderStatus: 'placed',
      response: 'accepted',
      linesWithStatus: 1,
    })
    const view = await erpView(order.id)
    assert.equal(view.status, 200, view.text)
    assert.equal(view.body.responses.length, 1)
    assert.deepEqual(
      { ...view.body.responses[0], receivedAt: undefined },
      {
        documentId: 'OR-1',
        response: 'accepted',
        code: null,
        note: 'Out of <stock> & sorry',
        lines: [{ line: '2', status: 'Disputed', note: null }],
        receivedAt: undefined,
      },
    )
    assert.equal(view.body.deliveries.length, 1)
    assert.equal(view.body.deliveries[0].topic, 'order.placed')
  })

  test('a rejection (RE) is recorded on the order but neither cancels it nor releases its stock', async () => {
    const order = await placeTestOrder(brand, [v2, v0])
    const before = await levels()
    const res = await post(orderResponse('OR-RE', order.number, 'RE', 'Customer blocked'))
    assert.equal(res.body.status, 'applied')
    assert.equal(res.body.summary.response, 'rejected')
    assert.equal((await getOrder(brand, order.id))!.status, 'placed')
    assert.deepEqual(await levels(), before)
    const view = await erpView(order.id)
    assert.equal(view.body.responses[0].response, 'rejected')
    assert.equal(view.body.responses[0].code, 'RE')
    // An unknown code is refused, not guessed; an unknown order is recorded as rejected.
    const bad = await post(orderResponse('OR-XX', order.number, 'ZZ'))
    assert.equal(bad.status, 400)
    assert.match(bad.body.detail, /OrderResponseCode ZZ/)
    const unknown = await post(orderResponse('OR-404', `${brand.brand.orderPrefix}-999999`, 'AP'))
    assert.equal(unknown.body.status, 'rejected')
  })

  test('partial shipments: lines ship in two advices; the order is shipped only when all are', async () => {
    const order = await placeTestOrder(brand, [v0, v1, v2]) // 1 × v0, 2 × v1, 1 × v2
    const start = await levels()
    // First advice: v0 in full, 1 of the 2 × v1.
    const first = await post(
      despatch('DA-P1', order.number, [
        [v0, 1],
        [v1, 1],
      ]),
    )
    assert.equal(first.body.status, 'applied', first.text)
    assert.equal(first.body.summary.orderShipped, false)
    assert.equal(first.body.summary.unitsLeftToShip, 2)
    assert.equal((await getOrder(brand, order.id))!.status, 'partially_shipped')
    const mid = await levels()
    assert.deepEqual(mid.v0, [start.v0[0] - 1, start.v0[1] - 1])
    assert.deepEqual(mid.v1, [start.v1[0] - 1, start.v1[1] - 1])
    assert.deepEqual(mid.v2, start.v2)
    // Over-shipping v0 again is reported; the rest (1 × v1, 1 × v2) comes in a second advice.
    const again = await post(despatch('DA-P2', order.number, [[v0, 1]]))
    assert.equal(again.body.status, 'rejected')
    assert.match(again.body.errors[0].reason, /more .* shipped than ordered/)
    const second = await post(despatch('DA-P3', order.number, []))
    assert.equal(second.body.status, 'applied', second.text)
    assert.deepEqual([second.body.summary.units, second.body.summary.orderShipped], [2, true])
    assert.equal((await getOrder(brand, order.id))!.status, 'shipped')
    const end = await levels()
    assert.deepEqual(end.v1, [start.v1[0] - 2, start.v1[1] - 2])
    assert.deepEqual(end.v2, [start.v2[0] - 1, start.v2[1] - 1])
    const view = await erpView(order.id)
    assert.deepEqual(
      view.body.shipments.map((s: { documentId: string; tracking: string; lines: unknown[] }) => [
        s.documentId,
        s.tracking,
        s.lines,
      ]),
      [
        [
          'DA-P1',
          'TRK-DA-P1',
          [
            { lineNo: 1, sku: skuOf(v0), quantity: 1 },
            { lineNo: 2, sku: skuOf(v1), quantity: 1 },
          ],
        ],
        [
          'DA-P3',
          'TRK-DA-P3',
          [
            { lineNo: 2, sku: skuOf(v1), quantity: 1 },
            { lineNo: 3, sku: skuOf(v2), quantity: 1 },
          ],
        ],
      ],
    )
    // A third advice for a shipped order is rejected.
    const late = await post(despatch('DA-P4', order.number, []))
    assert.equal(late.body.status, 'rejected')
    assert.deepEqual(await levels(), end)
  })

  test('a partially shipped order is refused cancellation (409) and releases nothing; admin and shop show it', async () => {
    const order = await placeTestOrder(brand, [v0, v1]) // 1 × v0, 2 × v1
    const part = await post(despatch('DA-C1', order.number, [[v1, 1]]))
    assert.equal(part.body.status, 'applied', part.text)
    assert.deepEqual([part.body.summary.orderShipped, part.body.summary.unitsLeftToShip], [false, 2])
    const before = await levels()
    const orderPath = `/api/admin/brands/${slug}/orders/${order.id}`
    const cancelledRows = () =>
      db
        .selectFrom('outbox')
        .select('id')
        .where('brand_id', '=', brand.brand.id)
        .where('aggregate_id', '=', order.id)
        .where('topic', '=', 'order.cancelled')
        .execute()

    const refused = await server.request('POST', `${orderPath}/cancel`, {
      admin: true,
      body: { reason: 'changed mind' },
    })
    assert.equal(refused.status, 409, refused.text)
    assert.match(refused.headers['content-type'] ?? '', /application\/problem\+json/)
    assert.match(refused.body.type, /\/problems\/order-partially-shipped$/)
    assert.match(refused.body.detail, new RegExp(`${order.number} is partially shipped`))
    // Nothing released (the shipped unit of v1 least of all), no cancellation for the ERP.
    assert.deepEqual(await levels(), before)
    assert.deepEqual(await cancelledRows(), [])
    // The same through the use case directly, and a bare POST (no body).
    await assert.rejects(cancelTestOrder(brand, order.id), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'order-partially-shipped')
      return true
    })
    assert.equal((await server.request('POST', `${orderPath}/cancel`, { admin: true })).status, 409)

    // Hostile and cross-brand attempts change nothing either.
    const otherSlug = other.brand.brand.slug
    const cross = await server.request('POST', `/api/admin/brands/${otherSlug}/orders/${order.id}/cancel`, {
      admin: true,
    })
    assert.equal(cross.status, 404)
    assert.equal(
      (await server.request('POST', `/api/admin/brands/${slug}/orders/not-a-uuid/cancel`, { admin: true })).status,
      400,
    )
    const extra = await server.request('POST', `${orderPath}/cancel`, { admin: true, body: { status: 'cancelled' } })
    assert.equal(extra.status, 400)
    assert.deepEqual(await levels(), before)

    // The admin order view and the status filter.
    const view = await server.request('GET', orderPath, { admin: true })
    assert.equal(view.body.status, 'partially_shipped')
    const listed = await server.request('GET', `/api/admin/brands/${slug}/orders?status=partially_shipped`, {
      admin: true,
    })
    assert.deepEqual(
      listed.body.items.map((o: { id: string; status: string }) => [o.id, o.status]),
      [[order.id, 'partially_shipped']],
    )
    const elsewhere = await server.request('GET', `/api/admin/brands/${otherSlug}/orders?status=partially_shipped`, {
      admin: true,
    })
    assert.deepEqual(elsewhere.body.items, [])
    assert.equal(
      (await server.request('GET', `/api/admin/brands/${slug}/orders?status=half`, { admin: true })).status,
      400,
    )

    // The shopper's order page says so, in the brand's language.
    const placed = (await getOrder(brand, order.id))!
    const host = `${slug}.localhost`
    const page = await server.request('POST', '/orders/lookup', {
      host,
      rawBody: new URLSearchParams({ number: placed.number, email: placed.email }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: `http://${host}` },
    })
    assert.equal(page.status, 200, page.text)
    assert.match(page.text, brand.brand.locale.startsWith('fr') ? /Expédiée en partie/ : /Partly shipped/)

    // The rest ships: the order is shipped, and still not cancellable.
    const rest = await post(despatch('DA-C2', order.number, []))
    assert.deepEqual([rest.body.status, rest.body.summary.orderShipped], ['applied', true])
    const late = await server.request('POST', `${orderPath}/cancel`, { admin: true })
    assert.equal(late.status, 409)
    assert.match(late.body.type, /\/problems\/order-not-cancellable$/)
    assert.deepEqual(await cancelledRows(), [])
  })

  test("another brand's key cannot answer or ship this brand's order; its order view is a 404 elsewhere", async () => {
    const order = await placeTestOrder(brand, [v0])
    assert.equal((await post(orderResponse('OR-X1', order.number, 'RE'), otherKey)).status, 404)
    // Through its own brand's endpoint, our order number is unknown there.
    const res = await post(orderResponse('OR-X2', order.number, 'RE'), otherKey, other.brand.brand.slug)
    assert.equal(res.body.status, 'rejected')
    const cross = await post(despatch('DA-X', order.number, []), otherKey, other.brand.brand.slug)
    assert.equal(cross.body.status, 'rejected')
    assert.equal((await getOrder(brand, order.id))!.status, 'placed')
    assert.deepEqual((await erpView(order.id)).body.responses, [])
    assert.equal((await erpView(order.id, other.brand.brand.slug)).status, 404)
  })
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildCancellationDocument, buildOrderDocument } from '../../src/erp/ubl-order.ts'
import { attr, block, escapeAttribute, escapeText, leaf } from '../../src/erp/xml.ts'
import { validateUbl, xsdAvailable } from '../../src/erp/xsd.ts'
import { getOrder } from '../../src/orders/index.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { cancelTestOrder, erpBrand, hostileAddress, placeTestOrder } from './helpers.ts'

const database = await openTestDatabase()
const db = database.db
const ci = Boolean(process.env.CI)
const noXsd = xsdAvailable()
  ? false
  : 'UBL 2.4 schemas (../shared/ubl-2.4) or xmllint missing: XSD validation skipped (CI always has them)'
if (noXsd && ci) throw new Error(noXsd)

test('values are escaped, never concatenated raw; forbidden control characters are dropped', () => {
  assert.equal(escapeText('a & b < c > d'), 'a &amp; b &lt; c &gt; d')
  const xml = block(
    0,
    'x',
    [leaf(1, 'y', 'Zoë ]]> \u0001 ok', attr('a', '"q" & <t>\n')), null, false, ''],
    attr('b', undefined),
  )
  assert.equal(xml, '<x>\n  <y a="&quot;q&quot; &amp; &lt;t&gt;&#10;">Zoë ]]&gt;  ok</y>\n</x>\n')
  assert.equal(block(2, 'empty', [null, undefined, false]), '    <empty/>\n')
})

test('the escaping fast path returns clean values untouched and still catches every special character', () => {
  for (const clean of ['', 'ARD-000123', 'Zoë Dupont', '12,50', 'l’Église', '😀', "O'Brien"]) {
    assert.equal(escapeText(clean), clean)
    assert.equal(escapeAttribute(clean), clean)
  }
  assert.equal(escapeText('\u0000\u0008\u000B\u000C\u001F\uFFFE\uD800x'), 'x')
  assert.equal(escapeText('tab\tnl\ncr\r'), 'tab\tnl\ncr\r')
  assert.equal(escapeAttribute('tab\tnl\ncr\r'), 'tab&#9;nl&#10;cr&#13;')
  assert.equal(escapeAttribute('"<&>"'), '&quot;&lt;&amp;&gt;&quot;')
  assert.equal(escapeText('only >'), 'only &gt;')
})

test('Order and OrderCancellation from real orders (accents, &, <) validate against the UBL 2.4 XSD', {
  skip: noXsd,
}, async () => {
  const { brand, variantIds } = await erpBrand(db, null, { variants: 3 })
  const mapping = {
    buyerPartyId: 'WEB&SHOP',
    sellerPartyId: 'ARDOISE <1>',
    warehouseCode: 'W-É1',
    itemId: 'gtin' as const,
  }
  const orders = []
  for (let i = 0; i < 5; i++) orders.push(await placeTestOrder(brand, variantIds))
  await cancelTestOrder(brand, orders[0]!.id)
  const full = await Promise.all(orders.map(async (o) => (await getOrder(brand, o.id))!))
  const docs = full.map((o) => buildOrderDocument(o, brand.brand, mapping))
  const cancellation = buildCancellationDocument(full[0]!, brand.brand, mapping, {
    documentId: '0b7d7e1c-4d3f-4b55-9c1e-2f6f6c1a0d11',
    cancelledAt: new Date(),
    reason: 'Client <changed> & left',
  })
  const results = await validateUbl(
    'Order',
    docs.map((d) => d.xml),
  )
  assert.deepEqual(
    results.filter((r) => !r.valid),
    [],
  )
  const [c] = await validateUbl('OrderCancellation', [cancellation.xml])
  assert.deepEqual(c, { valid: true, errors: [] })
  const xml = docs[0]!.xml
  assert.ok(xml.includes(`<cbc:UUID>${full[0]!.id}</cbc:UUID>`))
  assert.ok(xml.includes(`<cbc:ID>${full[0]!.number}</cbc:ID>`))
  assert.ok(xml.includes('<cbc:ElectronicMail>'))
  assert.ok(xml.includes('Zoë &lt;O\'Brien&gt; &amp; "Fils" ]]&gt;'), 'names are escaped')
  assert.ok(xml.includes('<cbc:ID schemeID="0160">4006381333931</cbc:ID>'))
  assert.ok(xml.includes('<cbc:Quantity unitCode="C62">'))
  assert.ok(xml.includes('<cbc:PayableAmount currencyID="EUR">'))
  assert.ok(hostileAddress.name.includes('&'))
})

test('the XSD check really catches a schema violation (element order matters)', { skip: noXsd }, async () => {
  const bad = `<?xml version="1.0"?><Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"><cbc:IssueDate>2024-01-01</cbc:IssueDate><cbc:ID>1</cbc:ID></Order>`
  const [r] = await validateUbl('Order', [bad])
  assert.equal(r!.valid, false)
  assert.ok(r!.errors.length > 0)
})

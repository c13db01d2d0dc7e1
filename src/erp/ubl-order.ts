import type { Brand } from '../brands/brand.ts'
import type { Order } from '../orders/index.ts'
import { minorUnitDigits, vatIncluded } from '../platform/money.ts'
import type { ErpMapping } from './mapping.ts'
import { attr, block, leaf, type XmlPart, xmlDeclaration } from './xml.ts'

const ns = {
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
}
export const customizationId = 'urn:vitrine:ubl:2.4:order:1'

export interface UblDocument {
  /** The document's cbc:UUID: the ERP's de-duplication key (Idempotency-Key over HTTP). */
  documentId: string
  type: 'Order' | 'OrderCancellation'
  /** The order's readable number (file names, logs). */
  number: string
  xml: string
}

/** A decimal amount of `currency` from minor units, exactly (no float arithmetic). */
export function amount(minor: number, currency: string): string {
  const digits = minorUnitDigits(currency)
  if (digits === 0) return String(minor)
  const sign = minor < 0 ? '-' : ''
  const text = String(Math.abs(minor)).padStart(digits + 1, '0')
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`
}

/** A per-unit amount that may not be a whole minor unit (net price of a VAT-inclusive price): 4 decimals more. */
function unitAmount(minorTotal: number, quantity: number, currency: string): string {
  const scale = 10_000
  const scaled = Math.round((minorTotal * scale) / quantity)
  const digits = minorUnitDigits(currency) + 4
  const text = String(Math.abs(scaled)).padStart(digits + 1, '0')
  const whole = `${scaled < 0 ? '-' : ''}${text.slice(0, -digits)}.${text.slice(-digits)}`
  return whole.replace(/0+$/, '').replace(/\.$/, '')
}

const percent = (rateBp: number): string => (rateBp / 100).toFixed(2).replace(/\.?0+$/, '')
const isoDate = (d: Date) => d.toISOString().slice(0, 10)
const isoTime = (d: Date) => `${d.toISOString().slice(11, 19)}Z`
const cbc = (depth: number, name: string, value: string, attributes = '') =>
  leaf(depth, `cbc:${name}`, value, attributes)
const cac = (depth: number, name: string, ...children: XmlPart[]) => block(depth, `cac:${name}`, children)

// Fragments that depend only on their inputs (the VAT category at a depth, a brand's seller
// party), written once per process instead of once per document. Keys are few: a handful of VAT
// rates and one seller per brand and mapping.
const fragments = new Map<string, string>()
function fragment(key: string, write: () => string): string {
  let text = fragments.get(key)
  if (text === undefined) {
    text = write()
    if (fragments.size < 10_000) fragments.set(key, text)
  }
  return text
}

function taxCategory(depth: number, name: 'TaxCategory' | 'ClassifiedTaxCategory', rateBp: number): string {
  return fragment(`tax\u0000${depth}\u0000${name}\u0000${rateBp}`, () =>
    cac(
      depth,
      name,
      // UNCL 5305: S = standard rate, Z = zero rated.
      cbc(depth + 1, 'ID', rateBp > 0 ? 'S' : 'Z', attr('schemeID', 'UNCL5305')),
      cbc(depth + 1, 'Percent', percent(rateBp)),
      cac(
        depth + 1,
        'TaxScheme',
        cbc(depth + 2, 'ID', 'VAT', attr('schemeID', 'UN/ECE 5153') + attr('schemeAgencyID', '6')),
      ),
    ),
  )
}

function buyerParty(depth: number, order: Order, mapping: ErpMapping): string {
  const a = order.shippingAddress
  return cac(
    depth,
    'BuyerCustomerParty',
    cac(
      depth + 1,
      'Party',
      mapping.buyerPartyId && cac(depth + 2, 'PartyIdentification', cbc(depth + 3, 'ID', mapping.buyerPartyId)),
      cac(depth + 2, 'PartyName', cbc(depth + 3, 'Name', a.name)),
      cac(
        depth + 2,
        'Contact',
        a.phone && cbc(depth + 3, 'Telephone', a.phone),
        cbc(depth + 3, 'ElectronicMail', order.email),
      ),
    ),
  )
}

function sellerParty(depth: number, brand: Brand, mapping: ErpMapping): string {
  return fragment(`seller\u0000${depth}\u0000${brand.id}\u0000${brand.name}\u0000${mapping.sellerPartyId ?? ''}`, () =>
    cac(
      depth,
      'SellerSupplierParty',
      cac(
        depth + 1,
        'Party',
        mapping.sellerPartyId && cac(depth + 2, 'PartyIdentification', cbc(depth + 3, 'ID', mapping.sellerPartyId)),
        cac(depth + 2, 'PartyName', cbc(depth + 3, 'Name', brand.name)),
      ),
    ),
  )
}

function address(depth: number, order: Order): string {
  const a = order.shippingAddress
  return cac(
    depth,
    'DeliveryAddress',
    cbc(depth + 1, 'StreetName', a.line1),
    a.line2 && cbc(depth + 1, 'AdditionalStreetName', a.line2),
    cbc(depth + 1, 'CityName', a.city),
    cbc(depth + 1, 'PostalZone', a.postalCode),
    cac(depth + 1, 'Country', cbc(depth + 2, 'IdentificationCode', a.country.toUpperCase())),
  )
}

/**
 * The UBL 2.4 Order for a placed order, from the order as committed. Shop prices are
 * VAT-inclusive; UBL amounts are net of VAT with the VAT beside them, so: line net = line total −
 * line VAT, shipping is a document-level charge (net), PayableAmount = the order's total.
 * Element order follows the schema's sequences (UBL-Order-2.4.xsd), which validation enforces.
 * The depth arguments are each element's nesting level (the indentation of the output).
 */
export function buildOrderDocument(order: Order, brand: Brand, mapping: ErpMapping): UblDocument {
  const cur = order.currency
  const currencyId = attr('currencyID', cur)
  const a = (depth: number, name: string, minor: number) => cbc(depth, name, amount(minor, cur), currencyId)
  // A promotion code's discount is a document-level allowance (EN 16931's shape): lines are shown
  // before it, at their undiscounted net and VAT, and the allowance's net is what the discount
  // took off the lines' nets; the document's VAT is the order's (computed on the discounted lines).
  const discounted = order.discountMinor > 0
  const lineVat = (l: Order['lines'][number]) =>
    discounted ? vatIncluded(l.lineTotalMinor, order.vatRateBp) : l.vatMinor
  const linesNet = order.lines.reduce((sum, l) => sum + (l.lineTotalMinor - lineVat(l)), 0)
  const linesVat = order.lines.reduce((sum, l) => sum + l.vatMinor, 0)
  const linesNetPaid = order.lines.reduce((sum, l) => sum + l.lineTotalMinor, 0) - order.discountMinor - linesVat
  const discountNet = linesNet - linesNetPaid
  const shippingVat = order.vatMinor - linesVat
  const shippingNet = order.shippingMinor - shippingVat
  const taxExclusive = linesNetPaid + shippingNet
  const ship = order.shippingAddress
  const vatPercent = percent(order.vatRateBp)
  const unit = attr('unitCode', 'C62')

  const xml = block(
    0,
    'Order',
    [
      cbc(1, 'UBLVersionID', '2.4'),
      cbc(1, 'CustomizationID', customizationId),
      cbc(1, 'ID', order.number),
      cbc(1, 'UUID', order.id),
      cbc(1, 'IssueDate', isoDate(order.placedAt)),
      cbc(1, 'IssueTime', isoTime(order.placedAt)),
      cbc(1, 'DocumentCurrencyCode', cur),
      cbc(1, 'LineCountNumeric', String(order.lines.length)),
      buyerParty(1, order, mapping),
      sellerParty(1, brand, mapping),
      cac(
        1,
        'Delivery',
        address(2, order),
        cac(
          2,
          'DeliveryParty',
          cac(3, 'PartyName', cbc(4, 'Name', ship.name)),
          cac(
            3,
            'Contact',
            cbc(4, 'Name', ship.name),
            ship.phone && cbc(4, 'Telephone', ship.phone),
            cbc(4, 'ElectronicMail', order.email),
          ),
        ),
      ),
      cac(
        1,
        'DeliveryTerms',
        cbc(2, 'ID', order.shippingMethod),
        mapping.warehouseCode && cac(2, 'DeliveryLocation', cbc(3, 'ID', mapping.warehouseCode)),
      ),
      discounted &&
        cac(
          1,
          'AllowanceCharge',
          cbc(2, 'ChargeIndicator', 'false'),
          // UNCL 5189 95: discount.
          cbc(2, 'AllowanceChargeReasonCode', '95'),
          cbc(2, 'AllowanceChargeReason', `Promotion code ${order.promotionCode ?? ''}`.trim()),
          a(2, 'Amount', discountNet),
          a(2, 'TaxInclusiveAmount', order.discountMinor),
          taxCategory(2, 'TaxCategory', order.vatRateBp),
        ),
      order.shippingMinor > 0 &&
        cac(
          1,
          'AllowanceCharge',
          cbc(2, 'ChargeIndicator', 'true'),
          cbc(2, 'AllowanceChargeReason', `Shipping (${order.shippingMethod})`),
          a(2, 'Amount', shippingNet),
          taxCategory(2, 'TaxCategory', order.vatRateBp),
        ),
      cac(
        1,
        'TaxTotal',
        a(2, 'TaxAmount', order.vatMinor),
        cac(
          2,
          'TaxSubtotal',
          a(3, 'TaxableAmount', taxExclusive),
          a(3, 'TaxAmount', order.vatMinor),
          cbc(3, 'Percent', vatPercent),
          taxCategory(3, 'TaxCategory', order.vatRateBp),
        ),
      ),
      cac(
        1,
        'AnticipatedMonetaryTotal',
        a(2, 'LineExtensionAmount', linesNet),
        a(2, 'TaxExclusiveAmount', taxExclusive),
        a(2, 'TaxInclusiveAmount', order.totalMinor),
        discounted && a(2, 'AllowanceTotalAmount', discountNet),
        discounted && a(2, 'AllowanceTotalTaxInclusiveAmount', order.discountMinor),
        a(2, 'ChargeTotalAmount', shippingNet),
        a(2, 'PayableAmount', order.totalMinor),
      ),
      ...order.lines.map((line) => {
        const vat = lineVat(line)
        const net = line.lineTotalMinor - vat
        const sellerId = mapping.itemId === 'gtin' && line.gtin ? line.gtin : line.sku
        return cac(
          1,
          'OrderLine',
          cac(
            2,
            'LineItem',
            cbc(3, 'ID', String(line.lineNo)),
            cbc(3, 'Quantity', String(line.quantity), unit),
            a(3, 'LineExtensionAmount', net),
            a(3, 'TotalTaxAmount', vat),
            cac(
              3,
              'Price',
              cbc(4, 'PriceAmount', unitAmount(net, line.quantity, cur), currencyId),
              cbc(4, 'BaseQuantity', '1', unit),
            ),
            cac(
              3,
              'Item',
              cbc(4, 'Description', line.title),
              cbc(4, 'Name', line.title),
              cac(4, 'SellersItemIdentification', cbc(5, 'ID', sellerId)),
              line.gtin && cac(4, 'StandardItemIdentification', cbc(5, 'ID', line.gtin, attr('schemeID', '0160'))),
              taxCategory(4, 'ClassifiedTaxCategory', order.vatRateBp),
              line.size && cac(4, 'AdditionalItemProperty', cbc(5, 'Name', 'Size'), cbc(5, 'Value', line.size)),
              line.colour && cac(4, 'AdditionalItemProperty', cbc(5, 'Name', 'Colour'), cbc(5, 'Value', line.colour)),
            ),
            cac(
              3,
              'TaxTotal',
              a(4, 'TaxAmount', vat),
              cac(
                4,
                'TaxSubtotal',
                a(5, 'TaxableAmount', net),
                a(5, 'TaxAmount', vat),
                cbc(5, 'Percent', vatPercent),
                taxCategory(5, 'TaxCategory', order.vatRateBp),
              ),
            ),
          ),
        )
      }),
    ],
    orderNamespaces,
  )
  return { documentId: order.id, type: 'Order', number: order.number, xml: xmlDeclaration + xml }
}

const namespaces = (root: string) =>
  attr('xmlns', `urn:oasis:names:specification:ubl:schema:xsd:${root}-2`) +
  attr('xmlns:cac', ns.cac) +
  attr('xmlns:cbc', ns.cbc)
const orderNamespaces = namespaces('Order')
const cancellationNamespaces = namespaces('OrderCancellation')

export interface CancellationInput {
  /** The cancellation document's own UUID (the outbox row's document id). */
  documentId: string
  cancelledAt: Date
  reason: string | null
}

/** The UBL 2.4 OrderCancellation: refers to the order by number and UUID. */
export function buildCancellationDocument(
  order: Order,
  brand: Brand,
  mapping: ErpMapping,
  input: CancellationInput,
): UblDocument {
  const xml = block(
    0,
    'OrderCancellation',
    [
      cbc(1, 'UBLVersionID', '2.4'),
      cbc(1, 'CustomizationID', customizationId),
      cbc(1, 'ID', `${order.number}-C`),
      cbc(1, 'UUID', input.documentId),
      cbc(1, 'IssueDate', isoDate(input.cancelledAt)),
      cbc(1, 'IssueTime', isoTime(input.cancelledAt)),
      cbc(1, 'CancellationNote', input.reason?.trim() ? input.reason : 'Cancelled'),
      cac(
        1,
        'OrderReference',
        cbc(2, 'ID', order.number),
        cbc(2, 'UUID', order.id),
        cbc(2, 'IssueDate', isoDate(order.placedAt)),
      ),
      buyerParty(1, order, mapping),
      sellerParty(1, brand, mapping),
    ],
    cancellationNamespaces,
  )
  return { documentId: input.documentId, type: 'OrderCancellation', number: order.number, xml: xmlDeclaration + xml }
}

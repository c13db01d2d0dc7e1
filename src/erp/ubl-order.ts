import type { Brand } from '../brands/brand.ts'
import type { Order } from '../orders/index.ts'
import { minorUnitDigits } from '../platform/money.ts'
import type { ErpMapping } from './mapping.ts'
import { el, serialize, type XmlElement } from './xml.ts'

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
const cbc = (name: string, value: string, attributes: Record<string, string | undefined> | null = null) =>
  el(`cbc:${name}`, attributes, value)
const cac = (name: string, ...children: Parameters<typeof el>[2][]) => el(`cac:${name}`, null, ...children)

function taxScheme(): XmlElement {
  return cac('TaxScheme', cbc('ID', 'VAT', { schemeID: 'UN/ECE 5153', schemeAgencyID: '6' }))
}

function taxCategory(name: 'TaxCategory' | 'ClassifiedTaxCategory', rateBp: number): XmlElement {
  // UNCL 5305: S = standard rate, Z = zero rated.
  return cac(
    name,
    cbc('ID', rateBp > 0 ? 'S' : 'Z', { schemeID: 'UNCL5305' }),
    cbc('Percent', percent(rateBp)),
    taxScheme(),
  )
}

function buyerParty(order: Order, mapping: ErpMapping): XmlElement {
  return cac(
    'BuyerCustomerParty',
    cac(
      'Party',
      mapping.buyerPartyId ? cac('PartyIdentification', cbc('ID', mapping.buyerPartyId)) : null,
      cac('PartyName', cbc('Name', order.shippingAddress.name)),
      cac(
        'Contact',
        order.shippingAddress.phone ? cbc('Telephone', order.shippingAddress.phone) : null,
        cbc('ElectronicMail', order.email),
      ),
    ),
  )
}

function sellerParty(brand: Brand, mapping: ErpMapping): XmlElement {
  return cac(
    'SellerSupplierParty',
    cac(
      'Party',
      mapping.sellerPartyId ? cac('PartyIdentification', cbc('ID', mapping.sellerPartyId)) : null,
      cac('PartyName', cbc('Name', brand.name)),
    ),
  )
}

function address(order: Order): XmlElement {
  const a = order.shippingAddress
  return cac(
    'DeliveryAddress',
    cbc('StreetName', a.line1),
    a.line2 ? cbc('AdditionalStreetName', a.line2) : null,
    cbc('CityName', a.city),
    cbc('PostalZone', a.postalCode),
    cac('Country', cbc('IdentificationCode', a.country.toUpperCase())),
  )
}

/**
 * The UBL 2.4 Order for a placed order, from the order as committed. Shop prices are
 * VAT-inclusive; UBL amounts are net of VAT with the VAT beside them, so: line net = line total −
 * line VAT, shipping is a document-level charge (net), PayableAmount = the order's total.
 * Element order follows the schema's sequences (UBL-Order-2.4.xsd), which validation enforces.
 */
export function buildOrderDocument(order: Order, brand: Brand, mapping: ErpMapping): UblDocument {
  const cur = order.currency
  const a = (name: string, minor: number) => cbc(name, amount(minor, cur), { currencyID: cur })
  const linesNet = order.lines.reduce((sum, l) => sum + (l.lineTotalMinor - l.vatMinor), 0)
  const linesVat = order.lines.reduce((sum, l) => sum + l.vatMinor, 0)
  const shippingVat = order.vatMinor - linesVat
  const shippingNet = order.shippingMinor - shippingVat
  const taxExclusive = linesNet + shippingNet

  const root = el(
    'Order',
    { xmlns: 'urn:oasis:names:specification:ubl:schema:xsd:Order-2', 'xmlns:cac': ns.cac, 'xmlns:cbc': ns.cbc },
    cbc('UBLVersionID', '2.4'),
    cbc('CustomizationID', customizationId),
    cbc('ID', order.number),
    cbc('UUID', order.id),
    cbc('IssueDate', isoDate(order.placedAt)),
    cbc('IssueTime', isoTime(order.placedAt)),
    cbc('DocumentCurrencyCode', cur),
    cbc('LineCountNumeric', String(order.lines.length)),
    buyerParty(order, mapping),
    sellerParty(brand, mapping),
    cac(
      'Delivery',
      address(order),
      cac(
        'DeliveryParty',
        cac('PartyName', cbc('Name', order.shippingAddress.name)),
        cac(
          'Contact',
          cbc('Name', order.shippingAddress.name),
          order.shippingAddress.phone ? cbc('Telephone', order.shippingAddress.phone) : null,
          cbc('ElectronicMail', order.email),
        ),
      ),
    ),
    cac(
      'DeliveryTerms',
      cbc('ID', order.shippingMethod),
      mapping.warehouseCode ? cac('DeliveryLocation', cbc('ID', mapping.warehouseCode)) : null,
    ),
    order.shippingMinor > 0
      ? cac(
          'AllowanceCharge',
          cbc('ChargeIndicator', 'true'),
          cbc('AllowanceChargeReason', `Shipping (${order.shippingMethod})`),
          a('Amount', shippingNet),
          taxCategory('TaxCategory', order.vatRateBp),
        )
      : null,
    cac(
      'TaxTotal',
      a('TaxAmount', order.vatMinor),
      cac(
        'TaxSubtotal',
        a('TaxableAmount', taxExclusive),
        a('TaxAmount', order.vatMinor),
        cbc('Percent', percent(order.vatRateBp)),
        taxCategory('TaxCategory', order.vatRateBp),
      ),
    ),
    cac(
      'AnticipatedMonetaryTotal',
      a('LineExtensionAmount', linesNet),
      a('TaxExclusiveAmount', taxExclusive),
      a('TaxInclusiveAmount', order.totalMinor),
      a('ChargeTotalAmount', shippingNet),
      a('PayableAmount', order.totalMinor),
    ),
    order.lines.map((line) => {
      const net = line.lineTotalMinor - line.vatMinor
      const sellerId = mapping.itemId === 'gtin' && line.gtin ? line.gtin : line.sku
      return cac(
        'OrderLine',
        cac(
          'LineItem',
          cbc('ID', String(line.lineNo)),
          cbc('Quantity', String(line.quantity), { unitCode: 'C62' }),
          a('LineExtensionAmount', net),
          a('TotalTaxAmount', line.vatMinor),
          cac(
            'Price',
            cbc('PriceAmount', unitAmount(net, line.quantity, cur), { currencyID: cur }),
            cbc('BaseQuantity', '1', { unitCode: 'C62' }),
          ),
          cac(
            'Item',
            cbc('Description', line.title),
            cbc('Name', line.title),
            cac('SellersItemIdentification', cbc('ID', sellerId)),
            line.gtin ? cac('StandardItemIdentification', cbc('ID', line.gtin, { schemeID: '0160' })) : null,
            taxCategory('ClassifiedTaxCategory', order.vatRateBp),
            line.size ? cac('AdditionalItemProperty', cbc('Name', 'Size'), cbc('Value', line.size)) : null,
            line.colour ? cac('AdditionalItemProperty', cbc('Name', 'Colour'), cbc('Value', line.colour)) : null,
          ),
          cac(
            'TaxTotal',
            a('TaxAmount', line.vatMinor),
            cac(
              'TaxSubtotal',
              a('TaxableAmount', net),
              a('TaxAmount', line.vatMinor),
              cbc('Percent', percent(order.vatRateBp)),
              taxCategory('TaxCategory', order.vatRateBp),
            ),
          ),
        ),
      )
    }),
  )
  return { documentId: order.id, type: 'Order', number: order.number, xml: serialize(root) }
}

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
  const root = el(
    'OrderCancellation',
    {
      xmlns: 'urn:oasis:names:specification:ubl:schema:xsd:OrderCancellation-2',
      'xmlns:cac': ns.cac,
      'xmlns:cbc': ns.cbc,
    },
    cbc('UBLVersionID', '2.4'),
    cbc('CustomizationID', customizationId),
    cbc('ID', `${order.number}-C`),
    cbc('UUID', input.documentId),
    cbc('IssueDate', isoDate(input.cancelledAt)),
    cbc('IssueTime', isoTime(input.cancelledAt)),
    cbc('CancellationNote', input.reason?.trim() ? input.reason : 'Cancelled'),
    cac('OrderReference', cbc('ID', order.number), cbc('UUID', order.id), cbc('IssueDate', isoDate(order.placedAt))),
    buyerParty(order, mapping),
    sellerParty(brand, mapping),
  )
  return { documentId: input.documentId, type: 'OrderCancellation', number: order.number, xml: serialize(root) }
}

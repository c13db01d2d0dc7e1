import { BadRequest } from '../../platform/errors.ts'
import { child, childrenNamed, parseXml, textAt, type XmlTree } from './parse-xml.ts'

const ublNamespace = (type: string) => `urn:oasis:names:specification:ubl:schema:xsd:${type}-2`

/** How an ERP names an item: our SKU (its SellersItemIdentification) or a GTIN (StandardItemIdentification). */
export interface ItemRef {
  sku: string | null
  gtin: string | null
}

export interface DespatchLine extends ItemRef {
  line: number | null
  quantity: number
}

export interface DespatchAdvice {
  type: 'DespatchAdvice'
  id: string
  /** cac:OrderReference: the order number (cbc:ID) or the order's UUID (cbc:UUID, the one we sent). */
  orderNumber: string | null
  orderUuid: string | null
  carrier: string | null
  tracking: string | null
  lines: DespatchLine[]
}

export interface InventoryLine extends ItemRef {
  line: number | null
  quantity: number
}

export interface InventoryReport {
  type: 'InventoryReport'
  id: string
  lines: InventoryLine[]
}

/**
 * StockAvailabilityReport: the same absolute levels as an InventoryReport; a line may carry the
 * date from which its quantity is available (cbc:AvailabilityDate).
 */
export interface StockAvailabilityReport {
  type: 'StockAvailabilityReport'
  id: string
  lines: Array<InventoryLine & { availableFrom: string | null }>
}

/** The ERP's answer to our Order: accepted, conditionally accepted, acknowledged or rejected. */
export interface OrderResponse {
  type: 'OrderResponse'
  id: string
  orderNumber: string | null
  orderUuid: string | null
  /** UN/CEFACT 4343 as UBL uses it: AP accepted, CA conditionally accepted, AB acknowledged, RE rejected. */
  code: string | null
  response: 'accepted' | 'conditionally-accepted' | 'acknowledged' | 'rejected'
  note: string | null
  lines: Array<{ line: string; status: string; note: string | null }>
}

export type InboundDocument = DespatchAdvice | InventoryReport | StockAvailabilityReport | OrderResponse

export const inboundTypes = ['DespatchAdvice', 'InventoryReport', 'StockAvailabilityReport', 'OrderResponse'] as const

export class InvalidDocument extends BadRequest {
  constructor(reason: string) {
    super('validation', reason)
  }
}

/** Parses and reads one of the UBL documents an ERP sends us (inboundTypes); anything else is a 400. */
export function readInboundDocument(body: string): InboundDocument {
  const root = parseXml(body)
  const id = textAt(root, 'ID')
  const known = (inboundTypes as readonly string[]).includes(root.name)
  if (!known || root.uri !== ublNamespace(root.name)) {
    throw new InvalidDocument(
      `unsupported document {${root.uri}}${root.name}: send a UBL ${inboundTypes.slice(0, -1).join(', ')} or ${inboundTypes.at(-1)}`,
    )
  }
  if (id === null) throw new InvalidDocument(`${root.name} has no cbc:ID`)
  if (id.length > 200) throw new InvalidDocument('cbc:ID is longer than 200 characters')
  switch (root.name) {
    case 'DespatchAdvice':
      return readDespatchAdvice(root, id)
    case 'InventoryReport':
      return readInventoryReport(root, id)
    case 'StockAvailabilityReport':
      return readStockAvailabilityReport(root, id)
    default:
      return readOrderResponse(root, id)
  }
}

function readStockAvailabilityReport(root: XmlTree, id: string): StockAvailabilityReport {
  return {
    type: 'StockAvailabilityReport',
    id,
    lines: childrenNamed(root, 'StockAvailabilityReportLine').map((line) => {
      const date = textAt(line, 'AvailabilityDate')
      if (date !== null && !/^\d{4}-\d{2}-\d{2}/.test(date)) {
        throw new InvalidDocument(`line ${textAt(line, 'ID') ?? '?'}: cbc:AvailabilityDate is not a date`)
      }
      return {
        line: lineNumber(line),
        quantity: quantity(line, 'Quantity'),
        availableFrom: date === null ? null : date.slice(0, 10),
        ...itemRef(line),
      }
    }),
  }
}

const responseCodes: Record<string, OrderResponse['response']> = {
  AP: 'accepted',
  CA: 'conditionally-accepted',
  AB: 'acknowledged',
  RE: 'rejected',
}

function readOrderResponse(root: XmlTree, id: string): OrderResponse {
  const code = textAt(root, 'OrderResponseCode')?.toUpperCase() ?? null
  // Without a code the response is a plain acceptance (UBL's OrderResponse "with changes" lists
  // them per line); an unknown code is refused rather than guessed.
  const response = code === null ? 'accepted' : responseCodes[code]
  if (response === undefined) {
    throw new InvalidDocument(`cbc:OrderResponseCode ${code} is not one of ${Object.keys(responseCodes).join(', ')}`)
  }
  return {
    type: 'OrderResponse',
    id,
    orderNumber: textAt(root, 'OrderReference', 'ID'),
    orderUuid: textAt(root, 'OrderReference', 'UUID'),
    code,
    response,
    note:
      childrenNamed(root, 'Note')
        .map((n) => n.text)
        .filter(Boolean)
        .join('\n')
        .slice(0, 2000) || null,
    lines: childrenNamed(root, 'OrderLine').flatMap((orderLine) => {
      const item = child(orderLine, 'LineItem')
      const status = textAt(item, 'LineStatusCode')
      if (status === null || status === 'NoStatus') return []
      return [
        {
          line: (textAt(item, 'ID') ?? '?').slice(0, 50),
          status: status.slice(0, 50),
          note: textAt(item, 'Note')?.slice(0, 500) ?? null,
        },
      ]
    }),
  }
}

function readDespatchAdvice(root: XmlTree, id: string): DespatchAdvice {
  const shipment = child(root, 'Shipment')
  const consignment = child(shipment, 'Consignment')
  return {
    type: 'DespatchAdvice',
    id,
    orderNumber: textAt(root, 'OrderReference', 'ID'),
    orderUuid: textAt(root, 'OrderReference', 'UUID'),
    // UBL has several places for these; we read the two common ones of each.
    carrier:
      textAt(consignment, 'CarrierParty', 'PartyName', 'Name') ??
      textAt(shipment, 'ShipmentStage', 'CarrierParty', 'PartyName', 'Name'),
    tracking: textAt(shipment, 'Delivery', 'TrackingID') ?? textAt(consignment, 'CarrierAssignedID'),
    lines: childrenNamed(root, 'DespatchLine').map((line) => ({
      line: lineNumber(line),
      quantity: quantity(line, 'DeliveredQuantity'),
      ...itemRef(line),
    })),
  }
}

function readInventoryReport(root: XmlTree, id: string): InventoryReport {
  return {
    type: 'InventoryReport',
    id,
    lines: childrenNamed(root, 'InventoryReportLine').map((line) => ({
      line: lineNumber(line),
      quantity: quantity(line, 'Quantity'),
      ...itemRef(line),
    })),
  }
}

function itemRef(line: XmlTree): ItemRef {
  const item = child(line, 'Item')
  return {
    sku: textAt(item, 'SellersItemIdentification', 'ID'),
    gtin: textAt(item, 'StandardItemIdentification', 'ID'),
  }
}

function lineNumber(line: XmlTree): number | null {
  const id = textAt(line, 'ID')
  return id !== null && /^\d{1,9}$/.test(id) ? Number(id) : null
}

function quantity(line: XmlTree, name: string): number {
  const text = textAt(line, name)
  // Whole units only (clothes); "10.0" is accepted, "10.5" is not.
  const value = text === null ? Number.NaN : Number(text)
  if (!Number.isInteger(value) || value < 0 || value > 10_000_000) {
    throw new InvalidDocument(`line ${textAt(line, 'ID') ?? '?'}: cbc:${name} must be a whole number from 0`)
  }
  return value
}

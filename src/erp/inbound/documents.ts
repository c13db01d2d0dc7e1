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

export type InboundDocument = DespatchAdvice | InventoryReport

export class InvalidDocument extends BadRequest {
  constructor(reason: string) {
    super('validation', reason)
  }
}

/** Parses and reads a UBL DespatchAdvice or InventoryReport; anything else is a 400. */
export function readInboundDocument(body: string): InboundDocument {
  const root = parseXml(body)
  const id = textAt(root, 'ID')
  const known = root.name === 'DespatchAdvice' || root.name === 'InventoryReport'
  if (!known || root.uri !== ublNamespace(root.name)) {
    throw new InvalidDocument(
      `unsupported document {${root.uri}}${root.name}: send a UBL DespatchAdvice or InventoryReport`,
    )
  }
  if (id === null) throw new InvalidDocument(`${root.name} has no cbc:ID`)
  if (id.length > 200) throw new InvalidDocument('cbc:ID is longer than 200 characters')
  return root.name === 'DespatchAdvice' ? readDespatchAdvice(root, id) : readInventoryReport(root, id)
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

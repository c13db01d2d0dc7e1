/** How a brand's ERP wants its documents: party ids, warehouse, which item id it knows. */
export interface ErpMapping {
  /** The buyer (the operator's shop) as the ERP knows it: cac:BuyerCustomerParty/PartyIdentification. */
  buyerPartyId?: string
  /** The seller (the brand) as the ERP knows it: cac:SellerSupplierParty/PartyIdentification. */
  sellerPartyId?: string
  /** The warehouse that ships: cac:Delivery/cac:DeliveryLocation/cbc:ID is the customer's address, so this goes in cac:DeliveryTerms/cac:DeliveryLocation/cbc:ID. */
  warehouseCode?: string
  /** Which identifier the ERP matches lines on, in cac:SellersItemIdentification. Default 'sku'. */
  itemId?: 'sku' | 'gtin'
}

export function toMapping(value: Record<string, unknown> | null | undefined): ErpMapping {
  const v = value ?? {}
  const str = (x: unknown) => (typeof x === 'string' && x.length > 0 ? x : undefined)
  const mapping: ErpMapping = { itemId: v.itemId === 'gtin' ? 'gtin' : 'sku' }
  const buyer = str(v.buyerPartyId)
  const seller = str(v.sellerPartyId)
  const warehouse = str(v.warehouseCode)
  if (buyer) mapping.buyerPartyId = buyer
  if (seller) mapping.sellerPartyId = seller
  if (warehouse) mapping.warehouseCode = warehouse
  return mapping
}

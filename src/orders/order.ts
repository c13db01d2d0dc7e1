import type { PaymentRow, ShippingAddressRow } from '../platform/db/schema.ts'

export type OrderStatus = 'placed' | 'partially_shipped' | 'shipped' | 'cancelled'
export type ShippingAddress = ShippingAddressRow

export interface OrderLine {
  lineNo: number
  variantId: string
  productId: string
  sku: string
  gtin: string | null
  title: string
  size: string | null
  colour: string | null
  quantity: number
  unitPriceMinor: number
  lineTotalMinor: number
  vatMinor: number
}

/** An order as committed; amounts are VAT-inclusive minor units of `currency`. */
export interface Order {
  id: string
  number: string
  status: OrderStatus
  email: string
  shippingAddress: ShippingAddress
  shippingMethod: string
  currency: string
  locale: string
  vatRateBp: number
  subtotalMinor: number
  shippingMinor: number
  vatMinor: number
  totalMinor: number
  /** Taken off the goods by `promotionCode` (subtotal − discount + shipping = total). */
  discountMinor: number
  promotionCode: string | null
  payment: PaymentRow
  placedAt: Date
  cancelledAt: Date | null
  cancelReason: string | null
  lines: OrderLine[]
}

/**
 * Order states as data: which transition is allowed from which state; every use case asks this
 * table instead of ad hoc ifs. placed → partially_shipped → shipped, placed → cancelled.
 */
export const orderTransitions: Record<string, { from: OrderStatus[]; to: OrderStatus }> = {
  // Only a placed order: once the ERP has shipped part of it, releasing the whole reservation
  // would put shipped units back on sale; customer service handles that as a return.
  cancel: { from: ['placed'], to: 'cancelled' },
  // The ERP's DespatchAdvice (src/erp/inbound): some lines or units shipped, the rest to follow.
  shipPart: { from: ['placed', 'partially_shipped'], to: 'partially_shipped' },
  // The advice that ships the last units.
  ship: { from: ['placed', 'partially_shipped'], to: 'shipped' },
}

export function canTransition(status: OrderStatus, transition: keyof typeof orderTransitions): boolean {
  // Own keys only: 'toString' or '__proto__' must be unknown transitions, not Object.prototype's.
  if (!Object.hasOwn(orderTransitions, transition)) return false
  return orderTransitions[transition]?.from.includes(status) ?? false
}

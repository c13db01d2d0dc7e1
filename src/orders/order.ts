import type { PaymentRow, ShippingAddressRow } from '../platform/db/schema.ts'

export type OrderStatus = 'placed' | 'cancelled' | 'shipped'
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
  payment: PaymentRow
  placedAt: Date
  cancelledAt: Date | null
  cancelReason: string | null
  lines: OrderLine[]
}

/**
 * Order states as data: which transition is allowed from which state. Later issues add
 * 'shipped' and partial states here, and every use case asks this table instead of ad hoc ifs.
 */
export const orderTransitions: Record<string, { from: OrderStatus[]; to: OrderStatus }> = {
  cancel: { from: ['placed'], to: 'cancelled' },
  // The ERP's DespatchAdvice (src/erp/inbound): a shipped order can no longer be cancelled.
  ship: { from: ['placed'], to: 'shipped' },
}

export function canTransition(status: OrderStatus, transition: keyof typeof orderTransitions): boolean {
  // Own keys only: 'toString' or '__proto__' must be unknown transitions, not Object.prototype's.
  if (!Object.hasOwn(orderTransitions, transition)) return false
  return orderTransitions[transition]?.from.includes(status) ?? false
}

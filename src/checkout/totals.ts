import type { ShippingMethod } from '../brands/brand.ts'
import { vatIncluded } from '../platform/money.ts'

export interface PricedLine {
  quantity: number
  unitPriceMinor: number
}

export interface Totals {
  subtotalMinor: number
  shippingMinor: number
  vatMinor: number
  totalMinor: number
  /** VAT of each line, in the order given: UBL and invoices need it per line. */
  lineVatMinor: number[]
}

/**
 * Totals of VAT-inclusive prices. VAT is computed per line and on shipping, each rounded, then
 * summed — the way invoices show it, so the lines always add up to the total VAT.
 * Shipping is the method's flat fee, free when the subtotal reaches its threshold.
 */
export function computeTotals(
  lines: readonly PricedLine[],
  vatRateBp: number,
  shipping: ShippingMethod | null,
): Totals {
  const lineTotals = lines.map((l) => l.unitPriceMinor * l.quantity)
  const subtotalMinor = lineTotals.reduce((a, b) => a + b, 0)
  const shippingMinor = shippingFee(shipping, subtotalMinor, lines.length > 0)
  const lineVatMinor = lineTotals.map((total) => vatIncluded(total, vatRateBp))
  const vatMinor = lineVatMinor.reduce((a, b) => a + b, 0) + vatIncluded(shippingMinor, vatRateBp)
  return { subtotalMinor, shippingMinor, vatMinor, totalMinor: subtotalMinor + shippingMinor, lineVatMinor }
}

export function shippingFee(method: ShippingMethod | null, subtotalMinor: number, hasLines: boolean): number {
  if (!method || !hasLines) return 0
  if (method.freeFromMinor !== null && subtotalMinor >= method.freeFromMinor) return 0
  return method.feeMinor
}

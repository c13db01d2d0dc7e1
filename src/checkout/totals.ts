import type { ShippingMethod } from '../brands/brand.ts'
import { vatIncluded } from '../platform/money.ts'

export interface PricedLine {
  quantity: number
  unitPriceMinor: number
}

/** An order-level discount (a promotion code): an amount off the goods, and/or free shipping. */
export interface OrderDiscount {
  /** Off the goods' VAT-inclusive subtotal; more than the subtotal floors the goods at 0. */
  goodsMinor: number
  freeShipping: boolean
}

export interface Totals {
  subtotalMinor: number
  shippingMinor: number
  vatMinor: number
  totalMinor: number
  /** VAT of each line, in the order given: UBL and invoices need it per line. */
  lineVatMinor: number[]
  /** Present only when a discount was given: what it took off, in total and per line. */
  discount?: AppliedDiscount
}

export interface AppliedDiscount {
  /** Taken off the goods (at most their subtotal). */
  goodsMinor: number
  /** The share of `goodsMinor` each line bears, in the order given; sums to `goodsMinor`. */
  lineMinor: number[]
  /** The shipping fee waived by a free-shipping discount (0 when shipping was free anyway). */
  shippingMinor: number
}

/**
 * Totals of VAT-inclusive prices. VAT is computed per line and on shipping, each rounded, then
 * summed — the way invoices show it, so the lines always add up to the total VAT.
 * Shipping is the method's flat fee, free when the goods (after any discount) reach its threshold.
 *
 * A discount is spread over the lines in proportion to their totals (largest remainder, so the
 * shares add up to the cent), and each line's VAT is computed on what the shopper pays for it:
 * the order's VAT is the VAT of what was actually charged, line by line.
 */
export function computeTotals(
  lines: readonly PricedLine[],
  vatRateBp: number,
  shipping: ShippingMethod | null,
  discount: OrderDiscount | null = null,
): Totals {
  const lineTotals = lines.map((l) => l.unitPriceMinor * l.quantity)
  const subtotalMinor = lineTotals.reduce((a, b) => a + b, 0)
  const goodsDiscount = discount ? Math.min(Math.max(0, Math.trunc(discount.goodsMinor)), subtotalMinor) : 0
  const lineDiscount = allocateProportionally(goodsDiscount, lineTotals)
  const fee = shippingFee(shipping, subtotalMinor - goodsDiscount, lines.length > 0)
  const shippingMinor = discount?.freeShipping ? 0 : fee
  const lineVatMinor = lineTotals.map((total, i) => vatIncluded(total - (lineDiscount[i] ?? 0), vatRateBp))
  const vatMinor = lineVatMinor.reduce((a, b) => a + b, 0) + vatIncluded(shippingMinor, vatRateBp)
  const totals: Totals = {
    subtotalMinor,
    shippingMinor,
    vatMinor,
    totalMinor: subtotalMinor - goodsDiscount + shippingMinor,
    lineVatMinor,
  }
  if (discount)
    totals.discount = { goodsMinor: goodsDiscount, lineMinor: lineDiscount, shippingMinor: fee - shippingMinor }
  return totals
}

export function shippingFee(method: ShippingMethod | null, subtotalMinor: number, hasLines: boolean): number {
  if (!method || !hasLines) return 0
  if (method.freeFromMinor !== null && subtotalMinor >= method.freeFromMinor) return 0
  return method.feeMinor
}

/**
 * Splits `amount` over `weights` in proportion, in whole minor units that add up to `amount`
 * (largest remainder: floors first, then one unit each to the largest remainders, earlier lines
 * first on ties). `amount` must not exceed the sum of the weights, so no share exceeds its weight.
 */
export function allocateProportionally(amount: number, weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0)
  if (amount <= 0 || total <= 0) return weights.map(() => 0)
  const shares = weights.map((w) => {
    const exact = BigInt(amount) * BigInt(w)
    return { floor: Number(exact / BigInt(total)), remainder: exact % BigInt(total) }
  })
  let left = amount - shares.reduce((a, s) => a + s.floor, 0)
  const order = shares
    .map((s, index) => ({ index, remainder: s.remainder }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1))
  const result = shares.map((s) => s.floor)
  for (const { index } of order) {
    if (left === 0) break
    result[index] = (result[index] ?? 0) + 1
    left -= 1
  }
  return result
}

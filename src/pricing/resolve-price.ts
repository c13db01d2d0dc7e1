/**
 * Price resolution at one instant, as a pure function: the base price of a variant and the price
 * rules active at that instant in, the price a shopper pays out. Everything that depends on time,
 * events or targets is decided before (sale-plan.ts picks the candidates); this file only says how
 * candidates combine, so the rules below can be tested exhaustively.
 *
 * Resolution (deterministic, whatever order candidates arrive in):
 * 1. A sale never raises a price and never goes below 0: each step is clamped to [0, base].
 * 2. Exclusive candidates: if any is active, the one with the highest priority (then the latest
 *    start, then the smallest source id) alone decides the price; everything else is ignored,
 *    feed sale prices included.
 * 3. Otherwise the best price for the shopper among the non-stacking candidates ('best': sale
 *    events that do not stack, and the feed's scheduled sale prices, which are fixed prices), or
 *    the base price when none is lower.
 * 4. Then stacking candidates apply on top of that price one after the other, highest priority
 *    first (then earliest start, then source id): a percentage compounds (−20 % then −10 % is
 *    −28 %), an amount subtracts. A fixed price cannot stack (refused when an event is saved).
 * 5. Each candidate's own rounding ("ends in .99" / ".00") applies to the price its step produced,
 *    rounding down (never above what the rule computed). It only applies to currencies with two
 *    decimals, and is skipped when it would make the price 0 or less (a 0.50 item stays 0.50).
 * Percentages are basis points (3000 = 30 %); a percentage of a price is rounded half up to the
 * minor unit. The compare-at price shown is the base price whenever the result is below it;
 * otherwise the variant's own compare-at price, when higher than the price.
 */

export type Discount =
  | { kind: 'percent'; basisPoints: number }
  | { kind: 'amount'; amountMinor: number }
  | { kind: 'fixed'; priceMinor: number }

/** 'best': the best of the non-stacking prices wins; 'stack': applies on top; 'exclusive': alone. */
export type Combine = 'best' | 'stack' | 'exclusive'
export type Rounding = '.99' | '.00'

export interface PriceCandidate {
  /** The sale event id, or `feed:<id>` for a scheduled price from the feed. */
  sourceId: string
  priority: number
  combine: Combine
  rounding: Rounding | null
  discount: Discount
  /** Epoch ms of the candidate's start (null = open-ended), for tie-breaks. */
  startsAt: number | null
}

export interface BasePrice {
  priceMinor: number
  compareAtMinor: number | null
}

export interface ResolvedPrice {
  priceMinor: number
  compareAtMinor: number | null
  /** Source ids of the candidates that set the price, in the order they applied. */
  applied: string[]
}

export function resolvePrice(base: BasePrice, candidates: readonly PriceCandidate[], minorDigits = 2): ResolvedPrice {
  if (candidates.length === 0) return unchanged(base)
  const baseMinor = base.priceMinor
  let price = baseMinor
  const applied: string[] = []

  let exclusive: PriceCandidate | null = null
  for (const c of candidates) {
    if (c.combine === 'exclusive' && (exclusive === null || exclusiveBefore(c, exclusive))) exclusive = c
  }
  if (exclusive) {
    const p = step(baseMinor, baseMinor, exclusive, minorDigits)
    if (p < baseMinor) {
      price = p
      applied.push(exclusive.sourceId)
    }
    return finish(base, price, applied)
  }

  let best: PriceCandidate | null = null
  for (const c of candidates) {
    if (c.combine !== 'best') continue
    const p = step(baseMinor, baseMinor, c, minorDigits)
    if (p < price || (p === price && best !== null && p < baseMinor && c.sourceId < best.sourceId)) {
      price = p
      best = c
    }
  }
  if (best && price < baseMinor) applied.push(best.sourceId)

  const stacking = candidates.filter((c) => c.combine === 'stack').sort(stackOrder)
  for (const c of stacking) {
    const p = step(price, baseMinor, c, minorDigits)
    if (p !== price) {
      price = p
      applied.push(c.sourceId)
    }
  }
  return finish(base, price, applied)
}

/** One candidate applied to a running price, rounded and clamped to [0, base]. */
function step(running: number, baseMinor: number, c: PriceCandidate, minorDigits: number): number {
  const raw = applyDiscount(running, c.discount)
  const rounded = c.rounding ? roundEnding(raw, c.rounding, minorDigits) : raw
  return Math.min(Math.max(rounded, 0), baseMinor)
}

export function applyDiscount(priceMinor: number, discount: Discount): number {
  switch (discount.kind) {
    case 'percent': {
      const bp = Math.min(Math.max(discount.basisPoints, 0), 10_000)
      // Integer arithmetic, half up: prices stay below 2^53 / 10^4.
      return Math.floor((priceMinor * (10_000 - bp) + 5_000) / 10_000)
    }
    case 'amount':
      return Math.max(priceMinor - discount.amountMinor, 0)
    case 'fixed':
      return discount.priceMinor
  }
}

/** Rounds down to the nearest price ending in .99 or .00; left alone when that would reach 0 or less. */
export function roundEnding(priceMinor: number, rounding: Rounding, minorDigits = 2): number {
  if (minorDigits !== 2 || priceMinor <= 0) return priceMinor
  const rounded = rounding === '.99' ? Math.floor((priceMinor + 1) / 100) * 100 - 1 : priceMinor - (priceMinor % 100)
  return rounded > 0 ? rounded : priceMinor
}

function exclusiveBefore(a: PriceCandidate, b: PriceCandidate): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority
  const sa = a.startsAt ?? Number.NEGATIVE_INFINITY
  const sb = b.startsAt ?? Number.NEGATIVE_INFINITY
  if (sa !== sb) return sa > sb
  return a.sourceId < b.sourceId
}

function stackOrder(a: PriceCandidate, b: PriceCandidate): number {
  if (a.priority !== b.priority) return b.priority - a.priority
  const sa = a.startsAt ?? Number.NEGATIVE_INFINITY
  const sb = b.startsAt ?? Number.NEGATIVE_INFINITY
  if (sa !== sb) return sa < sb ? -1 : 1
  return a.sourceId < b.sourceId ? -1 : a.sourceId > b.sourceId ? 1 : 0
}

function finish(base: BasePrice, priceMinor: number, applied: string[]): ResolvedPrice {
  if (priceMinor < base.priceMinor) return { priceMinor, compareAtMinor: base.priceMinor, applied }
  return unchanged(base)
}

function unchanged(base: BasePrice): ResolvedPrice {
  const compareAt = base.compareAtMinor !== null && base.compareAtMinor > base.priceMinor ? base.compareAtMinor : null
  return { priceMinor: base.priceMinor, compareAtMinor: compareAt, applied: [] }
}

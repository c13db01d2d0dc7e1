import type { SeededRandom } from './seeded-random.ts'

// Price points as shops set them: 29,90, 35,00 or 24,50 under 100; 145,00 or 149,90 under 500;
// round tens above. Minor units, so the same rules serve euros, francs and pounds.

function unitFor(amountMinor: number): number {
  return amountMinor < 10_000 ? 100 : amountMinor < 50_000 ? 500 : 1000
}

/**
 * A realistic price at `position` (0 = cheapest, 1 = dearest) of [lo, hi], never outside it: every
 * price ends in 00, 50 or 90 minor units.
 */
export function shelfPrice(random: SeededRandom, [lo, hi]: readonly [number, number], position: number): number {
  const raw = lo + (hi - lo) * Math.min(1, Math.max(0, position))
  const unit = unitFor(raw)
  let price = Math.round(raw / unit) * unit
  while (price < lo) price += unit
  while (price > hi) price -= unit
  if (price < lo) throw new RangeError(`Price range [${lo}, ${hi}] is narrower than its price step of ${unit}`)
  const ending = random.pick(unit === 100 ? [-10, -10, 0, 50] : unit === 500 ? [0, 0, -10] : [0])
  return price + ending >= lo && price + ending <= hi ? price + ending : price
}

/** The "was" price of a markdown: `factor` (1.2 to 1.5) times the price, rounded up to a price point. */
export function compareAtPrice(priceMinor: number, factor: number): number {
  const raw = priceMinor * factor
  const unit = unitFor(raw)
  const rounded = Math.ceil(raw / unit) * unit
  return unit === 100 ? rounded - 10 : rounded
}

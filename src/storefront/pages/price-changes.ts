import { money } from '../components.ts'
import type { Shop } from '../layout.ts'

interface ChangedLine {
  title: string
  oldPriceMinor: number
  newPriceMinor: number
}

/**
 * "Prices changed since you added these items": what a shopper reads when a sale started (or
 * ended) between filling the cart and checking out. Every line named, old → new price.
 */
export function pricesChangedText(shop: Shop, changes: readonly ChangedLine[]): string {
  const items = changes.map((c) => `${c.title}: ${money(shop, c.oldPriceMinor)} → ${money(shop, c.newPriceMinor)}`)
  const list = items.join(' ; ')
  return shop.t.lang === 'fr'
    ? `Les prix ont changé depuis l’ajout au panier (${list}). Le total ci-dessous est à jour ; vérifiez-le avant de payer.`
    : `Prices changed since these items went into your cart (${list}). The total below is up to date; check it before paying.`
}

/** The changed lines of a cart view, as the text above takes them. */
export function changedCartLines(
  lines: ReadonlyArray<{ title: string; unitPriceMinor: number; previousPriceMinor: number | null }>,
): ChangedLine[] {
  return lines.flatMap((l) =>
    l.previousPriceMinor === null
      ? []
      : [{ title: l.title, oldPriceMinor: l.previousPriceMinor, newPriceMinor: l.unitPriceMinor }],
  )
}

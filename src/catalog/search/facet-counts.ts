import { minorUnitDigits } from '../../platform/money.ts'
import type { SnapshotProduct } from '../catalog-snapshot.ts'
import { sortSizes } from '../queries.ts'
import type { StockBits, VariantIndex } from './stock-bits.ts'

/** What a shopper narrows a listing with. Variant filters apply together to ONE variant ("an S in Bleu, in stock"). */
export interface ProductFilters {
  sizes?: readonly string[]
  colours?: readonly string[]
  inStock?: boolean
  /** Bounds (inclusive) on the product's card price: its lowest variant price. */
  minPriceMinor?: number
  maxPriceMinor?: number
}

export interface FacetCount {
  value: string
  count: number
}

export interface ColourFacet {
  name: string
  hex: string | null
  count: number
}

/** A price band [minMinor, maxMinor] (inclusive; maxMinor null = no upper bound). */
export interface PriceBand {
  minMinor: number
  maxMinor: number | null
  count: number
}

/**
 * Facet counts of a scope under the current filters, by the usual "disjunctive" rule: a facet's
 * count for a value is the number of products the listing would show with that value as the
 * facet's only selection and every OTHER facet's selection kept. So a facet's own selection never
 * narrows its own counts (choosing "M" still shows how many "L" there are), and the other facets
 * do. Values are those present in the scope (text and/or category), with a count of 0 when the
 * other filters exclude them, so the form does not jump as filters are ticked. Colour swatches are
 * the lowest hex of the colour across the catalog.
 */
export interface ProductFacets {
  sizes: FacetCount[]
  /** Per colour name, the lowest hex of its variants (a stable swatch). */
  colours: ColourFacet[]
  /** Non-empty bands among 0–25–50–100–200–500–∞ in the currency's major unit. */
  priceBands: PriceBand[]
  /** Products matching the other filters with a matching variant in stock. */
  inStock: number
  /** Bounds of the card prices of the products matching the other filters; null when none. */
  priceMinMinor: number | null
  priceMaxMinor: number | null
}

const bandBounds = [25, 50, 100, 200, 500]

/** Selected values as flags by id (null: no selection); unknown values select nothing. */
function selection(values: readonly string[] | undefined, names: readonly string[]): Uint8Array | null {
  if (!values || values.length === 0) return null
  const wanted = new Set(values)
  const flags = new Uint8Array(names.length)
  names.forEach((name, id) => {
    if (wanted.has(name)) flags[id] = 1
  })
  return flags
}

/**
 * One pass over the scope: the products that match every filter (in the scope's order) and, when
 * asked, the facet counts. Variants are read through the snapshot's flattened index (sizes and
 * colours as ids, stock as bytes), not as strings and Map lookups.
 */
export function filterAndCount(
  scope: readonly SnapshotProduct[],
  filters: ProductFilters,
  index: VariantIndex,
  stock: StockBits,
  facetsFor: { currency: string } | null,
): { matched: SnapshotProduct[]; facets: ProductFacets | null } {
  const { offsets, sizeIds, colourIds } = index
  const { bits } = stock
  const sizeSel = selection(filters.sizes, index.sizes)
  const colourSel = selection(filters.colours, index.colours)
  const inStockOnly = filters.inStock === true
  const { minPriceMinor: min, maxPriceMinor: max } = filters
  const matched: SnapshotProduct[] = []

  if (!facetsFor) {
    const variantFilters = sizeSel !== null || colourSel !== null || inStockOnly
    for (const p of scope) {
      if (p.priceMinor === null) continue
      if ((min !== undefined && p.priceMinor < min) || (max !== undefined && p.priceMinor > max)) continue
      if (variantFilters) {
        let any = false
        for (let j = offsets[p.rank]!, end = offsets[p.rank + 1]!; j < end && !any; j++) {
          const sid = sizeIds[j]!
          const cid = colourIds[j]!
          any =
            (sizeSel === null || (sid >= 0 && sizeSel[sid] === 1)) &&
            (colourSel === null || (cid >= 0 && colourSel[cid] === 1)) &&
            (!inStockOnly || bits[j] === 1)
        }
        if (!any) continue
      }
      matched.push(p)
    }
    return { matched, facets: null }
  }

  const unit = 10 ** minorUnitDigits(facetsFor.currency)
  const bounds = bandBounds.map((b) => b * unit)
  const bandCounts = new Array<number>(bounds.length + 1).fill(0)
  const sizeCounts = new Int32Array(index.sizes.length)
  const colourCounts = new Int32Array(index.colours.length)
  // Per value, the last product (place) that counted it / that has it at all: one count per product.
  const sizeStamp = new Int32Array(index.sizes.length).fill(-1)
  const colourStamp = new Int32Array(index.colours.length).fill(-1)
  const sizePresent = new Uint8Array(index.sizes.length)
  const colourPresent = new Uint8Array(index.colours.length)
  let inStockCount = 0
  let low: number | null = null
  let high: number | null = null

  for (const p of scope) {
    if (p.priceMinor === null) continue // no variant: never listed
    const priceOk = (min === undefined || p.priceMinor >= min) && (max === undefined || p.priceMinor <= max)
    const place = p.rank
    let all = false
    let withStock = false
    for (let j = offsets[place]!, end = offsets[place + 1]!; j < end; j++) {
      const sid = sizeIds[j]!
      const cid = colourIds[j]!
      if (sid >= 0) sizePresent[sid] = 1
      if (cid >= 0) colourPresent[cid] = 1
      const s = sizeSel === null || (sid >= 0 && sizeSel[sid] === 1)
      const c = colourSel === null || (cid >= 0 && colourSel[cid] === 1)
      const st = bits[j] === 1
      const k = !inStockOnly || st
      if (s && c && k) all = true
      if (!priceOk) continue // only the price bands still need this product
      if (s && c && st) withStock = true
      if (c && k && sid >= 0 && sizeStamp[sid] !== place) {
        sizeStamp[sid] = place
        sizeCounts[sid]! += 1
      }
      if (s && k && cid >= 0 && colourStamp[cid] !== place) {
        colourStamp[cid] = place
        colourCounts[cid]! += 1
      }
    }
    if (all) {
      // Bands and price bounds leave the price filter out (the band facet's own selection).
      const band = bounds.findIndex((b) => p.priceMinor! < b)
      bandCounts[band === -1 ? bounds.length : band]! += 1
      if (low === null || p.priceMinor < low) low = p.priceMinor
      if (high === null || p.priceMinor > high) high = p.priceMinor
    }
    if (!priceOk) continue
    if (all) matched.push(p)
    if (withStock) inStockCount += 1
  }

  const sizeId = new Map(index.sizes.map((name, id) => [name, id]))
  const presentSizes = sortSizes(index.sizes.filter((_, id) => sizePresent[id] === 1).sort())
  const colourOrder = index.colours
    .map((name, id) => ({ name, id }))
    .filter(({ id }) => colourPresent[id] === 1)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return {
    matched,
    facets: {
      sizes: presentSizes.map((value) => ({ value, count: sizeCounts[sizeId.get(value)!]! })),
      colours: colourOrder.map(({ name, id }) => ({
        name,
        hex: index.colourHex[id] ?? null,
        count: colourCounts[id]!,
      })),
      priceBands: bandCounts.flatMap((count, i) =>
        count === 0
          ? []
          : [{ minMinor: i === 0 ? 0 : bounds[i - 1]!, maxMinor: i < bounds.length ? bounds[i]! - 1 : null, count }],
      ),
      inStock: inStockCount,
      priceMinMinor: low,
      priceMaxMinor: high,
    },
  }
}

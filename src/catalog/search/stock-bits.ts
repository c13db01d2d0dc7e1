import type { CatalogSnapshot } from '../catalog-snapshot.ts'

/**
 * The variants of a snapshot flattened for the filter and facet pass, so that counting facets
 * over 50,000 products reads typed arrays instead of hashing strings per variant per request.
 * Laid out in the snapshot's product order: product place `rank` owns `offsets[rank]` to
 * `offsets[rank + 1]`. Built once per snapshot (sizes, colours) and once per availability map
 * (stock; the map is replaced at most every 2 s).
 */
export interface VariantIndex {
  offsets: Int32Array
  /** Per variant, an index into `sizes` / `colours`, or -1 when it has none. */
  sizeIds: Int32Array
  colourIds: Int32Array
  sizes: string[]
  colours: string[]
  /** Per colour, the lowest hex of its variants (a stable swatch), or null. */
  colourHex: Array<string | null>
}

export interface StockBits {
  /** 1 when the variant has units available. */
  bits: Uint8Array
  /**
   * Moves when the bits do (a variant sold out or back in stock), unique across snapshots: what a
   * cached listing keys its stock on. A refreshed map that left every bit as it was keeps it.
   */
  generation: number
}

const indexes = new WeakMap<CatalogSnapshot, VariantIndex>()
const positionsOf = new WeakMap<CatalogSnapshot, Map<string, number>>()
/** An availability map made from another by a few changes (catalog-snapshot.ts), with the variants they moved. */
const derived = new WeakMap<ReadonlyMap<string, number>, { from: ReadonlyMap<string, number>; variantIds: string[] }>()

/**
 * Records that `map` is `from` with these variants' units moved, so that its bits are `from`'s
 * with those re-read instead of built from every variant. Only the latest link is kept: the
 * previous map forgets its own, so a chain of refreshes never holds every map it went through.
 */
export function noteAvailabilityChanges(
  map: ReadonlyMap<string, number>,
  from: ReadonlyMap<string, number>,
  variantIds: string[],
): void {
  derived.delete(from)
  derived.set(map, { from, variantIds })
}

/** Where each variant of the snapshot sits in the flattened layout (built once, on the first change). */
function variantPositions(catalog: CatalogSnapshot): Map<string, number> {
  let positions = positionsOf.get(catalog)
  if (positions) return positions
  positions = new Map()
  let at = 0
  for (const p of catalog.products) for (const v of p.variants) positions.set(v.id, at++)
  positionsOf.set(catalog, positions)
  return positions
}
const stocks = new WeakMap<ReadonlyMap<string, number>, WeakMap<CatalogSnapshot, StockBits>>()

export function variantIndex(catalog: CatalogSnapshot): VariantIndex {
  const held = indexes.get(catalog)
  if (held) return held
  const offsets = new Int32Array(catalog.products.length + 1)
  let total = 0
  catalog.products.forEach((p, i) => {
    offsets[i] = total
    total += p.variants.length
  })
  offsets[catalog.products.length] = total
  const sizeIds = new Int32Array(total).fill(-1)
  const colourIds = new Int32Array(total).fill(-1)
  const sizeIndex = new Map<string, number>()
  const colourIndex = new Map<string, number>()
  const colourHex: Array<string | null> = []
  let at = 0
  for (const p of catalog.products) {
    for (const v of p.variants) {
      if (v.size !== null) {
        let id = sizeIndex.get(v.size)
        if (id === undefined) {
          id = sizeIndex.size
          sizeIndex.set(v.size, id)
        }
        sizeIds[at] = id
      }
      if (v.colour !== null) {
        let id = colourIndex.get(v.colour)
        if (id === undefined) {
          id = colourIndex.size
          colourIndex.set(v.colour, id)
          colourHex.push(v.colourHex)
        } else {
          const hex = colourHex[id] ?? null
          if (v.colourHex !== null && (hex === null || v.colourHex < hex)) colourHex[id] = v.colourHex
        }
        colourIds[at] = id
      }
      at += 1
    }
  }
  const index = {
    offsets,
    sizeIds,
    colourIds,
    sizes: [...sizeIndex.keys()],
    colours: [...colourIndex.keys()],
    colourHex,
  }
  indexes.set(catalog, index)
  return index
}

/** Below this many variants the stock bytes are always built on the request (a few ms at most). */
const syncBuildLimit = 20_000
/** Products indexed per event-loop turn when building in the background: no turn stalls long. */
const productsPerTurn = 4_000

/**
 * The stock bytes for an availability map. On a big catalog (50,000 products, 200,000 variants:
 * ~50 ms of Map lookups, far more on a loaded machine) a new map's bytes are built off the
 * request path, a slice per event-loop turn; meanwhile requests are served the previous map's
 * bytes, one refresh (2 s) older, which the listing's stock contract allows.
 */
export function stockBits(catalog: CatalogSnapshot, available: ReadonlyMap<string, number>): StockBits {
  let byCatalog = stocks.get(available)
  if (!byCatalog) {
    byCatalog = new WeakMap()
    stocks.set(available, byCatalog)
  }
  const held = byCatalog.get(catalog)
  if (held) return held
  const link = derived.get(available)
  const fromBits = link ? stocks.get(link.from)?.get(catalog) : undefined
  if (link && fromBits) {
    const bits = fromBits.bits.slice()
    const positions = variantPositions(catalog)
    for (const variantId of link.variantIds) {
      const at = positions.get(variantId)
      if (at !== undefined) bits[at] = (available.get(variantId) ?? 0) > 0 ? 1 : 0
    }
    return keep(catalog, byCatalog, bits)
  }
  const previous = latest.get(catalog)
  const variants = variantIndex(catalog).offsets.at(-1) ?? 0
  if (!previous || variants < syncBuildLimit) {
    const bits = new Uint8Array(variants)
    fill(catalog, available, bits, 0, catalog.products.length)
    return keep(catalog, byCatalog, bits)
  }
  if (!building.has(available)) {
    building.add(available)
    const bits = new Uint8Array(variants)
    const target = byCatalog
    const step = (from: number) => {
      const to = Math.min(catalog.products.length, from + productsPerTurn)
      fill(catalog, available, bits, from, to)
      if (to < catalog.products.length) setImmediate(step, to)
      else keep(catalog, target, bits)
    }
    setImmediate(step, 0)
  }
  return previous
}

const latest = new WeakMap<CatalogSnapshot, StockBits>()
const building = new WeakSet<ReadonlyMap<string, number>>()

let lastGeneration = 0
/** A Buffer over the same memory (no copy), for its native comparison. */
const bytesOf = (bits: Uint8Array) => Buffer.from(bits.buffer, bits.byteOffset, bits.byteLength)

function keep(catalog: CatalogSnapshot, byCatalog: WeakMap<CatalogSnapshot, StockBits>, bits: Uint8Array): StockBits {
  const previous = latest.get(catalog)
  const same = previous !== undefined && bytesOf(previous.bits).equals(bytesOf(bits))
  const stock = { bits, generation: same ? previous.generation : ++lastGeneration }
  byCatalog.set(catalog, stock)
  latest.set(catalog, stock)
  return stock
}

function fill(
  catalog: CatalogSnapshot,
  available: ReadonlyMap<string, number>,
  bits: Uint8Array,
  from: number,
  to: number,
): void {
  const { offsets } = variantIndex(catalog)
  for (let i = from; i < to; i++) {
    const variants = catalog.products[i]!.variants
    const start = offsets[i]!
    for (let j = 0; j < variants.length; j++) if ((available.get(variants[j]!.id) ?? 0) > 0) bits[start + j] = 1
  }
}

import type { BrandCtx } from '../brands/brand.ts'
import { type AvailabilityRead, availabilityChangedSince, availableForBrand } from '../inventory/index.ts'
import { silentLog } from '../platform/ctx.ts'
import type { Db } from '../platform/db/database.ts'
import type { SalePlan } from '../pricing/sale-plan.ts'
import { salePlans } from '../pricing/sale-plans.ts'
import { catalogReader } from './catalog-reader.ts'
import type { ProductCard, ProductImage, Variant } from './product.ts'
import { sortSizes } from './queries.ts'
import { noteAvailabilityChanges, stockBits } from './search/stock-bits.ts'

/**
 * The in-memory read model of shopper listings and product pages: per brand, every ACTIVE product
 * with its variants, loaded in two queries and held until the brand's catalog version moves.
 *
 * Freshness:
 * - Catalog: keyed on `ctx.brand.catalogVersion`, which every catalog write bumps in its own
 *   transaction (NOTIFY at commit reloads the brand directory). A request carrying a newer version
 *   than the one held waits for a reload, so a write shows on the next request. A request carrying
 *   an older version is served the newer snapshot (its data is newer still), never a reload.
 *   Concurrent loads of a brand share one promise; the previous snapshot is dropped once replaced.
 * - Availability (on_hand − reserved, inventory's `availableForBrand`): refreshed at most every
 *   `stockFreshnessMs` (2 s, what the page cache already accepts; checkout re-checks stock in its
 *   transaction), measured on `ctx.now`. A stale map is served while one shared refresh runs
 *   (stale-while-revalidate); only the first load, or a catalog version newer than the map's (a
 *   stock count set by staff bumps it), makes a request wait. A refresh reads the whole brand only
 *   then; otherwise it reads the rows written since the previous read (`availabilityChangedSince`)
 *   and keeps the same map when none changed what it holds, so the stock bits and the pages keyed
 *   on them stay as they are. Reading ~10,000 rows per brand every 2 s into a fresh map, and
 *   re-deriving the bits from it, was a tenth of a loaded worker's CPU and its longest pauses.
 *
 * - Prices: what the snapshot exposes (variant and card prices, compare-at prices) are the
 *   effective prices at `ctx.now`: the base snapshot is priced per period of the brand's sale
 *   schedule (src/pricing: events and feed sale prices; constant between two boundaries), and only
 *   the products whose prices differ from their base are copied. Listings, search sorts, price
 *   filters, facets and "on sale" collections read these, so they follow sale events with no code
 *   of their own. A period's priced view is built once per process (shortly before its boundary,
 *   by a timer, or by the first request in it) and kept with the base snapshot.
 *
 * Memory, measured on the 12 demo brands (12,353 products, 137,596 variants): 82 MB of heap with
 * every brand loaded, i.e. ~7 KB per product with its ~11 variants: roughly 1.5 KB for the product (row, parsed JSON, folded search text, listing
 * fields), ~0.35 KB per variant (object, uuid, SKU, size/colour strings) and ~90 B per stocked
 * variant in the availability map. A 2,600-product brand is ~18 MB and loads in ~0.3 s. Only
 * brands that are browsed are loaded; one version per brand is held.
 */
export class CatalogSnapshots {
  private readonly catalogs = new Map<string, { version: number; snapshot: Promise<CatalogSnapshot> }>()
  private readonly stock = new Map<string, StockEntry>()

  constructor(
    private readonly db: Db,
    private readonly stockFreshnessMs = 2000,
  ) {
    // Shortly before a sale starts or ends, price the held catalog for the next period, so the
    // surge at 08:00:00 finds it ready instead of every early request waiting for one build.
    if (!db.isTransaction) {
      salePlans(db).onBoundary((brand, boundary) => {
        const held = this.catalogs.get(brand.id)
        if (!held) return
        const ctx = {
          db,
          brand,
          now: new Date(boundary),
          actor: { kind: 'system' as const, name: 'pricing' },
          log: silentLog,
        }
        Promise.all([held.snapshot, salePlans(db).plan(ctx)])
          .then(([base, plan]) => base.pricedAt(plan, boundary))
          .catch(() => {})
      })
    }
  }

  /**
   * The brand's active catalog at (at least) the context's catalog version, priced at `ctx.now`
   * (the base snapshot itself when no sale event or feed price is in force).
   */
  async catalog(ctx: BrandCtx): Promise<CatalogSnapshot> {
    const [base, plan] = await Promise.all([this.base(ctx), salePlans(this.db).plan(ctx)])
    return base.pricedAt(plan, ctx.now.getTime())
  }

  /** The catalog at base prices (what the catalog tables say), shared by every period's prices. */
  base(ctx: BrandCtx): Promise<CatalogSnapshot> {
    const brandId = ctx.brand.id
    const version = ctx.brand.catalogVersion
    const held = this.catalogs.get(brandId)
    if (held && held.version >= version) return held.snapshot
    const snapshot = loadCatalog(this.db, brandId, version)
    const entry = { version, snapshot }
    this.catalogs.set(brandId, entry)
    snapshot.catch(() => {
      // A failed load is not kept: the next request tries again.
      if (this.catalogs.get(brandId) === entry) this.catalogs.delete(brandId)
    })
    return snapshot
  }

  /** Units available per variant of the brand (absent = none), at most `stockFreshnessMs` old, or a little more. */
  available(ctx: BrandCtx): Promise<ReadonlyMap<string, number>> {
    const brandId = ctx.brand.id
    const version = ctx.brand.catalogVersion
    const now = ctx.now.getTime()
    let entry = this.stock.get(brandId)
    if (!entry) {
      entry = { map: null, horizon: null, version, fetchedAt: 0, loading: null, loadingVersion: 0 }
      this.stock.set(brandId, entry)
    }
    const usable = entry.map !== null && entry.version >= version
    if (usable && now - entry.fetchedAt < this.stockFreshnessMs) return Promise.resolve(entry.map!)
    const loading =
      entry.loading && entry.loadingVersion >= version ? entry.loading : this.refreshStock(ctx, entry, version, now)
    return usable ? Promise.resolve(entry.map!) : loading
  }

  /** Resolves once the availability refresh of the brand in flight, if any, has settled (tests). */
  async settled(brandId: string): Promise<void> {
    await this.stock.get(brandId)?.loading?.catch(() => {})
  }

  private refreshStock(ctx: BrandCtx, entry: StockEntry, version: number, now: number) {
    // The catalog unchanged since the map was read: its changes are enough (a catalog write may
    // have added or removed variants, and bumps the version: then the brand is read whole).
    const base =
      entry.map !== null && entry.version === version && entry.horizon !== null
        ? { map: entry.map, horizon: entry.horizon }
        : null
    // Listings' availability may come from the read replica (`DATABASE_READ_URL`, a few ms behind,
    // as stale as the 2 s this map already accepts); checkout re-checks stock on the primary.
    const read = (db: Db) =>
      base ? availabilityChangedSince({ ...ctx, db }, base.horizon) : availableForBrand({ ...ctx, db })
    const loading = catalogReader(this.db, ctx.brand.id, version)
      .then(read)
      .then(
        (fresh) => {
          const map = base ? withChanges(base.map, fresh) : fresh.units
          // A slower, older refresh never overwrites a newer one.
          if (version >= entry.version && now >= entry.fetchedAt) {
            entry.map = map
            entry.horizon = fresh.horizon
            entry.version = version
            entry.fetchedAt = now
          }
          return map
        },
        (error: unknown) => {
          if (entry.map === null) throw error
          ctx.log.warn({ err: error }, 'stock refresh failed; serving the previous availability')
          return entry.map
        },
      )
    const settled = loading.finally(() => {
      if (entry.loading === settled) entry.loading = null
    })
    // The background refresh of a stale map has no awaiting caller: keep its failure handled.
    settled.catch(() => {})
    entry.loading = settled
    entry.loadingVersion = version
    return settled
  }
}

interface StockEntry {
  map: ReadonlyMap<string, number> | null
  /** Where the next read of changes starts (AvailabilityRead). */
  horizon: string | null
  version: number
  fetchedAt: number
  loading: Promise<ReadonlyMap<string, number>> | null
  loadingVersion: number
}

const shared = new WeakMap<Db, CatalogSnapshots>()

/**
 * The snapshots held for a database handle (the application's `ctx.db`). Shopper reads never run
 * inside a transaction; if one does, it gets a throw-away instance that reads through the
 * transaction (its own writes included) rather than filling the shared one with data that could
 * still roll back.
 */
export function catalogSnapshots(db: Db): CatalogSnapshots {
  if (db.isTransaction) return new CatalogSnapshots(db)
  let snapshots = shared.get(db)
  if (!snapshots) {
    snapshots = new CatalogSnapshots(db)
    shared.set(db, snapshots)
  }
  return snapshots
}

export interface SnapshotVariant extends Variant {
  position: number
}

/** An active product as loaded, with what listings derive from its variants computed once. */
export interface SnapshotProduct {
  id: string
  reference: string
  title: string
  description: string
  translations: Record<string, { title: string; description: string }>
  categoryPath: string
  attributes: Record<string, string>
  images: ProductImage[]
  createdAt: Date
  updatedAt: Date
  /** By position, then SKU. */
  variants: SnapshotVariant[]
  /** Place in the newest-first order (created_at desc, id): the tie-break of every sort. */
  rank: number
  /** The lowest variant price (what the card shows); null without variants. */
  priceMinor: number | null
  /** The compare-at price of the cheapest variant (lowest position among equals) when higher. */
  compareAtMinor: number | null
  /** Distinct colour swatches (hex) and sizes of the variants, as cards list them. */
  swatches: string[]
  sizes: string[]
  /** Title, description and category folded for matching (lowercase, no accents), one per line. */
  searchText: string
}

/** A listing scope: a category and everything below it (whole path segments), and/or search words. */
export interface CatalogScope {
  category?: string | undefined
  /** Every word must appear in the title, description, category or the title in `language`. */
  words?: readonly string[]
  language?: string
}

export class CatalogSnapshot {
  readonly byId: ReadonlyMap<string, SnapshotProduct>
  private readonly categoryScopes = new Map<string, readonly SnapshotProduct[]>()
  private readonly memo = new Map<string, unknown>()

  private variantIndex: Map<string, { variant: SnapshotVariant; product: SnapshotProduct }> | null = null
  /** This base snapshot priced per period, per sale plan (a few periods: now, next, previews). */
  private readonly priced = new WeakMap<SalePlan, Map<number, CatalogSnapshot>>()

  constructor(
    readonly brandId: string,
    readonly version: number,
    /** Newest first: created_at desc, then id. */
    readonly products: readonly SnapshotProduct[],
    /** The sale plan and period start this snapshot is priced for; null for base prices. */
    readonly pricing: { planVersion: number; periodStart: number } | null = null,
  ) {
    this.byId = new Map(products.map((p) => [p.id, p]))
  }

  /**
   * This (base) snapshot priced at an instant under a brand's sale plan: the same products, with
   * effective variant prices and cards re-derived for the products a price rule changes. Built
   * once per period and plan; `this` when nothing is in force.
   */
  pricedAt(plan: SalePlan, ms: number): CatalogSnapshot {
    if (this.pricing !== null) throw new Error('pricedAt is for base snapshots')
    if (plan.empty || !plan.anythingActive(ms)) return this
    const start = plan.period(ms).start
    let periods = this.priced.get(plan)
    if (!periods) {
      periods = new Map()
      this.priced.set(plan, periods)
    }
    const held = periods.get(start)
    if (held) return held
    const products = this.products.map((p) => pricedProduct(p, plan, ms))
    const snapshot = new CatalogSnapshot(this.brandId, this.version, products, {
      planVersion: plan.version,
      periodStart: start,
    })
    // Bounded: the current period, the next one (built ahead) and a few previews.
    if (periods.size >= 6) periods.delete(periods.keys().next().value as number)
    periods.set(start, snapshot)
    return snapshot
  }

  /** A variant of an active product with its product; built on first use (carts and checkout). */
  variant(id: string): { variant: SnapshotVariant; product: SnapshotProduct } | undefined {
    if (!this.variantIndex) {
      this.variantIndex = new Map()
      for (const product of this.products) {
        for (const variant of product.variants) this.variantIndex.set(variant.id, { variant, product })
      }
    }
    return this.variantIndex.get(id)
  }

  /** Products within a scope, newest first. Category scopes are kept (bounded by the category tree). */
  inScope(scope: CatalogScope): readonly SnapshotProduct[] {
    const inCategory = scope.category ? this.inCategory(scope.category) : this.products
    const words = (scope.words ?? []).map(foldText).filter((w) => w.length > 0)
    if (words.length === 0) return inCategory
    return inCategory.filter((p) => {
      const translated = scope.language === undefined ? null : foldedTitle(p, scope.language)
      return words.every((w) => p.searchText.includes(w) || (translated?.includes(w) ?? false))
    })
  }

  /**
   * A value derived from this snapshot, computed once per key (facets of a category). Only for
   * keys from a bounded set: the memo lives as long as the snapshot.
   */
  derived<T>(key: string, compute: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T
    const value = compute()
    this.memo.set(key, value)
    return value
  }

  private inCategory(category: string): readonly SnapshotProduct[] {
    const held = this.categoryScopes.get(category)
    if (held) return held
    const below = `${category} > `
    const found = this.products.filter((p) => p.categoryPath === category || p.categoryPath.startsWith(below))
    // Only real categories (a whole-segment prefix of some product's path) are kept, so junk
    // category strings from a query cannot grow the map.
    if (found.length > 0) this.categoryScopes.set(category, found)
    return found
  }
}

/** Lowercase without accents ("Écru" → "ecru"), so a search matches whatever the shopper typed. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
}

const foldedTitles = new WeakMap<SnapshotProduct, Map<string, string | null>>()

/** The folded title in a language, if the product has one: computed on first search. */
function foldedTitle(product: SnapshotProduct, language: string): string | null {
  let byLanguage = foldedTitles.get(product)
  if (!byLanguage) {
    byLanguage = new Map()
    foldedTitles.set(product, byLanguage)
  }
  let folded = byLanguage.get(language)
  if (folded === undefined) {
    const title = product.translations[language]?.title
    folded = typeof title === 'string' ? foldText(title) : null
    byLanguage.set(language, folded)
  }
  return folded
}

/** The product's title in a language, as SQL's coalesce(translations -> lang ->> 'title', title). */
export function localizedTitle(product: SnapshotProduct, language: string): string {
  const title = product.translations[language]?.title
  return typeof title === 'string' ? title : product.title
}

/** A product with its variants at their effective prices; the same object when none changes. */
function pricedProduct(product: SnapshotProduct, plan: SalePlan, ms: number): SnapshotProduct {
  let variants: SnapshotVariant[] | null = null
  for (let i = 0; i < product.variants.length; i++) {
    const v = product.variants[i] as SnapshotVariant
    const resolved = plan.resolve(
      {
        id: v.id,
        productId: product.id,
        categoryPath: product.categoryPath,
        priceMinor: v.priceMinor,
        compareAtMinor: v.compareAtMinor,
      },
      ms,
    )
    if (resolved.applied.length === 0) continue
    variants ??= [...product.variants]
    variants[i] = { ...v, priceMinor: resolved.priceMinor, compareAtMinor: resolved.compareAtMinor }
  }
  if (!variants) return product
  return { ...product, variants, ...cardPrice(variants) }
}

/** The card's price: the lowest variant price (first by position among equals) and its compare-at price when higher. */
function cardPrice(variants: readonly SnapshotVariant[]): { priceMinor: number | null; compareAtMinor: number | null } {
  let cheapest: SnapshotVariant | undefined
  for (const v of variants) if (!cheapest || v.priceMinor < cheapest.priceMinor) cheapest = v
  const compareAt = cheapest?.compareAtMinor ?? null
  return {
    priceMinor: cheapest?.priceMinor ?? null,
    compareAtMinor: cheapest && compareAt !== null && compareAt > cheapest.priceMinor ? compareAt : null,
  }
}

/**
 * The map after a read of changes: the same map when no change moved what it holds (a write that
 * left the units as they were, or a variant with none before and none now), else a copy with the
 * changes, whose stock bits are then derived from the previous map's (stock-bits.ts).
 */
function withChanges(map: ReadonlyMap<string, number>, changes: AvailabilityRead): ReadonlyMap<string, number> {
  const moved = [...changes.units].filter(([variantId, units]) => (map.get(variantId) ?? 0) !== units)
  if (moved.length === 0) return map
  const next = new Map(map)
  for (const [variantId, units] of moved) {
    if (units > 0) next.set(variantId, units)
    else next.delete(variantId)
  }
  noteAvailabilityChanges(
    next,
    map,
    moved.map(([variantId]) => variantId),
  )
  return next
}

async function loadCatalog(primary: Db, brandId: string, version: number): Promise<CatalogSnapshot> {
  const db = await catalogReader(primary, brandId, version)
  // Two reads outside a transaction: a write landing between them bumps the catalog version, so
  // the next request reloads; variants of a product the first read missed are skipped.
  const [products, variants] = await Promise.all([
    db
      .selectFrom('products')
      .select([
        'id',
        'reference',
        'title',
        'description',
        'translations',
        'category_path',
        'attributes',
        'images',
        'created_at',
        'updated_at',
      ])
      .where('brand_id', '=', brandId)
      .where('status', '=', 'active')
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('variants as v')
      .innerJoin('products as p', (join) =>
        join.onRef('p.brand_id', '=', 'v.brand_id').onRef('p.id', '=', 'v.product_id'),
      )
      .select([
        'v.id',
        'v.product_id',
        'v.sku',
        'v.size',
        'v.colour',
        'v.colour_hex',
        'v.gtin',
        'v.price_minor',
        'v.compare_at_minor',
        'v.weight_grams',
        'v.position',
      ])
      .where('v.brand_id', '=', brandId)
      .where('p.status', '=', 'active')
      // A variant a full feed stopped listing stays for its orders, but is no longer offered.
      .where('v.delisted_at', 'is', null)
      // The product page's order. Sorts in memory compare strings by UTF-16 code unit, which is
      // the C collation's order for every text below the astral planes.
      .orderBy('v.position')
      .orderBy('v.sku')
      .execute(),
  ])
  const byProduct = new Map<string, SnapshotVariant[]>()
  for (const v of variants) {
    let list = byProduct.get(v.product_id)
    if (!list) {
      list = []
      byProduct.set(v.product_id, list)
    }
    list.push({
      id: v.id,
      sku: v.sku,
      size: v.size,
      colour: v.colour,
      colourHex: v.colour_hex,
      gtin: v.gtin,
      priceMinor: Number(v.price_minor),
      compareAtMinor: v.compare_at_minor === null ? null : Number(v.compare_at_minor),
      weightGrams: v.weight_grams,
      position: v.position,
    })
  }
  const snapshotProducts = products.map((p, rank): SnapshotProduct => {
    const productVariants = byProduct.get(p.id) ?? []
    return {
      id: p.id,
      reference: p.reference,
      title: p.title,
      description: p.description,
      translations: p.translations,
      categoryPath: p.category_path,
      attributes: p.attributes,
      images: p.images,
      createdAt: p.created_at,
      updatedAt: p.updated_at,
      variants: productVariants,
      rank,
      ...cardPrice(productVariants),
      swatches: distinct(productVariants.map((v) => v.colourHex)).sort(),
      sizes: sortSizes(distinct(productVariants.map((v) => v.size)).sort()),
      searchText: foldText(`${p.title}\n${p.description}\n${p.category_path}`),
    }
  })
  return new CatalogSnapshot(brandId, version, snapshotProducts)
}

/** The card of a product that has variants; `title` in the language the listing shows. */
export function productCard(
  product: SnapshotProduct,
  title: string,
  available: ReadonlyMap<string, number>,
): ProductCard {
  return {
    id: product.id,
    reference: product.reference,
    title,
    categoryPath: product.categoryPath,
    image: product.images[0] ?? null,
    priceMinor: product.priceMinor ?? 0,
    compareAtMinor: product.compareAtMinor,
    inStock: product.variants.some((v) => (available.get(v.id) ?? 0) > 0),
    // Copies: a caller may sort or extend its card; the snapshot is shared by every request.
    colours: [...product.swatches],
    sizes: [...product.sizes],
  }
}

export function distinct(values: ReadonlyArray<string | null>): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))]
}

/** The brand's active catalog and the units available per variant, both as held in memory. */
export function catalogWithStock(ctx: BrandCtx): Promise<[CatalogSnapshot, ReadonlyMap<string, number>]> {
  const snapshots = catalogSnapshots(ctx.db)
  return Promise.all([snapshots.catalog(ctx), snapshots.available(ctx)])
}

/**
 * Units available per variant of an active product, in the snapshot's variant order (the product
 * page's), from the same in-memory maps the page is built from; null when the product is not in the
 * brand's active catalog. What a cached product page keys its stock on (src/storefront).
 */
export async function productAvailability(ctx: BrandCtx, productId: string): Promise<number[] | null> {
  const [catalog, available] = await catalogWithStock(ctx)
  const product = catalog.byId.get(productId)
  return product ? product.variants.map((v) => available.get(v.id) ?? 0) : null
}

/**
 * Which variants of the brand have units available, as a number that moves when one sells out or
 * comes back (stock-bits.ts): listings show stock only as "in stock or not" (cards, the in-stock
 * filter and its facet), so a cached listing keyed on it is rebuilt when that moves, not each time
 * the counts are re-read.
 */
export async function stockGeneration(ctx: BrandCtx): Promise<number> {
  const [catalog, available] = await catalogWithStock(ctx)
  return stockBits(catalog, available).generation
}

/**
 * The version cached shopper responses of a brand key on: the catalog version and the price
 * version at `ctx.now` (src/pricing), e.g. "42:3.1767769200000". Every place that caches a
 * response built from the snapshot puts it in its key, so an edit or a sale boundary is a miss.
 */
export async function cacheVersion(ctx: BrandCtx): Promise<string> {
  const plan = await salePlans(ctx.db).plan(ctx)
  return `${ctx.brand.catalogVersion}:${plan.priceVersion(ctx.now.getTime())}`
}

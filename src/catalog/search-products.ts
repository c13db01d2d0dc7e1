import { sql } from 'kysely'
import { type BrandCtx, brandLanguage } from '../brands/brand.ts'
import {
  type CatalogSnapshot,
  catalogWithStock,
  localizedTitle,
  productCard,
  type SnapshotProduct,
} from './catalog-snapshot.ts'
import type { ProductCard } from './product.ts'
import { bestSellers } from './search/best-sellers.ts'
import { decodeCursor, encodeCursor, type ListingCursor } from './search/cursor.ts'
import { filterAndCount, type ProductFacets, type ProductFilters } from './search/facet-counts.ts'
import { searchWords } from './search/search-words.ts'
import { stockBits, variantIndex } from './search/stock-bits.ts'
import { textMatches } from './search/text-matches.ts'

/**
 * 'relevance' needs text (else it is 'newest'); 'manual' is a collection's merchandised order
 * (else 'newest'). Every sort breaks ties newest first (creation instant, then id).
 */
export type ProductSort = 'relevance' | 'newest' | 'price-asc' | 'price-desc' | 'best-selling' | 'manual'
export const productSorts: readonly ProductSort[] = [
  'relevance',
  'newest',
  'price-asc',
  'price-desc',
  'best-selling',
  'manual',
]

/** Which products a shopper is looking at: a category, words typed in the search box, a collection. */
export interface ProductScope {
  /** A category path ("Femme > Robes"): that category and every category under it. */
  category?: string | undefined
  /** Free text, matched by PostgreSQL full-text search (search/text-matches.ts). */
  text?: string | undefined
  /** A collection's members with their merchandised place (0 first); `scopeKey` names it in cursors. */
  members?: ReadonlyMap<string, number>
  scopeKey?: string
}

export interface SearchProductsQuery extends ProductScope, ProductFilters {
  /** Page numbers (offset) still work; `cursor` (keyset) wins when both are given. */
  page?: number
  pageSize: number
  cursor?: string | undefined
  sort?: ProductSort | undefined
  /** Also count the facets of the scope under these filters (facet-counts.ts). */
  facets?: boolean
}

export interface SearchProductsResult {
  items: ProductCard[]
  total: number
  page: number
  pageSize: number
  /** The sort applied (the default depends on the scope). */
  sort: ProductSort
  /** The next page's cursor; null on the last page. */
  nextCursor: string | null
  facets?: ProductFacets
}

/** Below this many products a scope is sorted directly; above, a whole-catalog order is filtered. */
const directSortLimit = 4_000

/**
 * Product cards of the brand's active products in a scope, filtered, sorted and paged, with the
 * facet counts when asked. PostgreSQL answers only "which products match this text, best first"
 * (cached per brand, catalog version and words); everything else runs on the in-memory catalog
 * snapshot, so a filter, a sort or a facet costs no query. Card titles are in the brand's language.
 */
export async function searchProducts(ctx: BrandCtx, query: SearchProductsQuery): Promise<SearchProductsResult> {
  const [catalog, available] = await catalogWithStock(ctx)
  const language = brandLanguage(ctx.brand)
  // Text made only of punctuation is still a search (for nothing), not "no search".
  const hasText = (query.text ?? '').trim() !== ''
  const sort = effectiveSort(query.sort, hasText, query.members !== undefined)

  let scope: readonly SnapshotProduct[] = hasText ? await textMatches(ctx, catalog, query.text ?? '') : catalog.products
  if (query.category) scope = inCategory(catalog, scope, query.category, hasText)
  const members = query.members
  if (members) scope = scope.filter((p) => members.has(p.id))

  const index = variantIndex(catalog)
  const stock = stockBits(catalog, available)
  const facetsFor = query.facets ? { currency: ctx.brand.currency } : null
  const { matched, facets } = filterAndCount(scope, query, index, stock, facetsFor)
  const keyOf = await sortKey(ctx, sort, scope, members)
  const ordered = await inOrder(ctx, catalog, sort, matched, keyOf, hasText)

  const fingerprint = queryFingerprint(ctx.brand.id, query, sort)
  const pageSize = query.pageSize
  let from: number
  let page = query.page ?? 1
  if (query.cursor) {
    from = resumeAfter(ordered, decodeCursor(query.cursor, fingerprint, sort), keyOf, sort)
    page = Math.floor(from / pageSize) + 1
  } else {
    from = Math.max(0, (page - 1) * pageSize)
  }
  const slice = ordered.slice(from, from + pageSize)
  const last = slice.at(-1)
  const nextCursor =
    last && from + pageSize < ordered.length
      ? encodeCursor({ sort, key: keyOf(last), createdAt: last.createdAt.getTime(), id: last.id }, fingerprint)
      : null
  return {
    items: slice.map((p) => productCard(p, localizedTitle(p, language), available)),
    total: ordered.length,
    page,
    pageSize,
    sort,
    nextCursor,
    ...(facets ? { facets } : {}),
  }
}

function effectiveSort(sort: ProductSort | undefined, hasText: boolean, isCollection: boolean): ProductSort {
  if (sort === 'relevance' && !hasText) return isCollection ? 'manual' : 'newest'
  if (sort === 'manual' && !isCollection) return hasText ? 'relevance' : 'newest'
  return sort ?? (hasText ? 'relevance' : isCollection ? 'manual' : 'newest')
}

function inCategory(catalog: CatalogSnapshot, scope: readonly SnapshotProduct[], category: string, hasText: boolean) {
  // Without text the snapshot's kept category scope is the answer; with text, filter the matches.
  if (!hasText) return catalog.inScope({ category })
  const below = `${category} > `
  return scope.filter((p) => p.categoryPath === category || p.categoryPath.startsWith(below))
}

type KeyOf = (p: SnapshotProduct) => number

/** The primary sort key of a product (ascending order) for a sort; ties go newest first, then by id. */
async function sortKey(
  ctx: BrandCtx,
  sort: ProductSort,
  scope: readonly SnapshotProduct[],
  members: ReadonlyMap<string, number> | undefined,
): Promise<KeyOf> {
  switch (sort) {
    case 'price-asc':
      return (p) => p.priceMinor ?? 0
    case 'price-desc':
      return (p) => -(p.priceMinor ?? 0)
    case 'best-selling': {
      const { units } = await bestSellers(ctx)
      return (p) => -(units.get(p.id) ?? 0)
    }
    case 'manual':
      return (p) => members?.get(p.id) ?? Number.MAX_SAFE_INTEGER
    case 'relevance': {
      // The text matches come best first: the place in that list is the key (built on first use:
      // only cursors need it).
      let place: Map<SnapshotProduct, number> | null = null
      return (p) => {
        place ??= new Map(scope.map((q, i) => [q, i]))
        return place.get(p) ?? Number.MAX_SAFE_INTEGER
      }
    }
    default:
      return (p) => -p.createdAt.getTime()
  }
}

function compare(keyOf: KeyOf): (a: SnapshotProduct, b: SnapshotProduct) => number {
  return (a, b) =>
    keyOf(a) - keyOf(b) || b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/**
 * The matched products in the sort's order. The scope already comes newest first (snapshot) or
 * best first (relevance); price and best-selling orders of a big scope filter a whole-catalog
 * ordering kept per snapshot instead of sorting 50,000 products per request.
 */
async function inOrder(
  ctx: BrandCtx,
  catalog: CatalogSnapshot,
  sort: ProductSort,
  matched: SnapshotProduct[],
  keyOf: KeyOf,
  textScope: boolean,
): Promise<readonly SnapshotProduct[]> {
  if (sort === 'relevance') return matched
  // Scopes come newest first, except text matches (best first).
  if (sort === 'newest') return textScope ? matched.sort((a, b) => a.rank - b.rank) : matched
  if (matched.length <= directSortLimit || sort === 'manual') return matched.sort(compare(keyOf))
  const generation = sort === 'best-selling' ? (await bestSellers(ctx)).generation : 0
  const whole = wholeOrder(catalog, sort, generation, keyOf)
  const wanted = new Uint8Array(catalog.products.length)
  for (const p of matched) wanted[p.rank] = 1
  return whole.filter((p) => wanted[p.rank] === 1)
}

const wholeOrders = new WeakMap<CatalogSnapshot, Map<string, { generation: number; order: SnapshotProduct[] }>>()

function wholeOrder(catalog: CatalogSnapshot, sort: ProductSort, generation: number, keyOf: KeyOf): SnapshotProduct[] {
  let bySort = wholeOrders.get(catalog)
  if (!bySort) {
    bySort = new Map()
    wholeOrders.set(catalog, bySort)
  }
  const held = bySort.get(sort)
  if (held && held.generation === generation) return held.order
  const order = catalog.products.filter((p) => p.priceMinor !== null).sort(compare(keyOf))
  bySort.set(sort, { generation, order })
  return order
}

/**
 * Where the page after a cursor starts: after the cursor's product when it is still listed (exact
 * within one catalog version), else after where its sort key would place it.
 */
function resumeAfter(
  ordered: readonly SnapshotProduct[],
  cursor: ListingCursor,
  keyOf: KeyOf,
  sort: ProductSort,
): number {
  const at = ordered.findIndex((p) => p.id === cursor.id)
  if (at >= 0) return at + 1
  const ghost = { id: cursor.id, createdAt: new Date(cursor.createdAt) } as SnapshotProduct
  const key = sort === 'newest' ? -cursor.createdAt : cursor.key
  const cmp = compare((p) => (p === ghost ? key : keyOf(p)))
  const after = ordered.findIndex((p) => cmp(ghost, p) < 0)
  return after === -1 ? ordered.length : after
}

/** What a cursor is bound to: the brand, scope, filters and sort it was given out for. */
function queryFingerprint(brandId: string, query: SearchProductsQuery, sort: ProductSort): string {
  return JSON.stringify([
    brandId,
    sort,
    query.category ?? '',
    searchWords(query.text),
    query.scopeKey ?? '',
    [...(query.sizes ?? [])].sort(),
    [...(query.colours ?? [])].sort(),
    query.inStock === true,
    query.minPriceMinor ?? null,
    query.maxPriceMinor ?? null,
  ])
}

export { searchWords }

export interface ProductLink {
  id: string
  title: string
  updatedAt: Date
}

/** Every active product of the brand with what a link to it needs (sitemap.xml), newest first. */
export async function listProductLinks(ctx: BrandCtx, limit = 50_000): Promise<ProductLink[]> {
  const language = brandLanguage(ctx.brand)
  const rows = await ctx.db
    .selectFrom('products as p')
    .select([
      'p.id',
      sql<string>`coalesce(p.translations -> ${language} ->> 'title', p.title)`.as('title'),
      'p.updated_at',
    ])
    .where('p.brand_id', '=', ctx.brand.id)
    .where('p.status', '=', 'active')
    .orderBy('p.created_at', 'desc')
    .orderBy('p.id')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ id: r.id, title: r.title, updatedAt: r.updated_at }))
}

import { sql } from 'kysely'
import { type BrandCtx, brandLanguage } from '../brands/brand.ts'
import { catalogSnapshots, localizedTitle, productCard, type SnapshotVariant } from './catalog-snapshot.ts'
import type { ProductCard } from './product.ts'

/** 'relevance' is accepted now and ranks as 'newest' until full-text search (merchandising) lands. */
export type ProductSort = 'newest' | 'price-asc' | 'price-desc' | 'relevance'

/** Which products a shopper is looking at: a category and/or words typed in the search box. */
export interface ProductScope {
  /** A category path ("Femme > Robes"): that category and every category under it. */
  category?: string
  /** Free text; every word must appear in the title, description or category. */
  text?: string
}

export interface SearchProductsQuery extends ProductScope {
  page: number
  pageSize: number
  /** Variant filters: one variant must match all of them (an "S in Bleu, in stock"). */
  sizes?: readonly string[]
  colours?: readonly string[]
  inStock?: boolean
  /** Bounds on the product's lowest variant price, the price its card shows. */
  minPriceMinor?: number
  maxPriceMinor?: number
  sort?: ProductSort
}

export interface SearchProductsResult {
  items: ProductCard[]
  total: number
  page: number
  pageSize: number
}

const maxWords = 8
const maxWordLength = 50

/**
 * Product cards of the brand's active products matching a scope and filters, sorted and paged.
 * Card titles are in the brand's language. Served from the brand's in-memory catalog snapshot
 * (catalog-snapshot.ts): no query per call once it is loaded. Text matches every word, case- and
 * accent-insensitively; the signature stays the same when ranking replaces it (sort 'relevance').
 */
export async function searchProducts(ctx: BrandCtx, query: SearchProductsQuery): Promise<SearchProductsResult> {
  const snapshots = catalogSnapshots(ctx.db)
  const [catalog, available] = await Promise.all([snapshots.catalog(ctx), snapshots.available(ctx)])
  const language = brandLanguage(ctx.brand)
  const scoped = catalog.inScope({ category: query.category, words: searchWords(query.text), language })
  const matches = variantFilter(query, available)
  const { minPriceMinor: min, maxPriceMinor: max } = query
  const found = scoped.filter(
    (p) =>
      p.priceMinor !== null &&
      (min === undefined || p.priceMinor >= min) &&
      (max === undefined || p.priceMinor <= max) &&
      (matches === null || p.variants.some(matches)),
  )
  const sort = query.sort ?? 'newest'
  // `found` is newest first (created_at desc, id): that order breaks every tie.
  if (sort === 'price-asc') found.sort((a, b) => a.priceMinor! - b.priceMinor! || a.rank - b.rank)
  if (sort === 'price-desc') found.sort((a, b) => b.priceMinor! - a.priceMinor! || a.rank - b.rank)
  const from = Math.max(0, (query.page - 1) * query.pageSize)
  const items = found
    .slice(from, from + query.pageSize)
    .map((p) => productCard(p, localizedTitle(p, language), available))
  return { items, total: found.length, page: query.page, pageSize: query.pageSize }
}

/** One variant must match all the variant filters (an "S in Bleu, in stock"); null when there are none. */
function variantFilter(
  query: SearchProductsQuery,
  available: ReadonlyMap<string, number>,
): ((variant: SnapshotVariant) => boolean) | null {
  const sizes = query.sizes && query.sizes.length > 0 ? new Set(query.sizes) : null
  const colours = query.colours && query.colours.length > 0 ? new Set(query.colours) : null
  const inStock = query.inStock === true
  if (!sizes && !colours && !inStock) return null
  return (v) =>
    (!sizes || (v.size !== null && sizes.has(v.size))) &&
    (!colours || (v.colour !== null && colours.has(v.colour))) &&
    (!inStock || (available.get(v.id) ?? 0) > 0)
}

/** The words of a search, trimmed and bounded so a pasted essay cannot build a huge query. */
export function searchWords(text: string | undefined): string[] {
  if (!text) return []
  return text
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .slice(0, maxWords)
    .map((w) => w.slice(0, maxWordLength))
}

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

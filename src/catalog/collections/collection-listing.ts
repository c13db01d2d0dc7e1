import type { BrandCtx } from '../../brands/brand.ts'
import type { Db } from '../../platform/db/database.ts'
import { NotFound } from '../../platform/errors.ts'
import { type CatalogSnapshot, catalogSnapshots, type SnapshotProduct } from '../catalog-snapshot.ts'
import { bestSellers } from '../search/best-sellers.ts'
import { type SearchProductsQuery, type SearchProductsResult, searchProducts } from '../search-products.ts'
import { type Collection, rulesPredicate } from './collection.ts'
import { readCollections } from './queries.ts'

/**
 * The brand's collections at (at least) the context's catalog version: every collection write
 * bumps the version, so they are read once per version and brand, like the catalog snapshot.
 */
export function brandCollections(ctx: BrandCtx): Promise<Collection[]> {
  if (ctx.db.isTransaction) return readCollections(ctx.db, ctx.brand.id)
  let byBrand = held.get(ctx.db)
  if (!byBrand) {
    byBrand = new Map()
    held.set(ctx.db, byBrand)
  }
  const entry = byBrand.get(ctx.brand.id)
  if (entry && entry.version >= ctx.brand.catalogVersion) return entry.collections
  const collections = readCollections(ctx.db, ctx.brand.id)
  const next = { version: ctx.brand.catalogVersion, collections }
  byBrand.set(ctx.brand.id, next)
  const brands = byBrand
  collections.catch(() => {
    if (brands.get(ctx.brand.id) === next) brands.delete(ctx.brand.id)
  })
  return collections
}

const held = new WeakMap<Db, Map<string, { version: number; collections: Promise<Collection[]> }>>()

export async function collectionBySlug(ctx: BrandCtx, slug: string): Promise<Collection> {
  const found = (await brandCollections(ctx)).find((c) => c.slug === slug)
  if (!found) throw new NotFound('Collection')
  return found
}

/**
 * A collection's active members with their merchandised place (0 first): its pins in pin order,
 * then the manual list in its order, or the products its rules select in the collection's sort.
 */
export async function collectionMembers(ctx: BrandCtx, collection: Collection): Promise<Map<string, number>> {
  const catalog = await catalogSnapshots(ctx.db).catalog(ctx)
  const members = new Map<string, number>()
  const add = (id: string) => {
    if (!members.has(id) && catalog.byId.get(id)?.priceMinor != null) members.set(id, members.size)
  }
  for (const id of collection.pinnedIds) add(id)
  if (collection.kind === 'manual') {
    for (const id of collection.productIds) add(id)
    return members
  }
  for (const p of await ruleOrder(ctx, catalog, collection)) add(p.id)
  return members
}

async function ruleOrder(ctx: BrandCtx, catalog: CatalogSnapshot, collection: Collection): Promise<SnapshotProduct[]> {
  // The snapshot is newest first; other orders sort the (usually much smaller) selection.
  const selected = catalog.products.filter(rulesPredicate(collection.rules, ctx.now))
  const newestFirst = (a: SnapshotProduct, b: SnapshotProduct) => a.rank - b.rank
  switch (collection.sort) {
    case 'price-asc':
      return selected.sort((a, b) => a.priceMinor! - b.priceMinor! || newestFirst(a, b))
    case 'price-desc':
      return selected.sort((a, b) => b.priceMinor! - a.priceMinor! || newestFirst(a, b))
    case 'best-selling': {
      const { units } = await bestSellers(ctx)
      return selected.sort((a, b) => (units.get(b.id) ?? 0) - (units.get(a.id) ?? 0) || newestFirst(a, b))
    }
    default:
      return selected
  }
}

export type CollectionListingQuery = Omit<SearchProductsQuery, 'members' | 'scopeKey'>

/** A collection's listing: the same text, filters, facets, sorts and paging as a search. */
export async function searchCollection(
  ctx: BrandCtx,
  collection: Collection,
  query: CollectionListingQuery,
): Promise<SearchProductsResult> {
  const members = await collectionMembers(ctx, collection)
  return searchProducts(ctx, { ...query, members, scopeKey: collection.id })
}

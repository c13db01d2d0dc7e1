import type { BrandCtx } from '../brands/brand.ts'
import type { ProductFacets } from './search/facet-counts.ts'
import { type ProductScope, searchProducts } from './search-products.ts'

export type { ColourFacet, FacetCount, PriceBand, ProductFacets, ProductFilters } from './search/facet-counts.ts'

/**
 * The facets of a scope (a category, a search, a collection) with no filter applied. Listings
 * that filter get their counts from `searchProducts(…, { facets: true })`, in the same pass.
 */
export async function productFacets(ctx: BrandCtx, scope: ProductScope): Promise<ProductFacets> {
  const result = await searchProducts(ctx, { ...scope, pageSize: 1, facets: true })
  return result.facets!
}

/** The category paths of the brand's active products ("Femme > Robes > Robes longues"), sorted. */
export async function listCategoryPaths(ctx: BrandCtx): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('products')
    .select('category_path')
    .distinct()
    .where('brand_id', '=', ctx.brand.id)
    .where('status', '=', 'active')
    .where('category_path', '<>', '')
    .orderBy('category_path')
    .execute()
  return rows.map((r) => r.category_path)
}

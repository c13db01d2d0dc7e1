import { type BrandCtx, brandLanguage } from '../brands/brand.ts'
import { catalogSnapshots, type SnapshotProduct } from './catalog-snapshot.ts'
import { sortSizes } from './queries.ts'
import { type ProductScope, searchWords } from './search-products.ts'

export interface ColourFacet {
  name: string
  hex: string | null
}

/** What a shopper can filter on within a scope (a category, a search): the filter form's options. */
export interface ProductFacets {
  sizes: string[]
  colours: ColourFacet[]
  /** Bounds of the products' lowest variant prices (what cards show); null when nothing matches. */
  priceMinMinor: number | null
  priceMaxMinor: number | null
}

/**
 * Sizes, colours and price bounds of the active products in a scope; other filters are ignored.
 * From the brand's catalog snapshot; a category's facets are computed once per catalog version.
 */
export async function productFacets(ctx: BrandCtx, scope: ProductScope): Promise<ProductFacets> {
  const catalog = await catalogSnapshots(ctx.db).catalog(ctx)
  const words = searchWords(scope.text)
  const compute = () =>
    facetsOf(catalog.inScope({ category: scope.category, words, language: brandLanguage(ctx.brand) }))
  // Category scopes are few (the category tree); searched words are not, so they are not kept.
  const facets = words.length === 0 ? catalog.derived(`facets:${scope.category ?? ''}`, compute) : compute()
  return { ...facets, sizes: [...facets.sizes], colours: facets.colours.map((c) => ({ ...c })) }
}

function facetsOf(products: readonly SnapshotProduct[]): ProductFacets {
  const sizes = new Set<string>()
  // Per colour name, the lowest hex (as SQL's min(colour_hex) over the scope's variants).
  const colours = new Map<string, string | null>()
  let low: number | null = null
  let high: number | null = null
  for (const p of products) {
    if (p.priceMinor === null) continue // no variant: not in the SQL join either
    if (low === null || p.priceMinor < low) low = p.priceMinor
    if (high === null || p.priceMinor > high) high = p.priceMinor
    for (const v of p.variants) {
      if (v.size !== null) sizes.add(v.size)
      if (v.colour === null) continue
      const hex = colours.get(v.colour)
      if (hex === undefined) colours.set(v.colour, v.colourHex)
      else if (v.colourHex !== null && (hex === null || v.colourHex < hex)) colours.set(v.colour, v.colourHex)
    }
  }
  return {
    sizes: sortSizes([...sizes].sort()),
    colours: [...colours.keys()].sort().map((name) => ({ name, hex: colours.get(name) ?? null })),
    priceMinMinor: low,
    priceMaxMinor: high,
  }
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

import { Type } from 'typebox'
import { MinorUnits, Nullable } from '../../platform/http/schemas.ts'
import { ProductCardSchema } from '../schemas.ts'
import type { SearchProductsQuery } from '../search-products.ts'

const FilterValues = Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 20 })

/** The shopper's listing query (search, collections): text, filters, sort, keyset or page. */
export const ListingQuerySchema = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 300, description: 'Free text (8 words are used)' })),
    category: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    size: Type.Optional(FilterValues),
    colour: Type.Optional(FilterValues),
    inStock: Type.Optional(Type.Boolean()),
    minPrice: Type.Optional(MinorUnits),
    maxPrice: Type.Optional(MinorUnits),
    sort: Type.Optional(
      Type.Union(
        ['relevance', 'newest', 'price-asc', 'price-desc', 'best-selling', 'manual'].map((s) => Type.Literal(s)),
        { description: "Default: 'relevance' with text, 'manual' in a collection, else 'newest'" },
      ),
    ),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 400, description: 'The `nextCursor` of the previous page (keyset)' }),
    ),
    page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 24 }),
  },
  { additionalProperties: false },
)

type ListingQuery = {
  q?: string
  category?: string
  size?: string[]
  colour?: string[]
  inStock?: boolean
  minPrice?: number
  maxPrice?: number
  sort?: string
  cursor?: string
  page: number
  pageSize: number
}

const FacetsSchema = Type.Object({
  sizes: Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() })),
  colours: Type.Array(Type.Object({ name: Type.String(), hex: Nullable(Type.String()), count: Type.Integer() })),
  priceBands: Type.Array(
    Type.Object({ minMinor: Type.Integer(), maxMinor: Nullable(Type.Integer()), count: Type.Integer() }),
  ),
  inStock: Type.Integer(),
  priceMinMinor: Nullable(Type.Integer()),
  priceMaxMinor: Nullable(Type.Integer()),
})

export const ListingResultSchema = Type.Object({
  currency: Type.String(),
  items: Type.Array(ProductCardSchema),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  sort: Type.String(),
  nextCursor: Nullable(Type.String()),
  facets: FacetsSchema,
})

/** The validated query as searchProducts takes it. */
export function listingQuery(query: ListingQuery): SearchProductsQuery {
  return {
    ...(query.q !== undefined ? { text: query.q } : {}),
    ...(query.category !== undefined ? { category: query.category } : {}),
    ...(query.size ? { sizes: query.size } : {}),
    ...(query.colour ? { colours: query.colour } : {}),
    ...(query.inStock !== undefined ? { inStock: query.inStock } : {}),
    ...(query.minPrice !== undefined ? { minPriceMinor: query.minPrice } : {}),
    ...(query.maxPrice !== undefined ? { maxPriceMinor: query.maxPrice } : {}),
    ...(query.sort !== undefined ? { sort: query.sort as SearchProductsQuery['sort'] } : {}),
    ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
    page: query.page,
    pageSize: query.pageSize,
    facets: true,
  }
}

/** A cache key part for a listing query: every field, in a fixed order. */
export function listingKey(query: ListingQuery): string {
  return JSON.stringify([
    query.q ?? '',
    query.category ?? '',
    [...(query.size ?? [])].sort(),
    [...(query.colour ?? [])].sort(),
    query.inStock ?? null,
    query.minPrice ?? null,
    query.maxPrice ?? null,
    query.sort ?? '',
    query.cursor ?? '',
    query.page,
    query.pageSize,
  ])
}

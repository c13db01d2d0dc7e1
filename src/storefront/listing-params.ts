import { type ProductSort, productSorts } from '../catalog/index.ts'
import { parseAmount } from '../platform/money.ts'

/** A listing's filters, sort and page as read from its query string. */
export interface ListingParams {
  q: string
  page: number
  /** null: the scope's default (relevance for a search, the merchandised order in a collection, else newest). */
  sort: ProductSort | null
  /** A keyset cursor (`nextCursor` of the previous page); wins over `page`. Checked by the search (400 if altered). */
  cursor: string
  sizes: string[]
  colours: string[]
  inStock: boolean
  /** As typed ("49,90"), for the form; minor units for the query. */
  minText: string
  maxText: string
  minPriceMinor?: number
  maxPriceMinor?: number
}

export type Query = Record<string, string | string[] | undefined>

const sorts = new Set<string>(productSorts)
const maxCursorLength = 400
const maxValues = 20
const maxValueLength = 50
export const maxSearchLength = 100
export const maxPage = 1000

/**
 * Reads the listing parameters leniently: what is malformed or unknown is ignored (a shopper
 * gets the listing without that filter, not an error page), and every value is bounded.
 */
export function parseListingParams(query: Query, currency: string): ListingParams {
  const page = Number(first(query.page))
  const sort = first(query.sort)
  const minText = first(query.min).slice(0, 15)
  const maxText = first(query.max).slice(0, 15)
  const minPriceMinor = minText ? parseAmount(minText, currency) : null
  const maxPriceMinor = maxText ? parseAmount(maxText, currency) : null
  return {
    q: first(query.q).trim().slice(0, maxSearchLength),
    page: Number.isInteger(page) && page >= 1 && page <= maxPage ? page : 1,
    sort: sorts.has(sort) ? (sort as ProductSort) : null,
    // Bounded (the page-cache key), never shortened silently: an overlong cursor is refused as altered.
    cursor: first(query.cursor).slice(0, maxCursorLength + 1),
    sizes: all(query.size),
    colours: all(query.colour),
    inStock: first(query.stock) === '1',
    minText: minPriceMinor === null ? '' : minText,
    maxText: maxPriceMinor === null ? '' : maxText,
    ...(minPriceMinor !== null && minPriceMinor >= 0 ? { minPriceMinor } : {}),
    ...(maxPriceMinor !== null && maxPriceMinor >= 0 ? { maxPriceMinor } : {}),
  }
}

/** The parameters in a fixed order: the page-cache key and the base of pagination links. */
export function listingPairs(
  params: ListingParams,
  options: { page?: number; cursor?: string } = {},
): Array<[string, string]> {
  const page = options.page ?? (options.cursor !== undefined ? 1 : params.page)
  const cursor = options.cursor ?? (options.page !== undefined ? '' : params.cursor)
  return [
    ['q', params.q],
    ['sort', params.sort ?? ''],
    ...[...params.sizes].sort().map((s): [string, string] => ['size', s]),
    ...[...params.colours].sort().map((c): [string, string] => ['colour', c]),
    ['stock', params.inStock ? '1' : ''],
    ['min', params.minText],
    ['max', params.maxText],
    ['page', page > 1 && !cursor ? String(page) : ''],
    ['cursor', cursor],
  ]
}

export function hasFilters(params: ListingParams): boolean {
  return params.sizes.length > 0 || params.colours.length > 0 || params.inStock || !!params.minText || !!params.maxText
}

export function first(value: string | string[] | undefined): string {
  const v = Array.isArray(value) ? value[0] : value
  return typeof v === 'string' ? v : ''
}

function all(value: string | string[] | undefined): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value]
  return [...new Set(values.filter((v) => v.length > 0 && v.length <= maxValueLength))].slice(0, maxValues)
}

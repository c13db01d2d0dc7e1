import type { FeedItem } from './parse/index.ts'

/** An item as staged in import_items: the catalog's own shapes (effective prices, stock to set). */
export interface StagedItem {
  line: number
  itemId: string
  groupId: string
  title: string | null
  description: string | null
  categoryPath: string | null
  images: string[]
  attributes: Record<string, string>
  brandName: string | null
  status: 'active' | 'draft' | 'archived' | null
  size: string | null
  colour: string | null
  gtin: string | null
  priceMinor: number
  compareAtMinor: number | null
  /** Only a sale with an interval; a sale without one is folded into price/compare-at. */
  salePriceMinor: number | null
  saleStartsAt: Date | null
  saleEndsAt: Date | null
  /** null: the feed says nothing about stock, and on_hand is left as it is. */
  onHand: number | null
  weightGrams: number | null
  /** The variant's page on the brand's own site (Google `link`). */
  link: string | null
  /** Manufacturer part number (Google `mpn`). */
  mpn: string | null
  availability: 'in_stock' | 'out_of_stock' | 'preorder' | 'backorder' | null
  /** When a preorder/backorder item becomes available (Google `availability_date`). */
  availabilityDate: Date | null
}

const maxMinor = 100_000_000_00
/** The catalog's own limits (migration 0001-core CHECKs), checked here so no row fails the apply. */
const maxKey = 100
const maxTitle = 300
const maxImages = 20
const maxLink = 2000

/**
 * Turns a parsed item into what the catalog stores, or says why it cannot be imported. Prices:
 * Google's `price` is the base price; a `sale_price` with an effective interval becomes a
 * scheduled price, one without means "on sale now" (price = sale price, compare-at = price).
 * Stock: a quantity sets on_hand (negative Shopify quantities count as 0); `out_of_stock` with no
 * quantity sets 0; otherwise on_hand is the ERP's business and is left alone.
 * A GTIN is not checked again: every parser rejects an item whose GTIN is not valid (FeedItem.gtin).
 */
export function validateItem(item: FeedItem, currency: string): StagedItem | { reason: string } {
  if (item.id.length === 0 || item.id.length > maxKey) return { reason: `id must be 1–${maxKey} characters` }
  if (item.groupId.length === 0 || item.groupId.length > maxKey) {
    return { reason: `product reference (item group) must be 1–${maxKey} characters` }
  }
  if (item.currency !== currency) return { reason: `currency ${item.currency} is not the brand's (${currency})` }
  if (item.title !== null && item.title.length > maxTitle) return { reason: `title longer than ${maxTitle} characters` }
  if (!isMinor(item.priceMinor)) return { reason: 'price must be a non-negative amount' }
  if (item.salePriceMinor !== null && !isMinor(item.salePriceMinor)) {
    return { reason: 'sale price must be a non-negative amount' }
  }
  if (item.weightGrams !== null && !(Number.isInteger(item.weightGrams) && item.weightGrams >= 0)) {
    return { reason: 'weight must be a non-negative number of grams' }
  }
  if (item.mpn !== null && item.mpn.length > maxKey) return { reason: `mpn longer than ${maxKey} characters` }
  if (item.link !== null && item.link.length > maxLink) return { reason: `link longer than ${maxLink} characters` }
  const { saleStartsAt, saleEndsAt } = item
  if (saleStartsAt && saleEndsAt && saleStartsAt >= saleEndsAt) return { reason: 'sale period ends before it starts' }

  let priceMinor = item.priceMinor
  let compareAtMinor = item.compareAtMinor !== null && item.compareAtMinor > 0 ? item.compareAtMinor : null
  let salePriceMinor: number | null = null
  const scheduled = item.salePriceMinor !== null && (saleStartsAt !== null || saleEndsAt !== null)
  if (item.salePriceMinor !== null && !scheduled) {
    compareAtMinor = item.priceMinor > 0 ? item.priceMinor : null
    priceMinor = item.salePriceMinor
  } else if (scheduled) {
    salePriceMinor = item.salePriceMinor
  }
  if (compareAtMinor !== null && !isMinor(compareAtMinor)) return { reason: 'compare-at price is out of range' }

  const onHand =
    item.quantity !== null
      ? Math.max(0, Math.min(Math.trunc(item.quantity), 2_000_000_000))
      : item.availability === 'out_of_stock'
        ? 0
        : null

  return {
    line: item.line,
    itemId: item.id,
    groupId: item.groupId,
    title: item.title === null || item.title.trim() === '' ? null : item.title,
    description: item.description,
    categoryPath: item.categoryPath,
    images: item.images.length > maxImages ? item.images.slice(0, maxImages) : item.images,
    attributes: item.attributes,
    brandName: item.brandName,
    status: item.status,
    size: item.size,
    colour: item.colour,
    gtin: item.gtin,
    priceMinor,
    compareAtMinor,
    salePriceMinor,
    saleStartsAt: scheduled ? saleStartsAt : null,
    saleEndsAt: scheduled ? saleEndsAt : null,
    onHand,
    weightGrams: item.weightGrams,
    link: item.link,
    mpn: item.mpn,
    availability: item.availability,
    availabilityDate: item.availabilityDate,
  }
}

const isMinor = (n: number): boolean => Number.isSafeInteger(n) && n >= 0 && n <= maxMinor

/**
 * What the feed parsers hand to the import pipeline: one event per item (a sellable variant) or per
 * rejected item, in file order. Structural failures (the file cannot be trusted as a whole) throw
 * `FeedStructureError` instead, and the run must change nothing.
 */

export type FeedFormat = 'google-rss' | 'google-atom' | 'google-tsv' | 'shopify-csv'

/** One sellable item (a variant) as read from the feed, product-level fields included (may be empty on Shopify's non-first rows). */
export interface FeedItem {
  /** 1-based line of the item's start in the file. */
  line: number
  /** Google `id`; Shopify `Variant SKU`, or `Handle/Option1 Value/Option2 Value…` when the SKU is empty. */
  id: string
  /** Google `item_group_id` (or `id` when absent); Shopify `Handle`. */
  groupId: string
  /** null when the row doesn't carry it (Shopify non-first rows). */
  title: string | null
  /** HTML allowed as text (CDATA kept verbatim as text). */
  description: string | null
  /** Google `product_type` normalised to ' > ' separators; Shopify `Type`, else `Product Category`. */
  categoryPath: string | null
  link: string | null
  /** Google: image_link first, then each additional_image_link. Shopify: see parse-shopify-csv.ts. */
  images: string[]
  size: string | null
  colour: string | null
  /**
   * A valid GTIN (gtin.ts), or null: each reader rejects an item whose GTIN is not, with its own
   * reason, and validateItem trusts it rather than checking every item a second time.
   */
  gtin: string | null
  mpn: string | null
  /** Google `brand`, Shopify `Vendor`. */
  brandName: string | null
  /** >= 0, integer minor units. */
  priceMinor: number
  /** ISO 4217, from "289.00 EUR"; Shopify CSV has no currency: options.defaultCurrency. */
  currency: string
  salePriceMinor: number | null
  /** From sale_price_effective_date "2026-01-07T08:00+01:00/2026-02-03T19:00+01:00". */
  saleStartsAt: Date | null
  saleEndsAt: Date | null
  /** Shopify `Variant Compare At Price`. */
  compareAtMinor: number | null
  availability: 'in_stock' | 'out_of_stock' | 'preorder' | 'backorder' | null
  availabilityDate: Date | null
  /** Shopify `Variant Inventory Qty` (can be negative: Shopify allows overselling); Google has none (null). */
  quantity: number | null
  /** Google shipping_weight "350 g"/"1.2 kg"/"2 lb"/"10 oz"; Shopify `Variant Grams`. Rounded to whole grams. */
  weightGrams: number | null
  /** Shopify `Status`; Google: null (means active). */
  status: 'active' | 'draft' | 'archived' | null
  /**
   * Every other field, key = field name without the 'g:' prefix (Shopify: the column header as is).
   * Values are the text as read, except in Google XML: a nested group (g:shipping with country/service/price)
   * is JSON text of an array of objects (`[{"country":"FR","service":"Standard","price":"4.90 EUR"}]`), and a
   * plain field given more than once is JSON text of an array of strings.
   */
  attributes: Record<string, string>
}

export interface FeedRejection {
  line: number
  itemId: string | null
  reason: string
}

export type FeedEvent = { kind: 'item'; item: FeedItem } | { kind: 'rejection'; rejection: FeedRejection }

/** Structural failure: the whole run must fail and change nothing. */
export class FeedStructureError extends Error {
  readonly reason: string
  readonly line: number | null
  readonly column: number | null

  constructor(reason: string, line: number | null, column: number | null) {
    super(line === null ? reason : `${reason} (line ${line}${column === null ? '' : `, column ${column}`})`)
    this.name = 'FeedStructureError'
    this.reason = reason
    this.line = line
    this.column = column
  }
}

export interface ParseOptions {
  /** Detected from the first bytes when absent (see detectFormat). */
  format?: FeedFormat
  /** The brand's currency (ISO 4217). */
  defaultCurrency: string
  /** Default 512 MiB: beyond → FeedStructureError('file too large …'). */
  maxBytes?: number
  /**
   * Per-item rejection beyond it. When absent: 10,000 characters for description, 300 for title, 1,000 for
   * every other field. When given, this one limit applies to every field (description and title included).
   */
  maxFieldLength?: number
  /** XML element depth, default 16 → structural error. */
  maxDepth?: number
}

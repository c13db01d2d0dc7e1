import { hash } from 'node:crypto'
import { sql } from 'kysely'
import type { ImportMode } from './runs.ts'
import type { StagedItem } from './validate-item.ts'

/**
 * Prefix of the hash a product keeps of the feed content last applied to it: bump it when what
 * the hash covers changes, so every product is re-applied once. The run's mode follows it: a full
 * run must re-apply a product a delta last wrote (what a full feed omits is delisted; a delta says
 * nothing about it). v2: the md5 of the product's items' hashes, in file order. v3: item contents
 * leave out their null fields.
 */
export const hashVersion = 'v3:'

/**
 * Everything the feed says about one item, as a JSON object with one short key per staged column
 * (`contentRecord` names them for json_to_record). Its md5 is the item's hash; it is also what
 * staging sends for an item staged whole (see stage-items.ts).
 * A field that is null is left out (JSON.stringify drops undefined): json_to_record reads a
 * missing key as null, and a content a sixth shorter is that much less to build, hash and send.
 */
export function itemContent(item: StagedItem): string {
  return JSON.stringify({
    i: item.itemId,
    t: item.title ?? undefined,
    d: item.description ?? undefined,
    c: item.categoryPath ?? undefined,
    im: item.images,
    a: item.attributes,
    b: item.brandName ?? undefined,
    st: item.status ?? undefined,
    z: item.size ?? undefined,
    co: item.colour ?? undefined,
    gt: item.gtin ?? undefined,
    p: item.priceMinor,
    ca: item.compareAtMinor ?? undefined,
    sp: item.salePriceMinor ?? undefined,
    ss: item.saleStartsAt?.toISOString(),
    se: item.saleEndsAt?.toISOString(),
    oh: item.onHand ?? undefined,
    w: item.weightGrams ?? undefined,
    li: item.link ?? undefined,
    m: item.mpn ?? undefined,
    av: item.availability ?? undefined,
    ad: item.availabilityDate?.toISOString(),
  })
}

/** The column definitions of itemContent's object, for json_to_record / json_to_recordset. */
export const contentRecord = sql.raw(
  `i text, t text, d text, c text, im jsonb, a jsonb, b text, st text, z text, co text, gt text, p bigint,
  ca bigint, sp bigint, ss timestamptz, se timestamptz, oh int, w int, li text, m text, av text, ad timestamptz`,
)

export const md5Hex = (text: string): string => hash('md5', text)

/**
 * A product's hash from its items' hashes in file order, as the apply computes it in SQL
 * (`md5(string_agg(item_hash, E'\n' order by seq))`): both must give the same text.
 */
export function productHash(mode: ImportMode, itemHashes: readonly string[]): string {
  return `${hashVersion}${mode}:${md5Hex(itemHashes.join('\n'))}`
}

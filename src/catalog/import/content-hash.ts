import { hash } from 'node:crypto'
import { sql } from 'kysely'
import type { ImportMode } from './runs.ts'
import type { StagedItem } from './validate-item.ts'

/**
 * Prefix of the hash a product keeps of the feed content last applied to it: bump it when what
 * the hash covers changes, so every product is re-applied once. The run's mode follows it: a full
 * run must re-apply a product a delta last wrote (what a full feed omits is delisted; a delta says
 * nothing about it). v2: the md5 of the product's items' hashes, in file order.
 */
export const hashVersion = 'v2:'

/**
 * Everything the feed says about one item, as a JSON object with one short key per staged column
 * (`contentRecord` names them for json_to_record). Its md5 is the item's hash; it is also what
 * staging sends (see stage-items.ts), and what an item staged without its columns keeps.
 */
export function itemContent(item: StagedItem): string {
  return JSON.stringify({
    i: item.itemId,
    t: item.title,
    d: item.description,
    c: item.categoryPath,
    im: item.images,
    a: item.attributes,
    b: item.brandName,
    st: item.status,
    z: item.size,
    co: item.colour,
    gt: item.gtin,
    p: item.priceMinor,
    ca: item.compareAtMinor,
    sp: item.salePriceMinor,
    ss: item.saleStartsAt?.toISOString() ?? null,
    se: item.saleEndsAt?.toISOString() ?? null,
    oh: item.onHand,
    w: item.weightGrams,
    li: item.link,
    m: item.mpn,
    av: item.availability,
    ad: item.availabilityDate?.toISOString() ?? null,
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

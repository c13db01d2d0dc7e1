import { sql } from 'kysely'
import type { BrandCtx } from '../../brands/brand.ts'
import type { FeedEvent } from './parse/index.ts'
import { type ImportRejection, insertRejections } from './runs.ts'
import { type StagedItem, validateItem } from './validate-item.ts'

export interface StageResult {
  /** Items and rejected lines the parser produced. */
  itemsRead: number
  staged: number
  rejected: number
}

/**
 * Rows per staging INSERT (one array parameter per column, unnested), so a 1,000,000-item feed is
 * 1,000 round trips and memory holds at most two batches (2,000 measured 50 MB more peak RSS).
 */
export const stageBatchSize = 1000

/**
 * Streams a feed's events into the UNLOGGED staging table, validating each item, and records the
 * rejected ones (parser's and ours) as it goes. Duplicate ids: the first occurrence wins. Before a
 * batch is written, one look-up by primary key finds which of its ids earlier batches staged (and
 * at which line); inside the batch a Map does the same. Memory does not grow with the feed.
 * `seq` numbers the items in file order (the parser's `line` is the same order, but an XML line
 * may hold several items). The next batch is parsed while the previous one is written.
 */
export async function stageFeed(
  ctx: BrandCtx,
  runId: string,
  events: AsyncIterable<FeedEvent>,
  onProgress: (itemsRead: number) => void | Promise<void> = () => {},
): Promise<StageResult> {
  const result: StageResult = { itemsRead: 0, staged: 0, rejected: 0 }
  let items: NumberedItem[] = []
  let rejections: ImportRejection[] = []
  let seq = 0
  const repeated = new RepeatedProductFields()
  let inFlight: Promise<void> | null = null

  const write = async (batchItems: NumberedItem[], batchRejections: ImportRejection[], itemsRead: number) => {
    const losers = await insertStaged(ctx, runId, batchItems, repeated)
    result.staged += batchItems.length - losers.length
    batchRejections.push(...losers)
    result.rejected += batchRejections.length
    await insertRejections(ctx, runId, batchRejections)
    await onProgress(itemsRead)
  }

  for await (const event of events) {
    result.itemsRead += 1
    if (event.kind === 'rejection') {
      rejections.push(event.rejection)
    } else {
      const staged = validateItem(event.item, ctx.brand.currency)
      if ('reason' in staged) rejections.push({ line: event.item.line, itemId: event.item.id, reason: staged.reason })
      else items.push({ ...staged, seq: ++seq })
    }
    // A generated or in-memory feed never waits on I/O: its items come through microtasks only, which
    // would leave the database's answer to the batch in flight unread until this loop awaits it.
    if (inFlight && result.itemsRead % 256 === 0) await new Promise((resolve) => setImmediate(resolve))
    if (items.length + rejections.length >= stageBatchSize) {
      // Parsing runs ahead of the database by at most one batch.
      if (inFlight) await inFlight
      inFlight = write(items, rejections, result.itemsRead)
      inFlight.catch(() => {}) // awaited above or below; this only keeps it from counting as unhandled
      items = []
      rejections = []
    }
  }
  if (inFlight) await inFlight
  await write(items, rejections, result.itemsRead)
  return result
}

type NumberedItem = StagedItem & { seq: number }

/**
 * Inserts one batch; returns the items that lost to an earlier occurrence of their id. A Map finds
 * the duplicates inside the batch; the primary key (ON CONFLICT DO NOTHING RETURNING) those of an
 * earlier batch, and one look-up by the losers' ids (rare) finds the winner's line.
 */
async function insertStaged(
  ctx: BrandCtx,
  runId: string,
  batch: NumberedItem[],
  repeated: RepeatedProductFields,
): Promise<ImportRejection[]> {
  if (batch.length === 0) return []
  const rows = new StagingColumns()
  const firstInBatch = new Map<string, NumberedItem>()
  const losers: NumberedItem[] = []
  for (const item of batch) {
    if (firstInBatch.has(item.itemId)) {
      losers.push(item)
    } else {
      firstInBatch.set(item.itemId, item)
      rows.push(repeated.dedupe(item))
    }
  }
  const c = rows.columns
  // One array parameter per column, unnested server-side: no per-row parameters (pg caps a
  // statement at 65,535) and no JSON document to take apart per batch.
  const inserted = await sql<{ item_id: string }>`
    insert into import_items (brand_id, run_id, item_id, seq, line, group_id, title, description, category_path,
      images, attributes, brand_name, status, size, colour, gtin, price_minor, compare_at_minor, sale_price_minor,
      sale_starts_at, sale_ends_at, on_hand, weight_grams, link, mpn, availability, availability_date)
    select ${ctx.brand.id}::uuid, ${runId}::uuid, x.*
    from unnest(${c.itemId}::text[], ${c.seq}::int[], ${c.line}::int[], ${c.groupId}::text[], ${c.title}::text[],
      ${c.description}::text[], ${c.categoryPath}::text[], ${c.images}::jsonb[], ${c.attributes}::jsonb[],
      ${c.brandName}::text[], ${c.status}::text[], ${c.size}::text[], ${c.colour}::text[], ${c.gtin}::text[],
      ${c.priceMinor}::bigint[], ${c.compareAtMinor}::bigint[], ${c.salePriceMinor}::bigint[],
      ${c.saleStartsAt}::timestamptz[], ${c.saleEndsAt}::timestamptz[], ${c.onHand}::int[], ${c.weightGrams}::int[],
      ${c.link}::text[], ${c.mpn}::text[], ${c.availability}::text[], ${c.availabilityDate}::timestamptz[]) as x
    on conflict (brand_id, run_id, item_id) do nothing
    returning item_id
  `.execute(ctx.db)
  if (inserted.rows.length < rows.length) {
    const kept = new Set(inserted.rows.map((r) => r.item_id))
    const lost = rows.rows.filter((row) => !kept.has(row.item.itemId)).map((row) => row.item)
    losers.push(...lost)
    // Items blanked after one of these losers may repeat its values: they get their own back (more
    // than needed, rarely, and always right), and the next batch compares with nothing lost.
    for (const row of rows.rows) {
      if (row.blanked && lost.some((l) => l.groupId === row.item.groupId && l.seq < row.item.seq)) {
        await restoreFields(ctx, runId, row.item)
      }
    }
    repeated.reset()
  }
  if (losers.length === 0) return []
  const firsts = await ctx.db
    .selectFrom('import_items')
    .select(['item_id', 'line'])
    .where('brand_id', '=', ctx.brand.id)
    .where('run_id', '=', runId)
    .where('item_id', 'in', [...new Set(losers.map((l) => l.itemId))])
    .execute()
  const firstLine = new Map(firsts.map((f) => [f.item_id, f.line]))
  return losers
    .sort((a, b) => a.seq - b.seq)
    .map((l) => ({
      line: l.line,
      itemId: l.itemId,
      reason: `duplicate id, first seen at line ${firstLine.get(l.itemId) ?? '?'}`,
    }))
}

async function restoreFields(ctx: BrandCtx, runId: string, item: NumberedItem): Promise<void> {
  await ctx.db
    .updateTable('import_items')
    .set({
      title: item.title,
      description: item.description,
      category_path: item.categoryPath,
      brand_name: item.brandName,
      images: JSON.stringify(item.images),
      attributes: JSON.stringify(item.attributes),
    })
    .where('brand_id', '=', ctx.brand.id)
    .where('run_id', '=', runId)
    .where('item_id', '=', item.itemId)
    .execute()
}

/** An item as written to import_items: product-level fields possibly blanked (see RepeatedProductFields). */
interface StagingRow {
  item: NumberedItem
  /** Whether any field was blanked. */
  blanked: boolean
  title: string | null
  description: string | null
  categoryPath: string | null
  brandName: string | null
  images: string
  attributes: string
}

class StagingColumns {
  readonly columns = {
    itemId: [] as string[],
    seq: [] as number[],
    line: [] as number[],
    groupId: [] as string[],
    title: [] as (string | null)[],
    description: [] as (string | null)[],
    categoryPath: [] as (string | null)[],
    images: [] as string[],
    attributes: [] as string[],
    brandName: [] as (string | null)[],
    status: [] as (string | null)[],
    size: [] as (string | null)[],
    colour: [] as (string | null)[],
    gtin: [] as (string | null)[],
    priceMinor: [] as number[],
    compareAtMinor: [] as (number | null)[],
    salePriceMinor: [] as (number | null)[],
    saleStartsAt: [] as (string | null)[],
    saleEndsAt: [] as (string | null)[],
    onHand: [] as (number | null)[],
    weightGrams: [] as (number | null)[],
    link: [] as (string | null)[],
    mpn: [] as (string | null)[],
    availability: [] as (string | null)[],
    availabilityDate: [] as (string | null)[],
  }
  readonly rows: StagingRow[] = []

  get length(): number {
    return this.rows.length
  }

  push(row: StagingRow): void {
    this.rows.push(row)
    const c = this.columns
    const i = row.item
    c.itemId.push(i.itemId)
    c.seq.push(i.seq)
    c.line.push(i.line)
    c.groupId.push(i.groupId)
    c.title.push(row.title)
    c.description.push(row.description)
    c.categoryPath.push(row.categoryPath)
    c.images.push(row.images)
    c.attributes.push(row.attributes)
    c.brandName.push(row.brandName)
    c.status.push(i.status)
    c.size.push(i.size)
    c.colour.push(i.colour)
    c.gtin.push(i.gtin)
    c.priceMinor.push(i.priceMinor)
    c.compareAtMinor.push(i.compareAtMinor)
    c.salePriceMinor.push(i.salePriceMinor)
    c.saleStartsAt.push(i.saleStartsAt?.toISOString() ?? null)
    c.saleEndsAt.push(i.saleEndsAt?.toISOString() ?? null)
    c.onHand.push(i.onHand)
    c.weightGrams.push(i.weightGrams)
    c.link.push(i.link)
    c.mpn.push(i.mpn)
    c.availability.push(i.availability)
    c.availabilityDate.push(i.availabilityDate?.toISOString() ?? null)
  }
}

/**
 * Product-level fields that repeat those of the previous staged item of the same product are
 * staged blank: the apply takes each from the first item that gives it (and unions images), so the
 * result is the same, and a 5-size product sends its description and attributes once instead of
 * five times. A duplicate that lost never reaches here, except one that lost to an earlier batch
 * (known only once its batch is inserted): insertStaged then restores what followed it, and resets.
 */
class RepeatedProductFields {
  private groupId: string | null = null
  private title: string | null = null
  private description: string | null = null
  private categoryPath: string | null = null
  private brandName: string | null = null
  private images = ''
  private attributes = ''

  reset(): void {
    this.groupId = null
  }

  dedupe(item: NumberedItem): StagingRow {
    const images = JSON.stringify(item.images)
    const attributes = JSON.stringify(item.attributes)
    const same = this.groupId === item.groupId
    const row: StagingRow = {
      item,
      blanked: false,
      title: same && item.title === this.title ? null : item.title,
      description: same && item.description === this.description ? null : item.description,
      categoryPath: same && item.categoryPath === this.categoryPath ? null : item.categoryPath,
      brandName: same && item.brandName === this.brandName ? null : item.brandName,
      images: same && images === this.images ? '[]' : images,
      attributes: same && attributes === this.attributes ? '{}' : attributes,
    }
    row.blanked =
      row.title !== item.title ||
      row.description !== item.description ||
      row.categoryPath !== item.categoryPath ||
      row.brandName !== item.brandName ||
      row.images !== images ||
      row.attributes !== attributes
    // What a later item is compared with: the last value given for the product (a blank keeps it).
    if (!same || item.title !== null) this.title = item.title
    if (!same || item.description !== null) this.description = item.description
    if (!same || item.categoryPath !== null) this.categoryPath = item.categoryPath
    if (!same || item.brandName !== null) this.brandName = item.brandName
    this.groupId = item.groupId
    this.images = images
    this.attributes = attributes
    return row
  }
}

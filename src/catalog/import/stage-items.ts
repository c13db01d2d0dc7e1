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
 * Rows per staging INSERT: one statement with one JSON parameter per batch (json_to_recordset),
 * so a 1,000,000-item feed is 1,000 round trips and memory holds at most two batches.
 */
export const stageBatchSize = 1000

/**
 * Streams a feed's events into the UNLOGGED staging table, validating each item, and records the
 * rejected ones (parser's and ours) as it goes. Duplicate ids: the first occurrence wins. Inside a
 * batch a Map finds them; across batches the staging table's primary key (run_id, item_id) with
 * ON CONFLICT DO NOTHING RETURNING tells which rows were not inserted, and one look-up by the
 * losers' ids finds the line of the winner. Memory does not grow with the feed.
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
  let inFlight: Promise<void> | null = null

  const write = async (batchItems: NumberedItem[], batchRejections: ImportRejection[], itemsRead: number) => {
    const losers = await insertStaged(ctx, runId, batchItems)
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

/** Inserts one batch; returns the items that lost to an earlier occurrence of their id. */
async function insertStaged(ctx: BrandCtx, runId: string, batch: NumberedItem[]): Promise<ImportRejection[]> {
  if (batch.length === 0) return []
  const winners: NumberedItem[] = []
  const firstInBatch = new Map<string, NumberedItem>()
  const losers: NumberedItem[] = []
  for (const item of batch) {
    if (firstInBatch.has(item.itemId)) losers.push(item)
    else {
      firstInBatch.set(item.itemId, item)
      winners.push(item)
    }
  }
  const rows = winners.map((i) => ({
    item_id: i.itemId,
    seq: i.seq,
    line: i.line,
    group_id: i.groupId,
    title: i.title,
    description: i.description,
    category_path: i.categoryPath,
    images: i.images,
    attributes: i.attributes,
    brand_name: i.brandName,
    status: i.status,
    size: i.size,
    colour: i.colour,
    gtin: i.gtin,
    price_minor: i.priceMinor,
    compare_at_minor: i.compareAtMinor,
    sale_price_minor: i.salePriceMinor,
    sale_starts_at: i.saleStartsAt,
    sale_ends_at: i.saleEndsAt,
    on_hand: i.onHand,
    weight_grams: i.weightGrams,
  }))
  const inserted = await sql<{ item_id: string }>`
    insert into import_items (brand_id, run_id, item_id, seq, line, group_id, title, description, category_path,
      images, attributes, brand_name, status, size, colour, gtin, price_minor, compare_at_minor, sale_price_minor,
      sale_starts_at, sale_ends_at, on_hand, weight_grams)
    select ${ctx.brand.id}::uuid, ${runId}::uuid, x.item_id, x.seq, x.line, x.group_id, x.title, x.description,
      x.category_path, coalesce(x.images, '[]'), coalesce(x.attributes, '{}'), x.brand_name, x.status, x.size,
      x.colour, x.gtin, x.price_minor, x.compare_at_minor, x.sale_price_minor, x.sale_starts_at, x.sale_ends_at,
      x.on_hand, x.weight_grams
    from json_to_recordset(${JSON.stringify(rows)}::json) as x(item_id text, seq integer, line integer,
      group_id text, title text, description text, category_path text, images jsonb, attributes jsonb,
      brand_name text, status text, size text, colour text, gtin text, price_minor bigint, compare_at_minor bigint,
      sale_price_minor bigint, sale_starts_at timestamptz, sale_ends_at timestamptz, on_hand integer,
      weight_grams integer)
    on conflict (brand_id, run_id, item_id) do nothing
    returning item_id
  `.execute(ctx.db)
  if (inserted.rows.length < winners.length) {
    const kept = new Set(inserted.rows.map((r) => r.item_id))
    for (const item of winners) if (!kept.has(item.itemId)) losers.push(item)
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
  return losers.map((l) => ({
    line: l.line,
    itemId: l.itemId,
    reason: `duplicate id, first seen at line ${firstLine.get(l.itemId) ?? firstInBatch.get(l.itemId)?.line ?? '?'}`,
  }))
}

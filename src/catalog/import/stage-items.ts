import { sql } from 'kysely'
import type { BrandCtx } from '../../brands/brand.ts'
import { catalogVersionOf } from '../../brands/queries.ts'
import { type FreshApply, freshBatchSize, type ProductRun } from './apply-fresh.ts'
import { contentRecord, productHash } from './content-hash.ts'
import { brandHasProducts, type KnownProduct, knownProducts, looksUnchanged } from './known-products.ts'
import type { FeedEvent } from './parse/index.ts'
import { type ImportMode, type ImportRejection, insertRejections } from './runs.ts'
import { StagingDocument, type StagingItem, stagingItem } from './staging-document.ts'
import { validateItem } from './validate-item.ts'

export interface StageResult {
  /** Items and rejected lines the parser produced. */
  itemsRead: number
  rejected: number
  /** Some valid item had no title (Shopify gives it on a product's first row only): see rejectUntitledProducts. */
  untitledItems: boolean
  /**
   * The brand's catalog version before staging looked at its products (null: nothing staged, a
   * first import applied as read). The verdicts staged with each batch hold if it has not moved.
   */
  catalogVersion: number | null
}

/**
 * Rows per staging INSERT (one JSON document), so a 1,000,000-item feed is 1,000 round trips and
 * memory holds at most two batches (2,000 measured 50 MB more peak RSS).
 */
export const stageBatchSize = 1000

/** Items of one product in a row of the file beyond this are cut into several runs (memory stays bounded). */
const maxRunItems = 1000

/** Staging stops settling verdicts when more than this share of the products it settled were split… */
const maxSplitShare = 0.05
/** …once it has settled this many (a few split products early in a feed are no pattern). */
const giveUpAfterVerdicts = 1000

/** Consecutive items of one product: what staging hashes and looks up as a whole. */
type GroupRun = ProductRun

export interface StageOptions {
  /** A brand's first import, applying each batch itself: nothing is staged (apply-fresh.ts). */
  fresh?: FreshApply | null
  /**
   * Stage the items of a product that looks unchanged as their keys and hash only (the default).
   * Without their content, such a product can only be applied after all by reading the feed again
   * (apply-import.ts, ThinProductToApply): pass false for a feed that cannot be.
   */
  guessUnchanged?: boolean
}

/**
 * Streams a feed's events into the UNLOGGED staging table, validating each item, and records the
 * rejected ones (parser's and ours) as it goes. Duplicate ids: the first occurrence wins (a Set
 * inside a batch, the staging table's primary key across batches). Memory does not grow with the
 * feed. `seq` numbers the items in file order (the parser's `line` is the same order, but an XML
 * line may hold several items). The next batch is parsed while the previous one is written.
 *
 * Each item gets a content hash, and each run of consecutive items of one product a product hash
 * (content-hash.ts). A batch ends between runs; one query fetches the stored hashes of its
 * products, and the items of a product whose hash and status match are staged as keys, hash,
 * title and status only. That is a guess made on part of the feed: the apply decides on all of it
 * (a product split across the file, an item that lost to a duplicate, a product changed
 * meanwhile), and should it have to apply such a product after all, the feed is read again with
 * every item staged whole (import-feed.ts).
 *
 * With `fresh` (a brand's first import, apply-fresh.ts) nothing is staged: each batch goes to the
 * fresh apply instead, and reading stops early once it hands over.
 */
export async function stageFeed(
  ctx: BrandCtx,
  runId: string,
  mode: ImportMode,
  events: AsyncIterable<FeedEvent>,
  onProgress: (itemsRead: number) => void | Promise<void> = () => {},
  { fresh = null, guessUnchanged = true }: StageOptions = {},
): Promise<StageResult> {
  // Read before any of the brand's products is: a write to them after this moves it.
  const version = fresh === null ? await catalogVersionOf(ctx, ctx.brand.id) : null
  // A brand without products (a first import) has no stored hashes to look up, batch after batch.
  // One created meanwhile is staged whole, which is always right.
  const hasProducts = fresh === null && (await brandHasProducts(ctx))
  const lookUp = guessUnchanged && hasProducts
  // Each batch's verdicts are staged when staging knows every stored product the batch names: it
  // looked them up, or there were none.
  // A feed that lists products in pieces (sizes far apart) gets most of its verdicts settled again by
  // the apply, for which writing them here is waste: past a share of split products, staging stops.
  let settle = fresh === null && (lookUp || !hasProducts)
  let settled = 0
  let split = 0
  const result: StageResult = {
    itemsRead: 0,
    rejected: 0,
    untitledItems: false,
    catalogVersion: settle ? version : null,
  }
  let runs: GroupRun[] = []
  let runItems = 0
  let run: GroupRun | null = null
  let rejections: ImportRejection[] = []
  let seq = 0
  let inFlight: Promise<void> | null = null

  // A first import stages nothing: it applies each batch itself (apply-fresh.ts), on its own
  // connection, batch k while batch k+1 is parsed, never further ahead. Once it hands over, the rest
  // of the feed is not worth reading: the run starts over (import-feed.ts).
  let freshLast: Promise<unknown> = Promise.resolve()
  const batchSize = fresh === null ? stageBatchSize : freshBatchSize
  const handedOver = () => fresh !== null && fresh.handedOver !== null
  // The stored hashes of a batch's products are asked for as soon as the batch is cut, while the
  // batch before it is still being written (another connection of the pool).
  const lookUpKnown = (batchRuns: GroupRun[]): Promise<Map<string, KnownProduct>> => {
    if (!lookUp || batchRuns.length === 0) return Promise.resolve(new Map())
    const known = knownProducts(ctx, [...new Set(batchRuns.map((r) => r.groupId))])
    known.catch(() => {}) // awaited by write()
    return known
  }
  const write = async (
    batchRuns: GroupRun[],
    known: Promise<Map<string, KnownProduct>>,
    batchRejections: ImportRejection[],
    itemsRead: number,
  ) => {
    if (fresh) {
      await freshLast
      freshLast = fresh.applyBatch(batchRuns)
      freshLast.catch(() => {}) // awaited by the next batch or at the end
    } else {
      const staged = await insertStaged(ctx, runId, mode, await known, batchRuns, settle)
      batchRejections.push(...staged.rejections)
      settled += staged.verdicts
      split += staged.split
      if (settle && settled >= giveUpAfterVerdicts && split > settled * maxSplitShare) {
        settle = false
        result.catalogVersion = null
      }
    }
    result.rejected += batchRejections.length
    await insertRejections(ctx, runId, batchRejections)
    await onProgress(itemsRead)
  }
  const closeRun = () => {
    if (run === null) return
    runs.push(run)
    runItems += run.items.length
    run = null
  }

  try {
    for await (const event of events) {
      result.itemsRead += 1
      if (event.kind === 'rejection') {
        rejections.push(event.rejection)
      } else {
        const staged = validateItem(event.item, ctx.brand.currency)
        if ('reason' in staged) {
          rejections.push({ line: event.item.line, itemId: event.item.id, reason: staged.reason })
        } else {
          if (staged.title === null) result.untitledItems = true
          const item = stagingItem(staged, ++seq, fresh !== null)
          if (run === null || run.groupId !== item.groupId || run.items.length >= maxRunItems) {
            closeRun()
            run = { groupId: item.groupId, items: [] }
          }
          run.items.push(item)
        }
      }
      // A generated or in-memory feed never waits on I/O: its items come through microtasks only, which
      // would leave the database's answer to the batch in flight unread until this loop awaits it.
      if (inFlight && result.itemsRead % 256 === 0) await new Promise((resolve) => setImmediate(resolve))
      if (runItems + rejections.length >= batchSize) {
        if (handedOver()) break
        // Parsing runs ahead of the database by at most one batch.
        const known = lookUpKnown(runs)
        if (inFlight) await inFlight
        inFlight = write(runs, known, rejections, result.itemsRead)
        inFlight.catch(() => {}) // awaited above or below; this only keeps it from counting as unhandled
        runs = []
        runItems = 0
        rejections = []
      }
    }
  } catch (error) {
    // A feed that breaks off: the batch being written still records its rejections (the failed run
    // keeps and counts them) before the failure goes up.
    await inFlight?.catch(() => {})
    await freshLast.catch(() => {})
    throw error
  }
  if (handedOver()) {
    await inFlight
    await freshLast
    return result
  }
  closeRun()
  const known = lookUpKnown(runs)
  if (inFlight) await inFlight
  await write(runs, known, rejections, result.itemsRead)
  await freshLast
  return result
}

/** What staging settles about one product of a batch: see stageFeed (the verdict written as it stages). */
interface StagedVerdict {
  g: string
  /** The existing product's id; absent: a new product (its id is drawn by the insert). */
  p?: string
  h: string
  /** Skip it: unchanged (known-products.ts, looksUnchanged). */
  k: boolean
  st: string | null
  /** Several runs of the product in one batch: the apply settles its hash from all its items. */
  r?: true
}

/**
 * Inserts one batch, and its products' verdicts (import_products: the apply's first step, settled
 * here from the hashes and the stored products this batch looked up, so the apply need not group the
 * whole staging table; it uses them when nothing changed the catalog meanwhile, apply-import.ts);
 * returns the rejections of the items that lost to an earlier occurrence of their id. A Set finds the
 * duplicates inside the batch; the primary key (ON CONFLICT DO NOTHING) those of an earlier batch:
 * when fewer rows went in than were sent, one look-up by the batch's ids (rare) tells the losers (the
 * staged row is another item's) and the winners' lines, and their products are marked to be settled
 * again by the apply. So is a product whose items come in several runs (a conflict on its verdict).
 */
async function insertStaged(
  ctx: BrandCtx,
  runId: string,
  mode: ImportMode,
  known: Map<string, KnownProduct>,
  runs: GroupRun[],
  /** Write the batch's verdicts: `known` holds every stored product the batch names. */
  settle: boolean,
): Promise<{ rejections: ImportRejection[]; verdicts: number; split: number }> {
  if (runs.length === 0) return { rejections: [], verdicts: 0, split: 0 }
  const rows = new StagingDocument()
  const firstInBatch = new Set<string>()
  const losers: StagingItem[] = []
  const verdicts = new Map<string, StagedVerdict>()
  for (const run of runs) {
    const items: StagingItem[] = []
    for (const item of run.items) {
      if (firstInBatch.has(item.itemId)) {
        losers.push(item)
      } else {
        firstInBatch.add(item.itemId)
        items.push(item)
      }
    }
    if (items.length === 0) continue
    const hash = productHash(
      mode,
      items.map((i) => i.hash),
    )
    const status = items.find((i) => i.status !== null)?.status ?? null
    const product = known.get(run.groupId)
    const unchanged = looksUnchanged(product, hash, status)
    const seen = verdicts.get(run.groupId)
    if (seen) seen.r = true
    else if (settle)
      verdicts.set(run.groupId, {
        g: run.groupId,
        ...(product ? { p: product.id } : {}),
        h: hash,
        k: unchanged,
        st: status,
      })
    for (const item of items) rows.add(item, !unchanged)
  }
  // One JSON document per batch: no per-row parameters (pg caps a statement at 65,535), and the
  // JSON text is the content each item already has; the server takes it apart.
  const inserted = await sql<{ n: number; split: number }>`
    with ins as (
      insert into import_items (brand_id, run_id, item_id, seq, line, group_id, item_hash, title, description,
        category_path, images, attributes, brand_name, status, size, colour, gtin, price_minor, compare_at_minor,
        sale_price_minor, sale_starts_at, sale_ends_at, on_hand, weight_grams, link, mpn, availability,
        availability_date)
      select ${ctx.brand.id}::uuid, ${runId}::uuid, x.i, x.s, x.l, x.g, x.h, x.t, x.d, x.c,
        coalesce(x.im, '[]'), coalesce(x.a, '{}'), x.b, x.st, x.z, x.co, x.gt, x.p, x.ca, x.sp, x.ss, x.se, x.oh, x.w,
        x.li, x.m, x.av, x.ad
      from json_to_recordset(${rows.text()}::json) as x(s int, l int, g text, h text, ${contentRecord})
      on conflict (brand_id, run_id, item_id) do nothing
      returning 1
    ), verdicts as (
      insert into import_products (brand_id, run_id, group_id, product_id, existed, hash, skip, status, rehash)
      select ${ctx.brand.id}::uuid, ${runId}::uuid, x.g, coalesce(x.p, gen_random_uuid()), x.p is not null, x.h, x.k,
        x.st, coalesce(x.r, false)
      from json_to_recordset(${JSON.stringify([...verdicts.values()])}::json) as x(g text, p uuid, h text, k boolean,
        st text, r boolean)
      on conflict (brand_id, run_id, group_id) do update set rehash = true
      returning rehash
    )
    select (select count(*) from ins)::int as n, (select count(*) from verdicts where rehash)::int as split
  `.execute(ctx.db)
  const staged = Number(inserted.rows[0]?.n ?? 0)
  const counted = { verdicts: verdicts.size, split: Number(inserted.rows[0]?.split ?? 0) }
  if (staged === rows.length && losers.length === 0) return { rejections: [], ...counted }
  const ids = [...new Set([...rows.items, ...losers].map((item) => item.itemId))]
  const firsts = await ctx.db
    .selectFrom('import_items')
    .select(['item_id', 'seq', 'line'])
    .where('brand_id', '=', ctx.brand.id)
    .where('run_id', '=', runId)
    .where(sql<boolean>`item_id = any(${ids}::text[])`)
    .execute()
  const first = new Map(firsts.map((f) => [f.item_id, f]))
  if (staged < rows.length) {
    const beaten: StagingItem[] = []
    for (const item of rows.items) {
      if (first.get(item.itemId)?.seq !== item.seq) beaten.push(item)
    }
    // Their products' hashes counted items that lost to an earlier batch's.
    await ctx.db
      .updateTable('import_products')
      .set({ rehash: true })
      .where('brand_id', '=', ctx.brand.id)
      .where('run_id', '=', runId)
      .where('group_id', 'in', [...new Set(beaten.map((item) => item.groupId))])
      .execute()
    losers.push(...beaten)
  }
  const rejections = losers
    .sort((a, b) => a.seq - b.seq)
    .map((l) => ({
      line: l.line,
      itemId: l.itemId,
      reason: `duplicate id, first seen at line ${first.get(l.itemId)?.line ?? '?'}`,
    }))
  return { rejections, ...counted }
}

import { type ControlledTransaction, type Kysely, sql } from 'kysely'
import type { BrandCtx } from '../../brands/brand.ts'
import { bumpCatalogVersion } from '../../brands/queries.ts'
import { insertStockOfNewVariants } from '../../inventory/index.ts'
import { withDb } from '../../platform/ctx.ts'
import { sharesOneConnection } from '../../platform/db/pglite-dialect.ts'
import type { DB } from '../../platform/db/schema.ts'
import { orderedIds } from '../../platform/ids.ts'
import type { ApplyCounts } from './apply-import.ts'
import { productHash } from './content-hash.ts'
import { brandHasProducts } from './known-products.ts'
import type { ImportMode } from './runs.ts'
import type { StagingItem } from './staging-document.ts'
import type { StagedItem } from './validate-item.ts'

/**
 * Items per statement of a first import: twice staging's batch (stage-items.ts), for ~5 % less of
 * the transaction's time in per-statement work (planning, the statement triggers). It holds the
 * items of about two batches: peak RSS 231 MB at 1,000,000 items, against 201 MB with 1,000.
 */
export const freshBatchSize = 2000

/** The items of one product, consecutive in the file. */
export interface ProductRun {
  groupId: string
  items: StagingItem[]
}

/**
 * Why a first import stops applying while it reads and starts over the usual way (stage all, then
 * apply): the cases the staged apply settles over the whole feed (an id given twice, a product
 * whose items are not all consecutive, a product without a title on its lines).
 */
export type Handover = 'duplicate id' | 'split product' | 'untitled product'

/**
 * The first import of a brand (its catalog empty: onboarding) applies each batch as soon as it is
 * read, in one transaction held open for the whole run, so the database writes products while
 * Node parses the next items instead of waiting for the end of the file. Nothing is staged: a feed
 * that needs what only the staged apply does (see Handover) is rolled back and read again from its
 * first byte the usual way (import-feed.ts; a first import needs a feed it can open again: a file).
 * The rejections it recorded go with it, and the second reading records them again.
 *
 * Nothing else writes the brand's catalog meanwhile: the transaction holds the brand's import lock
 * and checks under it that the catalog is still empty. A first import archives nothing (there was
 * nothing before it) and a dry run rolls back at the end, as the staged apply does.
 *
 * Product fields follow the staged apply's rules (apply-import.ts): each field from the first item
 * that has one, images merged in file order (at most 20), `brand` added to the attributes, the
 * status of the first item that gives one, else active; variants in file order. Each product keeps
 * the hash staging would give it (content-hash.ts), so the next import finds it unchanged.
 */
export interface FreshApply {
  /** Applies one batch's runs (in file order); resolves false once handed over. */
  applyBatch(runs: ProductRun[]): Promise<boolean>
  /** Commits (or rolls back a dry run) and returns the counts; null when it handed over. */
  finish(dryRun: boolean): Promise<ApplyCounts | null>
  /** Rolls back whatever it applied (a failed run). */
  abandon(): Promise<void>
  /** Why it handed over, if it did. */
  readonly handedOver: Handover | null
}

/**
 * Opens the fresh-catalog apply for this run, or returns null when the staged apply must do it all:
 * the brand has products, or the database is one connection (PGlite), where the open transaction
 * would hold up the run's own records.
 */
export async function openFreshApply(ctx: BrandCtx, runId: string, mode: ImportMode): Promise<FreshApply | null> {
  if (sharesOneConnection(ctx.db as Kysely<unknown>) || (await brandHasProducts(ctx))) return null
  const tx = await ctx.db.startTransaction().execute()
  const txCtx = withDb(ctx, tx)
  try {
    await sql`select pg_advisory_xact_lock(hashtext(${`vitrine-import:${ctx.brand.id}`}))`.execute(tx)
    // Another import may have filled the catalog while this one waited for the lock.
    if (await brandHasProducts(txCtx)) {
      await tx.rollback().execute()
      return null
    }
  } catch (error) {
    await tx.rollback().execute()
    throw error
  }
  return freshApply(txCtx, tx, runId, mode)
}

function freshApply(ctx: BrandCtx, tx: ControlledTransaction<DB>, runId: string, mode: ImportMode): FreshApply {
  const counts: ApplyCounts = {
    created: 0,
    updated: 0,
    unchanged: 0,
    archived: 0,
    variantsCreated: 0,
    variantsUpdated: 0,
    variantsDelisted: 0,
    stockUpdated: 0,
  }
  let open = true
  // Ids in insertion order: the batches append to the primary-key indexes (ids.ts).
  const nextId = orderedIds()
  let handedOver: Handover | null = null

  const close = async () => {
    if (!open) return
    open = false
    await tx.rollback().execute()
  }
  const handOver = async (why: Handover) => {
    handedOver = why
    ctx.log.info({ runId, why }, 'import: first import starts over the usual way')
    await close()
  }

  return {
    get handedOver() {
      return handedOver
    },

    async applyBatch(runs) {
      if (!open) return false
      const products = productRows(runs, mode, nextId)
      if (typeof products === 'string') {
        await handOver(products)
        return false
      }
      if (products.length === 0) return true
      try {
        const written = await insertBatch(ctx, runId, runs, products, nextId)
        if (typeof written === 'string') {
          await handOver(written)
          return false
        }
        counts.created += written.products
        counts.variantsCreated += written.variants
        counts.stockUpdated += written.stock
        return true
      } catch (error) {
        await close()
        throw error
      }
    },

    async finish(dryRun) {
      if (!open) return null
      ctx.log.info({ runId, ...counts }, 'import: first import applied while reading')
      if (dryRun) {
        await close()
        return counts
      }
      if (counts.created > 0) await bumpCatalogVersion(ctx, ctx.brand.id)
      open = false
      await tx.commit().execute()
      return counts
    },

    abandon: close,
  }
}

/** One product to insert: its fields, settled from its items as the staged apply settles them. */
interface ProductRow {
  id: string
  g: string
  t: string
  d: string
  c: string
  a: Record<string, string>
  im: Array<{ url: string; alt: string }>
  st: string
  h: string
}

const maxImages = 20

/**
 * The products of a batch's runs, or why the run must start over the usual way. An id given twice
 * in the batch is found here; twice in the run, by the variants insert (insertBatch).
 */
function productRows(runs: ProductRun[], mode: ImportMode, nextId: () => string): ProductRow[] | Handover {
  const rows: ProductRow[] = []
  const inBatch = new Set<string>()
  const ids = new Set<string>()
  for (const run of runs) {
    if (run.items.length === 0) continue
    if (inBatch.has(run.groupId)) return 'split product'
    inBatch.add(run.groupId)
    for (const item of run.items) {
      if (ids.has(item.itemId)) return 'duplicate id'
      ids.add(item.itemId)
    }
    const items = keptItems(run)
    const first = <K extends keyof StagedItem>(key: K): StagedItem[K] | null => {
      for (const item of items) {
        const value = item[key]
        if (value !== null) return value
      }
      return null
    }
    const title = first('title')
    if (title === null) return 'untitled product'
    const attributes = items.find((i) => Object.keys(i.attributes).length > 0)?.attributes ?? {}
    const brandName = first('brandName')
    const urls = new Set<string>()
    for (const item of items) {
      for (const url of item.images) {
        if (urls.size === maxImages) break
        urls.add(url)
      }
    }
    rows.push({
      id: nextId(),
      g: run.groupId,
      t: title,
      d: first('description') ?? '',
      c: first('categoryPath') ?? '',
      a: brandName === null ? attributes : { ...attributes, brand: brandName },
      im: [...urls].map((url) => ({ url, alt: title })),
      st: first('status') ?? 'active',
      h: productHash(
        mode,
        run.items.map((i) => i.hash),
      ),
    })
  }
  return rows
}

/** The validated items of a run, which a first import keeps (stagingItem's keepItem). */
function keptItems(run: ProductRun): StagedItem[] {
  return run.items.map((i) => {
    if (i.item === null) throw new Error(`import: item ${i.itemId} was read without its fields for a first import`)
    return i.item
  })
}

interface BatchCounts {
  products: number
  variants: number
  /** Stock rows created with a quantity from the feed (setOnHandBulk's count). */
  stock: number
}

/**
 * Inserts a batch's products, their variants (position = file order within the product) and the
 * feed's scheduled prices and the variants' stock in one statement. Returns what it wrote, or why
 * the run must start over: a product or an id an earlier batch of the run wrote already.
 */
async function insertBatch(
  ctx: BrandCtx,
  runId: string,
  runs: ProductRun[],
  products: ProductRow[],
  nextId: () => string,
): Promise<BatchCounts | Handover> {
  const b = ctx.brand.id
  const now = ctx.now
  // Only the variant's columns, and its position: the database parses every byte it is sent, and the
  // items' whole contents cost it more than the inserts.
  const variants: string[] = []
  for (const run of runs) {
    for (const [position, item] of keptItems(run).entries()) {
      variants.push(
        // Null fields are left out (undefined): json_to_recordset reads a missing key as null.
        JSON.stringify({
          id: nextId(),
          g: item.groupId,
          n: position,
          i: item.itemId,
          z: item.size ?? undefined,
          co: item.colour ?? undefined,
          gt: item.gtin ?? undefined,
          p: item.priceMinor,
          ca: item.compareAtMinor ?? undefined,
          w: item.weightGrams ?? undefined,
          li: item.link ?? undefined,
          m: item.mpn ?? undefined,
          av: item.availability ?? undefined,
          ad: item.availabilityDate?.toISOString(),
          oh: item.onHand ?? undefined,
          sp: item.salePriceMinor ?? undefined,
          ss: item.saleStartsAt?.toISOString(),
          se: item.saleEndsAt?.toISOString(),
        }),
      )
    }
  }
  const result = await sql<BatchCounts>`
    with x as materialized (
      select * from json_to_recordset(${`[${variants.join(',')}]`}::json) as x(id uuid, g text, n int, i text, z text, co text,
        gt text, p bigint, ca bigint, w int, li text, m text, av text, ad timestamptz, oh int, sp bigint,
        ss timestamptz, se timestamptz)
    ), p as (
      insert into products (brand_id, id, reference, title, description, category_path, attributes, images, status,
        import_hash, created_at, updated_at)
      select ${b}::uuid, y.id, y.g, y.t, y.d, y.c, y.a, y.im, y.st, y.h, ${now}, ${now}
      from json_to_recordset(${JSON.stringify(products)}::json) as y(id uuid, g text, t text, d text, c text, a jsonb, im jsonb,
        st text, h text)
      on conflict (brand_id, reference) do nothing
      returning id, reference
    ), v as (
      insert into variants (brand_id, id, product_id, sku, size, colour, gtin, price_minor, compare_at_minor,
        weight_grams, position, link, mpn, availability, availability_date, created_at, updated_at)
      select ${b}::uuid, x.id, p.id, x.i, x.z, x.co, x.gt, x.p, x.ca, x.w, x.n, x.li, x.m, x.av,
        x.ad, ${now}, ${now}
      from x join p on p.reference = x.g
      on conflict (brand_id, sku) do nothing
      returning id, sku
    ), created as (
      select v.id as variant_id, x.oh as on_hand from v join x on x.i = v.sku
    ), stock as (${insertStockOfNewVariants(ctx, sql`created`)}), sp as (
      insert into scheduled_prices (brand_id, id, variant_id, price_minor, starts_at, ends_at, source, run_id,
        created_at)
      select ${b}::uuid, gen_random_uuid(), v.id, x.sp, x.ss, x.se, 'feed', ${runId}::uuid, ${now}
      from v join x on x.i = v.sku
      where x.sp is not null
    )
    select (select count(*) from p)::int as products, count(*)::int as variants,
      (count(*) filter (where on_hand is not null))::int as stock
    from created
  `.execute(ctx.db)
  const row = result.rows[0] ?? { products: 0, variants: 0, stock: 0 }
  if (row.products < products.length) return 'split product'
  return row.variants < variants.length ? 'duplicate id' : row
}

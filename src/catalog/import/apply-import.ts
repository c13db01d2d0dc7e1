import { sql } from 'kysely'
import type { BrandCtx } from '../../brands/brand.ts'
import { bumpCatalogVersion, catalogVersionOf } from '../../brands/queries.ts'
import { onHandRows, setOnHandBulk } from '../../inventory/index.ts'
import { withDb } from '../../platform/ctx.ts'
import { hashVersion } from './content-hash.ts'
import type { ImportCounts, ImportMode } from './runs.ts'

export interface ApplyOptions {
  runId: string
  mode: ImportMode
  dryRun: boolean
  force: boolean
  /** Full mode refuses to archive more than this share of the brand's active products, unless forced. */
  archiveThresholdPct: number
  /**
   * The brand's catalog version when staging started (StageResult): the verdicts staged with each
   * batch are used if it has not moved. Null: settle every product here.
   */
  stagedCatalogVersion: number | null
}

/** A full run would archive too much of the catalog: most often a truncated or wrong file. */
export class ArchiveRefused extends Error {
  constructor(
    readonly wouldArchive: number,
    readonly activeTotal: number,
    readonly thresholdPct: number,
  ) {
    const pct = activeTotal === 0 ? 0 : (wouldArchive / activeTotal) * 100
    super(
      `refused: a full import would archive ${wouldArchive} of ${activeTotal} active products ` +
        `(${pct.toFixed(1)}%, above the ${thresholdPct}% safety threshold); check the file, or re-run with force`,
    )
    this.name = 'ArchiveRefused'
  }
}

export type ApplyCounts = Omit<ImportCounts, 'rejected'>

class DryRunRollback extends Error {
  constructor(readonly counts: ApplyCounts) {
    super('dry run: rolled back')
  }
}

/**
 * Rejects the items of products that have no title anywhere in the feed and do not exist yet
 * (Shopify gives the title on a product's first row only; a delta may omit it for a known product).
 * Outside the catalog transaction: rejections are part of the run's record, dry run or not.
 */
export async function rejectUntitledProducts(ctx: BrandCtx, runId: string): Promise<number> {
  const b = ctx.brand.id
  const any = await sql`
    select 1 from import_items where brand_id = ${b} and run_id = ${runId} and title is null limit 1
  `.execute(ctx.db)
  if (any.rows.length === 0) return 0
  await analyzeStaging(ctx)
  const result = await sql<{ n: number }>`
    with untitled as (
      select i.group_id from import_items i
      where i.brand_id = ${b} and i.run_id = ${runId}
      group by i.group_id
      having bool_and(i.title is null)
         and not exists (select 1 from products p where p.brand_id = ${b} and p.reference = i.group_id)
    ), gone as (
      delete from import_items i using untitled u
      where i.brand_id = ${b} and i.run_id = ${runId} and i.group_id = u.group_id
      returning i.line, i.item_id, i.group_id
    ), verdicts as (
      delete from import_products ip using untitled u
      where ip.brand_id = ${b} and ip.run_id = ${runId} and ip.group_id = u.group_id
    ), rejected as (
      insert into import_rejections (brand_id, run_id, line, item_id, reason)
      select ${b}, ${runId}, line, item_id, 'product ' || group_id || ' has no title on any of its lines'
      from gone
      returning 1
    )
    select count(*)::int as n from rejected
  `.execute(ctx.db)
  return Number(result.rows[0]?.n ?? 0)
}

/**
 * Applies a staged run to the catalog in ONE transaction, with set-based statements (a handful per
 * run, whatever its size). Rows that would not change are not written (IS DISTINCT FROM in each
 * UPDATE's WHERE), so an unchanged feed rewrites nothing and leaves updated_at alone. A dry run
 * executes the very same statements and rolls back, so its counts are exact.
 */
export async function applyImport(ctx: BrandCtx, options: ApplyOptions): Promise<ApplyCounts> {
  try {
    return await ctx.db.transaction().execute(async (tx) => {
      const counts = await applyInTransaction(withDb(ctx, tx), options)
      if (options.dryRun) throw new DryRunRollback(counts)
      return counts
    })
  } catch (error) {
    if (error instanceof DryRunRollback) return error.counts
    throw error
  }
}

async function applyInTransaction(ctx: BrandCtx, options: ApplyOptions): Promise<ApplyCounts> {
  const b = ctx.brand.id
  const r = options.runId
  const db = ctx.db
  // Two runs of one brand apply one after the other; other brands are not held up.
  await sql`select pg_advisory_xact_lock(hashtext(${`vitrine-import:${b}`}))`.execute(db)

  // Sorts and hashes of a run's staging rows fit in memory rather than spill to disk.
  await sql`set local work_mem = '64MB'`.execute(db)

  const { applying, updating } = await settleVerdicts(ctx, options)
  // Fresh rows have no statistics; without them the joins below pick nested loops over whole
  // tables (quadratic: 24 s for an unchanged 20,000-product feed).
  await sql`analyze import_products (brand_id, run_id, group_id, skip, existed)`.execute(db)
  // A full feed is complete: what it no longer lists is archived, first, so that a refusal (the
  // safety threshold) costs nothing more than finding it out.
  const archived = options.mode === 'full' ? await archiveUnlisted(ctx, options) : 0
  const applied = applying > 0 ? await applyProducts(ctx, options, updating > 0) : nothingApplied

  const totals = await sql<{ created: number; updated: number; unchanged: number }>`
    select count(*) filter (where not existed)::int as created,
      count(*) filter (where existed and changed)::int as updated,
      count(*) filter (where existed and not changed)::int as unchanged
    from import_products where brand_id = ${b} and run_id = ${r}
  `.execute(db)
  const t = totals.rows[0] ?? { created: 0, updated: 0, unchanged: 0 }
  await db.deleteFrom('import_products').where('brand_id', '=', b).where('run_id', '=', r).execute()

  const { scheduledChanged, productsRewritten, ...variantCounts } = applied
  const counts = {
    created: Number(t.created),
    updated: Number(t.updated),
    unchanged: Number(t.unchanged),
    archived,
    ...variantCounts,
  }
  // Stock is not part of the catalog version (caches re-read it every 2 s); anything else is, and
  // so is any write to a product (staged verdicts rely on it: settleVerdicts).
  const changed =
    counts.created +
    counts.updated +
    archived +
    counts.variantsCreated +
    counts.variantsUpdated +
    counts.variantsDelisted
  if (changed + scheduledChanged + productsRewritten > 0) await bumpCatalogVersion(ctx, b)
  return counts
}

/**
 * One row per product of the feed in import_products, with the hash of everything the feed says
 * about it (the md5 of its items' hashes in file order: content-hash.ts), whether it exists, and
 * whether to skip it: its hash is the one its last import stored and the run would not change its
 * status. None of the statements after this looks at a skipped product or its variants again.
 *
 * Staging wrote these rows batch by batch, from the products it looked up then (stage-items.ts).
 * They hold if the catalog version has not moved since (every write to the brand's products moves
 * it), but for the products staging marked `rehash` (their items in several runs of the file, or
 * one lost to an earlier duplicate id): those are settled here from all their staged items. If it
 * moved, every product is. Returns how many products to apply, and how many of those exist.
 */
async function settleVerdicts(ctx: BrandCtx, options: ApplyOptions): Promise<{ applying: number; updating: number }> {
  const b = ctx.brand.id
  const r = options.runId
  const db = ctx.db
  const stagedHold =
    options.stagedCatalogVersion !== null && (await catalogVersionOf(ctx, b)) === options.stagedCatalogVersion
  let only: string[] | null = null
  if (stagedHold) {
    const rehashed = await db
      .deleteFrom('import_products')
      .where('brand_id', '=', b)
      .where('run_id', '=', r)
      .where('rehash', '=', true)
      .returning('group_id')
      .execute()
    only = rehashed.map((row) => row.group_id)
  } else {
    await db.deleteFrom('import_products').where('brand_id', '=', b).where('run_id', '=', r).execute()
  }
  if (only === null || only.length > 0) {
    // Grouping the whole staging table (a sort of every item) is what the staged verdicts save. The
    // products to settle are named by an array, not by an anti-join with import_products: its rows
    // are fresh, without statistics, and the planner's nested loop over them was quadratic.
    await sql`
      with h as (
        select group_id,
          ${`${hashVersion}${options.mode}:`}::text || md5(string_agg(item_hash, E'\n' order by seq)) as hash,
          (array_agg(status order by seq) filter (where status is not null))[1] as status
        from import_items
        where brand_id = ${b} and run_id = ${r} ${only === null ? sql`` : sql`and group_id = any(${only}::text[])`}
        group by group_id
      )
      insert into import_products (brand_id, run_id, group_id, product_id, existed, hash, skip, status)
      select ${b}, ${r}, h.group_id, coalesce(p.id, gen_random_uuid()), p.id is not null, h.hash,
        coalesce(p.import_hash = h.hash
          and p.status = coalesce(h.status, case when p.status = 'archived' then 'active' else p.status end), false),
        h.status
      from h left join products p on p.brand_id = ${b} and p.reference = h.group_id
    `.execute(db)
  }
  const { rows } = await sql<{ applying: number; updating: number }>`
    select count(*) filter (where not skip)::int as applying, count(*) filter (where not skip and existed)::int as updating
    from import_products where brand_id = ${b} and run_id = ${r}
  `.execute(db)
  return { applying: Number(rows[0]?.applying ?? 0), updating: Number(rows[0]?.updating ?? 0) }
}

interface AppliedCounts {
  variantsCreated: number
  variantsUpdated: number
  variantsDelisted: number
  stockUpdated: number
  /** Scheduled prices written or removed (they move the catalog version, they are not counted). */
  scheduledChanged: number
  /** Existing products written, if only their stored hash (they move the catalog version: settleVerdicts). */
  productsRewritten: number
}

const nothingApplied: AppliedCounts = {
  variantsCreated: 0,
  variantsUpdated: 0,
  variantsDelisted: 0,
  stockUpdated: 0,
  scheduledChanged: 0,
  productsRewritten: 0,
}

/**
 * Writes the products the run does not skip, their variants, scheduled prices and stock.
 * `updating`: some of them exist already (only those can have variants to delist).
 */
async function applyProducts(ctx: BrandCtx, options: ApplyOptions, updating: boolean): Promise<AppliedCounts> {
  const b = ctx.brand.id
  const r = options.runId
  const now = ctx.now
  const db = ctx.db
  await analyzeStaging(ctx)
  if (await thinItemsToApply(ctx, r)) throw new ThinProductToApply()

  // Product-level fields come from the first item that has them; fields the feed
  // leaves empty keep the product's current value.
  await sql`
    with todo as (
      select group_id from import_products where brand_id = ${b} and run_id = ${r} and not skip
    ), items as (
      select i.group_id, i.seq, i.title, i.description, i.category_path, i.attributes, i.brand_name, i.images
      from import_items i join todo using (group_id) where i.brand_id = ${b} and i.run_id = ${r}
    ), g as (
      select group_id,
        (array_agg(title order by seq) filter (where title is not null))[1] as title,
        (array_agg(description order by seq) filter (where description is not null))[1] as description,
        (array_agg(category_path order by seq) filter (where category_path is not null))[1] as category_path,
        (array_agg(attributes order by seq) filter (where attributes <> '{}'::jsonb))[1] as attributes,
        (array_agg(brand_name order by seq) filter (where brand_name is not null))[1] as brand_name
      from items
      group by group_id
    ), img as (
      select i.group_id, u.url, min(i.seq::bigint * 1000 + u.ord) as pos
      from items i cross join lateral jsonb_array_elements_text(i.images) with ordinality as u(url, ord)
      group by i.group_id, u.url
    ), imgs as (
      select group_id, jsonb_agg(url order by pos) as urls from img group by group_id
    )
    update import_products ip set
      title = coalesce(g.title, p.title),
      description = coalesce(g.description, p.description, ''),
      category_path = coalesce(g.category_path, p.category_path, ''),
      images = coalesce(
        (select jsonb_agg(jsonb_build_object('url', x.url, 'alt', coalesce(g.title, p.title)) order by x.n)
         from jsonb_array_elements_text(imgs.urls) with ordinality as x(url, n) where x.n <= 20),
        p.images, '[]'::jsonb),
      attributes = coalesce(
        nullif(coalesce(g.attributes, '{}'::jsonb)
          || case when g.brand_name is null then '{}'::jsonb else jsonb_build_object('brand', g.brand_name) end,
          '{}'::jsonb),
        p.attributes, '{}'::jsonb)
    from g
    left join products p on p.brand_id = ${b} and p.reference = g.group_id
    left join imgs on imgs.group_id = g.group_id
    where ip.brand_id = ${b} and ip.run_id = ${r} and ip.group_id = g.group_id
  `.execute(db)

  await sql`
    insert into products (brand_id, id, reference, title, description, category_path, attributes, images, status,
      import_hash, created_at, updated_at)
    select brand_id, product_id, group_id, title, description, category_path, attributes, images,
      coalesce(status, 'active'), hash, ${now}, ${now}
    from import_products
    where brand_id = ${b} and run_id = ${r} and not existed
  `.execute(db)

  // A product archived by an earlier full run comes back active when the feed lists it again. The
  // hash is stored even when no field changed (a variant did), so the next identical feed skips it;
  // updated_at moves only with the product's own fields.
  const productsRewritten = await count(
    ctx,
    sql`
    with x as (
      select ip.product_id, ip.title, ip.description, ip.category_path, ip.images, ip.attributes, ip.hash,
        coalesce(ip.status, case when p.status = 'archived' then 'active' else p.status end) as status,
        (p.title, p.description, p.category_path, p.images, p.attributes, p.status)
          is distinct from (ip.title, ip.description, ip.category_path, ip.images, ip.attributes,
            coalesce(ip.status, case when p.status = 'archived' then 'active' else p.status end)) as fields_changed
      from import_products ip join products p on p.brand_id = ${b} and p.id = ip.product_id
      where ip.brand_id = ${b} and ip.run_id = ${r} and ip.existed and not ip.skip
    ), u as (
      update products p set title = x.title, description = x.description, category_path = x.category_path,
        images = x.images, attributes = x.attributes, status = x.status, import_hash = x.hash,
        updated_at = case when x.fields_changed then ${now} else p.updated_at end
      from x
      where p.brand_id = ${b} and p.id = x.product_id and (x.fields_changed or p.import_hash is distinct from x.hash)
      returning p.id, x.fields_changed
    ), mark as (
      update import_products ip set changed = true from u
      where ip.brand_id = ${b} and ip.run_id = ${r} and ip.product_id = u.id and u.fields_changed
    )
    select count(*)::int as n from u
  `,
  )

  // A variant of a new product may still exist (its SKU moves from another product of the brand).
  const variantsUpdated = await count(
    ctx,
    sql`
    with src as (${variantSource(b, r)}), upd as (
      update variants v set product_id = src.product_id, size = src.size, colour = src.colour, gtin = src.gtin,
        price_minor = src.price_minor, compare_at_minor = src.compare_at_minor, weight_grams = src.weight_grams,
        position = src.position, link = src.link, mpn = src.mpn, availability = src.availability,
        availability_date = src.availability_date, delisted_at = null, updated_at = ${now}
      from src
      where v.brand_id = ${b} and v.sku = src.item_id
        and (v.product_id, v.size, v.colour, v.gtin, v.price_minor, v.compare_at_minor, v.weight_grams, v.position,
            v.link, v.mpn, v.availability, v.availability_date, v.delisted_at)
          is distinct from (src.product_id, src.size, src.colour, src.gtin, src.price_minor, src.compare_at_minor,
            src.weight_grams, src.position, src.link, src.mpn, src.availability, src.availability_date, null)
      returning v.product_id
    ), mark as (
      update import_products ip set changed = true
      where ip.brand_id = ${b} and ip.run_id = ${r} and ip.existed and not ip.changed
        and ip.product_id in (select product_id from upd)
    )
    select count(*)::int as n from upd
  `,
  )

  const variantsCreated = await count(
    ctx,
    sql`
    with src as (${variantSource(b, r)}), ins as (
      insert into variants (brand_id, id, product_id, sku, size, colour, gtin, price_minor, compare_at_minor,
        weight_grams, position, link, mpn, availability, availability_date, created_at, updated_at)
      select ${b}, gen_random_uuid(), src.product_id, src.item_id, src.size, src.colour, src.gtin, src.price_minor,
        src.compare_at_minor, src.weight_grams, src.position, src.link, src.mpn, src.availability,
        src.availability_date, ${now}, ${now}
      from src
      where not exists (select 1 from variants v where v.brand_id = ${b} and v.sku = src.item_id)
      returning product_id
    ), mark as (
      update import_products ip set changed = true
      where ip.brand_id = ${b} and ip.run_id = ${r} and ip.existed and not ip.changed
        and ip.product_id in (select product_id from ins)
    )
    select count(*)::int as n from ins
  `,
  )

  const variantsDelisted = options.mode === 'full' && updating ? await delistVariants(ctx, r) : 0
  const scheduledChanged = await applyScheduledPrices(ctx, r)
  // Stock is the inventory module's: it takes the run's quantities as one set-based statement.
  const stockUpdated = await setOnHandBulk(
    ctx,
    // The applied items first (hash join), then one look-up per item by the unique SKU: the variants
    // just written have no statistics yet, and joining the other way round looks up twice per variant.
    sql`
      with items as materialized (
        select i.item_id, i.on_hand
        from import_items i
        join import_products ip on ip.brand_id = i.brand_id and ip.run_id = i.run_id and ip.group_id = i.group_id
        where i.brand_id = ${b} and i.run_id = ${r} and not ip.skip
      )
      select v.id as variant_id, items.on_hand
      from items join variants v on v.brand_id = ${b} and v.sku = items.item_id
    `,
  )

  return { variantsCreated, variantsUpdated, variantsDelisted, stockUpdated, scheduledChanged, productsRewritten }
}

/**
 * Staging guessed some product unchanged and kept only its items' keys and hash (stage-items.ts),
 * but the run must apply it after all (it was split across the file, lost an item to a duplicate,
 * or changed meanwhile). Its items' columns are not staged: the feed must be read again, staging
 * every item whole (import-feed.ts). A thin item is one without a price: every valid item has one.
 */
export class ThinProductToApply extends Error {
  constructor() {
    super('a product staged as unchanged must be applied after all')
  }
}

async function thinItemsToApply(ctx: BrandCtx, r: string): Promise<boolean> {
  const b = ctx.brand.id
  const { rows } = await sql<{ found: boolean }>`
    select exists (
      select 1 from import_products ip join import_items i
        on i.brand_id = ip.brand_id and i.run_id = ip.run_id and i.group_id = ip.group_id
      where ip.brand_id = ${b} and ip.run_id = ${r} and not ip.skip and i.price_minor is null
    ) as found
  `.execute(ctx.db)
  return rows[0]?.found === true
}

/**
 * A full feed lists every variant it sells: the variants of a product it lists (and applies) that
 * it does not list any more are delisted, kept for the orders and stock movements that name them,
 * and their stock is taken off sale (on_hand 0, reservations kept so placed orders still ship or
 * cancel normally). A later feed that lists one again clears delisted_at (see the variant update).
 */
async function delistVariants(ctx: BrandCtx, r: string): Promise<number> {
  const b = ctx.brand.id
  const delisted = await sql<{ id: string }>`
    with d as (
      update variants v set delisted_at = ${ctx.now}, updated_at = ${ctx.now}
      from import_products ip
      where ip.brand_id = ${b} and ip.run_id = ${r} and ip.existed and not ip.skip
        and v.brand_id = ${b} and v.product_id = ip.product_id and v.delisted_at is null
        and not exists (select 1 from import_items i where i.brand_id = ${b} and i.run_id = ${r} and i.item_id = v.sku)
      returning v.id, v.product_id
    ), mark as (
      update import_products ip set changed = true
      where ip.brand_id = ${b} and ip.run_id = ${r} and not ip.changed and ip.product_id in (select product_id from d)
    )
    select id from d
  `.execute(ctx.db)
  if (delisted.rows.length > 0) {
    await setOnHandBulk(ctx, onHandRows(delisted.rows.map((row) => ({ variantId: row.id, onHand: 0 }))))
  }
  return delisted.rows.length
}

/** The run's items of the products it applies, with their product and position within it (file order). */
function variantSource(b: string, r: string) {
  return sql`
    select i.item_id, i.size, i.colour, i.gtin, i.price_minor, i.compare_at_minor, i.weight_grams, i.link, i.mpn,
      i.availability, i.availability_date, ip.product_id,
      (row_number() over (partition by i.group_id order by i.seq) - 1)::int as position
    from import_items i
    join import_products ip on ip.brand_id = i.brand_id and ip.run_id = i.run_id and ip.group_id = i.group_id
    where i.brand_id = ${b} and i.run_id = ${r} and not ip.skip
  `
}

/**
 * Archives the brand's active and draft products the run does not list, unless they are more than
 * the threshold's share of its active products and the run is not forced (ArchiveRefused: the
 * transaction rolls back, most often a truncated or wrong file). Returns how many it archived.
 */
async function archiveUnlisted(ctx: BrandCtx, options: ApplyOptions): Promise<number> {
  const b = ctx.brand.id
  const r = options.runId
  const { rows } = await sql<{ archived: number; active_missing: number; active_total: number }>`
    with gone as materialized (
      select p.id, p.status from products p
      where p.brand_id = ${b} and p.status in ('active', 'draft')
        and not exists (
          select 1 from import_products ip where ip.brand_id = ${b} and ip.run_id = ${r} and ip.group_id = p.reference
        )
    ), a as (
      update products p set status = 'archived', updated_at = ${ctx.now}
      from gone where p.brand_id = ${b} and p.id = gone.id
      returning 1
    )
    select (select count(*) from a)::int as archived,
      (select count(*) from gone where status = 'active')::int as active_missing,
      (select count(*) from products where brand_id = ${b} and status = 'active')::int as active_total
  `.execute(ctx.db)
  const row = rows[0]
  const missing = Number(row?.active_missing ?? 0)
  const activeTotal = Number(row?.active_total ?? 0)
  if (!options.force && missing > 0 && missing * 100 > activeTotal * options.archiveThresholdPct) {
    throw new ArchiveRefused(missing, activeTotal, options.archiveThresholdPct)
  }
  return Number(row?.archived ?? 0)
}

/**
 * The feed's sale prices with an interval, one 'feed' row per variant (replaced by each run; a
 * variant listed without one loses it). Returns how many rows changed.
 */
async function applyScheduledPrices(ctx: BrandCtx, r: string): Promise<number> {
  const b = ctx.brand.id
  return count(
    ctx,
    sql`
    with src as (
      select v.id as variant_id, i.sale_price_minor, i.sale_starts_at, i.sale_ends_at
      from import_items i
      join import_products ip on ip.brand_id = i.brand_id and ip.run_id = i.run_id and ip.group_id = i.group_id
      join variants v on v.brand_id = ${b} and v.sku = i.item_id
      where i.brand_id = ${b} and i.run_id = ${r} and i.sale_price_minor is not null and not ip.skip
    ), up as (
      insert into scheduled_prices (brand_id, id, variant_id, price_minor, starts_at, ends_at, source, run_id,
        created_at)
      select ${b}, gen_random_uuid(), variant_id, sale_price_minor, sale_starts_at, sale_ends_at, 'feed', ${r},
        ${ctx.now}
      from src
      on conflict (brand_id, variant_id) where source = 'feed' do update
        set price_minor = excluded.price_minor, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
          run_id = excluded.run_id
        where (scheduled_prices.price_minor, scheduled_prices.starts_at, scheduled_prices.ends_at)
          is distinct from (excluded.price_minor, excluded.starts_at, excluded.ends_at)
      returning variant_id
    ), del as (
      -- From the brand's feed prices (few; none in a first import) to the run's items, not the other way.
      delete from scheduled_prices sp
      where sp.brand_id = ${b} and sp.source = 'feed'
        and exists (
          select 1 from variants v
          join import_items i on i.brand_id = ${b} and i.run_id = ${r} and i.item_id = v.sku
          join import_products ip on ip.brand_id = i.brand_id and ip.run_id = i.run_id and ip.group_id = i.group_id
          where v.brand_id = ${b} and v.id = sp.variant_id and i.sale_price_minor is null and not ip.skip
        )
      returning sp.variant_id
    ), changed as (
      select variant_id from up union select variant_id from del
    ), mark as (
      update import_products ip set changed = true
      from variants v
      where v.brand_id = ${b} and v.id in (select variant_id from changed)
        and ip.brand_id = ${b} and ip.run_id = ${r} and ip.existed and ip.product_id = v.product_id
    )
    select count(*)::int as n from changed
  `,
  )
}

/**
 * Fresh staging rows have no statistics; without them the planner picks nested loops (minutes).
 * Only the columns that joins and filters use: the wide text columns would cost 4× the time.
 */
async function analyzeStaging(ctx: BrandCtx): Promise<void> {
  await sql`analyze import_items (brand_id, run_id, item_id, group_id, seq, title, price_minor, sale_price_minor, on_hand)`.execute(
    ctx.db,
  )
}

async function count(ctx: BrandCtx, query: ReturnType<typeof sql>): Promise<number> {
  const result = await (query as ReturnType<typeof sql<{ n: number }>>).execute(ctx.db)
  return Number(result.rows[0]?.n ?? 0)
}

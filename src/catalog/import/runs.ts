import { sql } from 'kysely'
import type { BrandCtx } from '../../brands/brand.ts'
import type { Actor, Ctx } from '../../platform/ctx.ts'
import type { ImportRunRow } from '../../platform/db/schema.ts'

export type ImportSource = 'cli' | 'api' | 'drop-folder'
export type ImportMode = 'full' | 'delta'

export interface ImportCounts {
  /** Products. */
  created: number
  updated: number
  unchanged: number
  archived: number
  /** Items (feed lines). */
  rejected: number
  variantsCreated: number
  variantsUpdated: number
  /** Variants of listed products that a full feed no longer lists (see apply-import.ts). */
  variantsDelisted: number
  stockUpdated: number
}

export interface ImportRun extends ImportCounts {
  id: string
  source: ImportSource
  fileName: string
  format: string | null
  mode: ImportMode
  dryRun: boolean
  force: boolean
  startedBy: string
  startedAt: Date
  finishedAt: Date | null
  status: 'running' | 'succeeded' | 'failed'
  itemsRead: number
  error: { reason: string; line: number | null; column: number | null } | null
  /** Last sign of life of the process running it (null for runs recorded before heartbeats). */
  heartbeatAt: Date | null
}

export interface ImportRejection {
  line: number | null
  itemId: string | null
  reason: string
}

export interface NewImportRun {
  id: string
  source: ImportSource
  fileName: string
  format: string | null
  mode: ImportMode
  dryRun: boolean
  force: boolean
}

/** Who started a run, as text: robust to new actor kinds (staff, API keys) without a change here. */
export function describeActor(actor: Actor): string {
  const named = actor as { kind: string; name?: unknown; email?: unknown; keyId?: unknown }
  const who = named.name ?? named.email ?? named.keyId
  return typeof who === 'string' ? `${named.kind}:${who}` : named.kind
}

export async function insertRun(ctx: BrandCtx, run: NewImportRun): Promise<void> {
  await ctx.db
    .insertInto('import_runs')
    .values({
      brand_id: ctx.brand.id,
      id: run.id,
      source: run.source,
      file_name: run.fileName.slice(0, 500) || 'feed',
      format: run.format,
      mode: run.mode,
      dry_run: run.dryRun,
      force: run.force,
      started_by: describeActor(ctx.actor),
      started_at: ctx.now,
      finished_at: null,
      heartbeat_at: ctx.now,
      error: null,
      error_line: null,
      error_column: null,
    })
    .execute()
}

/** Items read so far, and a heartbeat: the run is alive at `at`. */
export async function recordProgress(ctx: BrandCtx, runId: string, itemsRead: number, at: Date): Promise<void> {
  await ctx.db
    .updateTable('import_runs')
    .set({ items_read: itemsRead, heartbeat_at: at })
    .where('brand_id', '=', ctx.brand.id)
    .where('id', '=', runId)
    .execute()
}

/** The run is alive at `at` (written while the catalog transaction runs, from another connection). */
export async function heartbeat(ctx: BrandCtx, runId: string, at: Date): Promise<void> {
  await ctx.db
    .updateTable('import_runs')
    .set({ heartbeat_at: at })
    .where('brand_id', '=', ctx.brand.id)
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .execute()
}

/** How often a running import says it is alive. */
export const heartbeatEveryMs = 30_000
/** A run silent for this long was left by a process that stopped (10 missed heartbeats). */
export const interruptedAfterMs = 10 * heartbeatEveryMs

export interface ReapOptions {
  /** Only this brand's runs (an import starting); all brands when absent (a server or worker starting). */
  brandId?: string
  /** Runs this process is running itself: never reaped, however long their transaction keeps them silent. */
  except?: ReadonlySet<string>
  staleAfterMs?: number
}

/**
 * Closes as failed the runs left `running` by a process that crashed or was killed: their last
 * heartbeat is older than `staleAfterMs` before ctx.now. Their staging rows go too. Returns them.
 */
export async function reapInterruptedRuns(
  ctx: Ctx,
  options: ReapOptions = {},
): Promise<Array<{ brandId: string; id: string }>> {
  const staleBefore = new Date(ctx.now.getTime() - (options.staleAfterMs ?? interruptedAfterMs))
  const except = [...(options.except ?? [])]
  const { rows } = await sql<{ brand_id: string; id: string }>`
    update import_runs set status = 'failed', finished_at = ${ctx.now},
      error = 'interrupted: the process running it stopped (no heartbeat since '
        || to_char(coalesce(heartbeat_at, started_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ')'
    where status = 'running' and coalesce(heartbeat_at, started_at) < ${staleBefore}
      ${options.brandId === undefined ? sql`` : sql`and brand_id = ${options.brandId}`}
      and not (id = any(${except}::uuid[]))
    returning brand_id, id
  `.execute(ctx.db)
  for (const run of rows) {
    await clearStaging(ctx, run.brand_id, run.id)
    ctx.log.warn({ brandId: run.brand_id, runId: run.id }, 'import run interrupted: marked failed')
  }
  return rows.map((r) => ({ brandId: r.brand_id, id: r.id }))
}

/** Empties a run's staging tables (UNLOGGED scratch space; the run and its rejections stay). */
export async function clearStaging(ctx: Ctx, brandId: string, runId: string): Promise<void> {
  await ctx.db.deleteFrom('import_items').where('brand_id', '=', brandId).where('run_id', '=', runId).execute()
  await ctx.db.deleteFrom('import_products').where('brand_id', '=', brandId).where('run_id', '=', runId).execute()
}

/** Forgets the rejections a run recorded (a first import reading its feed again records them again). */
export async function clearRejections(ctx: BrandCtx, runId: string): Promise<void> {
  await ctx.db
    .deleteFrom('import_rejections')
    .where('brand_id', '=', ctx.brand.id)
    .where('run_id', '=', runId)
    .execute()
}

export async function insertRejections(ctx: BrandCtx, runId: string, rejections: ImportRejection[]): Promise<void> {
  if (rejections.length === 0) return
  await ctx.db
    .insertInto('import_rejections')
    .values(
      rejections.map((r) => ({
        brand_id: ctx.brand.id,
        run_id: runId,
        line: r.line,
        item_id: r.itemId?.slice(0, 1000) ?? null,
        reason: r.reason.slice(0, 2000),
      })),
    )
    .execute()
}

export interface RunOutcome {
  status: 'succeeded' | 'failed'
  itemsRead: number
  counts: ImportCounts
  error: { reason: string; line: number | null; column: number | null } | null
}

/** Closes a run; its own statement, so it is written whatever happened to the catalog's transaction. */
export async function finishRun(ctx: BrandCtx, runId: string, outcome: RunOutcome, finishedAt: Date): Promise<void> {
  const c = outcome.counts
  await ctx.db
    .updateTable('import_runs')
    .set({
      status: outcome.status,
      finished_at: finishedAt,
      items_read: outcome.itemsRead,
      created: c.created,
      updated: c.updated,
      unchanged: c.unchanged,
      archived: c.archived,
      rejected: c.rejected,
      variants_created: c.variantsCreated,
      variants_updated: c.variantsUpdated,
      variants_delisted: c.variantsDelisted,
      stock_updated: c.stockUpdated,
      heartbeat_at: finishedAt,
      error: outcome.error?.reason.slice(0, 2000) ?? null,
      error_line: outcome.error?.line ?? null,
      error_column: outcome.error?.column ?? null,
    })
    .where('brand_id', '=', ctx.brand.id)
    .where('id', '=', runId)
    .execute()
}

export async function getImportRun(ctx: BrandCtx, runId: string): Promise<ImportRun | null> {
  const row = await ctx.db
    .selectFrom('import_runs')
    .selectAll()
    .where('brand_id', '=', ctx.brand.id)
    .where('id', '=', runId)
    .executeTakeFirst()
  return row ? toRun(row) : null
}

export async function listImportRuns(ctx: BrandCtx, page: { limit: number; offset: number }): Promise<ImportRun[]> {
  const rows = await ctx.db
    .selectFrom('import_runs')
    .selectAll()
    .where('brand_id', '=', ctx.brand.id)
    .orderBy('started_at', 'desc')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute()
  return rows.map(toRun)
}

/** Rejections of a run in file order. */
export async function listImportRejections(
  ctx: BrandCtx,
  runId: string,
  page: { limit: number; offset: number },
): Promise<ImportRejection[]> {
  const rows = await ctx.db
    .selectFrom('import_rejections')
    .select(['line', 'item_id', 'reason'])
    .where('brand_id', '=', ctx.brand.id)
    .where('run_id', '=', runId)
    .orderBy('line')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute()
  return rows.map((r) => ({ line: r.line, itemId: r.item_id, reason: r.reason }))
}

export const noCounts: ImportCounts = {
  created: 0,
  updated: 0,
  unchanged: 0,
  archived: 0,
  rejected: 0,
  variantsCreated: 0,
  variantsUpdated: 0,
  variantsDelisted: 0,
  stockUpdated: 0,
}

function toRun(r: ImportRunRow): ImportRun {
  return {
    id: r.id,
    source: r.source,
    fileName: r.file_name,
    format: r.format,
    mode: r.mode,
    dryRun: r.dry_run,
    force: r.force,
    startedBy: r.started_by,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    itemsRead: r.items_read,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    archived: r.archived,
    rejected: r.rejected,
    variantsCreated: r.variants_created,
    variantsUpdated: r.variants_updated,
    variantsDelisted: r.variants_delisted,
    stockUpdated: r.stock_updated,
    error: r.error === null ? null : { reason: r.error, line: r.error_line, column: r.error_column },
    heartbeatAt: r.heartbeat_at,
  }
}

import type { BrandCtx } from '../../brands/brand.ts'
import { newId } from '../../platform/ids.ts'
import { type FreshApply, openFreshApply } from './apply-fresh.ts'
import { ArchiveRefused, applyImport, rejectUntitledProducts, ThinProductToApply } from './apply-import.ts'
import { type FeedFormat, FeedStructureError, parseFeed } from './parse/index.ts'
import {
  clearRejections,
  clearStaging,
  finishRun,
  heartbeat,
  heartbeatEveryMs,
  type ImportCounts,
  type ImportMode,
  type ImportSource,
  insertRun,
  noCounts,
  type RunOutcome,
  reapInterruptedRuns,
  recordProgress,
} from './runs.ts'
import { type StageResult, stageFeed } from './stage-items.ts'

export const defaultArchiveThresholdPct = 20

export interface ImportFeedInput {
  source: ImportSource
  fileName: string
  input: AsyncIterable<Buffer> | NodeJS.ReadableStream
  /**
   * Opens the same feed again from its first byte (a file). Given, a brand's first import writes
   * while it reads and, should the feed need the usual way after all, reads it again
   * (apply-fresh.ts); without it every run stages first.
   */
  reopen?: () => AsyncIterable<Buffer> | NodeJS.ReadableStream
  /** Detected from the first bytes when absent. */
  format?: FeedFormat
  mode: ImportMode
  dryRun?: boolean
  force?: boolean
  archiveThresholdPct?: number
  /** Set when the caller already recorded the run (the API answers with its id before reading). */
  runId?: string
  /** Passed to the parser (its default is 512 MiB). */
  maxBytes?: number
  /** Called after each staged batch with the items read so far (the CLI's progress bar). */
  onProgress?: (itemsRead: number) => void
  /** Heartbeats and the run's end; the wall clock by default (ctx.now is the run's start). */
  clock?: () => Date
}

export interface ImportFeedResult extends RunOutcome {
  runId: string
}

/** Runs this process is executing now (the reaper must not take them for dead ones). */
const runningHere = new Set<string>()

/** How often the run row's items_read moves while staging (what GET …/imports/:id shows). */
const progressEveryMs = 1000

/**
 * Imports one feed file into the brand's catalog: stream-parse → validate → stage (UNLOGGED,
 * batched) → apply in ONE transaction (set-based upserts by the brand's references and SKUs; a full
 * run archives what the feed no longer lists, within a safety threshold). A brand's first import
 * of a feed it can reopen applies each batch as it reads instead, staging nothing, and reads the
 * feed again the usual way if it must (apply-fresh.ts). The run and its rejected
 * lines are recorded whatever happens, in their own statements: a structural failure or a refusal
 * leaves the catalog exactly as it was and the run `failed` with the reason.
 *
 * Expected failures are returned in the result (status 'failed'), not thrown.
 */
export async function importFeed(ctx: BrandCtx, input: ImportFeedInput): Promise<ImportFeedResult> {
  const runId = input.runId ?? newId()
  const clock = input.clock ?? (() => new Date())
  // Runs of this brand left `running` by a process that died are closed before this one starts.
  await reapInterruptedRuns(ctx, { brandId: ctx.brand.id, except: runningHere })
  if (!input.runId) {
    await insertRun(ctx, {
      id: runId,
      source: input.source,
      fileName: input.fileName,
      format: input.format ?? null,
      mode: input.mode,
      dryRun: input.dryRun ?? false,
      force: input.force ?? false,
    })
  }

  let itemsRead = 0
  let lastSaved = Date.now()
  let outcome: RunOutcome
  let fresh: FreshApply | null = null
  runningHere.add(runId)
  // Staging records progress (and so a heartbeat) every second; the apply is one transaction, so
  // a timer beats for it from another connection (on PGlite it waits for the transaction, which
  // is why runs of this process are never reaped by it: `runningHere`).
  let beating: Promise<void> | null = null
  const beat = setInterval(() => {
    beating ??= heartbeat(ctx, runId, clock())
      .catch((error: unknown) => ctx.log.warn({ err: error, runId }, 'import heartbeat failed'))
      .finally(() => {
        beating = null
      })
  }, heartbeatEveryMs)
  beat.unref()
  try {
    const parse = (bytes: ImportFeedInput['input']) =>
      parseFeed(bytes, {
        defaultCurrency: ctx.brand.currency,
        ...(input.format ? { format: input.format } : {}),
        ...(input.maxBytes !== undefined ? { maxBytes: input.maxBytes } : {}),
      })
    const stage = (bytes: ImportFeedInput['input'], freshApply: FreshApply | null, guessUnchanged: boolean) =>
      stageFeed(
        ctx,
        runId,
        input.mode,
        parse(bytes),
        async (read) => {
          itemsRead = read
          input.onProgress?.(read)
          if (Date.now() - lastSaved >= progressEveryMs) {
            lastSaved = Date.now()
            await recordProgress(ctx, runId, read, clock())
          }
        },
        { fresh: freshApply, guessUnchanged },
      )
    const applyStaged = async (staged: StageResult): Promise<ImportCounts> => {
      const untitled = staged.untitledItems ? await rejectUntitledProducts(ctx, runId) : 0
      const counts = await applyImport(ctx, {
        runId,
        mode: input.mode,
        dryRun: input.dryRun ?? false,
        force: input.force ?? false,
        archiveThresholdPct: input.archiveThresholdPct ?? defaultArchiveThresholdPct,
        stagedCatalogVersion: staged.catalogVersion,
      })
      return { ...counts, rejected: staged.rejected + untitled }
    }

    // A guess was wrong: from the start, staging everything; what the first reading rejected is
    // rejected again.
    const readAgain = async (reopen: () => ImportFeedInput['input'], why: string): Promise<ImportCounts> => {
      ctx.log.info({ runId, why }, 'import: reading the feed again, staging every item')
      await clearStaging(ctx, ctx.brand.id, runId)
      await clearRejections(ctx, runId)
      const again = await stage(reopen(), null, false)
      itemsRead = again.itemsRead
      return applyStaged(again)
    }
    // Two guesses save most of the work, and need the feed once more when they are wrong (so only
    // a feed that can be reopened makes them): a brand's first import applies while it reads
    // (apply-fresh.ts), and a product that looks unchanged is staged as its keys and hash only.
    const { reopen } = input
    fresh = reopen ? await openFreshApply(ctx, runId, input.mode) : null
    const staged = await stage(input.input, fresh, reopen !== undefined)
    itemsRead = staged.itemsRead
    const appliedFresh = (await fresh?.finish(input.dryRun ?? false)) ?? null
    let counts: ImportCounts
    if (appliedFresh) counts = { ...appliedFresh, rejected: staged.rejected }
    else if (reopen && fresh?.handedOver) counts = await readAgain(reopen, fresh.handedOver)
    else {
      counts = await applyStaged(staged).catch((error: unknown) => {
        if (reopen && error instanceof ThinProductToApply) return readAgain(reopen, error.message)
        throw error
      })
    }
    outcome = { status: 'succeeded', itemsRead, counts, error: null }
  } catch (error) {
    await fresh
      ?.abandon()
      .catch((rollback: unknown) => ctx.log.warn({ err: rollback, runId }, 'import rollback failed'))
    outcome = { status: 'failed', itemsRead, counts: { ...noCounts }, error: describeFailure(error) }
    if (!(error instanceof FeedStructureError || error instanceof ArchiveRefused)) {
      ctx.log.error({ err: error, runId }, 'import failed unexpectedly')
    }
  }

  clearInterval(beat)
  await beating
  try {
    await clearStaging(ctx, ctx.brand.id, runId)
  } catch (error) {
    ctx.log.warn({ err: error, runId }, 'could not clear the staging rows of an import run')
  }
  if (outcome.status === 'failed') outcome.counts = { ...outcome.counts, rejected: await countRejections(ctx, runId) }
  await finishRun(ctx, runId, outcome, clock()).finally(() => runningHere.delete(runId))
  ctx.log.info({ runId, status: outcome.status, itemsRead, ...outcome.counts }, 'import run finished')
  return { runId, ...outcome }
}

function describeFailure(error: unknown): RunOutcome['error'] {
  if (error instanceof FeedStructureError) return { reason: error.reason, line: error.line, column: error.column }
  if (error instanceof ArchiveRefused) return { reason: error.message, line: null, column: null }
  const code = (error as { code?: unknown }).code
  // Files that cannot be read are the sender's problem and safe to show; anything else is internal.
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
    return { reason: `cannot read the file (${code})`, line: null, column: null }
  }
  return { reason: 'internal error (see the server log)', line: null, column: null }
}

async function countRejections(ctx: BrandCtx, runId: string): Promise<number> {
  const row = await ctx.db
    .selectFrom('import_rejections')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('brand_id', '=', ctx.brand.id)
    .where('run_id', '=', runId)
    .executeTakeFirst()
  return Number(row?.n ?? 0)
}

export type { ImportCounts }

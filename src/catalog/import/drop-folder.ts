import { createReadStream } from 'node:fs'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BrandCtx } from '../../brands/brand.ts'
import { findBrandBySlug } from '../../brands/queries.ts'
import type { Ctx } from '../../platform/ctx.ts'
import {
  freeName,
  type InboxSightings,
  type PollingWorker,
  scanDropFolder,
  startPolling,
} from '../../platform/drop-folder.ts'
import { importFeed } from './import-feed.ts'
import { listImportRejections } from './runs.ts'

const processSightings: InboxSightings = new Map()
const feedFile = /\.(xml|tsv|csv)$/i

export interface PolledFile {
  brand: string
  file: string
  runId: string
  status: 'succeeded' | 'failed'
  movedTo: string
}

export interface PollResult {
  imported: PolledFile[]
  /** Files seen for the first time or still changing; taken on a later poll. */
  waiting: string[]
}

/**
 * One pass over the drop folder `<inbox>/<brand slug>/incoming/`. A file is imported only when its
 * size and mtime are the same as at the previous poll (a sender still writing it is left alone);
 * names starting with '.' or ending in '.part'/'.tmp' are never taken. Each file is imported once:
 * it is moved to `processing/` before the import (a crash leaves it there for an operator, it is
 * never imported twice), then to `processed/` or `failed/` with `<name>.report.json` beside it.
 * Full mode unless the name contains `.delta.`.
 */
export async function pollInboxOnce(
  ctx: Ctx,
  inboxDir: string,
  sightings: InboxSightings = processSightings,
): Promise<PollResult> {
  const imported: PolledFile[] = []
  const waiting = await scanDropFolder(ctx, inboxDir, {
    sightings,
    accept: (name) => feedFile.test(name),
    findBrand: (slug) => findBrandBySlug(ctx.db, slug),
    take: async ({ brand, brandDir, name }) => {
      imported.push(await importDroppedFile({ ...ctx, brand }, brandDir, name))
    },
    what: 'drop folder',
  })
  return { imported, waiting }
}

async function importDroppedFile(ctx: BrandCtx, brandDir: string, name: string): Promise<PolledFile> {
  const processing = join(brandDir, 'processing')
  await mkdir(processing, { recursive: true })
  const working = join(processing, name)
  await rename(join(brandDir, 'incoming', name), working)

  const mode = name.includes('.delta.') ? 'delta' : 'full'
  const run = await importFeed(ctx, {
    source: 'drop-folder',
    fileName: name,
    input: createReadStream(working),
    reopen: () => createReadStream(working),
    mode,
  })
  const rejections = await listImportRejections(ctx, run.runId, { limit: 1000, offset: 0 })
  const targetDir = join(brandDir, run.status === 'succeeded' ? 'processed' : 'failed')
  await mkdir(targetDir, { recursive: true })
  const target = await freeName(targetDir, name)
  await rename(working, join(targetDir, target))
  const report = {
    runId: run.runId,
    brand: ctx.brand.slug,
    file: name,
    mode,
    status: run.status,
    itemsRead: run.itemsRead,
    counts: run.counts,
    error: run.error,
    rejections,
    rejectionsShown: `${rejections.length} of ${run.counts.rejected}`,
  }
  await writeFile(join(targetDir, `${target}.report.json`), `${JSON.stringify(report, null, 2)}\n`)
  return { brand: ctx.brand.slug, file: name, runId: run.runId, status: run.status, movedTo: join(targetDir, target) }
}

/** Kept under this name for the callers that hold one. */
export type { InboxSightings }
export type InboxWorker = PollingWorker

/**
 * Polls the drop folder every `intervalMs` (one poll at a time) until stopped; each poll gets a
 * fresh context (its own "now"). Runs in `vitrine worker`, or inside `serve` in embedded mode, where
 * `onImported` lets the server refresh its brand directory after an import changed a catalog.
 */
export function startInboxWorker(
  makeCtx: () => Ctx,
  inboxDir: string,
  intervalMs = 2000,
  options: { onImported?: (result: PollResult) => void | Promise<void> } = {},
): PollingWorker {
  return startPolling(
    makeCtx,
    intervalMs,
    async (ctx) => {
      const result = await pollInboxOnce(ctx, inboxDir)
      if (result.imported.length > 0) await options.onImported?.(result)
    },
    { message: 'drop-folder poll failed', fields: { inbox: inboxDir } },
  )
}

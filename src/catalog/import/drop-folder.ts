import { createReadStream } from 'node:fs'
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BrandCtx } from '../../brands/brand.ts'
import { findBrandBySlug } from '../../brands/queries.ts'
import type { Ctx } from '../../platform/ctx.ts'
import { importFeed } from './import-feed.ts'
import { listImportRejections } from './runs.ts'

/** What a poll saw of each file still in incoming/: a file is taken once two polls agree. */
export type InboxSightings = Map<string, { size: number; mtimeMs: number }>

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
  const result: PollResult = { imported: [], waiting: [] }
  const seenNow = new Set<string>()
  for (const slug of await listDirectories(inboxDir)) {
    const incoming = join(inboxDir, slug, 'incoming')
    const names = await readdir(incoming).catch(() => [] as string[])
    const candidates = names.filter((n) => feedFile.test(n) && !n.startsWith('.') && !/\.(part|tmp)$/i.test(n))
    if (candidates.length === 0) continue
    const brand = await findBrandBySlug(ctx.db, slug)
    if (!brand) {
      ctx.log.warn({ inbox: inboxDir, slug }, 'drop folder of an unknown brand: files left as they are')
      continue
    }
    for (const name of candidates.sort()) {
      const path = join(incoming, name)
      const st = await stat(path).catch(() => null)
      if (!st?.isFile()) continue
      seenNow.add(path)
      const before = sightings.get(path)
      if (!before || before.size !== st.size || before.mtimeMs !== st.mtimeMs) {
        sightings.set(path, { size: st.size, mtimeMs: st.mtimeMs })
        result.waiting.push(path)
        continue
      }
      sightings.delete(path)
      seenNow.delete(path)
      result.imported.push(await importDroppedFile({ ...ctx, brand }, join(inboxDir, slug), name))
    }
  }
  for (const path of sightings.keys()) if (path.startsWith(inboxDir) && !seenNow.has(path)) sightings.delete(path)
  return result
}

async function importDroppedFile(ctx: BrandCtx, brandDir: string, name: string): Promise<PolledFile> {
  const processing = join(brandDir, 'processing')
  await mkdir(processing, { recursive: true })
  const working = join(processing, name)
  await rename(join(brandDir, 'incoming', name), working)

  const mode = name.includes('.delta.') ? 'delta' : 'full'
  const run = await importFeed(ctx, { source: 'drop-folder', fileName: name, input: createReadStream(working), mode })
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

/** The name itself, or with a numeric suffix when an earlier file of that name is already there. */
async function freeName(dir: string, name: string): Promise<string> {
  const taken = new Set(await readdir(dir))
  if (!taken.has(name)) return name
  for (let n = 2; ; n++) {
    const candidate = `${name}.${n}`
    if (!taken.has(candidate)) return candidate
  }
}

async function listDirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name)
}

export interface InboxWorker {
  stop(): Promise<void>
}

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
): InboxWorker {
  let stopped = false
  let timer: NodeJS.Timeout | null = null
  let current: Promise<unknown> = Promise.resolve()
  const tick = () => {
    const ctx = makeCtx()
    current = pollInboxOnce(ctx, inboxDir)
      .then(async (result) => {
        if (result.imported.length > 0) await options.onImported?.(result)
      })
      .catch((error: unknown) => ctx.log.error({ err: error, inbox: inboxDir }, 'drop-folder poll failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs)
      })
  }
  tick()
  return {
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await current
    },
  }
}

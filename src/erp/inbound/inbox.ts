import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { findBrandBySlug } from '../../brands/queries.ts'
import type { Ctx } from '../../platform/ctx.ts'
import {
  freeName,
  type InboxSightings,
  type PollingWorker,
  scanDropFolder,
  startPolling,
} from '../../platform/drop-folder.ts'
import { AppError } from '../../platform/errors.ts'
import { changesCatalog, type ReceiveDocumentResult, receiveDocument } from './receive-document.ts'

/** The same limit as the HTTP endpoint: a larger file is refused, not read. */
const maxDocumentBytes = 5 * 1024 * 1024
const documentFile = /\.xml$/i

export interface InboxFileOutcome {
  brand: string
  file: string
  /** The receipt's status, or 'failed' when the file could not be read as a document. */
  status: ReceiveDocumentResult['status'] | 'failed'
  movedTo: string
}

export interface ErpInboxPoll {
  received: InboxFileOutcome[]
  /** Files seen for the first time or still changing; taken on a later poll. */
  waiting: string[]
}

const processSightings: InboxSightings = new Map()

/**
 * One pass over the ERP inbox `<inbox>/<brand slug>/incoming/*.xml` — the layout of the catalog
 * drop folder (src/catalog/import/drop-folder.ts), in its own root so feeds and ERP documents
 * never mix. A file is taken only when its size and mtime are the same as at the previous poll
 * (an ERP still writing it is left alone); names starting with '.' or ending in '.part'/'.tmp'
 * are never taken. The file is first renamed into `processing/` (atomic: of several workers one
 * wins), received exactly as the HTTP endpoint receives a body (same parsing, same duplicate
 * rule, recorded in erp_inbound with source 'inbox'), then moved to `processed/` (applied,
 * partially applied, duplicate) or `failed/` (rejected, unreadable) with `<name>.outcome.json`
 * beside it. A database failure puts the file back in incoming/ for the next poll.
 */
export async function pollErpInboxOnce(
  ctx: Ctx,
  inboxDir: string,
  options: { sightings?: InboxSightings; onCatalogChange?: () => Promise<void> } = {},
): Promise<ErpInboxPoll> {
  const received: InboxFileOutcome[] = []
  const waiting = await scanDropFolder(ctx, inboxDir, {
    sightings: options.sightings ?? processSightings,
    accept: (name) => documentFile.test(name),
    findBrand: (slug) => findBrandBySlug(ctx.db, slug),
    take: async ({ brand, brandDir, name, size }) => {
      const outcome = await receiveFile({ ...ctx, brand }, brandDir, name, size)
      if (!outcome) return
      received.push(outcome)
      if (outcome.status !== 'failed' && outcome.changedCatalog) await options.onCatalogChange?.()
    },
    what: 'ERP inbox',
  })
  return { received, waiting }
}

async function receiveFile(
  ctx: Parameters<typeof receiveDocument>[0],
  brandDir: string,
  name: string,
  size: number,
): Promise<(InboxFileOutcome & { changedCatalog: boolean }) | null> {
  const processing = join(brandDir, 'processing')
  await mkdir(processing, { recursive: true })
  const working = join(processing, name)
  try {
    await rename(join(brandDir, 'incoming', name), working)
  } catch {
    return null // another worker took it
  }

  let receipt: ReceiveDocumentResult | null = null
  let failure: { code: string; reason: string } | null = null
  try {
    if (size > maxDocumentBytes) throw new AppError('payload-too-large', 413, `larger than ${maxDocumentBytes} bytes`)
    receipt = await receiveDocument(ctx, await readFile(working, 'utf8'), { source: 'inbox', fileName: name })
  } catch (error) {
    // A document the ERP must fix (malformed, unsupported, over the limit) fails; anything else
    // (the database is down) is not the document's fault: it goes back for the next poll.
    if (!(error instanceof AppError) || error.status >= 500) {
      ctx.log.error({ err: error, file: name }, 'ERP inbox file not received; retried at the next poll')
      await rename(working, join(brandDir, 'incoming', name)).catch(() => {})
      return null
    }
    failure = { code: error.code, reason: error.message }
  }

  const ok = receipt !== null && receipt.status !== 'rejected'
  const targetDir = join(brandDir, ok ? 'processed' : 'failed')
  await mkdir(targetDir, { recursive: true })
  const target = await freeName(targetDir, name)
  await rename(working, join(targetDir, target))
  const outcome = receipt
    ? { file: name, brand: ctx.brand.slug, receivedAt: ctx.now, ...receipt }
    : { file: name, brand: ctx.brand.slug, receivedAt: ctx.now, status: 'failed', error: failure }
  await writeFile(join(targetDir, `${target}.outcome.json`), `${JSON.stringify(outcome, null, 2)}\n`)
  ctx.log.info({ file: name, brand: ctx.brand.slug, status: outcome.status }, 'ERP inbox file received')
  return {
    brand: ctx.brand.slug,
    file: name,
    status: receipt?.status ?? 'failed',
    movedTo: join(targetDir, target),
    changedCatalog: receipt !== null && changesCatalog(receipt),
  }
}

export type ErpInboxWorker = PollingWorker

/**
 * Polls the ERP inbox every `intervalMs` (one poll at a time) until stopped; each poll gets a
 * fresh context (its own "now"). Runs in `vitrine worker`, and inside `serve` in embedded mode.
 */
export function startErpInboxWorker(
  makeCtx: () => Ctx,
  inboxDir: string,
  options: { intervalMs?: number; onCatalogChange?: () => Promise<void> } = {},
): PollingWorker {
  const poll = options.onCatalogChange ? { onCatalogChange: options.onCatalogChange } : {}
  return startPolling(makeCtx, options.intervalMs ?? 2000, (ctx) => pollErpInboxOnce(ctx, inboxDir, poll), {
    message: 'ERP inbox poll failed',
    fields: { inbox: inboxDir },
  })
}

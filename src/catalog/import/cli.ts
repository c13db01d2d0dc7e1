import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { findBrandBySlug } from '../../brands/queries.ts'
import { Progress } from '../../platform/cli/progress.ts'
import type { Log } from '../../platform/ctx.ts'
import type { Database } from '../../platform/db/database.ts'
import { migrateToLatest } from '../../platform/db/migrate.ts'
import { pollInboxOnce, startInboxWorker } from './drop-folder.ts'
import { importFeed } from './import-feed.ts'
import type { FeedFormat } from './parse/index.ts'
import { listImportRejections, reapInterruptedRuns } from './runs.ts'

export const importHelp = `Usage: vitrine import --brand <slug> [--mode full|delta] [--dry-run] [--force] <file>

Imports a product feed (Google Merchant Center RSS/Atom XML or TSV, Shopify product CSV; the
format is detected) into the brand's catalog, and prints a summary with the first rejected lines.
  --brand <slug>     the brand whose catalog it is (required)
  --mode full|delta  full (default): products the feed no longer lists are archived;
                     delta: only create and update
  --dry-run          count what would change (created/updated/unchanged/archived/rejected), change nothing
  --force            full mode: archive even more than --threshold of the active products
  --threshold <pct>  full mode safety threshold (default 20)
  --format <name>    google-rss | google-atom | google-tsv | shopify-csv (default: detected)
  --help             this text

Exit status: 0 done (rejected lines included), 1 the run failed (file structure, threshold), 2 usage.
`

export const workerHelp = `Usage: vitrine worker [--inbox DIR] [--interval SECONDS] [--once]

Watches the drop folder for feeds: <inbox>/<brand slug>/incoming/*.{xml,tsv,csv}. A file is taken
when its size and modification time are unchanged over two polls; names starting with "." or
ending in ".part"/".tmp" are ignored (write there, then rename). Each file is imported once, in
full mode unless its name contains ".delta.", then moved to processed/ or failed/ with
<name>.report.json beside it.
  --inbox DIR         default $VITRINE_INBOX or ./inbox
  --interval SECONDS  between polls (default 2)
  --once              poll twice (one interval apart) and exit: for cron or a test
  --help              this text

With the embedded database, run it instead of serve (one process per data directory).
`

const formats: readonly FeedFormat[] = ['google-rss', 'google-atom', 'google-tsv', 'shopify-csv']

export interface CommandDeps {
  open: () => Promise<Database>
  log: Log
  out?: (text: string) => void
  err?: (text: string) => void
}

/** `vitrine import`: returns the exit status. */
export async function importCommand(args: string[], deps: CommandDeps): Promise<number> {
  const out = deps.out ?? ((t) => process.stdout.write(t))
  const err = deps.err ?? ((t) => process.stderr.write(t))
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      brand: { type: 'string' },
      mode: { type: 'string', default: 'full' },
      'dry-run': { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      threshold: { type: 'string', default: '20' },
      format: { type: 'string' },
    },
  })
  const usage = (message: string) => {
    err(`${message}\n\n${importHelp}`)
    return 2
  }
  if (!values.brand) return usage('--brand is required')
  if (values.mode !== 'full' && values.mode !== 'delta') return usage('--mode must be full or delta')
  if (positionals.length !== 1) return usage('give exactly one feed file')
  const threshold = Number(values.threshold)
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 100) return usage('--threshold is a percentage')
  if (values.format !== undefined && !formats.includes(values.format as FeedFormat)) {
    return usage(`--format must be one of ${formats.join(', ')}`)
  }
  const file = resolve(positionals[0]!)
  const fileStat = await stat(file).catch(() => null)
  if (!fileStat?.isFile()) return usage(`no such file: ${positionals[0]}`)

  const database = await deps.open()
  try {
    await migrateToLatest(database.db)
    const brand = await findBrandBySlug(database.db, values.brand)
    if (!brand) return usage(`no brand with the slug "${values.brand}"`)
    const ctx = { db: database.db, brand, now: new Date(), actor: cliActor(), log: deps.log }

    const progress = new Progress(`Importing ${basename(file)}`, 1, 'items')
    let bytesRead = 0
    const open = () => {
      bytesRead = 0
      return countBytes(createReadStream(file), (n) => {
        bytesRead += n
      })
    }
    const started = Date.now()
    const run = await importFeed(ctx, {
      source: 'cli',
      fileName: basename(file),
      input: open(),
      reopen: open,
      mode: values.mode,
      dryRun: values['dry-run'],
      force: values.force,
      archiveThresholdPct: threshold,
      ...(values.format ? { format: values.format as FeedFormat } : {}),
      onProgress: (items) => {
        // The total is learnt on the way: items so far scaled by the share of the file read.
        progress.setTotal(Math.max(items + 1, Math.round((items * fileStat.size) / Math.max(bytesRead, 1))))
        progress.update(items, values['dry-run'] ? 'dry run' : '')
      },
    })
    progress.setTotal(run.itemsRead)
    progress.update(run.itemsRead, 'applied')

    const c = run.counts
    const n = (x: number) => x.toLocaleString('en')
    const lines = [
      `Import of ${basename(file)} into ${brand.slug} (${values.mode}${values['dry-run'] ? ', dry run: nothing was changed' : ''}): ${run.status} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      `  items read   ${n(run.itemsRead)}`,
      `  products     created ${n(c.created)} · updated ${n(c.updated)} · unchanged ${n(c.unchanged)} · archived ${n(c.archived)}`,
      `  variants     created ${n(c.variantsCreated)} · updated ${n(c.variantsUpdated)} · delisted ${n(c.variantsDelisted)} · stock levels set ${n(c.stockUpdated)}`,
      `  rejected     ${n(c.rejected)} line${c.rejected === 1 ? '' : 's'}`,
    ]
    if (run.error) {
      const where =
        run.error.line === null
          ? ''
          : ` (line ${run.error.line}${run.error.column === null ? '' : `, column ${run.error.column}`})`
      lines.push(`  error        ${run.error.reason}${where}`)
    }
    if (c.rejected > 0) {
      const first = await listImportRejections(ctx, run.runId, { limit: 20, offset: 0 })
      lines.push(`Rejections (first ${first.length} of ${n(c.rejected)}):`)
      for (const r of first) lines.push(`  line ${r.line ?? '?'}  ${r.itemId ?? '(no id)'}  ${r.reason}`)
    }
    lines.push(`Run ${run.runId}`)
    out(`${lines.join('\n')}\n`)
    return run.status === 'succeeded' ? 0 : 1
  } finally {
    await database.close()
  }
}

/** `vitrine worker`: polls the drop folder until SIGINT/SIGTERM (or twice with --once). */
export async function workerCommand(args: string[], deps: CommandDeps): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      inbox: { type: 'string' },
      interval: { type: 'string', default: '2' },
      once: { type: 'boolean', default: false },
    },
  })
  const intervalS = Number(values.interval)
  if (!Number.isFinite(intervalS) || intervalS <= 0 || intervalS > 3600) {
    ;(deps.err ?? ((t) => process.stderr.write(t)))(`--interval is a number of seconds\n\n${workerHelp}`)
    return 2
  }
  const inbox = resolve(values.inbox ?? process.env.VITRINE_INBOX ?? 'inbox')
  const database = await deps.open()
  try {
    await migrateToLatest(database.db)
    const makeCtx = () => ({ db: database.db, now: new Date(), actor: cliActor('worker'), log: deps.log })
    await reapInterruptedRuns(makeCtx())
    deps.log.info({ inbox, intervalS }, 'watching the drop folder')
    if (values.once) {
      await pollInboxOnce(makeCtx(), inbox)
      await new Promise((r) => setTimeout(r, intervalS * 1000))
      await pollInboxOnce(makeCtx(), inbox)
      return 0
    }
    const worker = startInboxWorker(makeCtx, inbox, intervalS * 1000)
    await new Promise<void>((resolveStop) => {
      process.once('SIGINT', () => resolveStop())
      process.once('SIGTERM', () => resolveStop())
    })
    await worker.stop()
    return 0
  } finally {
    await database.close()
  }
}

function cliActor(name = 'cli') {
  return { kind: 'system' as const, name: `${name}:${process.env.USER ?? 'unknown'}` }
}

async function* countBytes(stream: AsyncIterable<Buffer>, onChunk: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of stream) {
    onChunk(chunk.length)
    yield chunk
  }
}

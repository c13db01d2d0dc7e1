/**
 * The catalog import pipeline on a generated Google feed (parse/generate-feed.ts): products × 5
 * sizes into an empty catalog, then the same feed again (nothing changes, so nothing is written),
 * with items/s and the peak RSS. The feed is written to a file first and each import streams that
 * file, as `vitrine import FILE` does (generating it is not the importer's work). On PostgreSQL each import runs in a child process of its own
 * (import-child.ts), as an operator runs `vitrine import`, and reports its peak RSS (getrusage):
 * the import's own memory. On PGlite the database lives in this process, so the imports run here
 * and RSS, sampled every 100 ms, includes the in-memory database itself.
 */
import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createBrand } from '../src/brands/create-brand.ts'
import type { ImportFeedResult } from '../src/catalog/import/index.ts'
import { generateGoogleFeed } from '../src/catalog/import/parse/index.ts'
import { silentLog } from '../src/platform/ctx.ts'
import type { BenchDatabase } from './database.ts'
import { type ResultRow, ratioRow } from './report.ts'
import { timedFileImport } from './timed-file-import.ts'

const sizes = ['XS', 'S', 'M', 'L', 'XL'] as const
const firstGoal = 20_000
const rssGoalMb = 300

export interface ImportBenchInput {
  bench: BenchDatabase
  items: number
  progress: (message: string) => void
}

export async function benchImport({ bench, items, progress }: ImportBenchInput): Promise<ResultRow[]> {
  const db = bench.setup.db
  const products = Math.max(1, Math.round(items / sizes.length))
  const total = products * sizes.length
  const ctx = { db, now: new Date(), actor: { kind: 'system' as const, name: 'bench' }, log: silentLog }
  const brand = await createBrand(ctx, {
    slug: 'import-bench',
    name: 'Import Bench',
    orderPrefix: 'IMPB',
    currency: 'EUR',
    locale: 'fr-FR',
    timeZone: 'Europe/Paris',
    vatRateBp: 2000,
    shippingMethods: [{ code: 'standard', labels: { fr: 'Standard' }, feeMinor: 490, freeFromMinor: null }],
    theme: { logoUrl: '/logo.svg', colours: { primary: '#112233', background: '#ffffff' }, fontFamily: 'serif' },
  })

  const feedPath = join(tmpdir(), `vitrine-import-bench-${process.pid}.xml`)
  progress(`import: writing the generated feed to ${feedPath}`)
  await pipeline(Readable.from(generateGoogleFeed({ products, sizes, currency: 'EUR' })), createWriteStream(feedPath))
  try {
    const runInProcess = async (): Promise<ImportFigures> => {
      global.gc?.()
      const baseline = process.memoryUsage().rss
      let peak = baseline
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss)
      }, 100)
      const { result, seconds } = await timedFileImport({ ...ctx, now: new Date(), brand }, feedPath)
      clearInterval(sampler)
      peak = Math.max(peak, process.memoryUsage().rss)
      return { ...result, seconds, peakRssMb: peak / 2 ** 20, rssBeforeMb: baseline / 2 ** 20 }
    }
    const runOnce = async (label: string) => {
      progress(
        `import: ${label}, ${total.toLocaleString('en-GB')} items (${products.toLocaleString('en-GB')} products × 5 sizes)` +
          (bench.url ? ', in a child process' : ''),
      )
      const run = bench.url ? await runInChild(bench.url, brand.slug, feedPath) : await runInProcess()
      if (run.status !== 'succeeded') throw new Error(`import ${label} failed: ${JSON.stringify(run.error)}`)
      return {
        seconds: run.seconds,
        rate: run.itemsRead / run.seconds,
        peakMb: run.peakRssMb,
        baselineMb: run.rssBeforeMb,
        result: run,
      }
    }

    const first = await runOnce('into an empty catalog')
    const again = await runOnce('the same feed again (unchanged)')
    if (again.result.counts.unchanged !== products) {
      throw new Error(`the unchanged re-import counted ${again.result.counts.unchanged} unchanged, not ${products}`)
    }
    const label = `${total.toLocaleString('en-GB')} items`
    const onPostgres = bench.kind === 'postgres'
    const rows: ResultRow[] = [
      ratioRow(
        {
          id: 'import-first',
          name: `import ${label} into an empty catalog`,
          unit: 'items/s',
          figure: first.rate,
          baselineName: null,
          baseline: null,
          p50Ms: null,
          p99Ms: null,
          remark: `${first.seconds.toFixed(1)} s; ${first.result.counts.created} products created`,
          warnings: [],
          details: { seconds: first.seconds, counts: first.result.counts },
        },
        onPostgres ? [{ label: `≥ ${firstGoal.toLocaleString('en-GB')} items/s`, test: (f) => f >= firstGoal }] : [],
      ),
      ratioRow(
        {
          id: 'import-unchanged',
          name: `import ${label} again, unchanged`,
          unit: 'items/s',
          figure: again.rate,
          baselineName: 'first import',
          baseline: first.rate,
          p50Ms: null,
          p99Ms: null,
          remark: `${again.seconds.toFixed(1)} s; ${again.result.counts.unchanged} unchanged, 0 written`,
          warnings: [],
          details: { seconds: again.seconds, counts: again.result.counts },
        },
        [{ label: '≥ 2× first', test: (_f, ratio) => (ratio ?? 0) >= 2 }],
      ),
      ratioRow(
        {
          id: 'import-peak-rss',
          name: `import ${label}: peak RSS of the ${onPostgres ? 'import process' : 'bench process'}`,
          unit: 'MB',
          figure: Math.max(first.peakMb, again.peakMb),
          baselineName: 'RSS at start',
          baseline: first.baselineMb,
          p50Ms: null,
          p99Ms: null,
          remark: onPostgres ? 'child process, getrusage peak' : 'includes the in-memory PGlite database',
          warnings: [],
          details: { first: first.peakMb, again: again.peakMb, before: first.baselineMb },
        },
        onPostgres && total >= 1_000_000 ? [{ label: `< ${rssGoalMb} MB`, test: (f) => f < rssGoalMb }] : [],
      ),
    ]
    // The bench brand's catalog stays (the database is dropped at the end of the run).
    return rows
  } finally {
    await rm(feedPath, { force: true })
  }
}

interface ImportFigures {
  status: 'succeeded' | 'failed'
  error: unknown
  itemsRead: number
  counts: ImportFeedResult['counts']
  seconds: number
  rssBeforeMb: number
  peakRssMb: number
}

/** One import in `bench/import-child.ts`; its JSON line back. Killed if it outlives a generous bound. */
function runInChild(url: string, slug: string, feedPath: string): Promise<ImportFigures> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'import-child.ts'), slug, feedPath],
    {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, DATABASE_URL: url },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const killChild = () => child.kill('SIGKILL')
  process.once('exit', killChild)
  const timer = setTimeout(killChild, 1_800_000)
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    out += text
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      process.removeListener('exit', killChild)
      const line = out.trim().split('\n').at(-1) ?? ''
      try {
        if (code !== 0) throw new Error(`exited with ${signal ?? code}`)
        resolve(JSON.parse(line) as ImportFigures)
      } catch (error) {
        reject(new Error(`import child: ${(error as Error).message}; output: ${out.slice(-500)}`))
      }
    })
  })
}

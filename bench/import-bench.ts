/**
 * The catalog import pipeline on a generated Google feed (parse/generate-feed.ts): products × 5
 * sizes into an empty catalog, then the same feed again (nothing changes, so nothing is written),
 * with items/s and the process's peak RSS sampled every 100 ms. Runs in the bench's own process,
 * before any seeding, so RSS is the import's (on PGlite it includes the in-memory database itself).
 */
import { createBrand } from '../src/brands/create-brand.ts'
import { importFeed } from '../src/catalog/import/index.ts'
import { generateGoogleFeed } from '../src/catalog/import/parse/index.ts'
import { silentLog } from '../src/platform/ctx.ts'
import type { BenchDatabase } from './database.ts'
import { type ResultRow, ratioRow } from './report.ts'

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

  const runOnce = async (label: string) => {
    progress(
      `import: ${label}, ${total.toLocaleString('en-GB')} items (${products.toLocaleString('en-GB')} products × 5 sizes)`,
    )
    global.gc?.()
    const baseline = process.memoryUsage().rss
    let peak = baseline
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss)
    }, 100)
    const started = performance.now()
    let lastLog = started
    const result = await importFeed(
      { ...ctx, now: new Date(), brand },
      {
        source: 'cli',
        fileName: 'generated.xml',
        input: generateGoogleFeed({ products, sizes, currency: 'EUR' }),
        mode: 'full',
        maxBytes: 64 * 1024 ** 3,
        onProgress: (n) => {
          if (performance.now() - lastLog > 10_000) {
            lastLog = performance.now()
            progress(`  ${n.toLocaleString('en-GB')} items read`)
          }
        },
      },
    )
    const seconds = (performance.now() - started) / 1000
    clearInterval(sampler)
    peak = Math.max(peak, process.memoryUsage().rss)
    if (result.status !== 'succeeded') throw new Error(`import ${label} failed: ${JSON.stringify(result.error)}`)
    return { seconds, rate: result.itemsRead / seconds, peakMb: peak / 2 ** 20, baselineMb: baseline / 2 ** 20, result }
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
        name: `import ${label}: peak RSS of the process`,
        unit: 'MB',
        figure: Math.max(first.peakMb, again.peakMb),
        baselineName: 'RSS before',
        baseline: first.baselineMb,
        p50Ms: null,
        p99Ms: null,
        remark: onPostgres ? '' : 'includes the in-memory PGlite database',
        warnings: [],
        details: { first: first.peakMb, again: again.peakMb, before: first.baselineMb },
      },
      total >= 1_000_000 ? [{ label: `< ${rssGoalMb} MB`, test: (f) => f < rssGoalMb }] : [],
    ),
  ]
  // The bench brand's catalog stays (the database is dropped at the end of the run).
  return rows
}

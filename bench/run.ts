/**
 * `npm run bench`: Vitrine's hot paths against baselines doing the same work without Vitrine,
 * measured in the same run on the same machine, so the ratios hold on a noisy one. See --help.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import { join } from 'node:path'
import { seededRandom } from '../src/demo/seeded-random.ts'
import { type ServerChild, startServerChild, stopAllChildren } from './children.ts'
import { type BenchDatabase, createBenchDatabase } from './database.ts'
import { benchErp } from './erp-bench.ts'
import { benchImport } from './import-bench.ts'
import { type BenchOptions, parseOptions, UsageError, usage } from './options.ts'
import { benchOrders, maxOrderRate, orderConcurrency } from './order-bench.ts'
import { benchPages } from './page-bench.ts'
import { benchPricing } from './pricing-bench.ts'
import { benchReads, readConnections } from './read-bench.ts'
import { benchRehearsal } from './rehearsal-bench.ts'
import { formatReport, type Report, type ResultRow, writeReport } from './report.ts'
import { interleave } from './schedule.ts'
import { benchSearch } from './search-bench.ts'
import { benchSlug, CartQueue, makeCarts, seedCatalog } from './seed.ts'
import { benchStartup } from './startup-bench.ts'

const started = Date.now()
const progress = (message: string) => {
  process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}\n`)
}

let options: BenchOptions
try {
  options = parseOptions(process.argv.slice(2))
} catch (error) {
  const known = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
  if (!known) throw error
  console.error(`${(error as Error).message}\n\n${usage}`)
  process.exit(2)
}
if (options.help) {
  console.log(usage)
  process.exit(0)
}

// Whatever happens — an exception, Ctrl-C, a hang — the children die and the database is dropped.
let cleanup: () => Promise<void> = stopAllChildren
const abort = (reason: string, code: number) => {
  console.error(`\nbench aborted: ${reason}`)
  const force = setTimeout(() => process.exit(code), 30_000)
  force.unref()
  void cleanup().finally(() => process.exit(code))
}
process.once('SIGINT', () => abort('interrupted', 130))
process.once('SIGTERM', () => abort('terminated', 143))
const budgetS =
  240 +
  12 * options.durationS +
  (options.only.has('import') ? Math.ceil(options.importItems / 500) : 0) +
  // Search seeds 50,000 products first (~1 min on PostgreSQL, several on PGlite).
  (options.only.has('search') ? 900 : 0) +
  // The rehearsal: seeding the demo, three runs with their ERP waits, start-ups.
  (options.only.has('rehearsal') ? 1200 : 0)
const watchdog = setTimeout(() => abort(`still running after ${budgetS} s`, 1), budgetS * 1000)
watchdog.unref()

try {
  const report = await runBench(options)
  console.log(formatReport(report))
  console.log(`JSON: ${writeReport(report)}`)
  process.exitCode = 0
} catch (error) {
  console.error(`\nbench failed: ${(error as Error).stack ?? error}`)
  process.exitCode = 1
} finally {
  await cleanup()
  clearTimeout(watchdog)
}
// pg pools or autocannon sockets left half-closed must not keep the process alive.
process.exit()

async function runBench(options: BenchOptions): Promise<Report> {
  const startedAt = new Date().toISOString()
  const loadAtStart = os.loadavg()[0] ?? 0
  const kind = options.pglite ? 'pglite' : 'postgres'
  const timing = { warmupS: options.warmupS, durationS: options.durationS }
  const workDir = mkdtempSync(join(os.tmpdir(), 'vitrine-bench-'))
  let bench: BenchDatabase | null = null
  let app: ServerChild | null = null
  cleanup = async () => {
    await stopAllChildren()
    await bench?.drop()
    rmSync(workDir, { recursive: true, force: true })
  }

  progress(`creating and migrating a fresh ${kind === 'postgres' ? 'PostgreSQL' : 'PGlite'} database`)
  bench = await createBenchDatabase(kind)
  // Start-up first, while the machine is otherwise idle: it spawns `vitrine serve` itself.
  const startupRows = options.only.has('startup') ? await benchStartup({ bench, workDir, progress }) : []
  // First, before seeding: the import's peak RSS is then the import's own.
  const importRows = options.only.has('import')
    ? await benchImport({ bench, items: options.importItems, progress })
    : []
  importRows.unshift(...startupRows)
  // ERP: its own brand and simulator child; no storefront server needed.
  if (options.only.has('erp')) importRows.push(...(await benchErp({ bench, durationS: options.durationS, progress })))
  // Search: its own 50,000-product brand, measured in process (no server child).
  if (options.only.has('search'))
    importRows.push(...(await benchSearch({ bench, durationS: options.durationS, progress })))
  // Sale events: two small brands, measured in process through app.inject (no server child).
  if (options.only.has('pricing'))
    importRows.push(...(await benchPricing({ bench, durationS: options.durationS, progress })))
  // The rehearsal: its own node (serve --demo --workers 2), simulator and worker, on this database.
  const rehearsalNotes: string[] = []
  if (options.only.has('rehearsal')) {
    const rehearsal = await benchRehearsal({ bench, workDir, progress, stepBaseline: options.stepBaseline })
    importRows.push(...rehearsal.rows)
    rehearsalNotes.push(...rehearsal.notes)
  }
  if (
    [...options.only].every(
      (s) => s === 'startup' || s === 'import' || s === 'erp' || s === 'search' || s === 'pricing' || s === 'rehearsal',
    )
  ) {
    return {
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: { cores: os.availableParallelism(), node: process.version, database: bench.description },
      settings: { import: `generated Google RSS feed, ${options.importItems.toLocaleString('en-GB')} items` },
      notes: rehearsalNotes,
      rows: importRows,
    }
  }
  progress('seeding: 1 brand, products with 6 variants each, 1,000,000 units per variant')
  const catalog = await seedCatalog(bench.setup.db)
  const random = seededRandom('vitrine-bench-carts')
  const host = `${benchSlug}.localhost`

  // The server child inserts the HTTP checkout's carts itself before listening: a PGlite child
  // works on a snapshot, and carts are UNLOGGED, which a snapshot does not carry.
  const httpCarts = new CartQueue()
  const childEnv = await bench.childEnv(orderConcurrency)
  if (options.only.has('orders')) {
    const carts = makeCarts(catalog.variants, (options.warmupS + options.durationS) * maxOrderRate[kind], random)
    const file = join(workDir, 'carts.json')
    writeFileSync(file, JSON.stringify(carts))
    Object.assign(childEnv, { BENCH_CARTS_FILE: file, BENCH_BRAND_ID: catalog.brand.id })
    httpCarts.add(carts)
    progress(`starting the Vitrine server (child process), with ${carts.length.toLocaleString('en-GB')} carts`)
  } else {
    progress('starting the Vitrine server (child process)')
  }
  app = await startServerChild('vitrine', 'server-process.ts', [], childEnv)

  const rows: ResultRow[] = [...importRows]
  if (options.only.has('listing') || options.only.has('product')) {
    rows.push(
      ...(await benchReads({
        app,
        host,
        productIds: catalog.productIds,
        only: options.only,
        timing,
        workDir,
        progress,
      })),
    )
  }
  const notes: string[] = []
  if (options.only.has('pages')) {
    const pages = await benchPages({
      app,
      startColdApp: () =>
        startServerChild('vitrine-cold', 'server-process.ts', [], {
          ...childEnv,
          BENCH_CARTS_FILE: '',
          VITRINE_RESPONSE_CACHE: 'off',
        }),
      host,
      productIds: catalog.productIds,
      categoryPath: '/c/femme',
      timing,
      workDir,
      progress,
    })
    rows.push(...pages.rows)
    notes.push(...pages.weights)
  }
  if (options.only.has('orders')) {
    rows.push(...(await benchOrders({ bench, catalog, app, host, httpCarts, random, timing, progress })))
  }
  await app.stop()

  const turns = interleave(2, options.durationS)
    .order.map((i) => 'AB'[i])
    .join(' ')
  const pools =
    kind === 'postgres'
      ? `a pool of ${orderConcurrency} connections each`
      : "PGlite's single connection, which serialises them"
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: {
      cores: os.availableParallelism(),
      cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
      memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
      node: process.version,
      os: `${os.type()} ${os.release()}`,
      database: bench.description,
      load: `1-minute load average ${loadAtStart.toFixed(1)} at start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at end`,
      autocannon: packageVersion('autocannon'),
    },
    settings: {
      duration: `${options.durationS} s timed per side of each figure, in turns (${turns}), after a ${options.warmupS} s warm-up per side`,
      catalog: `${catalog.productIds.length} active products, ${catalog.variants.length} variants`,
    },
    notes: [
      `The load generator (autocannon, ${readConnections} connections for reads, pipelining 1) runs in this process and ` +
        `takes one of the ${os.availableParallelism()} cores; the server child shares the rest with the database. ` +
        'That is the same for both sides of every ratio, but the absolute req/s are lower than on a dedicated box.',
      'Read baseline: bare Fastify in its own child process, replaying the very bytes and headers (content-type, etag, ' +
        'cache-control, vary) Vitrine sent; the product figure walks through every product in turn.',
      `Orders: every side in this process, ${orderConcurrency} workers on ${pools}, ` +
        '3 lines per order, a fresh cart and Idempotency-Key per order (carts are prepared outside the timed parts).',
      "The raw-SQL baseline is placeOrder's transaction alone (BEGIN … COMMIT, 7 statements); placeOrder also reads " +
        'the cart before it (variants come from the in-memory catalog), and authorises the payment (test provider).',
      `POST /checkout runs against the server child with ${orderConcurrency} connections; its ratio is against the ` +
        'in-process raw-SQL figure and holds no goal.',
      'Storefront pages: warm = the in-process page cache on; cold = a second server with VITRINE_RESPONSE_CACHE=off, ' +
        'so every request runs its queries and renders (the category page: 24 cards, facets, category tree).',
      ...notes,
      ...rehearsalNotes,
    ],
    rows,
  }
}

function packageVersion(name: string): string {
  const require = createRequire(import.meta.url)
  try {
    const path = require.resolve(`${name}/package.json`)
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
}

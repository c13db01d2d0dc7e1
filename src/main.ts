import cluster from 'node:cluster'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type pino from 'pino'
import { readPasswordFromStdin, runStaffCommand, StaffUsageError, staffHelp } from './access/cli/staff-command.ts'
import { demoAdminEmail, ensureDemoAdmin } from './access/demo-admin.ts'
import { buildApp } from './app.ts'
import { BrandDirectory } from './brands/brand-directory.ts'
import { importCommand, importHelp, workerCommand, workerHelp } from './catalog/import/cli.ts'
import { reapInterruptedRuns, startInboxWorker } from './catalog/import/index.ts'
import {
  deliveriesCommand,
  deliveriesHelp,
  erpSimCommand,
  erpSimHelp,
  startDeliveryWorker,
  startErpInboxWorker,
} from './erp/index.ts'
import { planCommand, planHelp } from './planning/index.ts'
import { Progress } from './platform/cli/progress.ts'
import { type Config, readConfig } from './platform/config.ts'
import { type Database, openDatabase } from './platform/db/database.ts'
import { migrateToLatest } from './platform/db/migrate.ts'
import { MetricsRegistry } from './platform/http/metrics.ts'
import { createLogger } from './platform/logging/logger.ts'
import { rehearseCommand, rehearseHelp } from './rehearsal/index.ts'
import { clusterMetrics, parseWorkers, reportToPrimary } from './surge/cluster.ts'
import { drain, readDrainTiming } from './surge/drain.ts'
import { Lifecycle } from './surge/lifecycle.ts'
import { printServeBanner } from './surge/serve-banner.ts'
import { serveOptions } from './surge/serve-entry.ts'

const usage = `Usage: vitrine <command> [options]

Commands:
  serve      Serve the shops and the APIs (migrates first)
  migrate    Apply pending database migrations and exit
  demo       Create the 12 demo brands with their catalogs (skips existing ones) and exit
  staff      Create a staff account (the first operator-admin, for one)
  import     Import a product feed file into a brand's catalog
  worker     Import the feeds dropped in the inbox folder and deliver the ERP outbox (until stopped)
  deliveries List, replay, pause or resume a brand's ERP deliveries
  erp-sim    Run an ERP simulator that receives signed UBL orders over HTTP
  rehearse   Rehearse a sales day against a running deployment (load, report, SLO check)
  plan       Propose the nodes each coming sale event needs, from traffic history and capacity

Run "vitrine <command> --help" for the options of a command.

Environment:
  DATABASE_URL         postgres://… to use PostgreSQL; unset = embedded PGlite (single process)
  VITRINE_DATA_DIR     where embedded PGlite keeps its files (default ./data)
  PORT, HOST           where to listen (default 3000, 127.0.0.1)
  LOG_LEVEL            fatal|error|warn|info|debug (default info)
  VITRINE_INBOX        the worker's drop folder (default ./inbox)
  VITRINE_ERP_INBOX    ERP documents dropped per brand: <dir>/<slug>/incoming/*.xml (default ./erp-inbox)
  DATABASE_POOL_SIZE   PostgreSQL connections per process (default 20)
  DATABASE_READ_URL    postgres://… of a streaming replica for catalog reads (default: the primary)
`

const commands: Record<string, { help: string; run: (args: string[]) => Promise<unknown> }> = {
  serve: {
    help: `Usage: vitrine serve [--demo] [--port N] [--host ADDR] [--workers N]

Applies migrations, then serves the storefront and JSON APIs until SIGINT/SIGTERM, which drains:
readiness (/ready) turns 503, the listener closes, in-flight requests finish, the process exits 0.
  --demo        on an empty database, first create the 12 demo brands; print each shop's URL;
                create the demo operator-admin ${demoAdminEmail} and print its password (first start only)
  --port N      listen port (default $PORT or 3000)
  --host ADDR   listen address (default $HOST or 127.0.0.1)
  --workers N   worker processes sharing the port (default: one per core). PostgreSQL only: the
                embedded database is single-process, so without DATABASE_URL it is always 1
  --help        this text

Environment (besides the database's): VITRINE_MAX_INFLIGHT, VITRINE_QUEUE_SIZE,
VITRINE_QUEUE_TIMEOUT_MS (admission control, per process), VITRINE_METRICS_TOKEN (/metrics for
non-loopback callers), VITRINE_DRAIN_DELAY_MS, VITRINE_DRAIN_TIMEOUT_MS (see the README).
`,
    run: serve,
  },
  migrate: {
    help: `Usage: vitrine migrate

Applies every pending migration to the database named by DATABASE_URL (or the embedded one in
VITRINE_DATA_DIR) and exits. serve does this at start too; run it alone before a rolling deploy.
`,
    run: async () => {
      const config = readConfig()
      const database = await open(config)
      try {
        const result = await migrateToLatest(database.db)
        const applied = result.results?.map((r) => r.migrationName) ?? []
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.')
      } finally {
        await database.close()
      }
    },
  },
  import: {
    help: importHelp,
    run: (args) => {
      const config = readConfig()
      return importCommand(args, { open: () => open(config), log: silent(logger(config)) })
    },
  },
  worker: {
    help: workerHelp,
    run: (args) => {
      const config = readConfig()
      const log = logger(config)
      // The same process also delivers the ERP outbox (several workers may run: rows are claimed
      // with FOR UPDATE SKIP LOCKED); the delivery loop stops before the database closes.
      const openWithDelivery = async () => {
        const database = await open(config)
        await migrateToLatest(database.db)
        const delivery = startDeliveryWorker({ db: database.db, log })
        const erpInbox = startErpInboxWorker(() => erpInboxCtx(database, log), erpInboxDir())
        return {
          ...database,
          close: async () => {
            await erpInbox.stop()
            await delivery.stop()
            await database.close()
          },
        }
      }
      return workerCommand(args, { open: openWithDelivery, log })
    },
  },
  deliveries: {
    help: deliveriesHelp,
    run: (args) => {
      const config = readConfig()
      return deliveriesCommand(args, () => open(config))
    },
  },
  'erp-sim': {
    help: erpSimHelp,
    run: (args) => erpSimCommand(args, logger(readConfig())),
  },
  rehearse: {
    help: rehearseHelp,
    // Needs no database: it only talks HTTP to the target.
    run: (args) => rehearseCommand(args),
  },
  plan: {
    help: planHelp,
    run: (args) => {
      const config = readConfig()
      return planCommand(args, { open: () => open(config) })
    },
  },
  staff: {
    help: staffHelp,
    run: async (args) => {
      const config = readConfig()
      const database = await open(config)
      try {
        await migrateToLatest(database.db)
        await runStaffCommand(args, { db: database.db, readPassword: readPasswordFromStdin, out: console.log })
      } catch (error) {
        if (error instanceof StaffUsageError) throw new UsageError(error.message)
        throw error
      } finally {
        await database.close()
      }
    },
  },
  demo: {
    help: `Usage: vitrine demo

Creates the 12 fictional demo brands with deterministic catalogs (300–3,000 products each).
Brands that already exist are left untouched, so it is safe to run twice.
`,
    run: async () => {
      const config = readConfig()
      const database = await open(config)
      try {
        await migrateToLatest(database.db)
        await seed(database, logger(config))
      } finally {
        await database.close()
      }
    },
  },
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: serveOptions })
  const config = readConfig()
  const log = logger(config)
  const port = values.port !== undefined ? Number(values.port) : config.port
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid port "${values.port}"`)
  const host = values.host ?? config.host
  // A signal that arrives while starting is kept and acted on once the server can drain.
  let early: string | null = null
  let stop = async (signal: string) => {
    early = signal
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
  // A cluster primary never gets here (src/surge/serve-entry.ts): this is one process, or a worker.
  const worker = cluster.isWorker ? cluster.worker : undefined
  const requested = parseWorkers(values.workers, 1)
  if (requested > 1 && !config.databaseUrl) {
    log.warn({ workers: requested }, 'embedded PGlite is single-process: serving with 1 process (set DATABASE_URL)')
  }
  // Where start-up goes: the process uptime (ms) at the end of each step, logged with `ready`.
  const phases: Record<string, number> = { loaded: uptimeMs() }
  const database = await open(config)
  phases.opened = uptimeMs()
  await migrateToLatest(database.db)
  phases.migrated = uptimeMs()
  // In a cluster, the primary seeded the demo before forking.
  const demoAdmin = values.demo && !worker ? await prepareDemo(database, log) : null

  const brands = new BrandDirectory(database, log)
  await brands.start()
  phases.brands = uptimeMs()
  const lifecycle = new Lifecycle()
  // Per-process metrics carry the worker's id; the primary sums the rest over IPC for /metrics.
  const registry = new MetricsRegistry(worker ? { worker: String(worker.id) } : {})
  const app = await buildApp({
    database,
    brands,
    logLevel: config.logLevel,
    responseCache: config.responseCache,
    surge: { lifecycle, registry, ...(worker ? { collectMetrics: clusterMetrics(registry) } : {}) },
  })
  phases.built = uptimeMs()
  await app.listen({ port, host, backlog: listenBacklog })
  const address = app.server.address()
  const actualPort = typeof address === 'object' && address ? address.port : port
  // Start-up time as a load balancer sees it: process start to the first successful /ready.
  const ready = await app.inject({ method: 'GET', url: '/ready' })
  if (ready.statusCode !== 200) throw new Error(`not ready after start: ${ready.body}`)
  lifecycle.startupMs = uptimeMs()
  log.info({ startupMs: lifecycle.startupMs, phases, port: actualPort, worker: worker?.id }, 'ready')
  if (worker) {
    reportToPrimary({
      vitrine: 'listening',
      port: actualPort,
      startupMs: lifecycle.startupMs,
      shops: brands.all().map((b) => ({ name: b.name, slug: b.slug })),
    })
  } else {
    printServeBanner({
      shops: brands.all(),
      host,
      port: actualPort,
      kind: database.kind,
      workers: 1,
      demo: values.demo,
      demoAdminEmail,
      demoAdmin,
    })
  }

  // Embedded mode is one process: it delivers the ERP outbox itself. With PostgreSQL, run
  // `vitrine worker` processes for that (a failing ERP never slows the shop either way).
  const delivery = database.kind === 'pglite' ? startDeliveryWorker({ db: database.db, log }) : null
  const erpInbox =
    database.kind === 'pglite'
      ? startErpInboxWorker(() => erpInboxCtx(database, log), erpInboxDir(), {
          onCatalogChange: () => brands.refresh(),
        })
      : null
  // Import runs a crashed process left `running` are closed as failed; in embedded mode this process
  // also watches the feed drop folder (with PostgreSQL, `vitrine worker` does).
  await reapInterruptedRuns({ db: database.db, now: new Date(), actor: { kind: 'system', name: 'serve' }, log })
  const feedInbox =
    database.kind === 'pglite'
      ? startInboxWorker(
          () => ({ db: database.db, now: new Date(), actor: { kind: 'system' as const, name: 'drop-folder' }, log }),
          resolve(process.env.VITRINE_INBOX ?? 'inbox'),
          2000,
          { onImported: () => brands.refresh() },
        )
      : null

  let stopping = false
  stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down: draining')
    const { forced } = await drain(app, lifecycle, { ...readDrainTiming(), log })
    await erpInbox?.stop()
    await feedInbox?.stop()
    await delivery?.stop()
    await brands.stop()
    await database.close()
    process.exit(forced ? 1 : 0)
  }
  // A worker whose primary died (killed with SIGKILL) drains and goes too.
  if (worker) process.on('disconnect', () => void stop('primary gone'))
  if (early) void stop(early)
}

/**
 * On an empty database, creates the demo brands; makes sure the demo operator-admin exists and
 * returns its password on the start that created it (null afterwards).
 */
async function prepareDemo(database: Database, log: pino.Logger): Promise<{ email: string; password: string } | null> {
  const brandCount = await database.db
    .selectFrom('brands')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  if (Number(brandCount.n) === 0) await seed(database, log)
  return ensureDemoAdmin({ db: database.db, now: new Date(), actor: { kind: 'system', name: 'demo' }, log })
}

/**
 * Connections a node lets wait for accept. A surge opens hundreds of connections a second while
 * the workers are busy; past Node's default of 511 the kernel drops the SYNs and each shopper's
 * browser retries 1 s, then 3 s later (seen in a 15× rehearsal step: p99 of 2–5 s and the kernel's
 * ListenOverflows counter). The kernel caps it at net.core.somaxconn (4096 on current kernels).
 */
const listenBacklog = 4096

/** `serve --demo --workers N`: the cluster primary migrates and seeds once, before forking. */
export async function prepareDemoDatabase(
  config: Config,
  log: pino.Logger,
): Promise<{ demoAdmin: { email: string; password: string } | null; demoAdminEmail: string }> {
  const database = await open(config)
  try {
    await migrateToLatest(database.db)
    return { demoAdmin: await prepareDemo(database, log), demoAdminEmail }
  } finally {
    await database.close()
  }
}

const uptimeMs = () => Math.round(process.uptime() * 1000)

/** The ERP inbox root (`<dir>/<slug>/incoming/*.xml`): its own root, apart from the feed inbox. */
const erpInboxDir = () => resolve(process.env.VITRINE_ERP_INBOX ?? 'erp-inbox')
const erpInboxCtx = (database: Database, log: pino.Logger) => ({
  db: database.db,
  now: new Date(),
  actor: { kind: 'system' as const, name: 'erp-inbox' },
  log,
})

async function seed(database: Database, log: pino.Logger): Promise<void> {
  // Loaded on demand: the demo's word lists are not needed to serve, and start-up time matters.
  const { seedDemo } = await import('./demo/seed-demo.ts')
  const progress = new Progress('Creating demo brands', 1, 'products')
  const result = await seedDemo(
    { db: database.db, now: new Date(), actor: { kind: 'system', name: 'demo' }, log: silent(log) },
    (p) => {
      progress.setTotal(p.productsTotal)
      progress.update(p.productsDone, `${p.brandsDone}/${p.brandsTotal} brands (${p.brand})`)
    },
  )
  log.info({ created: result.created.length, skipped: result.skipped.length }, 'demo data ready')
}

async function open(config: Config): Promise<Database> {
  return config.databaseUrl
    ? openDatabase({
        kind: 'postgres',
        url: config.databaseUrl,
        poolSize: config.poolSize,
        readUrl: config.databaseReadUrl,
      })
    : openDatabase({ kind: 'pglite', dataDir: config.dataDir })
}

function logger(config: Config): pino.Logger {
  return createLogger(config.logLevel)
}

/** Brand creation logs one line per brand; during the seed the progress bar says it better. */
function silent(log: pino.Logger): pino.Logger {
  return log.child({}, { level: 'warn' })
}

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(usage)
    return 0
  }
  const entry = commands[command]
  if (!entry) {
    console.error(`Unknown command "${command}".\n\n${usage}`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(entry.help)
    return 0
  }
  try {
    // import and worker answer with their exit status; the other commands with nothing (0).
    const status = await entry.run(rest)
    return typeof status === 'number' ? status : 0
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(error as Error).message}\n\n${entry.help}`)
      return 2
    }
    console.error(`vitrine ${command} failed: ${(error as Error).message}`)
    return 1
  }
}

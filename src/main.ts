import { parseArgs } from 'node:util'
import pino from 'pino'
import { readPasswordFromStdin, runStaffCommand, StaffUsageError, staffHelp } from './access/cli/staff-command.ts'
import { demoAdminEmail, ensureDemoAdmin } from './access/demo-admin.ts'
import { buildApp } from './app.ts'
import { BrandDirectory } from './brands/brand-directory.ts'
import { importCommand, importHelp, workerCommand, workerHelp } from './catalog/import/cli.ts'
import { deliveriesCommand, deliveriesHelp, erpSimCommand, erpSimHelp, startDeliveryWorker } from './erp/index.ts'
import { Progress } from './platform/cli/progress.ts'
import { type Config, readConfig } from './platform/config.ts'
import { type Database, openDatabase } from './platform/db/database.ts'
import { migrateToLatest } from './platform/db/migrate.ts'

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

Run "vitrine <command> --help" for the options of a command.

Environment:
  DATABASE_URL         postgres://… to use PostgreSQL; unset = embedded PGlite (single process)
  VITRINE_DATA_DIR     where embedded PGlite keeps its files (default ./data)
  PORT, HOST           where to listen (default 3000, 127.0.0.1)
  LOG_LEVEL            fatal|error|warn|info|debug (default info)
  VITRINE_INBOX        the worker's drop folder (default ./inbox)
  DATABASE_POOL_SIZE   PostgreSQL connections per process (default 20)
`

const commands: Record<string, { help: string; run: (args: string[]) => Promise<unknown> }> = {
  serve: {
    help: `Usage: vitrine serve [--demo] [--port N] [--host ADDR]

Applies migrations, then serves the storefront and JSON APIs until SIGINT/SIGTERM.
  --demo        on an empty database, first create the 12 demo brands; print each shop's URL;
                create the demo operator-admin ${demoAdminEmail} and print its password (first start only)
  --port N      listen port (default $PORT or 3000)
  --host ADDR   listen address (default $HOST or 127.0.0.1)
  --help        this text
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
        return {
          ...database,
          close: async () => {
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
  const { values } = parseArgs({
    args,
    options: { demo: { type: 'boolean', default: false }, port: { type: 'string' }, host: { type: 'string' } },
  })
  const config = readConfig()
  const log = logger(config)
  const port = values.port !== undefined ? Number(values.port) : config.port
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid port "${values.port}"`)
  const host = values.host ?? config.host
  const database = await open(config)
  await migrateToLatest(database.db)

  let demoAdmin: { email: string; password: string } | null = null
  if (values.demo) {
    const brandCount = await database.db
      .selectFrom('brands')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    if (Number(brandCount.n) === 0) await seed(database, log)
    demoAdmin = await ensureDemoAdmin({
      db: database.db,
      now: new Date(),
      actor: { kind: 'system', name: 'demo' },
      log,
    })
  }

  const brands = new BrandDirectory(database, log)
  await brands.start()
  const app = await buildApp({
    database,
    brands,
    logLevel: config.logLevel,
    responseCache: config.responseCache,
  })
  await app.listen({ port, host })

  const address = app.server.address()
  const actualPort = typeof address === 'object' && address ? address.port : port
  printUrls(brands, host, actualPort, database.kind, values.demo, demoAdmin)

  // Embedded mode is one process: it delivers the ERP outbox itself. With PostgreSQL, run
  // `vitrine worker` processes for that (a failing ERP never slows the shop either way).
  const delivery = database.kind === 'pglite' ? startDeliveryWorker({ db: database.db, log }) : null

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down: finishing in-flight requests')
    await app.close()
    await delivery?.stop()
    await brands.stop()
    await database.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

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

function printUrls(
  brands: BrandDirectory,
  host: string,
  port: number,
  kind: string,
  demo: boolean,
  demoAdmin: { email: string; password: string } | null,
): void {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host
  const lines = [
    '',
    `Vitrine is serving on http://${shown}:${port} (database: ${kind === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'})`,
    '',
    'Shops:',
    ...brands.all().map((b) => `  ${b.name.padEnd(24)} http://${b.slug}.localhost:${port}/`),
    '',
    `API docs (OpenAPI): http://${shown}:${port}/docs`,
  ]
  if (demoAdmin) {
    lines.push(
      `Demo admin (shown once, only its hash is stored): ${demoAdmin.email} / ${demoAdmin.password}`,
      `  sign in: POST http://${shown}:${port}/api/admin/auth/login {"email": …, "password": …}`,
    )
  } else if (demo) {
    lines.push(`Demo admin: ${demoAdminEmail} (password printed at the first start; or: vitrine staff create …)`)
  }
  console.log(`${lines.join('\n')}\n`)
}

async function open(config: Config): Promise<Database> {
  return config.databaseUrl
    ? openDatabase({ kind: 'postgres', url: config.databaseUrl, poolSize: config.poolSize })
    : openDatabase({ kind: 'pglite', dataDir: config.dataDir })
}

function logger(config: Config): pino.Logger {
  return pino({ level: config.logLevel })
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

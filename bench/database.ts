import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { type Database, openDatabase } from '../src/platform/db/database.ts'
import { migrateToLatest } from '../src/platform/db/migrate.ts'
import { dropDatabase } from '../test/helpers/postgres-admin.ts'
import { withTimeout } from './timeout.ts'

export const defaultAdminUrl = 'postgres://postgres@127.0.0.1:5432/postgres'

/** Connections the bench's own setup pool holds (seeding, carts); the measured pools are separate. */
const setupPoolSize = 4

/** A fresh, migrated database that exists for one run. */
export interface BenchDatabase {
  kind: 'postgres' | 'pglite'
  /** For seeding and cart creation; PGlite: also what the in-process order bench runs on. */
  setup: Database
  /** PostgreSQL: the run's database, for the pools the measurements open themselves. */
  url: string | null
  /** e.g. "PostgreSQL 15.20 (synchronous_commit=on)". */
  description: string
  /** Environment for a server child process to open the same data. */
  childEnv(poolSize: number): Promise<Record<string, string>>
  /** Closes and drops everything; safe to call twice. */
  drop(): Promise<void>
}

export async function createBenchDatabase(kind: 'postgres' | 'pglite'): Promise<BenchDatabase> {
  return kind === 'postgres' ? createPostgres(process.env.DATABASE_URL || defaultAdminUrl) : createPglite()
}

async function createPostgres(adminUrl: string): Promise<BenchDatabase> {
  const admin = await openDatabase({ kind: 'postgres', url: adminUrl, poolSize: 1 })
  const name = `vitrine_bench_${process.pid}`
  let setup: Database | null = null
  let dropped = false
  const drop = async () => {
    if (dropped) return
    dropped = true
    await setup?.close().catch(() => {})
    await withTimeout(dropDatabase(admin, name), 20_000, `dropping database ${name}`).catch((error: unknown) => {
      console.error(`could not drop database ${name}: ${(error as Error).message}`)
    })
    await admin.close().catch(() => {})
  }
  try {
    await withTimeout(dropLeftovers(admin), 20_000, `connecting to ${redact(adminUrl)}`)
    await admin.pool!.query(`CREATE DATABASE ${name}`)
    const url = withDatabase(adminUrl, name)
    setup = await openDatabase({ kind: 'postgres', url, poolSize: setupPoolSize })
    await withTimeout(migrateToLatest(setup.db), 60_000, 'migrating')
    const settings = await sql<{ version: string; sync: string }>`
      select current_setting('server_version') as version, current_setting('synchronous_commit') as sync
    `.execute(setup.db)
    const row = settings.rows[0]
    return {
      kind: 'postgres',
      setup,
      url,
      description: `PostgreSQL ${row?.version} at ${redact(adminUrl)} (synchronous_commit=${row?.sync}), database ${name}`,
      childEnv: async (poolSize) => ({ DATABASE_URL: url, DATABASE_POOL_SIZE: String(poolSize) }),
      drop,
    }
  } catch (error) {
    await drop()
    throw error
  }
}

/** Databases of bench runs that were killed (SIGKILL leaves no time to drop): their pid is gone. */
async function dropLeftovers(admin: Database): Promise<void> {
  const { rows } = await admin.pool!.query<{ datname: string }>(
    "select datname from pg_database where datname ~ '^vitrine_bench_[0-9]+$'",
  )
  for (const { datname } of rows) {
    const pid = Number(datname.slice('vitrine_bench_'.length))
    if (pid === process.pid || !isRunning(pid)) await dropDatabase(admin, datname)
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function createPglite(): Promise<BenchDatabase> {
  const setup = await openDatabase({ kind: 'pglite', dataDir: null })
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-bench-'))
  let closed = false
  const drop = async () => {
    if (closed) return
    closed = true
    await setup.close().catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await withTimeout(migrateToLatest(setup.db), 120_000, 'migrating PGlite')
    const version = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(setup.db)
    return {
      kind: 'pglite',
      setup,
      url: null,
      description: `PGlite (embedded, in memory, PostgreSQL ${version.rows[0]?.v}); the server child loads a snapshot of it`,
      // The child cannot share an in-memory database: it gets a snapshot taken now, so everything
      // the HTTP figures need (catalog, checkout carts) must exist before this is called.
      childEnv: async () => {
        const snapshot = await setup.pglite!.dumpDataDir('none')
        const path = join(dir, `snapshot-${Date.now()}.tar`)
        writeFileSync(path, Buffer.from(await snapshot.arrayBuffer()))
        return { BENCH_PGLITE_SNAPSHOT: path }
      },
      drop,
    }
  } catch (error) {
    await drop()
    throw error
  }
}

export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

export function redact(url: string): string {
  const parsed = new URL(url)
  if (parsed.password) parsed.password = '***'
  return parsed.toString()
}

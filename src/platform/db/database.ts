import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { acquireDataDirLock } from './data-dir-lock.ts'
import { PGliteDialect } from './pglite-dialect.ts'
import type { DB } from './schema.ts'

export type Db = Kysely<DB>

export interface Database {
  db: Db
  kind: 'postgres' | 'pglite'
  /** Embedded only: the PGlite instance (snapshots in tests, NOTIFY in process). */
  pglite: PGlite | null
  /** PostgreSQL only: the pool, for LISTEN and the raw-SQL benchmark. */
  pool: pg.Pool | null
  close(): Promise<void>
}

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize?: number }
  | { kind: 'pglite'; dataDir: string | null; snapshot?: Blob }

// int8 (counts, money, ids) as JS numbers: every value we store fits in 2^53, and strings would
// leak into arithmetic. numeric stays a string (we never use it for money).
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 20 })
    // An idle client erroring (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => {})
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
    const close = async () => {
      await db.destroy()
      // Kysely ends the pool only if it ever ran a query through it; a pool used directly (LISTEN,
      // admin statements) would otherwise keep its idle clients, and the process, alive ~10 s.
      if (!pool.ended) await pool.end()
    }
    return { db, kind: 'postgres', pglite: null, pool, close }
  }

  let releaseLock = () => {}
  if (target.dataDir) {
    mkdirSync(target.dataDir, { recursive: true })
    // PGlite does not lock its data directory; two processes on it would corrupt it.
    releaseLock = acquireDataDirLock(target.dataDir)
  }
  const pglite = new PGlite({
    ...(target.dataDir ? { dataDir: target.dataDir } : {}),
    ...(target.snapshot ? { loadDataDir: target.snapshot } : {}),
  })
  await pglite.waitReady
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) })
  return {
    db,
    kind: 'pglite',
    pglite,
    pool: null,
    async close() {
      await db.destroy()
      await pglite.close()
      releaseLock()
    },
  }
}

import { mkdirSync } from 'node:fs'
import type { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { acquireDataDirLock } from './data-dir-lock.ts'
import { PGliteDialect } from './pglite-dialect.ts'
import type { DB } from './schema.ts'

export type Db = Kysely<DB>

export interface Database {
  db: Db
  /**
   * Catalog reads that may lag the primary by the replication delay: `DATABASE_READ_URL`'s pool
   * (a streaming replica), or `db` itself when unset or embedded. Never for writes, carts,
   * checkout or stock read for a reservation. Code holding only `db` finds it with `readerOf(db)`.
   */
  readDb: Db
  kind: 'postgres' | 'pglite'
  /** Embedded only: the PGlite instance (snapshots in tests, NOTIFY in process). */
  pglite: PGlite | null
  /** PostgreSQL only: the pool, for LISTEN and the raw-SQL benchmark. */
  pool: pg.Pool | null
  close(): Promise<void>
}

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize?: number; readUrl?: string | null }
  | { kind: 'pglite'; dataDir: string | null; snapshot?: Blob }

// int8 (counts, money, ids) as JS numbers: every value we store fits in 2^53, and strings would
// leak into arithmetic. numeric stays a string (we never use it for money).
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

// The read handle of each primary handle: caches keyed on the application's `db` (catalog
// snapshots, search results) reach the replica without every caller carrying a second handle.
const readers = new WeakMap<Db, Db>()

/**
 * The handle for catalog reads that tolerate replication lag: the replica's pool when `db` is an
 * application's primary handle opened with a read URL; `db` itself otherwise (a transaction reads
 * through the transaction, embedded mode has one database).
 */
export function readerOf(db: Db): Db {
  return readers.get(db) ?? db
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 20 })
    // An idle client erroring (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => {})
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
    // The replica gets a pool of the same size: it takes the catalog reads, the bulk of browsing.
    // A bounded connect wait: a replica that does not answer sends catalog reads back to the
    // primary (src/catalog/catalog-reader.ts) instead of holding shoppers.
    const readPool = target.readUrl
      ? new pg.Pool({ connectionString: target.readUrl, max: target.poolSize ?? 20, connectionTimeoutMillis: 2000 })
      : null
    readPool?.on('error', () => {})
    const readDb = readPool ? new Kysely<DB>({ dialect: new PostgresDialect({ pool: readPool }) }) : db
    if (readDb !== db) readers.set(db, readDb)
    const close = async () => {
      await db.destroy()
      // Kysely ends the pool only if it ever ran a query through it; a pool used directly (LISTEN,
      // admin statements) would otherwise keep its idle clients, and the process, alive ~10 s.
      if (!pool.ended) await pool.end()
      if (readPool) {
        await readDb.destroy()
        if (!readPool.ended) await readPool.end()
      }
    }
    return { db, readDb, kind: 'postgres', pglite: null, pool, close }
  }

  // Loaded only for the embedded database, so a PostgreSQL node's start-up does not pay for it.
  const [{ PGlite }, { pg_trgm }, { unaccent }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('@electric-sql/pglite/contrib/unaccent'),
  ])
  let releaseLock = () => {}
  if (target.dataDir) {
    mkdirSync(target.dataDir, { recursive: true })
    // PGlite does not lock its data directory; two processes on it would corrupt it.
    releaseLock = acquireDataDirLock(target.dataDir)
  }
  const pglite = new PGlite({
    // Search (migration 0007) needs both; they must be loaded on every open, snapshots included.
    extensions: { pg_trgm, unaccent },
    ...(target.dataDir ? { dataDir: target.dataDir } : {}),
    ...(target.snapshot ? { loadDataDir: target.snapshot } : {}),
  })
  await pglite.waitReady
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) })
  return {
    db,
    readDb: db,
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

import type { PGlite } from '@electric-sql/pglite'
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely'

/**
 * A Kysely dialect over embedded PGlite. PGlite is a single connection, so the driver hands it to
 * one holder at a time: a transaction keeps it until commit or rollback and every other query
 * waits its turn. That is what makes transactions on PGlite behave as on PostgreSQL.
 */
export class PGliteDialect implements Dialect {
  constructor(private readonly pglite: PGlite) {}
  createAdapter = () => new PGliteAdapter()
  createDriver = (): Driver => new PGliteDriver(this.pglite)
  createIntrospector = (db: Kysely<unknown>) => new PostgresIntrospector(db)
  createQueryCompiler = () => new PostgresQueryCompiler()
}

/** PostgreSQL's adapter, under a name that tells a database of one connection (see below). */
class PGliteAdapter extends PostgresAdapter {}

/**
 * Whether every query of `db` goes through one connection (PGlite): there, a transaction held open
 * makes any other query wait for its end, so work that holds one while writing elsewhere must not.
 */
export function sharesOneConnection(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PGliteAdapter
}

class PGliteDriver implements Driver {
  private readonly connection: PGliteConnection
  private queue: Array<() => void> = []
  private held = false

  constructor(pglite: PGlite) {
    this.connection = new PGliteConnection(pglite)
  }

  async init(): Promise<void> {}

  acquireConnection(): Promise<DatabaseConnection> {
    if (!this.held) {
      this.held = true
      return Promise.resolve(this.connection)
    }
    return new Promise((resolve) => this.queue.push(() => resolve(this.connection)))
  }

  async releaseConnection(): Promise<void> {
    const next = this.queue.shift()
    if (next) {
      // Hand over on a macrotask: long runs of PGlite work resolve through microtasks and would
      // otherwise starve timers and I/O (STACK.md, pitfall 3).
      setImmediate(next)
    } else {
      this.held = false
    }
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : ''
    await connection.executeQuery(CompiledQuery.raw(`begin${isolation}`))
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async destroy(): Promise<void> {
    // The PGlite instance belongs to whoever opened it (see database.ts), which closes it.
  }
}

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    // PGlite's query() takes one statement; a parameterless text may hold several (migrations),
    // which exec() runs through the simple protocol, as psql would. We keep the last result.
    const result =
      compiled.parameters.length === 0 && /;\s*\S/.test(compiled.sql)
        ? ((await this.pglite.exec(compiled.sql)).at(-1) ?? { rows: [], fields: [] })
        : await this.pglite.query<R>(compiled.sql, compiled.parameters as unknown[])
    const command = result.command?.toUpperCase()
    const changes = command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE'
    return {
      rows: result.rows as R[],
      ...(changes ? { numAffectedRows: BigInt(result.rowCount ?? result.affectedRows ?? 0) } : {}),
    }
  }

  // biome-ignore lint/correctness/useYield: PGlite has no cursors; streaming is not offered.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on PGlite')
  }
}

import { type Kysely, type MigrationResultSet, Migrator, sql } from 'kysely'
import type { Db } from './database.ts'
import { migrations } from './migrations/index.ts'

/** Applies every pending migration; Kysely takes an advisory lock so concurrent starters wait. */
export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  if (await isUpToDate(db)) return { results: [] }
  const migrator = new Migrator({
    // Migrations see an untyped database: they run before the typed schema exists.
    db: db as unknown as Kysely<unknown>,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  })
  const result = await migrator.migrateToLatest()
  if (result.error) throw result.error
  return result
}

/**
 * Whether the database has applied exactly our migrations: two small queries, where Kysely's
 * migrator introspects every table and takes its lock first (~0.15 s of a node's start-up on the
 * embedded database). Anything else — no table yet, a migration missing, or one this code does not
 * know (older code on a newer database) — goes through the migrator, which applies or refuses.
 */
async function isUpToDate(db: Db): Promise<boolean> {
  const table = await sql<{ found: boolean }>`select to_regclass('schema_migrations') is not null as found`.execute(db)
  if (!table.rows[0]?.found) return false
  const rows = await sql<{ name: string }>`select name from schema_migrations`.execute(db)
  const applied = new Set(rows.rows.map((row) => row.name))
  const ours = Object.keys(migrations)
  return applied.size === ours.length && ours.every((name) => applied.has(name))
}

import { type Kysely, type MigrationResultSet, Migrator } from 'kysely'
import type { Db } from './database.ts'
import { migrations } from './migrations/index.ts'

/** Applies every pending migration; Kysely takes an advisory lock so concurrent starters wait. */
export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
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

import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { type Database, openDatabase } from '../../src/platform/db/database.ts'
import { migrateToLatest } from '../../src/platform/db/migrate.ts'
import { dropDatabase } from './postgres-admin.ts'
import { onTeardown } from './teardown.ts'

export const onPostgres = Boolean(process.env.DATABASE_URL)

/**
 * A fresh, migrated database for one test file, dropped when the file ends: a copy of the run's
 * template on PostgreSQL, the run's snapshot on PGlite (see test/run.ts). Run outside `npm test`,
 * it builds one from scratch, slower but the same.
 */
export async function openTestDatabase(options: { poolSize?: number } = {}): Promise<Database> {
  const url = process.env.DATABASE_URL
  if (url) {
    const admin = await openDatabase({ kind: 'postgres', url, poolSize: 1 })
    const name = `vt_${randomBytes(6).toString('hex')}`
    const template = process.env.VITRINE_TEST_TEMPLATE
    await admin.pool?.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`)
    const parsed = new URL(url)
    parsed.pathname = `/${name}`
    const database = await openDatabase({ kind: 'postgres', url: parsed.toString(), poolSize: options.poolSize ?? 20 })
    if (!template) await migrateToLatest(database.db)
    onTeardown(async () => {
      await database.close()
      await dropDatabase(admin, name)
      await admin.close()
    })
    return database
  }
  const snapshotPath = process.env.VITRINE_TEST_SNAPSHOT
  const database = await openDatabase({
    kind: 'pglite',
    dataDir: null,
    ...(snapshotPath ? { snapshot: new Blob([readFileSync(snapshotPath)]) } : {}),
  })
  if (!snapshotPath) await migrateToLatest(database.db)
  onTeardown(() => database.close())
  return database
}

import type { Database } from '../../src/platform/db/database.ts'

/** Drops a per-test database, disconnecting anyone still on it (a test that crashed mid-way). */
export async function dropDatabase(admin: Database, name: string): Promise<void> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`)
  await admin.pool?.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
}

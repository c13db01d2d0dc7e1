import { randomBytes } from 'node:crypto'
import type { Db } from './db/database.ts'

const loaded = new Map<string, WeakMap<Db, Promise<Buffer>>>()

/**
 * A signing key shared by every node of a deployment: `configured` (from the environment) when
 * set, otherwise a random key generated once into server_secrets under `name` — the first node to
 * need it inserts it, every other node reads the same row. Read once per process and database.
 */
export function serverSecret(db: Db, name: string, configured: string | undefined): Promise<Buffer> {
  const fromEnv = configured?.trim()
  if (fromEnv) return Promise.resolve(Buffer.from(fromEnv, 'utf8'))
  let byDb = loaded.get(name)
  if (!byDb) {
    byDb = new WeakMap()
    loaded.set(name, byDb)
  }
  let key = byDb.get(db)
  if (!key) {
    key = loadOrCreate(db, name)
    byDb.set(db, key)
    // A failed read (database down) is retried by the next caller rather than cached.
    key.catch(() => byDb.delete(db))
  }
  return key
}

async function loadOrCreate(db: Db, name: string): Promise<Buffer> {
  await db
    .insertInto('server_secrets')
    .values({ name, value: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute()
  const row = await db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow()
  return Buffer.from(row.value, 'base64url')
}

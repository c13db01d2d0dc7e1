import type { Db } from './database.ts'

/**
 * Runs `work` in a transaction: the caller's, when `db` already is one (so a use case can be
 * composed into a larger unit, e.g. a write and its audit entry), or a new one.
 */
export function inTransaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}

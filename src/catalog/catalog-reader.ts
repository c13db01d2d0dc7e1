import { type Db, readerOf } from '../platform/db/database.ts'

/**
 * Where a catalog read for a brand at a catalog version goes: the read replica
 * (`DATABASE_READ_URL`) when it has replayed at least that version of the brand, the primary
 * otherwise — or when the replica does not answer, so browsing outlives a replica outage.
 *
 * Why the check: snapshots, availability maps and search results are cached per (brand, catalog
 * version). Filled from a replica still behind the version the request carries (the brand
 * directory reads the primary), a cache would hold the previous catalog under the new version's
 * key until the next write. A standby replays WAL in commit order and every catalog write bumps
 * the version in its own transaction, so a replica showing version ≥ V holds every row those
 * writes left, and reads after the check see no less.
 *
 * Only for reads that tolerate replication lag: writes, carts, checkout and the stock a
 * reservation checks always use the primary (`ctx.db`). The version is read from `brands`
 * directly: it is one primary-key lookup on the path of every replica read, where the brands
 * module's loaders fetch whole rows with their host names.
 */
export async function catalogReader(db: Db, brandId: string, version: number): Promise<Db> {
  const replica = readerOf(db)
  if (replica === db) return db
  try {
    const row = await replica
      .selectFrom('brands')
      .select('catalog_version')
      .where('id', '=', brandId)
      .executeTakeFirst()
    return row && Number(row.catalog_version) >= version ? replica : db
  } catch {
    return db
  }
}

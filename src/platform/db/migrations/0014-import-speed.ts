import { type Kysely, sql } from 'kysely'

/**
 * Catalog import speed (issue 5):
 * - each staged item carries the hash of its content, and an item whose product looked unchanged
 *   while staging is staged as its keys, hash, title, status and content text only (the other
 *   columns null), rebuilt by the apply if the product turns out to need applying after all;
 * - the staging tables are UNLOGGED and empty between runs: altered in place.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE import_items
      ADD COLUMN item_hash text,
      ADD COLUMN content text,
      ALTER COLUMN price_minor DROP NOT NULL;
  `.execute(db)
}

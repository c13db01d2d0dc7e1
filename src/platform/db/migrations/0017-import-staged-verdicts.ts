import { type Kysely, sql } from 'kysely'

/**
 * Catalog import (issue 5): staging writes each product's verdict (import_products) with its batch,
 * and marks for the apply the products it cannot settle alone (`rehash`: items in several runs of
 * the file, or one that lost to an earlier duplicate id). The content column of import_items, no
 * longer written since thin staging keeps keys and hashes only, goes. Both tables are UNLOGGED and
 * empty between runs: altered in place.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE import_products ADD COLUMN rehash boolean NOT NULL DEFAULT false;
    ALTER TABLE import_items DROP COLUMN content;
  `.execute(db)
}

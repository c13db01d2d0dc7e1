import { type Kysely, sql } from 'kysely'

/**
 * Catalog intake, second pass (issue 5):
 * - runs heartbeat while they work, so a run left `running` by a crashed process can be told from
 *   a live one and closed as failed ("interrupted");
 * - each product keeps the hash of the feed content last applied to it, so an unchanged product
 *   is skipped before any per-variant comparison;
 * - what the feed gives that has a natural home is kept on the variant (link, mpn, availability
 *   and its date), and a full feed that stops listing a variant of a product it still lists marks
 *   it delisted (kept for orders and stock history; its stock is taken off sale);
 * - the staging tables carry the new fields (UNLOGGED and empty between runs: altered in place).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE import_runs
      ADD COLUMN heartbeat_at timestamptz,
      ADD COLUMN variants_delisted integer NOT NULL DEFAULT 0;
    CREATE INDEX import_runs_running ON import_runs (heartbeat_at) WHERE status = 'running';

    ALTER TABLE products ADD COLUMN import_hash text;

    ALTER TABLE variants
      ADD COLUMN link text CHECK (length(link) <= 2000),
      ADD COLUMN mpn text CHECK (length(mpn) <= 100),
      ADD COLUMN availability text CHECK (availability IN ('in_stock', 'out_of_stock', 'preorder', 'backorder')),
      ADD COLUMN availability_date timestamptz,
      ADD COLUMN delisted_at timestamptz;

    ALTER TABLE import_items
      ADD COLUMN link text,
      ADD COLUMN mpn text,
      ADD COLUMN availability text,
      ADD COLUMN availability_date timestamptz;

    ALTER TABLE import_products
      ADD COLUMN hash text,
      ADD COLUMN skip boolean NOT NULL DEFAULT false,
      ALTER COLUMN title DROP NOT NULL,
      ALTER COLUMN description DROP NOT NULL,
      ALTER COLUMN category_path DROP NOT NULL,
      ALTER COLUMN images DROP NOT NULL,
      ALTER COLUMN attributes DROP NOT NULL;
  `.execute(db)
}

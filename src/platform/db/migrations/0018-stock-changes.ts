import { type Kysely, sql } from 'kysely'

/**
 * Availability read by changes (issue 8): each stock row carries the transaction that last wrote
 * it (`changed_xid`, set by its default on insert and by a trigger on update, so that no write path
 * can forget it), indexed per brand. The catalog's read model then re-reads only the rows written
 * since its last read (src/catalog/catalog-snapshot.ts) instead of every row of the brand every
 * 2 s: ~12,000 rows per demo brand, parsed into a fresh map, were a tenth of a loaded worker's CPU
 * and its longest pauses.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE stock_levels ADD COLUMN changed_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
    CREATE INDEX stock_levels_changes ON stock_levels (brand_id, changed_xid);
    CREATE FUNCTION stock_levels_touch() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.changed_xid := pg_current_xact_id();
      RETURN NEW;
    END
    $$;
    CREATE TRIGGER stock_levels_touch BEFORE UPDATE ON stock_levels
      FOR EACH ROW EXECUTE FUNCTION stock_levels_touch();
  `.execute(db)
}

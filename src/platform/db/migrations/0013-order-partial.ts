import { type Kysely, sql } from 'kysely'

/**
 * Partial shipments (issue 6): an order the ERP has shipped in part is 'partially_shipped' — no
 * longer cancellable as a whole (its shipped units are gone), not yet 'shipped'.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_status_check;
    ALTER TABLE orders ADD CONSTRAINT orders_status_check
      CHECK (status IN ('placed', 'partially_shipped', 'shipped', 'cancelled'));
  `.execute(db)
}

import { type Kysely, sql } from 'kysely'

/**
 * ERP admin and inbound completion (issue 6): the ERP's OrderResponse per order, where an inbound
 * document came from (HTTP or the per-brand inbox folder), and the indexes the ERP metrics read
 * (recent deliveries and attempts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE erp_order_responses (
      brand_id uuid NOT NULL,
      order_id uuid NOT NULL,
      document_id text NOT NULL,
      response text NOT NULL CHECK (response IN ('accepted', 'conditionally-accepted', 'acknowledged', 'rejected')),
      code text,
      note text,
      lines jsonb NOT NULL DEFAULT '[]',
      received_at timestamptz NOT NULL,
      PRIMARY KEY (brand_id, order_id, document_id),
      FOREIGN KEY (brand_id, order_id) REFERENCES orders (brand_id, id)
    );

    ALTER TABLE erp_inbound
      ADD COLUMN source text NOT NULL DEFAULT 'http' CHECK (source IN ('http', 'inbox')),
      ADD COLUMN file_name text;

    -- Metrics over a recent window: delivery latency and attempts per brand.
    CREATE INDEX outbox_delivered_recent ON outbox (brand_id, delivered_at) WHERE delivered_at IS NOT NULL;
    CREATE INDEX delivery_attempts_recent ON delivery_attempts (brand_id, at);
  `.execute(db)
}

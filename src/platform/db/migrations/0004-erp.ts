import { type Kysely, sql } from 'kysely'

/**
 * ERP integration (issue 6): delivery bookkeeping on the outbox (document id, lease, last error,
 * delivered_at), the per-brand ERP settings (transport, mapping, pause), every delivery attempt,
 * every inbound document with its outcome, shipments, and the 'shipped' order state.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE outbox
      ADD COLUMN document_id uuid NOT NULL DEFAULT gen_random_uuid(),
      ADD COLUMN lease_token uuid,
      ADD COLUMN last_error text,
      ADD COLUMN delivered_at timestamptz;
    -- The claim query: due pending rows, oldest first.
    CREATE INDEX outbox_pending ON outbox (available_at, id) WHERE state = 'pending';
    -- "Is an earlier row of this order not delivered yet?" and the per-order listing.
    CREATE INDEX outbox_aggregate_order ON outbox (brand_id, aggregate_id, id);
    CREATE INDEX outbox_by_state ON outbox (brand_id, state, id);

    ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_status_check;
    ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('placed', 'cancelled', 'shipped'));

    CREATE TABLE erp_settings (
      brand_id uuid NOT NULL REFERENCES brands (id),
      transport jsonb,
      mapping jsonb NOT NULL DEFAULT '{}',
      paused boolean NOT NULL DEFAULT false,
      max_attempts integer NOT NULL DEFAULT 12 CHECK (max_attempts BETWEEN 1 AND 100),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (brand_id)
    );

    CREATE TABLE delivery_attempts (
      brand_id uuid NOT NULL,
      outbox_id bigint NOT NULL,
      id bigint GENERATED ALWAYS AS IDENTITY,
      at timestamptz NOT NULL,
      duration_ms integer NOT NULL,
      ok boolean NOT NULL,
      status text NOT NULL,
      excerpt text,
      PRIMARY KEY (brand_id, outbox_id, id),
      FOREIGN KEY (brand_id, outbox_id) REFERENCES outbox (brand_id, id) ON DELETE CASCADE
    );

    CREATE TABLE erp_inbound (
      brand_id uuid NOT NULL REFERENCES brands (id),
      id uuid NOT NULL,
      document_type text NOT NULL,
      document_id text NOT NULL,
      received_at timestamptz NOT NULL,
      received_by text NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('applied', 'partially-applied', 'rejected', 'recorded')),
      summary jsonb NOT NULL DEFAULT '{}',
      errors jsonb NOT NULL DEFAULT '[]',
      PRIMARY KEY (brand_id, id),
      UNIQUE (brand_id, document_type, document_id)
    );
    CREATE INDEX erp_inbound_recent ON erp_inbound (brand_id, received_at DESC);

    CREATE TABLE order_shipments (
      brand_id uuid NOT NULL,
      order_id uuid NOT NULL,
      document_id text NOT NULL,
      carrier text,
      tracking text,
      shipped_at timestamptz NOT NULL,
      lines jsonb NOT NULL DEFAULT '[]',
      PRIMARY KEY (brand_id, order_id, document_id),
      FOREIGN KEY (brand_id, order_id) REFERENCES orders (brand_id, id)
    );
  `.execute(db)
}

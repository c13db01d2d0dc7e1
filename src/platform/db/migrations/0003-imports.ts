import { type Kysely, sql } from 'kysely'

/**
 * Catalog imports (issue 5): the record of every run and its rejected lines (durable: "nothing a
 * brand sent is lost"), the staging tables a run streams into before its set-based apply
 * (UNLOGGED: a crash loses only runs in progress, which are re-run), and scheduled prices.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE import_runs (
      brand_id uuid NOT NULL REFERENCES brands (id),
      id uuid NOT NULL,
      source text NOT NULL CHECK (source IN ('cli', 'api', 'drop-folder')),
      file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 500),
      format text,
      mode text NOT NULL CHECK (mode IN ('full', 'delta')),
      dry_run boolean NOT NULL DEFAULT false,
      force boolean NOT NULL DEFAULT false,
      started_by text NOT NULL,
      started_at timestamptz NOT NULL,
      finished_at timestamptz,
      status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
      items_read integer NOT NULL DEFAULT 0,
      created integer NOT NULL DEFAULT 0,
      updated integer NOT NULL DEFAULT 0,
      unchanged integer NOT NULL DEFAULT 0,
      archived integer NOT NULL DEFAULT 0,
      rejected integer NOT NULL DEFAULT 0,
      variants_created integer NOT NULL DEFAULT 0,
      variants_updated integer NOT NULL DEFAULT 0,
      stock_updated integer NOT NULL DEFAULT 0,
      error text,
      error_line integer,
      error_column integer,
      PRIMARY KEY (brand_id, id)
    );
    CREATE INDEX import_runs_recent ON import_runs (brand_id, started_at DESC);

    CREATE TABLE import_rejections (
      brand_id uuid NOT NULL,
      run_id uuid NOT NULL,
      id bigint GENERATED ALWAYS AS IDENTITY,
      line integer,
      item_id text,
      reason text NOT NULL,
      PRIMARY KEY (brand_id, run_id, id),
      FOREIGN KEY (brand_id, run_id) REFERENCES import_runs (brand_id, id) ON DELETE CASCADE
    );
    CREATE INDEX import_rejections_by_line ON import_rejections (brand_id, run_id, line, id);

    -- One row per distinct item id of a run; the primary key is what makes the first occurrence win.
    CREATE UNLOGGED TABLE import_items (
      brand_id uuid NOT NULL,
      run_id uuid NOT NULL,
      item_id text NOT NULL,
      seq integer NOT NULL,
      line integer NOT NULL,
      group_id text NOT NULL,
      title text,
      description text,
      category_path text,
      images jsonb NOT NULL DEFAULT '[]',
      attributes jsonb NOT NULL DEFAULT '{}',
      brand_name text,
      status text,
      size text,
      colour text,
      gtin text,
      price_minor bigint NOT NULL,
      compare_at_minor bigint,
      sale_price_minor bigint,
      sale_starts_at timestamptz,
      sale_ends_at timestamptz,
      on_hand integer,
      weight_grams integer,
      PRIMARY KEY (brand_id, run_id, item_id)
    );

    -- One row per product (group) of a run, computed inside the apply transaction.
    CREATE UNLOGGED TABLE import_products (
      brand_id uuid NOT NULL,
      run_id uuid NOT NULL,
      group_id text NOT NULL,
      product_id uuid NOT NULL,
      existed boolean NOT NULL,
      changed boolean NOT NULL DEFAULT false,
      title text NOT NULL,
      description text NOT NULL,
      category_path text NOT NULL,
      images jsonb NOT NULL,
      attributes jsonb NOT NULL,
      status text,
      PRIMARY KEY (brand_id, run_id, group_id)
    );

    -- A price that applies to a variant during an interval (open-ended when a bound is null).
    -- Imports write source 'feed' (one per variant, replaced by each run); sale events will add theirs.
    CREATE TABLE scheduled_prices (
      brand_id uuid NOT NULL,
      id uuid NOT NULL,
      variant_id uuid NOT NULL,
      price_minor bigint NOT NULL CHECK (price_minor >= 0),
      starts_at timestamptz,
      ends_at timestamptz,
      source text NOT NULL,
      run_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (brand_id, id),
      FOREIGN KEY (brand_id, variant_id) REFERENCES variants (brand_id, id) ON DELETE CASCADE,
      CHECK (starts_at IS NULL OR ends_at IS NULL OR starts_at < ends_at)
    );
    CREATE UNIQUE INDEX scheduled_prices_feed ON scheduled_prices (brand_id, variant_id) WHERE source = 'feed';
    CREATE INDEX scheduled_prices_variant ON scheduled_prices (brand_id, variant_id, starts_at);
  `.execute(db)
}

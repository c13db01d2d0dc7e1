import { type Kysely, sql } from 'kysely'

/**
 * The commerce core. Tenant tables lead every key with brand_id (DESIGN.md, rules of the data):
 * it keeps brands apart and lets the data be distributed by brand later.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE brands (
      id uuid PRIMARY KEY,
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      order_prefix text NOT NULL UNIQUE CHECK (order_prefix ~ '^[A-Z]{2,5}$'),
      currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      locale text NOT NULL,
      time_zone text NOT NULL,
      vat_rate_bp integer NOT NULL CHECK (vat_rate_bp BETWEEN 0 AND 10000),
      shipping_methods jsonb NOT NULL,
      theme jsonb NOT NULL,
      tagline jsonb NOT NULL DEFAULT '{}',
      catalog_version bigint NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    -- A routing table, not tenant data: a host name belongs to exactly one brand.
    CREATE TABLE brand_hosts (
      host text PRIMARY KEY CHECK (host = lower(host)),
      brand_id uuid NOT NULL REFERENCES brands (id) ON DELETE CASCADE
    );
    CREATE INDEX brand_hosts_brand ON brand_hosts (brand_id);

    CREATE TABLE products (
      brand_id uuid NOT NULL REFERENCES brands (id),
      id uuid NOT NULL,
      reference text NOT NULL CHECK (length(reference) BETWEEN 1 AND 100),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
      description text NOT NULL DEFAULT '',
      translations jsonb NOT NULL DEFAULT '{}',
      category_path text NOT NULL DEFAULT '',
      attributes jsonb NOT NULL DEFAULT '{}',
      images jsonb NOT NULL DEFAULT '[]',
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'archived')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (brand_id, id),
      UNIQUE (brand_id, reference)
    );
    CREATE INDEX products_newest ON products (brand_id, created_at DESC, id) WHERE status = 'active';
    CREATE INDEX products_category ON products (brand_id, category_path text_pattern_ops) WHERE status = 'active';

    CREATE TABLE variants (
      brand_id uuid NOT NULL,
      id uuid NOT NULL,
      product_id uuid NOT NULL,
      sku text NOT NULL CHECK (length(sku) BETWEEN 1 AND 100),
      size text,
      colour text,
      colour_hex text,
      gtin text CHECK (gtin ~ '^[0-9]{8,14}$'),
      price_minor bigint NOT NULL CHECK (price_minor >= 0),
      compare_at_minor bigint CHECK (compare_at_minor > 0),
      weight_grams integer CHECK (weight_grams >= 0),
      position integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (brand_id, id),
      UNIQUE (brand_id, sku),
      FOREIGN KEY (brand_id, product_id) REFERENCES products (brand_id, id) ON DELETE CASCADE
    );
    CREATE INDEX variants_product ON variants (brand_id, product_id, position);

    CREATE TABLE stock_levels (
      brand_id uuid NOT NULL,
      variant_id uuid NOT NULL,
      on_hand integer NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
      reserved integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (brand_id, variant_id),
      FOREIGN KEY (brand_id, variant_id) REFERENCES variants (brand_id, id) ON DELETE CASCADE
    );

    -- UNLOGGED: carts cost no WAL and no fsync; after a crash they are gone, which costs a
    -- shopper a re-add. The order transaction is the one that must survive (DESIGN.md).
    CREATE UNLOGGED TABLE carts (
      brand_id uuid NOT NULL,
      token text NOT NULL,
      lines jsonb NOT NULL DEFAULT '[]',
      order_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (brand_id, token)
    );
    CREATE INDEX carts_updated ON carts (updated_at);

    CREATE TABLE orders (
      brand_id uuid NOT NULL REFERENCES brands (id),
      id uuid NOT NULL,
      number text NOT NULL,
      status text NOT NULL CHECK (status IN ('placed', 'cancelled')),
      email text NOT NULL,
      shipping_address jsonb NOT NULL,
      shipping_method text NOT NULL,
      currency char(3) NOT NULL,
      locale text NOT NULL,
      vat_rate_bp integer NOT NULL,
      subtotal_minor bigint NOT NULL,
      shipping_minor bigint NOT NULL,
      vat_minor bigint NOT NULL,
      total_minor bigint NOT NULL,
      payment jsonb NOT NULL,
      idempotency_key text,
      request_hash text,
      placed_at timestamptz NOT NULL,
      cancelled_at timestamptz,
      cancel_reason text,
      PRIMARY KEY (brand_id, id),
      UNIQUE (brand_id, number),
      UNIQUE (brand_id, idempotency_key)
    );
    CREATE INDEX orders_recent ON orders (brand_id, placed_at DESC);
    CREATE INDEX orders_email ON orders (brand_id, lower(email));

    CREATE TABLE order_lines (
      brand_id uuid NOT NULL,
      order_id uuid NOT NULL,
      line_no smallint NOT NULL,
      variant_id uuid NOT NULL,
      product_id uuid NOT NULL,
      sku text NOT NULL,
      gtin text,
      title text NOT NULL,
      size text,
      colour text,
      quantity integer NOT NULL CHECK (quantity > 0),
      unit_price_minor bigint NOT NULL,
      line_total_minor bigint NOT NULL,
      vat_minor bigint NOT NULL,
      PRIMARY KEY (brand_id, order_id, line_no),
      FOREIGN KEY (brand_id, order_id) REFERENCES orders (brand_id, id)
    );

    CREATE TABLE outbox (
      brand_id uuid NOT NULL REFERENCES brands (id),
      id bigint GENERATED ALWAYS AS IDENTITY,
      topic text NOT NULL,
      aggregate_id uuid NOT NULL,
      payload jsonb NOT NULL DEFAULT '{}',
      state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
      attempts integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      available_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (brand_id, id)
    );
    CREATE INDEX outbox_due ON outbox (available_at) WHERE state = 'pending';
    CREATE INDEX outbox_aggregate ON outbox (brand_id, aggregate_id);
  `.execute(db)
}

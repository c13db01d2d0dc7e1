import { type Kysely, sql } from 'kysely'

/**
 * Promotion codes (issue 7). A code is per brand, stored upper-case so "soldes10" and "SOLDES10"
 * are one code. Caps are enforced by conditional statements inside the order transaction
 * (src/promotions/redeem-promotion.ts): `used` is the total counter, promotion_customer_uses
 * the per-customer one; promotion_redemptions records which order used which code, for how much.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE orders
      ADD COLUMN promotion_code text,
      ADD COLUMN discount_minor bigint NOT NULL DEFAULT 0 CHECK (discount_minor >= 0);

    CREATE TABLE promotion_codes (
      brand_id uuid NOT NULL REFERENCES brands (id),
      id uuid NOT NULL,
      code text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{1,39}$'),
      description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
      kind text NOT NULL CHECK (kind IN ('percentage', 'amount', 'free-shipping')),
      percent integer CHECK (percent BETWEEN 1 AND 100),
      amount_minor bigint CHECK (amount_minor > 0),
      minimum_spend_minor bigint NOT NULL DEFAULT 0 CHECK (minimum_spend_minor >= 0),
      starts_at timestamptz,
      ends_at timestamptz,
      active boolean NOT NULL DEFAULT true,
      usage_limit integer CHECK (usage_limit > 0),
      per_customer_limit integer CHECK (per_customer_limit > 0),
      used integer NOT NULL DEFAULT 0 CHECK (used >= 0),
      created_by text NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (brand_id, id),
      UNIQUE (brand_id, code),
      CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at),
      CHECK ((kind = 'percentage') = (percent IS NOT NULL)),
      CHECK ((kind = 'amount') = (amount_minor IS NOT NULL))
    );

    -- One row per (code, customer e-mail): the per-customer counter, bumped conditionally.
    CREATE TABLE promotion_customer_uses (
      brand_id uuid NOT NULL,
      promotion_id uuid NOT NULL,
      customer text NOT NULL CHECK (customer = lower(customer)),
      used integer NOT NULL CHECK (used > 0),
      PRIMARY KEY (brand_id, promotion_id, customer),
      FOREIGN KEY (brand_id, promotion_id) REFERENCES promotion_codes (brand_id, id)
    );

    CREATE TABLE promotion_redemptions (
      brand_id uuid NOT NULL,
      order_id uuid NOT NULL,
      promotion_id uuid NOT NULL,
      customer text NOT NULL,
      discount_minor bigint NOT NULL CHECK (discount_minor >= 0),
      shipping_discount_minor bigint NOT NULL CHECK (shipping_discount_minor >= 0),
      redeemed_at timestamptz NOT NULL,
      PRIMARY KEY (brand_id, order_id),
      FOREIGN KEY (brand_id, order_id) REFERENCES orders (brand_id, id),
      FOREIGN KEY (brand_id, promotion_id) REFERENCES promotion_codes (brand_id, id)
    );
    CREATE INDEX promotion_redemptions_code ON promotion_redemptions (brand_id, promotion_id, redeemed_at);

    -- The code a shopper entered on a cart. UNLOGGED like carts: a crash costs a re-entry.
    CREATE UNLOGGED TABLE cart_promotions (
      brand_id uuid NOT NULL,
      cart_token text NOT NULL,
      code text NOT NULL,
      applied_at timestamptz NOT NULL,
      PRIMARY KEY (brand_id, cart_token),
      FOREIGN KEY (brand_id, cart_token) REFERENCES carts (brand_id, token) ON DELETE CASCADE
    );
  `.execute(db)
}

import { type Kysely, sql } from 'kysely'

/**
 * Traffic history (issue 8): hourly request counts per brand and kind, what `vitrine plan` reads to
 * find each brand's usual peak hour. Rows are only ever incremented — each process adds what it
 * counted since its last flush (`n = n + excluded.n`), so any number of processes and nodes can
 * write the same hour without coordination. Kinds: `page` (shop page views), `api` (storefront
 * JSON reads), `cart` and `checkout` (attempts, JSON or forms), `order` (orders placed), `bot`
 * (crawlers, kept apart so they do not inflate the visits a plan is sized on).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE traffic_hourly (
      brand_id uuid NOT NULL REFERENCES brands (id),
      hour timestamptz NOT NULL CHECK (date_trunc('hour', hour, 'UTC') = hour),
      kind text NOT NULL CHECK (kind IN ('page', 'api', 'cart', 'checkout', 'order', 'bot')),
      n bigint NOT NULL CHECK (n >= 0),
      PRIMARY KEY (brand_id, hour, kind)
    );
  `.execute(db)
}

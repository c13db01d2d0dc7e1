import { type Kysely, sql } from 'kysely'

/**
 * Sale events (issue 7): price rules that apply during an interval, per brand. An event covering
 * several brands is one row per brand under the same event id, so every row stays a tenant row
 * (brand_id leads its key) and each brand's instants are computed in its own time zone: "08:00"
 * is 07:00Z for a Paris brand and 08:00Z for a London one in winter.
 *
 * price_versions counts edits per brand: the pricing module's caches key on it (with the current
 * period between event boundaries), and a NOTIFY on vitrine_prices_changed at commit tells every
 * process. server_secrets holds process-wide secrets generated on first use (the preview links'
 * HMAC key when VITRINE_PREVIEW_SECRET is not set), so every node signs and checks alike.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE sale_events (
      brand_id uuid NOT NULL REFERENCES brands (id),
      id uuid NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      -- As the merchandiser wrote them: a wall-clock time in the brand's zone, or an instant with offset.
      starts_text text NOT NULL CHECK (length(starts_text) <= 40),
      ends_text text NOT NULL CHECK (length(ends_text) <= 40),
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      priority integer NOT NULL DEFAULT 0 CHECK (priority BETWEEN -1000 AND 1000),
      combine text NOT NULL CHECK (combine IN ('best', 'stack', 'exclusive')),
      rounding text CHECK (rounding IN ('.99', '.00')),
      rules jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'array'),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (brand_id, id),
      CHECK (starts_at < ends_at)
    );
    -- The brands of one event (edits and deletes address the event, not a brand).
    CREATE INDEX sale_events_event ON sale_events (id);

    CREATE TABLE price_versions (
      brand_id uuid PRIMARY KEY REFERENCES brands (id) ON DELETE CASCADE,
      version bigint NOT NULL DEFAULT 0
    );

    CREATE TABLE server_secrets (
      name text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
      value text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db)
}

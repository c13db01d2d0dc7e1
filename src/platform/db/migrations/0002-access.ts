import { type Kysely, sql } from 'kysely'

/**
 * Access control: staff accounts and their grants (operator-level, not tenant data: a grant's
 * brand_id is null for "all brands"), sessions, API keys (tenant rows: one brand each) and the
 * append-only audit log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE staff (
      id uuid PRIMARY KEY,
      email text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
      password_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      password_changed_at timestamptz NOT NULL DEFAULT now(),
      disabled_at timestamptz
    );

    CREATE TABLE staff_grants (
      staff_id uuid NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('operator-admin', 'merchandiser', 'customer-service', 'brand-viewer')),
      brand_id uuid REFERENCES brands (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      -- An operator-admin acts on every brand; a brand-viewer on exactly one.
      CHECK (role <> 'operator-admin' OR brand_id IS NULL),
      CHECK (role <> 'brand-viewer' OR brand_id IS NOT NULL)
    );
    -- NULLS NOT DISTINCT needs PostgreSQL 15: one all-brands grant of a role per person.
    CREATE UNIQUE INDEX staff_grants_unique ON staff_grants (staff_id, role, brand_id) NULLS NOT DISTINCT;

    -- Only a SHA-256 of the session token is stored: a leaked table opens no session.
    CREATE TABLE staff_sessions (
      token_hash text PRIMARY KEY,
      staff_id uuid NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz
    );
    CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);

    CREATE TABLE api_keys (
      brand_id uuid NOT NULL REFERENCES brands (id),
      id uuid NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      -- The first characters of the key, shown in lists so a person can tell keys apart.
      prefix text NOT NULL,
      key_hash text NOT NULL,
      permissions jsonb NOT NULL,
      created_by uuid,
      created_at timestamptz NOT NULL,
      last_used_at timestamptz,
      revoked_at timestamptz,
      PRIMARY KEY (brand_id, id)
    );
    -- Authentication looks a key up by its hash before it knows the brand.
    CREATE UNIQUE INDEX api_keys_hash ON api_keys (key_hash);

    CREATE TABLE audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      -- Null for operator-level entries (staff accounts); no foreign key: history outlives rows.
      brand_id uuid,
      at timestamptz NOT NULL,
      actor_kind text NOT NULL,
      actor_id text NOT NULL,
      actor_label text NOT NULL,
      entity_type text NOT NULL,
      entity_id text NOT NULL,
      action text NOT NULL,
      before jsonb,
      after jsonb
    );
    CREATE INDEX audit_log_brand ON audit_log (brand_id, id DESC);
    CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);

    -- Append-only: no code path updates or deletes audit rows, and the database refuses it too.
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
    END
    $$;
    CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
  `.execute(db)
}

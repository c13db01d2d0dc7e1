import { type Kysely, sql } from 'kysely'

/**
 * Search and collections (issue 7).
 *
 * Search: one maintained document per product (`product_search`), kept by statement-level
 * triggers on `products` so every write path (admin, importer's set-based statements, demo seed)
 * updates it in the same transaction without knowing about it. The document is a weighted
 * tsvector in the brand's language (title A, category and attribute values B, description C),
 * built over unaccented text so "ete" finds "Été"; the stemmer of the language handles plurals
 * ("robes" → 'rob'). Typos are corrected against `search_words`, the brand's vocabulary, through
 * a pg_trgm index (the approach of the pg_trgm documentation, F.35.5 "text search integration").
 *
 * `unaccent()` is only STABLE (it reads a dictionary chosen by search_path), so it cannot sit in
 * an index expression or an IMMUTABLE function; `vitrine_unaccent` names the dictionary and
 * schema explicitly and is declared IMMUTABLE, the usual wrapper.
 *
 * Collections: per brand, manual (an ordered list) or rule-based (rules as JSON, evaluated on
 * the in-memory catalog), with pinned products shown first.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
    CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;

    CREATE FUNCTION vitrine_unaccent(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $fn$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $fn$;

    -- The text search configuration of a brand locale ('fr-FR' → french); 'simple' (no stemming,
    -- no stop words) for a language PostgreSQL has no stemmer for.
    CREATE FUNCTION vitrine_search_config(locale text) RETURNS regconfig
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $fn$
        SELECT (CASE lower(split_part(locale, '-', 1))
          WHEN 'fr' THEN 'pg_catalog.french' WHEN 'en' THEN 'pg_catalog.english'
          WHEN 'de' THEN 'pg_catalog.german' WHEN 'es' THEN 'pg_catalog.spanish'
          WHEN 'it' THEN 'pg_catalog.italian' WHEN 'nl' THEN 'pg_catalog.dutch'
          WHEN 'pt' THEN 'pg_catalog.portuguese' WHEN 'da' THEN 'pg_catalog.danish'
          WHEN 'sv' THEN 'pg_catalog.swedish' WHEN 'nb' THEN 'pg_catalog.norwegian'
          WHEN 'no' THEN 'pg_catalog.norwegian' WHEN 'fi' THEN 'pg_catalog.finnish'
          ELSE 'pg_catalog.simple' END)::regconfig
      $fn$;

    -- Lowercase, unaccented: what the vocabulary and trigram similarity compare.
    CREATE FUNCTION vitrine_fold(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $fn$ SELECT lower(vitrine_unaccent($1)) $fn$;

    CREATE FUNCTION vitrine_attribute_text(attributes jsonb) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $fn$ SELECT coalesce(string_agg(value, ' ' ORDER BY key), '') FROM jsonb_each_text(coalesce(attributes, '{}')) $fn$;

    -- The weighted document. The title in the brand's language (translations) counts as title.
    CREATE FUNCTION vitrine_search_document(
      locale text, title text, local_title text, description text, category_path text, attribute_text text
    ) RETURNS tsvector
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $fn$
        SELECT setweight(to_tsvector(vitrine_search_config(locale), vitrine_unaccent(title || ' ' || local_title)), 'A')
            || setweight(to_tsvector(vitrine_search_config(locale), vitrine_unaccent(category_path || ' ' || attribute_text)), 'B')
            || setweight(to_tsvector(vitrine_search_config(locale), vitrine_unaccent(description)), 'C')
      $fn$;

    CREATE TABLE product_search (
      brand_id uuid NOT NULL,
      product_id uuid NOT NULL,
      document tsvector NOT NULL,
      -- Folded title (and its translation), category and attribute values: trigram similarity.
      folded text NOT NULL,
      PRIMARY KEY (brand_id, product_id),
      FOREIGN KEY (brand_id, product_id) REFERENCES products (brand_id, id) ON DELETE CASCADE
    );
    CREATE INDEX product_search_document ON product_search USING gin (document);

    -- The brand's vocabulary for typo correction: folded words (3 to 40 characters) of titles,
    -- categories and attribute values — what shoppers name; description words are left out (they
    -- would double the trigger's cost for corrections nobody needs). Words are only added: a word
    -- whose products are gone costs a wasted alternative, never a wrong hit.
    CREATE TABLE search_words (
      brand_id uuid NOT NULL REFERENCES brands (id) ON DELETE CASCADE,
      word text NOT NULL,
      PRIMARY KEY (brand_id, word)
    );
    CREATE INDEX search_words_trigram ON search_words USING gin (word gin_trgm_ops);

    -- (Re)builds the documents and vocabulary of the given products from their rows. Each text is
    -- derived once per row (the CTE is materialised): ~100 µs a product on PostgreSQL 15 here.
    CREATE FUNCTION product_search_upsert(brand_ids uuid[], product_ids uuid[]) RETURNS void
      LANGUAGE sql
      AS $fn$
        WITH rows AS MATERIALIZED (
          SELECT p.brand_id, p.id, p.title, p.description, p.category_path, b.locale,
                 coalesce(p.translations -> split_part(b.locale, '-', 1) ->> 'title', '') AS local_title,
                 vitrine_attribute_text(p.attributes) AS attribute_text
          FROM unnest(brand_ids, product_ids) AS k (brand_id, id)
          JOIN products p ON p.brand_id = k.brand_id AND p.id = k.id
          JOIN brands b ON b.id = p.brand_id
        ), folded AS MATERIALIZED (
          SELECT r.*, vitrine_fold(r.title || ' ' || r.local_title || ' ' || r.category_path || ' ' || r.attribute_text) AS folded
          FROM rows r
        ), docs AS (
          INSERT INTO product_search (brand_id, product_id, document, folded)
          SELECT brand_id, id,
                 vitrine_search_document(locale, title, local_title, description, category_path, attribute_text),
                 folded
          FROM folded
          ON CONFLICT (brand_id, product_id)
            DO UPDATE SET document = EXCLUDED.document, folded = EXCLUDED.folded
          RETURNING 1
        )
        INSERT INTO search_words (brand_id, word)
          SELECT DISTINCT f.brand_id, w.word
          FROM folded f, regexp_split_to_table(f.folded, '[^[:alnum:]]+') AS w (word)
          WHERE length(w.word) BETWEEN 3 AND 40
          -- One order for every writer: concurrent imports wait on each other's words, never deadlock.
          ORDER BY 1, 2
        ON CONFLICT DO NOTHING
      $fn$;

    -- Set-based (statement triggers with transition tables): the importer writes thousands of
    -- products per statement, and one call per statement costs far less than one per row. An
    -- UPDATE that leaves the searched fields alone (status, images, timestamps) rebuilds nothing.
    CREATE FUNCTION product_search_refresh() RETURNS trigger
      LANGUAGE plpgsql
      AS $fn$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM product_search_upsert(k.brand_ids, k.ids)
            FROM (SELECT array_agg(brand_id) AS brand_ids, array_agg(id) AS ids FROM new_products) k;
        ELSE
          PERFORM product_search_upsert(k.brand_ids, k.ids)
            FROM (SELECT array_agg(n.brand_id) AS brand_ids, array_agg(n.id) AS ids
                  FROM new_products n JOIN old_products o ON o.brand_id = n.brand_id AND o.id = n.id
                  WHERE (n.title, n.description, n.category_path, n.attributes, n.translations)
                        IS DISTINCT FROM (o.title, o.description, o.category_path, o.attributes, o.translations)) k;
        END IF;
        RETURN NULL;
      END
      $fn$;

    CREATE TRIGGER products_search_insert AFTER INSERT ON products
      REFERENCING NEW TABLE AS new_products
      FOR EACH STATEMENT EXECUTE FUNCTION product_search_refresh();
    CREATE TRIGGER products_search_update AFTER UPDATE ON products
      REFERENCING OLD TABLE AS old_products NEW TABLE AS new_products
      FOR EACH STATEMENT EXECUTE FUNCTION product_search_refresh();

    -- A brand changing its locale changes the stemmer of all its documents.
    CREATE FUNCTION brand_search_relocale() RETURNS trigger
      LANGUAGE plpgsql
      AS $fn$
      BEGIN
        PERFORM product_search_upsert(array_agg(brand_id), array_agg(id)) FROM products WHERE brand_id = NEW.id;
        RETURN NULL;
      END
      $fn$;
    CREATE TRIGGER brands_search_relocale AFTER UPDATE OF locale ON brands
      FOR EACH ROW WHEN (OLD.locale IS DISTINCT FROM NEW.locale)
      EXECUTE FUNCTION brand_search_relocale();

    SELECT product_search_upsert(array_agg(brand_id), array_agg(id)) FROM products;

    CREATE TABLE collections (
      brand_id uuid NOT NULL REFERENCES brands (id),
      id uuid NOT NULL,
      slug text NOT NULL CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,78}[a-z0-9])?$'),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      description text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
      kind text NOT NULL CHECK (kind IN ('manual', 'rule')),
      rules jsonb NOT NULL DEFAULT '{}',
      -- The order of the members that are not pinned: 'manual' (the list's order) for manual
      -- collections; a sort for rule-based ones.
      sort text NOT NULL DEFAULT 'manual'
        CHECK (sort IN ('manual', 'newest', 'price-asc', 'price-desc', 'best-selling')),
      featured boolean NOT NULL DEFAULT false,
      position integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (brand_id, id),
      UNIQUE (brand_id, slug)
    );

    -- The members of a manual collection, in the merchandiser's order.
    CREATE TABLE collection_products (
      brand_id uuid NOT NULL,
      collection_id uuid NOT NULL,
      product_id uuid NOT NULL,
      position integer NOT NULL,
      PRIMARY KEY (brand_id, collection_id, product_id),
      FOREIGN KEY (brand_id, collection_id) REFERENCES collections (brand_id, id) ON DELETE CASCADE,
      FOREIGN KEY (brand_id, product_id) REFERENCES products (brand_id, id) ON DELETE CASCADE
    );

    -- Products shown first, in this order, in either kind of collection.
    CREATE TABLE collection_pins (
      brand_id uuid NOT NULL,
      collection_id uuid NOT NULL,
      product_id uuid NOT NULL,
      position integer NOT NULL,
      PRIMARY KEY (brand_id, collection_id, product_id),
      FOREIGN KEY (brand_id, collection_id) REFERENCES collections (brand_id, id) ON DELETE CASCADE,
      FOREIGN KEY (brand_id, product_id) REFERENCES products (brand_id, id) ON DELETE CASCADE
    );
    CREATE INDEX collection_products_product ON collection_products (brand_id, product_id);
    CREATE INDEX collection_pins_product ON collection_pins (brand_id, product_id);
  `.execute(db)
}

import { type Kysely, sql } from 'kysely'

/**
 * The search trigger's function (0007) looks its products up by their key whatever the planner
 * believes of the products table. Inside a transaction that is still writing a catalog (a first
 * import applies batch after batch), the table has no statistics for those rows, and the planner
 * joined brands first and then scanned all of the brand's products for each key: quadratic, 60k
 * rows read per batch of 200 products at 20k products. A LATERAL look-up by (brand_id, id) is one
 * primary-key probe per product, on any statistics. The body is otherwise 0007's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION product_search_upsert(brand_ids uuid[], product_ids uuid[]) RETURNS void
      LANGUAGE sql
      AS $fn$
        WITH rows AS MATERIALIZED (
          SELECT p.brand_id, p.id, p.title, p.description, p.category_path, b.locale,
                 coalesce(p.translations -> split_part(b.locale, '-', 1) ->> 'title', '') AS local_title,
                 vitrine_attribute_text(p.attributes) AS attribute_text
          FROM unnest(brand_ids, product_ids) AS k (brand_id, id)
          CROSS JOIN LATERAL (
            SELECT * FROM products p WHERE p.brand_id = k.brand_id AND p.id = k.id OFFSET 0
          ) p
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
  `.execute(db)
}

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { sql } from 'kysely'
import type { BrandCtx } from '../../src/brands/brand.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand } from '../helpers/fixtures.ts'

const database = await openTestDatabase()
const db = database.db

/** Texts that unaccent, the stemmers and the word split treat differently. */
const products = [
  { title: 'Écharpe légère', description: '<p>Laine d’agneau, maille côtelée</p>', category: 'Accessoires > Écharpes' },
  { title: 'Œuvre & Cœur', description: 'Straße, Ærø, Ångström, naïve façade', category: 'Déco' },
  { title: 'Платье летнее', description: 'Ελληνικό φόρεμα — 夏のドレス 🌞', category: '' },
  { title: 'T-shirt 100% coton', description: '', category: 'Hauts > T-shirts' },
  { title: 'Sac', description: 'x'.repeat(5000), category: 'Sacs' },
]
const attributes = [
  { couleur: 'Écru', matière: 'Lin lavé', taille: 'XL', brand: 'Maison Été' },
  {},
  { size: '38', shipping: '[{"country":"FR","price":"4.90 EUR"}]' },
  { a: 'z', b: 'y', c: 'x' },
  { gender: 'female' },
]

async function createProducts(ctx: BrandCtx): Promise<void> {
  await sql`
    insert into products (brand_id, id, reference, title, description, category_path, attributes, status)
    select ${ctx.brand.id}::uuid, gen_random_uuid(), 'R' || x.n, x.t, x.d, x.c, x.a, 'active'
    from json_to_recordset(${JSON.stringify(
      products.map((p, n) => ({ n, t: p.title, d: p.description, c: p.category, a: attributes[n] })),
    )}::json) as x(n int, t text, d text, c text, a jsonb)
  `.execute(db)
}

/**
 * Rows of product_search that differ from the first definition of a document (0007's functions,
 * still in the schema): the trigger's function was rewritten for speed and must give the same.
 */
async function differingDocuments(ctx: BrandCtx): Promise<string[]> {
  const { rows } = await sql<{ reference: string }>`
    with expected as (
      select p.brand_id, p.id, p.reference,
        vitrine_search_document(b.locale, p.title, t.local_title, p.description, p.category_path,
          vitrine_attribute_text(p.attributes)) as document,
        vitrine_fold(p.title || ' ' || t.local_title || ' ' || p.category_path || ' '
          || vitrine_attribute_text(p.attributes)) as folded
      from products p join brands b on b.id = p.brand_id,
        lateral (select coalesce(p.translations -> split_part(b.locale, '-', 1) ->> 'title', '') as local_title) t
      where p.brand_id = ${ctx.brand.id}
    )
    select e.reference from expected e
    left join product_search s on s.brand_id = e.brand_id and s.product_id = e.id
    where s.document is distinct from e.document or s.folded is distinct from e.folded
    order by 1
  `.execute(db)
  return rows.map((r) => r.reference)
}

describe('search documents', () => {
  test('inserted and updated products get the documents and words of the first definition', async () => {
    const ctx = await createTestBrand(db, { locale: 'fr-FR' })
    await createProducts(ctx)
    assert.deepEqual(await differingDocuments(ctx), [])

    await sql`
      update products set translations = '{"fr": {"title": "Étole d’été"}}', attributes = '{"motif": "Rayé"}'
      where brand_id = ${ctx.brand.id} and reference = 'R0'
    `.execute(db)
    await sql`update brands set locale = 'en-GB' where id = ${ctx.brand.id}`.execute(db)
    assert.deepEqual(await differingDocuments(ctx), [])

    const words = await sql<{ word: string }>`
      select word from search_words where brand_id = ${ctx.brand.id} order by word`.execute(db)
    const list = words.rows.map((w) => w.word)
    for (const word of ['echarpe', 'oeuvre', 'coeur', 'deco', 'ecru', 'etole', 'raye']) {
      assert.ok(list.includes(word), `${word} in ${list.join(' ')}`)
    }
    assert.ok(
      list.every((w) => w.length >= 3 && w.length <= 40 && w === w.toLowerCase()),
      list.join(' '),
    )
  })

  test("brand isolation: a product's words go to its own brand's vocabulary only", async () => {
    const a = await createTestBrand(db)
    const b = await createTestBrand(db)
    await createProducts(a)
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from search_words where brand_id = ${b.brand.id}`.execute(db)
    assert.equal(rows[0]?.n, 0)
  })
})

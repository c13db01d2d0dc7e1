import { sql } from 'kysely'
import type { BrandCtx } from '../../brands/brand.ts'

/** What staging needs to know of an existing product: the hash of the content it last applied, and its status. */
export interface KnownProduct {
  id: string
  importHash: string | null
  status: string
}

export async function brandHasProducts(ctx: BrandCtx): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('products')
    .select('id')
    .where('brand_id', '=', ctx.brand.id)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

/**
 * The brand's products with these references, by reference: one primary-key probe per reference
 * (LATERAL … OFFSET 0), whatever the statistics say. Right after a first import the products table
 * has none for its new rows, and `reference = any(…)` was planned as a scan of all the brand's
 * index entries filtered by the array: 11 ms for 200 references of 20,000 products, 0.7 ms so.
 */
export async function knownProducts(ctx: BrandCtx, references: readonly string[]): Promise<Map<string, KnownProduct>> {
  if (references.length === 0) return new Map()
  const { rows } = await sql<{ id: string; reference: string; import_hash: string | null; status: string }>`
    select p.id, p.reference, p.import_hash, p.status
    from unnest(${references}::text[]) as r (reference)
    cross join lateral (
      select id, reference, import_hash, status from products
      where brand_id = ${ctx.brand.id} and reference = r.reference offset 0
    ) p
  `.execute(ctx.db)
  return new Map(rows.map((r) => [r.reference, { id: r.id, importHash: r.import_hash, status: r.status }]))
}

/**
 * The rule the apply uses to skip a product (apply-import.ts, import_products.skip): the content
 * hash is the one it last applied, and the run would not change its status (a feed without a
 * status re-activates an archived product). Staging uses it to guess which products need only
 * their items' keys staged; the apply decides again on the whole feed.
 */
export function looksUnchanged(known: KnownProduct | undefined, hash: string, feedStatus: string | null): boolean {
  if (known === undefined || known.importHash !== hash) return false
  const status = feedStatus ?? (known.status === 'archived' ? 'active' : known.status)
  return known.status === status
}

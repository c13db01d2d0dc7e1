import { sql } from 'kysely'
import type { BrandCtx } from '../../brands/brand.ts'

/** What staging needs to know of an existing product: the hash of the content it last applied, and its status. */
export interface KnownProduct {
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

/** The brand's products with these references (one query by the unique key), by reference. */
export async function knownProducts(ctx: BrandCtx, references: readonly string[]): Promise<Map<string, KnownProduct>> {
  if (references.length === 0) return new Map()
  const rows = await ctx.db
    .selectFrom('products')
    .select(['reference', 'import_hash', 'status'])
    .where('brand_id', '=', ctx.brand.id)
    // One array parameter, not one per reference.
    .where(sql<boolean>`reference = any(${references}::text[])`)
    .execute()
  return new Map(rows.map((r) => [r.reference, { importHash: r.import_hash, status: r.status }]))
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

import { sql } from 'kysely'
import type { Ctx } from '../platform/ctx.ts'
import type { Db } from '../platform/db/database.ts'
import { type Brand, toBrand } from './brand.ts'

export async function loadAllBrands(db: Db): Promise<Brand[]> {
  const [rows, hosts] = await Promise.all([
    db.selectFrom('brands').selectAll().orderBy('slug').execute(),
    db.selectFrom('brand_hosts').select(['host', 'brand_id']).orderBy('host').execute(),
  ])
  return rows.map((row) =>
    toBrand(
      row,
      hosts.filter((h) => h.brand_id === row.id).map((h) => h.host),
    ),
  )
}

export async function findBrandBySlug(db: Db, slug: string): Promise<Brand | null> {
  const row = await db.selectFrom('brands').selectAll().where('slug', '=', slug).executeTakeFirst()
  if (!row) return null
  const hosts = await db.selectFrom('brand_hosts').select('host').where('brand_id', '=', row.id).execute()
  return toBrand(
    row,
    hosts.map((h) => h.host),
  )
}

/**
 * The brand's catalog version now. Every write to its products moves it (bumpCatalogVersion), so
 * two equal readings mean its products are as they were: what the import's staging relies on.
 */
export async function catalogVersionOf(ctx: Ctx, brandId: string): Promise<number> {
  const row = await ctx.db
    .selectFrom('brands')
    .select('catalog_version')
    .where('id', '=', brandId)
    .executeTakeFirstOrThrow()
  return Number(row.catalog_version)
}

export const brandChangedChannel = 'vitrine_brand_changed'

/**
 * Marks the brand's catalog as changed: cached pages and listings key on catalog_version, so the
 * next request of every process rebuilds them. NOTIFY is delivered at commit, never before.
 */
export async function bumpCatalogVersion(ctx: Ctx, brandId: string): Promise<number> {
  const row = await ctx.db
    .updateTable('brands')
    .set((eb) => ({ catalog_version: eb('catalog_version', '+', 1) }))
    .where('id', '=', brandId)
    .returning('catalog_version')
    .executeTakeFirstOrThrow()
  await notifyBrandChanged(ctx, brandId)
  return row.catalog_version
}

export async function notifyBrandChanged(ctx: Ctx, brandId: string): Promise<void> {
  await sql`select pg_notify(${brandChangedChannel}, ${brandId})`.execute(ctx.db)
}

/** The name of the brand's order-number sequence; derived from its id so it needs no lookup. */
export function orderSequenceName(brandId: string): string {
  const hex = brandId.replaceAll('-', '').toLowerCase()
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`not a brand id: ${brandId}`)
  return `order_seq_${hex}`
}

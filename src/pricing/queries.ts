import { type Selectable, sql } from 'kysely'
import type { Ctx } from '../platform/ctx.ts'
import type { Db } from '../platform/db/database.ts'
import type { SaleEventsTable } from '../platform/db/schema.ts'
import { minorUnitDigits } from '../platform/money.ts'
import { type BrandSaleEvent, type FeedPrice, SalePlan } from './sale-plan.ts'

export const pricesChangedChannel = 'vitrine_prices_changed'

export type SaleEventRow = Selectable<SaleEventsTable>

/**
 * A brand's price schedule: its sale events, its feed sale prices (scheduled_prices, written by the
 * importer, read here because resolving them is pricing's job) and the members of the collections
 * its events target. Four small reads; at `catalogVersion`, the brand's version when asked.
 */
export async function loadSalePlan(
  db: Db,
  brand: { id: string; catalogVersion: number; currency: string },
): Promise<SalePlan> {
  const [events, version, feed] = await Promise.all([
    db
      .selectFrom('sale_events')
      .selectAll()
      .where('brand_id', '=', brand.id)
      .orderBy('starts_at')
      .orderBy('id')
      .execute(),
    db.selectFrom('price_versions').select('version').where('brand_id', '=', brand.id).executeTakeFirst(),
    db
      .selectFrom('scheduled_prices')
      .select(['id', 'variant_id', 'price_minor', 'starts_at', 'ends_at'])
      .where('brand_id', '=', brand.id)
      .execute(),
  ])
  const brandEvents = events.map(toBrandSaleEvent)
  const collectionIds = [
    ...new Set(
      brandEvents.flatMap((e) => e.rules.flatMap((r) => (r.target.kind === 'collections' ? r.target.ids : []))),
    ),
  ]
  const collectionProducts = await membersOf(db, brand.id, collectionIds)
  const byVariant = new Map<string, FeedPrice[]>()
  for (const f of feed) {
    const price: FeedPrice = {
      id: f.id,
      variantId: f.variant_id,
      priceMinor: Number(f.price_minor),
      startsAt: f.starts_at === null ? null : f.starts_at.getTime(),
      endsAt: f.ends_at === null ? null : f.ends_at.getTime(),
    }
    const list = byVariant.get(f.variant_id)
    if (list) list.push(price)
    else byVariant.set(f.variant_id, [price])
  }
  return new SalePlan(
    brand.id,
    Number(version?.version ?? 0),
    brand.catalogVersion,
    brandEvents,
    byVariant,
    collectionProducts,
    minorUnitDigits(brand.currency),
  )
}

/**
 * Products of collections, by collection id: a manual collection's listed and pinned products.
 * Rule-based collections (category, attributes, price range, "on sale") are not resolved here:
 * their rules are the collections module's to evaluate, and an "on sale" rule would depend on the
 * very prices being computed. Sale events therefore target manual collections (save refuses others).
 */
async function membersOf(db: Db, brandId: string, ids: string[]): Promise<Map<string, Set<string>>> {
  const found = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]))
  if (ids.length === 0) return found
  const rows = await db
    .selectFrom('collection_products')
    .select(['collection_id', 'product_id'])
    .where('brand_id', '=', brandId)
    .where('collection_id', 'in', ids)
    .union(
      db
        .selectFrom('collection_pins')
        .select(['collection_id', 'product_id'])
        .where('brand_id', '=', brandId)
        .where('collection_id', 'in', ids),
    )
    .execute()
  for (const r of rows) found.get(r.collection_id)?.add(r.product_id)
  return found
}

export function toBrandSaleEvent(row: SaleEventRow): BrandSaleEvent {
  return {
    id: row.id,
    brandId: row.brand_id,
    name: row.name,
    startsAt: row.starts_at.getTime(),
    endsAt: row.ends_at.getTime(),
    priority: row.priority,
    combine: row.combine,
    rounding: row.rounding,
    rules: row.rules,
  }
}

/** Every brand's edit version: the safety net against a lost notification compares them. */
export async function allPriceVersions(db: Db): Promise<Map<string, number>> {
  const rows = await db.selectFrom('price_versions').select(['brand_id', 'version']).execute()
  return new Map(rows.map((r) => [r.brand_id, Number(r.version)]))
}

/**
 * Marks a brand's prices as edited: its price version moves, and every process reloads its plan
 * (NOTIFY is delivered at commit, never before, so no process reads the old rows after it).
 */
export async function bumpPriceVersion(ctx: Ctx, brandId: string): Promise<number> {
  const row = await ctx.db
    .insertInto('price_versions')
    .values({ brand_id: brandId, version: 1 })
    .onConflict((oc) => oc.column('brand_id').doUpdateSet({ version: sql`price_versions.version + 1` }))
    .returning('version')
    .executeTakeFirstOrThrow()
  await sql`select pg_notify(${pricesChangedChannel}, ${brandId})`.execute(ctx.db)
  return Number(row.version)
}

/** The rows of one event, one per brand it covers. */
export async function eventRows(ctx: Ctx, eventId: string) {
  return ctx.db.selectFrom('sale_events').selectAll().where('id', '=', eventId).orderBy('brand_id').execute()
}

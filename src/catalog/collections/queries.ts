import type { BrandCtx } from '../../brands/brand.ts'
import { bumpCatalogVersion } from '../../brands/queries.ts'
import { withDb } from '../../platform/ctx.ts'
import type { Db } from '../../platform/db/database.ts'
import { inTransaction } from '../../platform/db/transaction.ts'
import { BadRequest, Conflict, NotFound } from '../../platform/errors.ts'
import { newId } from '../../platform/ids.ts'
import type { Collection, CollectionKind, CollectionRules, CollectionSort } from './collection.ts'

export interface NewCollectionInput {
  slug: string
  title: string
  description?: string
  kind: CollectionKind
  rules?: CollectionRules
  sort?: CollectionSort
  featured?: boolean
  position?: number
}

export type CollectionChanges = Partial<Omit<NewCollectionInput, 'kind'>>

/** Every collection of the brand with its members and pins, featured first by position, then by title. */
export async function listCollections(ctx: BrandCtx): Promise<Collection[]> {
  return readCollections(ctx.db, ctx.brand.id)
}

export async function getCollection(ctx: BrandCtx, id: string): Promise<Collection | null> {
  return (await readCollections(ctx.db, ctx.brand.id, id))[0] ?? null
}

export async function readCollections(db: Db, brandId: string, id?: string): Promise<Collection[]> {
  let rows = db
    .selectFrom('collections')
    .selectAll()
    .where('brand_id', '=', brandId)
    .orderBy('featured', 'desc')
    .orderBy('position')
    .orderBy('title')
    .orderBy('id')
  if (id) rows = rows.where('id', '=', id)
  let members = db
    .selectFrom('collection_products')
    .select(['collection_id', 'product_id'])
    .where('brand_id', '=', brandId)
    .orderBy('collection_id')
    .orderBy('position')
  let pins = db
    .selectFrom('collection_pins')
    .select(['collection_id', 'product_id'])
    .where('brand_id', '=', brandId)
    .orderBy('collection_id')
    .orderBy('position')
  if (id) {
    members = members.where('collection_id', '=', id)
    pins = pins.where('collection_id', '=', id)
  }
  const [collections, memberRows, pinRows] = await Promise.all([rows.execute(), members.execute(), pins.execute()])
  const group = (list: Array<{ collection_id: string; product_id: string }>) => {
    const by = new Map<string, string[]>()
    for (const r of list) by.set(r.collection_id, [...(by.get(r.collection_id) ?? []), r.product_id])
    return by
  }
  const productIds = group(memberRows)
  const pinnedIds = group(pinRows)
  return collections.map((c) => ({
    id: c.id,
    slug: c.slug,
    title: c.title,
    description: c.description,
    kind: c.kind,
    rules: c.rules as CollectionRules,
    sort: c.sort,
    featured: c.featured,
    position: c.position,
    productIds: productIds.get(c.id) ?? [],
    pinnedIds: pinnedIds.get(c.id) ?? [],
    createdAt: c.created_at,
    updatedAt: c.updated_at,
  }))
}

/** Creates a collection; the catalog version moves so listings and pages rebuild. */
export async function createCollection(ctx: BrandCtx, input: NewCollectionInput): Promise<string> {
  const id = newId()
  await inTransaction(ctx.db, async (tx) => {
    await assertSlugFree(tx, ctx.brand.id, input.slug, null)
    await tx
      .insertInto('collections')
      .values({
        brand_id: ctx.brand.id,
        id,
        slug: input.slug,
        title: input.title,
        description: input.description ?? '',
        kind: input.kind,
        rules: JSON.stringify(input.kind === 'rule' ? (input.rules ?? {}) : {}),
        sort: input.sort ?? (input.kind === 'manual' ? 'manual' : 'newest'),
        featured: input.featured ?? false,
        position: input.position ?? 0,
        created_at: ctx.now,
        updated_at: ctx.now,
      })
      .execute()
    await bumpCatalogVersion(withDb(ctx, tx), ctx.brand.id)
  })
  return id
}

export async function updateCollection(ctx: BrandCtx, id: string, changes: CollectionChanges): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const current = await lockCollection(tx, ctx.brand.id, id)
    if (changes.slug !== undefined) await assertSlugFree(tx, ctx.brand.id, changes.slug, id)
    if (changes.rules !== undefined && current.kind !== 'rule')
      throw new BadRequest('collection-kind', 'Only a rule-based collection has rules')
    await tx
      .updateTable('collections')
      .set({
        updated_at: ctx.now,
        ...(changes.slug !== undefined ? { slug: changes.slug } : {}),
        ...(changes.title !== undefined ? { title: changes.title } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
        ...(changes.rules !== undefined ? { rules: JSON.stringify(changes.rules) } : {}),
        ...(changes.sort !== undefined ? { sort: changes.sort } : {}),
        ...(changes.featured !== undefined ? { featured: changes.featured } : {}),
        ...(changes.position !== undefined ? { position: changes.position } : {}),
      })
      .where('brand_id', '=', ctx.brand.id)
      .where('id', '=', id)
      .execute()
    await bumpCatalogVersion(withDb(ctx, tx), ctx.brand.id)
  })
}

export async function deleteCollection(ctx: BrandCtx, id: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const result = await tx
      .deleteFrom('collections')
      .where('brand_id', '=', ctx.brand.id)
      .where('id', '=', id)
      .executeTakeFirst()
    if (result.numDeletedRows === 0n) throw new NotFound('Collection')
    await bumpCatalogVersion(withDb(ctx, tx), ctx.brand.id)
  })
}

/**
 * Replaces a manual collection's members (`which: 'products'`, in this order) or any collection's
 * pins (`'pins'`). Every id must be a product of the brand (any status: a draft may be lined up
 * before it goes live; only active products are shown).
 */
export async function setCollectionList(
  ctx: BrandCtx,
  id: string,
  which: 'products' | 'pins',
  productIds: readonly string[],
): Promise<void> {
  const unique = [...new Set(productIds)]
  if (unique.length !== productIds.length) throw new BadRequest('validation', 'A product is listed twice')
  await inTransaction(ctx.db, async (tx) => {
    const current = await lockCollection(tx, ctx.brand.id, id)
    if (which === 'products' && current.kind !== 'manual')
      throw new BadRequest(
        'collection-kind',
        'A rule-based collection takes its products from its rules; pin products instead',
      )
    if (unique.length > 0) {
      const found = await tx
        .selectFrom('products')
        .select('id')
        .where('brand_id', '=', ctx.brand.id)
        .where('id', 'in', unique)
        .execute()
      if (found.length !== unique.length) {
        const known = new Set(found.map((r) => r.id))
        throw new BadRequest('unknown-products', 'Some product ids are not products of this brand', {
          productIds: unique.filter((p) => !known.has(p)).slice(0, 20),
        })
      }
    }
    const table = which === 'products' ? 'collection_products' : 'collection_pins'
    await tx.deleteFrom(table).where('brand_id', '=', ctx.brand.id).where('collection_id', '=', id).execute()
    if (unique.length > 0) {
      await tx
        .insertInto(table)
        .values(
          unique.map((productId, position) => ({
            brand_id: ctx.brand.id,
            collection_id: id,
            product_id: productId,
            position,
          })),
        )
        .execute()
    }
    await tx
      .updateTable('collections')
      .set({ updated_at: ctx.now })
      .where('brand_id', '=', ctx.brand.id)
      .where('id', '=', id)
      .execute()
    await bumpCatalogVersion(withDb(ctx, tx), ctx.brand.id)
  })
}

async function lockCollection(tx: Db, brandId: string, id: string): Promise<{ kind: CollectionKind }> {
  const row = await tx
    .selectFrom('collections')
    .select('kind')
    .where('brand_id', '=', brandId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
  if (!row) throw new NotFound('Collection')
  return row
}

async function assertSlugFree(tx: Db, brandId: string, slug: string, except: string | null): Promise<void> {
  let query = tx.selectFrom('collections').select('id').where('brand_id', '=', brandId).where('slug', '=', slug)
  if (except) query = query.where('id', '<>', except)
  if (await query.executeTakeFirst())
    throw new Conflict('duplicate-slug', `Another collection of this brand is "${slug}"`)
}

import type { Selectable } from 'kysely'
import type { BrandCtx } from '../brands/brand.ts'
import type { PromotionCodesTable } from '../platform/db/schema.ts'
import type { Promotion } from './promotion.ts'

type PromotionRow = Selectable<PromotionCodesTable>

/** The brand's code with this (normalised) text, or null. */
export async function findPromotionByCode(ctx: BrandCtx, code: string): Promise<Promotion | null> {
  const row = await ctx.db
    .selectFrom('promotion_codes')
    .selectAll()
    .where('brand_id', '=', ctx.brand.id)
    .where('code', '=', code)
    .executeTakeFirst()
  return row ? toPromotion(row) : null
}

export async function getPromotion(ctx: BrandCtx, id: string): Promise<Promotion | null> {
  const row = await ctx.db
    .selectFrom('promotion_codes')
    .selectAll()
    .where('brand_id', '=', ctx.brand.id)
    .where('id', '=', id)
    .executeTakeFirst()
  return row ? toPromotion(row) : null
}

export interface PromotionListQuery {
  limit: number
  /** Codes sorting after this one (the last code of the previous page). */
  after?: string
  active?: boolean
}

/** The brand's codes in code order, keyset-paged. */
export async function listPromotions(ctx: BrandCtx, query: PromotionListQuery): Promise<Promotion[]> {
  let select = ctx.db.selectFrom('promotion_codes').selectAll().where('brand_id', '=', ctx.brand.id)
  if (query.after !== undefined) select = select.where('code', '>', query.after)
  if (query.active !== undefined) select = select.where('active', '=', query.active)
  const rows = await select.orderBy('code').limit(query.limit).execute()
  return rows.map(toPromotion)
}

/** How many orders this customer (normalised e-mail) placed with the code. */
export async function customerUses(ctx: BrandCtx, promotionId: string, customer: string): Promise<number> {
  const row = await ctx.db
    .selectFrom('promotion_customer_uses')
    .select('used')
    .where('brand_id', '=', ctx.brand.id)
    .where('promotion_id', '=', promotionId)
    .where('customer', '=', customer)
    .executeTakeFirst()
  return row?.used ?? 0
}

/** Distinct customers who used the code: the admin view's usage figures. */
export async function customerCount(ctx: BrandCtx, promotionId: string): Promise<number> {
  const row = await ctx.db
    .selectFrom('promotion_customer_uses')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('brand_id', '=', ctx.brand.id)
    .where('promotion_id', '=', promotionId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** What staff set on a code: everything but its identity, usage count and authorship. */
export type PromotionFields = Pick<
  Promotion,
  | 'description'
  | 'kind'
  | 'percent'
  | 'amountMinor'
  | 'minimumSpendMinor'
  | 'startsAt'
  | 'endsAt'
  | 'active'
  | 'usageLimit'
  | 'perCustomerLimit'
>

/** Inserts a code; false when the brand already has one with this text (unique per brand). */
export async function insertPromotion(
  ctx: BrandCtx,
  promotion: PromotionFields & { id: string; code: string; createdBy: string },
): Promise<boolean> {
  const inserted = await ctx.db
    .insertInto('promotion_codes')
    .values({
      brand_id: ctx.brand.id,
      id: promotion.id,
      code: promotion.code,
      created_by: promotion.createdBy,
      created_at: ctx.now,
      updated_at: ctx.now,
      ...toColumns(promotion),
    })
    .onConflict((oc) => oc.columns(['brand_id', 'code']).doNothing())
    .executeTakeFirst()
  return (inserted.numInsertedOrUpdatedRows ?? 0n) > 0n
}

export async function updatePromotion(ctx: BrandCtx, id: string, fields: PromotionFields): Promise<boolean> {
  const updated = await ctx.db
    .updateTable('promotion_codes')
    .set({ ...toColumns(fields), updated_at: ctx.now })
    .where('brand_id', '=', ctx.brand.id)
    .where('id', '=', id)
    .executeTakeFirst()
  return updated.numUpdatedRows > 0n
}

function toColumns(fields: PromotionFields) {
  return {
    description: fields.description,
    kind: fields.kind,
    percent: fields.kind === 'percentage' ? fields.percent : null,
    amount_minor: fields.kind === 'amount' ? fields.amountMinor : null,
    minimum_spend_minor: fields.minimumSpendMinor,
    starts_at: fields.startsAt,
    ends_at: fields.endsAt,
    active: fields.active,
    usage_limit: fields.usageLimit,
    per_customer_limit: fields.perCustomerLimit,
  }
}

export function toPromotion(row: PromotionRow): Promotion {
  return {
    id: row.id,
    code: row.code,
    description: row.description,
    kind: row.kind,
    percent: row.percent,
    amountMinor: row.amount_minor === null ? null : Number(row.amount_minor),
    minimumSpendMinor: Number(row.minimum_spend_minor),
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    active: row.active,
    usageLimit: row.usage_limit,
    perCustomerLimit: row.per_customer_limit,
    used: row.used,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

import { auditActor } from '../access/audit/record-audit.ts'
import { audited } from '../access/index.ts'
import type { BrandCtx } from '../brands/brand.ts'
import { BadRequest, NotFound } from '../platform/errors.ts'
import { newId } from '../platform/ids.ts'
import { DuplicatePromotionCode } from './errors.ts'
import { normalizeCode, type Promotion, type PromotionKind } from './promotion.ts'
import { getPromotion, insertPromotion, type PromotionFields, updatePromotion } from './queries.ts'

export interface PromotionInput {
  description?: string
  kind?: PromotionKind
  percent?: number | null
  amountMinor?: number | null
  minimumSpendMinor?: number
  startsAt?: string | null
  endsAt?: string | null
  active?: boolean
  usageLimit?: number | null
  perCustomerLimit?: number | null
}

/** Creates a code (staff only, audited). The code text is case-insensitive and unique per brand. */
export async function createPromotion(ctx: BrandCtx, input: PromotionInput & { code: string }): Promise<Promotion> {
  const code = normalizeCode(input.code)
  if (!code) throw new BadRequest('validation', 'A code is 2–40 letters, digits, "-" or "_"')
  if (!input.kind) throw new BadRequest('validation', 'kind is required')
  const fields = validFields({ ...defaults, ...definedOnly(input) } as PromotionFieldsInput)
  const id = newId()
  await audited(ctx, {
    brandId: ctx.brand.id,
    entityType: 'promotion',
    action: 'create',
    entityId: id,
    write: async (tx) => {
      const inserted = await insertPromotion(tx, { ...fields, id, code, createdBy: auditActor(ctx).label })
      if (!inserted) throw new DuplicatePromotionCode(code)
    },
    after: (tx) => promotionAuditView(tx, id),
  })
  const created = await getPromotion(ctx, id)
  if (!created) throw new NotFound('Promotion')
  return created
}

/**
 * Changes a code's terms (audited). The code text itself never changes: orders and the ERP refer
 * to it. Lowering a cap below the uses already made simply leaves the code used up.
 */
export async function changePromotion(
  ctx: BrandCtx,
  id: string,
  changes: PromotionInput,
  action: 'update' | 'deactivate' = 'update',
): Promise<Promotion> {
  const view = (tx: BrandCtx) => promotionAuditView(tx, id)
  await audited(ctx, {
    brandId: ctx.brand.id,
    entityType: 'promotion',
    action,
    entityId: id,
    before: view,
    write: async (tx) => {
      const current = await getPromotion(tx, id)
      if (!current) throw new NotFound('Promotion')
      const merged = { ...fieldsOf(current), ...definedOnly(changes) }
      // Switching kind drops the other kind's value unless it is given again.
      if (changes.kind && changes.kind !== current.kind) {
        if (changes.percent === undefined) merged.percent = null
        if (changes.amountMinor === undefined) merged.amountMinor = null
      }
      await updatePromotion(tx, id, validFields(merged))
    },
    after: view,
  })
  const promotion = await getPromotion(ctx, id)
  if (!promotion) throw new NotFound('Promotion')
  return promotion
}

type PromotionFieldsInput = Omit<PromotionFields, 'startsAt' | 'endsAt'> & {
  startsAt: string | Date | null
  endsAt: string | Date | null
}

const defaults = {
  description: '',
  percent: null,
  amountMinor: null,
  minimumSpendMinor: 0,
  startsAt: null,
  endsAt: null,
  active: true,
  usageLimit: null,
  perCustomerLimit: null,
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

function fieldsOf(p: Promotion): PromotionFieldsInput {
  return {
    description: p.description,
    kind: p.kind,
    percent: p.percent,
    amountMinor: p.amountMinor,
    minimumSpendMinor: p.minimumSpendMinor,
    startsAt: p.startsAt,
    endsAt: p.endsAt,
    active: p.active,
    usageLimit: p.usageLimit,
    perCustomerLimit: p.perCustomerLimit,
  }
}

/** The rules a code's terms must keep together (the schema checks each field alone). */
function validFields(input: PromotionFieldsInput): PromotionFields {
  const startsAt = toInstant(input.startsAt, 'startsAt')
  const endsAt = toInstant(input.endsAt, 'endsAt')
  if (startsAt && endsAt && endsAt <= startsAt) throw new BadRequest('validation', 'endsAt must be after startsAt')
  if (input.kind === 'percentage' && input.percent === null)
    throw new BadRequest('validation', 'A percentage code needs percent')
  if (input.kind === 'amount' && input.amountMinor === null)
    throw new BadRequest('validation', 'An amount code needs amountMinor')
  if (input.kind !== 'percentage' && input.percent !== null)
    throw new BadRequest('validation', 'percent is for percentage codes')
  if (input.kind !== 'amount' && input.amountMinor !== null)
    throw new BadRequest('validation', 'amountMinor is for amount codes')
  return { ...input, startsAt, endsAt }
}

function toInstant(value: string | Date | null, name: string): Date | null {
  if (value === null) return null
  const date = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(date.getTime())) throw new BadRequest('validation', `${name} is not an instant`)
  return date
}

/** The audited fields of a code (what an admin can change), or null if absent. */
async function promotionAuditView(ctx: BrandCtx, id: string): Promise<Record<string, unknown> | null> {
  const p = await getPromotion(ctx, id)
  if (!p) return null
  return {
    code: p.code,
    description: p.description,
    kind: p.kind,
    percent: p.percent,
    amountMinor: p.amountMinor,
    minimumSpendMinor: p.minimumSpendMinor,
    startsAt: p.startsAt?.toISOString() ?? null,
    endsAt: p.endsAt?.toISOString() ?? null,
    active: p.active,
    usageLimit: p.usageLimit,
    perCustomerLimit: p.perCustomerLimit,
  }
}

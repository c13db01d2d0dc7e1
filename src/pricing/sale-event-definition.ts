import type { Brand } from '../brands/brand.ts'
import type { Ctx } from '../platform/ctx.ts'
import type { SaleRuleRow } from '../platform/db/schema.ts'
import { BadRequest } from '../platform/errors.ts'
import { InvalidLocalTime, instantOf } from './local-time.ts'
import type { Combine, Rounding } from './resolve-price.ts'

/** A sale event as the admin API takes it: one definition for one or several brands. */
export interface SaleEventInput {
  name: string
  /** Brands by slug; access to each was checked by the caller. */
  brands: Brand[]
  /** "2026-01-07T08:00" (wall-clock time in each brand's zone) or an instant with offset/Z. */
  startsAt: string
  endsAt: string
  priority: number
  combine: Combine
  rounding: Rounding | null
  rules: SaleRuleInput[]
}

export type DiscountInput =
  | { kind: 'percent'; percent: number }
  | { kind: 'amount'; amountMinor: number }
  | { kind: 'fixed'; priceMinor: number }

export interface SaleRuleInput {
  discount: DiscountInput
  target: SaleRuleRow['target']
}

/** One brand's row of an event, ready to insert. */
export interface BrandEventRow {
  brand: Brand
  startsAt: Date
  endsAt: Date
  rules: SaleRuleRow[]
}

export class InvalidSaleEvent extends BadRequest {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super('invalid-sale-event', message, extensions)
  }
}

/**
 * Checks a definition and splits it per brand: instants in each brand's zone (DST-safe), product,
 * variant and collection ids assigned to the brand that owns them — an id of no brand of the event
 * (another brand's, or none) is refused without saying which. Whole-brand and category rules apply
 * to every brand of the event.
 */
export async function splitPerBrand(ctx: Ctx, input: SaleEventInput): Promise<BrandEventRow[]> {
  if (input.brands.length === 0) throw new InvalidSaleEvent('A sale event needs at least one brand')
  if (input.rules.length === 0) throw new InvalidSaleEvent('A sale event needs at least one rule')
  const currencies = new Set(input.brands.map((b) => b.currency))
  for (const [index, rule] of input.rules.entries()) {
    if (rule.discount.kind !== 'percent' && currencies.size > 1) {
      throw new InvalidSaleEvent(
        `Rule ${index + 1}: an amount or a fixed price needs brands of one currency (${[...currencies].join(', ')})`,
      )
    }
    if (input.combine === 'stack' && rule.discount.kind === 'fixed') {
      throw new InvalidSaleEvent(`Rule ${index + 1}: a fixed sale price replaces the price and cannot stack`)
    }
  }
  const brandIds = input.brands.map((b) => b.id)
  const owners = await ownersOf(ctx, brandIds, input.rules)
  return input.brands.map((brand) => {
    let startsAt: Date
    let endsAt: Date
    try {
      startsAt = instantOf(input.startsAt, brand.timeZone)
      endsAt = instantOf(input.endsAt, brand.timeZone)
    } catch (error) {
      if (error instanceof InvalidLocalTime) throw new InvalidSaleEvent(`${error.message} (brand ${brand.slug})`)
      throw error
    }
    if (startsAt.getTime() >= endsAt.getTime()) {
      throw new InvalidSaleEvent(`The event must end after it starts (brand ${brand.slug}, ${brand.timeZone})`)
    }
    const rules = input.rules.map((rule): SaleRuleRow => {
      const discount: SaleRuleRow['discount'] =
        rule.discount.kind === 'percent'
          ? { kind: 'percent', basisPoints: Math.round(rule.discount.percent * 100) }
          : rule.discount
      const target = rule.target
      if (target.kind === 'brand') return { discount, target: { kind: 'brand' } }
      if (target.kind === 'categories')
        return { discount, target: { kind: 'categories', paths: [...new Set(target.paths)] } }
      const ids = [...new Set(target.ids)].filter((id) => owners.get(`${target.kind}:${id}`) === brand.id)
      return { discount, target: { kind: target.kind, ids } }
    })
    return { brand, startsAt, endsAt, rules }
  })
}

/** Which brand of the event owns each product, variant and (manual) collection id the rules name. */
async function ownersOf(ctx: Ctx, brandIds: string[], rules: SaleRuleInput[]): Promise<Map<string, string>> {
  const wanted = { products: new Set<string>(), variants: new Set<string>(), collections: new Set<string>() }
  for (const r of rules) {
    if (r.target.kind === 'products' || r.target.kind === 'variants' || r.target.kind === 'collections') {
      for (const id of r.target.ids) wanted[r.target.kind].add(id)
    }
  }
  const owners = new Map<string, string>()
  const [products, variants, collections] = await Promise.all([
    wanted.products.size === 0
      ? []
      : ctx.db
          .selectFrom('products')
          .select(['id', 'brand_id'])
          .where('brand_id', 'in', brandIds)
          .where('id', 'in', [...wanted.products])
          .execute(),
    wanted.variants.size === 0
      ? []
      : ctx.db
          .selectFrom('variants')
          .select(['id', 'brand_id'])
          .where('brand_id', 'in', brandIds)
          .where('id', 'in', [...wanted.variants])
          .execute(),
    wanted.collections.size === 0
      ? []
      : ctx.db
          .selectFrom('collections')
          .select(['id', 'brand_id', 'kind'])
          .where('brand_id', 'in', brandIds)
          .where('id', 'in', [...wanted.collections])
          .execute(),
  ])
  for (const p of products) owners.set(`products:${p.id}`, p.brand_id)
  for (const v of variants) owners.set(`variants:${v.id}`, v.brand_id)
  for (const c of collections) {
    if (c.kind !== 'manual') {
      throw new InvalidSaleEvent(
        `Collection ${c.id} is rule-based: sale events target manual collections (target a rule's categories directly)`,
      )
    }
    owners.set(`collections:${c.id}`, c.brand_id)
  }
  for (const kind of ['products', 'variants', 'collections'] as const) {
    const unknown = [...wanted[kind]].filter((id) => !owners.has(`${kind}:${id}`))
    if (unknown.length > 0) {
      throw new InvalidSaleEvent(`Unknown ${kind} for the event's brands: ${unknown.slice(0, 10).join(', ')}`, {
        unknown: unknown.slice(0, 100),
      })
    }
  }
  return owners
}

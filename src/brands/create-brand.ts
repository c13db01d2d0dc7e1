import { sql } from 'kysely'
import type { Ctx } from '../platform/ctx.ts'
import { inTransaction } from '../platform/db/transaction.ts'
import { BadRequest, Conflict } from '../platform/errors.ts'
import { newId } from '../platform/ids.ts'
import type { Brand, ShippingMethod, Theme } from './brand.ts'
import { findBrandBySlug, notifyBrandChanged, orderSequenceName } from './queries.ts'

export interface CreateBrandInput {
  slug: string
  name: string
  orderPrefix: string
  currency: string
  locale: string
  timeZone: string
  vatRateBp: number
  shippingMethods: ShippingMethod[]
  theme: Theme
  tagline?: Record<string, string>
  hosts?: string[]
}

/**
 * Creates a brand with its host names and its order-number sequence. A sequence (not a counter
 * row) numbers orders because nextval never waits on another checkout's lock; the price is that a
 * rolled-back checkout leaves a gap in the numbers, which ERPs accept.
 */
export async function createBrand(ctx: Ctx, input: CreateBrandInput): Promise<Brand> {
  assertValidTimeZone(input.timeZone)
  assertValidLocale(input.locale)
  assertValidCurrency(input.currency)
  const id = newId()
  await inTransaction(ctx.db, async (tx) => {
    const taken = await tx
      .selectFrom('brands')
      .select('slug')
      .where((eb) => eb.or([eb('slug', '=', input.slug), eb('order_prefix', '=', input.orderPrefix)]))
      .executeTakeFirst()
    if (taken) throw new Conflict('duplicate-reference', `A brand already uses slug or order prefix of "${input.slug}"`)
    await tx
      .insertInto('brands')
      .values({
        id,
        slug: input.slug,
        name: input.name,
        order_prefix: input.orderPrefix,
        currency: input.currency,
        locale: input.locale,
        time_zone: input.timeZone,
        vat_rate_bp: input.vatRateBp,
        shipping_methods: JSON.stringify(input.shippingMethods),
        theme: JSON.stringify(input.theme),
        tagline: JSON.stringify(input.tagline ?? {}),
        created_at: ctx.now,
        updated_at: ctx.now,
      })
      .execute()
    const hosts = (input.hosts ?? []).map((h) => h.toLowerCase())
    if (hosts.length > 0) {
      const clash = await tx.selectFrom('brand_hosts').select('host').where('host', 'in', hosts).executeTakeFirst()
      if (clash) throw new Conflict('duplicate-reference', `Host ${clash.host} already belongs to another brand`)
      await tx
        .insertInto('brand_hosts')
        .values(hosts.map((host) => ({ host, brand_id: id })))
        .execute()
    }
    await sql`create sequence ${sql.id(orderSequenceName(id))}`.execute(tx)
    await notifyBrandChanged({ ...ctx, db: tx }, id)
  })
  const brand = await findBrandBySlug(ctx.db, input.slug)
  if (!brand) throw new Error('brand vanished after creation')
  ctx.log.info({ brand: brand.slug }, 'brand created')
  return brand
}

function assertValidTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone })
  } catch {
    throw new BadRequest('validation', `Unknown time zone "${timeZone}"`)
  }
}

function assertValidLocale(locale: string): void {
  try {
    if (Intl.getCanonicalLocales(locale).length !== 1) throw new Error()
  } catch {
    throw new BadRequest('validation', `Invalid locale "${locale}"`)
  }
}

function assertValidCurrency(currency: string): void {
  if (!Intl.supportedValuesOf('currency').includes(currency)) {
    throw new BadRequest('validation', `Unknown currency "${currency}"`)
  }
}

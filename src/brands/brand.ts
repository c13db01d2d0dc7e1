import type { Ctx } from '../platform/ctx.ts'
import type { BrandRow, ShippingMethodRow, ThemeRow } from '../platform/db/schema.ts'

export type ShippingMethod = ShippingMethodRow
export type Theme = ThemeRow

/** A brand as the rest of the code sees it: a tenant with its shop settings. */
export interface Brand {
  id: string
  slug: string
  name: string
  orderPrefix: string
  currency: string
  locale: string
  timeZone: string
  vatRateBp: number
  shippingMethods: ShippingMethod[]
  theme: Theme
  tagline: Record<string, string>
  hosts: string[]
  /** Bumped on every catalog or price change; cached pages and JSON key on it. */
  catalogVersion: number
}

/** A context acting inside one brand: every tenant query filters by ctx.brand.id. */
export interface BrandCtx extends Ctx {
  brand: Brand
}

export function toBrand(row: BrandRow, hosts: string[]): Brand {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    orderPrefix: row.order_prefix,
    currency: row.currency,
    locale: row.locale,
    timeZone: row.time_zone,
    vatRateBp: row.vat_rate_bp,
    shippingMethods: row.shipping_methods,
    theme: row.theme,
    tagline: row.tagline,
    hosts,
    catalogVersion: row.catalog_version,
  }
}

/** The language of a brand's labels and of its catalog's main text: 'fr' for fr-FR, 'en' for en-GB. */
export const brandLanguage = (brand: Pick<Brand, 'locale'>): string => brand.locale.split('-')[0] ?? 'en'

import type { BrandCtx } from '../../src/brands/brand.ts'
import { createSaleEvent, type SaleEventInput } from '../../src/pricing/index.ts'
import { systemCtx } from '../helpers/fixtures.ts'

/** A sale event made directly (not through HTTP), as a merchandiser would through the admin API. */
export async function saleEvent(
  brands: BrandCtx[],
  overrides: Partial<Omit<SaleEventInput, 'brands'>> & Pick<SaleEventInput, 'rules'>,
): Promise<string> {
  const first = brands[0]
  if (!first) throw new Error('saleEvent needs a brand')
  return createSaleEvent(systemCtx(first.db), {
    name: 'Soldes',
    startsAt: '2026-01-07T08:00',
    endsAt: '2026-02-03T20:00',
    priority: 0,
    combine: 'best',
    rounding: null,
    ...overrides,
    brands: brands.map((b) => b.brand),
  })
}

export const percent = (value: number) => ({ kind: 'percent' as const, percent: value })
export const wholeBrand = { kind: 'brand' as const }

/** A mutable clock for a test server: `clock.set('2026-01-07T06:59:59.999Z')`. */
export function testClock(start: string) {
  let now = Date.parse(start)
  return {
    now: () => new Date(now),
    set(iso: string) {
      now = Date.parse(iso)
    },
  }
}

export const hostOf = (brand: BrandCtx) => `${brand.brand.slug}.localhost`

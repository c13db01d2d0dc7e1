import { performance } from 'node:perf_hooks'
import { buildApp } from '../src/app.ts'
import type { BrandCtx } from '../src/brands/brand.ts'
import { BrandDirectory } from '../src/brands/brand-directory.ts'
import { createBrand } from '../src/brands/create-brand.ts'
import { catalogSnapshots } from '../src/catalog/catalog-snapshot.ts'
import { createProducts, type NewProductInput } from '../src/catalog/index.ts'
import { silentLog } from '../src/platform/ctx.ts'
import { createSaleEvent, pricesAt } from '../src/pricing/index.ts'
import type { PricedVariantFacts } from '../src/pricing/sale-plan.ts'
import type { BenchDatabase } from './database.ts'
import type { ResultRow } from './report.ts'
import { systemCtx } from './seed.ts'
import { percentile } from './stats.ts'

const listingSize = 48
const variantsPerProduct = 6
/** The instant measured: inside all five events. */
const during = new Date('2031-01-15T12:00:00Z')

/**
 * What sale events cost a listing, in process (app.inject: the whole Fastify route, no socket):
 * two brands with the same 48 products × 6 variants, one without events, one with 5 overlapping
 * events (whole brand, category with .99 rounding, products at a fixed price, a stacking
 * percentage, an exclusive event on some variants), at an instant inside all five.
 * (1) the cached JSON listing (?pageSize=48, the response cache warm): per-request time with
 *     events ÷ without (goal < 1.2×); (2) raw resolution: `pricesAt` for the listing's 288
 *     variants, with and without events; (3) a diagnostic: pricing the whole brand for a new
 *     period (what the boundary timer or the first request after a boundary pays once).
 */
export async function benchPricing(input: {
  bench: BenchDatabase
  durationS: number
  progress: (message: string) => void
}): Promise<ResultRow[]> {
  const { bench, progress } = input
  const db = bench.setup.db
  progress(`pricing: seeding 2 brands × ${listingSize} products × ${variantsPerProduct} variants, 5 events on one`)
  const plain = await seedBrand(bench, 'pricing-plain')
  const onSale = await seedBrand(bench, 'pricing-sale')
  const products = (await catalogSnapshots(db).base(onSale.ctx)).products
  const third = (n: number) => products.slice(0, n).map((p) => p.id)
  const event = (name: string, extra: Partial<Parameters<typeof createSaleEvent>[1]>) =>
    createSaleEvent(systemCtx(db), {
      name,
      brands: [onSale.ctx.brand],
      startsAt: '2031-01-07T08:00',
      endsAt: '2031-02-03T20:00',
      priority: 0,
      combine: 'best',
      rounding: null,
      rules: [],
      ...extra,
    })
  await event('whole brand −20 %', {
    rules: [{ discount: { kind: 'percent', percent: 20 }, target: { kind: 'brand' } }],
  })
  await event('Femme −30 %, .99', {
    startsAt: '2031-01-10T08:00',
    rounding: '.99',
    rules: [{ discount: { kind: 'percent', percent: 30 }, target: { kind: 'categories', paths: ['Femme'] } }],
  })
  await event('fixed prices', {
    rules: [{ discount: { kind: 'fixed', priceMinor: 1999 }, target: { kind: 'products', ids: third(12) } }],
  })
  await event('extra −10 % stacking', {
    combine: 'stack',
    priority: 5,
    rules: [{ discount: { kind: 'percent', percent: 10 }, target: { kind: 'brand' } }],
  })
  await event('flash, exclusive', {
    combine: 'exclusive',
    startsAt: '2031-01-15T08:00',
    endsAt: '2031-01-15T20:00',
    rules: [{ discount: { kind: 'percent', percent: 50 }, target: { kind: 'products', ids: third(4) } }],
  })

  const brands = new BrandDirectory(bench.setup, silentLog)
  await brands.start()
  const app = await buildApp({ database: bench.setup, brands, logLevel: 'silent', clock: () => during })
  const rows: ResultRow[] = []
  try {
    const path = `/api/store/products?page=1&pageSize=${listingSize}`
    const get = async (slug: string) => {
      const res = await app.inject({ method: 'GET', url: path, headers: { host: `${slug}.localhost` } })
      if (res.statusCode !== 200) throw new Error(`listing answered ${res.statusCode}`)
      return res
    }
    const saleBody = (await get(onSale.ctx.brand.slug)).json() as {
      items: Array<{ priceMinor: number; compareAtMinor: number | null }>
    }
    const discounted = saleBody.items.filter((c) => c.compareAtMinor !== null).length
    if (saleBody.items.length !== listingSize || discounted === 0)
      throw new Error('the sale brand’s listing shows no sale price')
    await get(plain.ctx.brand.slug)

    // (1) Cached listing: alternate rounds of 200 requests per side, so both see the same noise.
    progress(`pricing: cached listing, ${input.durationS} s per side, interleaved`)
    const samples = { plain: [] as number[], sale: [] as number[] }
    const endAt = performance.now() + 2 * input.durationS * 1000
    while (performance.now() < endAt) {
      for (const [side, slug] of [
        ['plain', plain.ctx.brand.slug],
        ['sale', onSale.ctx.brand.slug],
      ] as const) {
        for (let i = 0; i < 200; i++) {
          const t = performance.now()
          await get(slug)
          samples[side].push(performance.now() - t)
        }
      }
    }
    const cachedRatio = median(samples.sale) / median(samples.plain)
    rows.push({
      id: 'pricing-cached-listing',
      name: `pricing: cached listing (${listingSize} products, 5 overlapping events)`,
      unit: 'req/s',
      figure: 1000 / median(samples.sale),
      baselineName: 'no events',
      baseline: 1000 / median(samples.plain),
      // As every row: figure ÷ baseline (throughput). The goal is on cost: time with ÷ time without.
      ratio: median(samples.plain) / median(samples.sale),
      goals: [{ label: 'cost < 1.2× without events', pass: cachedRatio < 1.2 }],
      p50Ms: median(samples.sale),
      p99Ms: quantile(samples.sale, 0.99),
      remark: `per request: ${us(median(samples.sale))} with events vs ${us(median(samples.plain))} without (cost ratio ${cachedRatio.toFixed(3)}×; ${discounted}/${listingSize} cards on sale)`,
      warnings: [],
      details: {
        requestsPerSide: samples.sale.length,
        medianMsWith: median(samples.sale),
        medianMsWithout: median(samples.plain),
      },
    })

    // (2) Raw resolution of one listing's variants.
    const facts = async (ctx: BrandCtx): Promise<PricedVariantFacts[]> => {
      const listed = (await catalogSnapshots(db).base(ctx)).products.slice(0, listingSize)
      return listed.flatMap((p) => p.variants.map((v) => ({ ...v, productId: p.id, categoryPath: p.categoryPath })))
    }
    const raw = { plain: [] as number[], sale: [] as number[] }
    const plainFacts = await facts(plain.ctx)
    const saleFacts = await facts(onSale.ctx)
    const rawEnd = performance.now() + input.durationS * 1000
    while (performance.now() < rawEnd) {
      for (const [side, ctx, list] of [
        ['plain', plain.ctx, plainFacts],
        ['sale', onSale.ctx, saleFacts],
      ] as const) {
        for (let i = 0; i < 100; i++) {
          const t = performance.now()
          await pricesAt(ctx, list, during)
          raw[side].push(performance.now() - t)
        }
      }
    }
    rows.push({
      id: 'pricing-raw',
      name: `pricing: pricesAt for one listing (${saleFacts.length} variants, 5 events)`,
      unit: 'req/s',
      figure: 1000 / median(raw.sale),
      baselineName: 'no events',
      baseline: 1000 / median(raw.plain),
      ratio: median(raw.plain) / median(raw.sale),
      goals: [],
      p50Ms: median(raw.sale),
      p99Ms: quantile(raw.sale, 0.99),
      remark: `${us(median(raw.sale))} per listing with events, ${us(median(raw.plain))} without (figure: listings/s)`,
      warnings: [],
      details: {},
    })

    // (3) Pricing the whole brand for a new period (once per boundary per process).
    const base = await catalogSnapshots(db).base(onSale.ctx)
    const { loadSalePlan } = await import('../src/pricing/queries.ts')
    const builds: number[] = []
    for (let i = 0; i < 20; i++) {
      const plan = await loadSalePlan(db, onSale.ctx.brand) // a fresh plan: nothing memoised
      const t = performance.now()
      base.pricedAt(plan, during.getTime())
      builds.push(performance.now() - t)
    }
    rows.push({
      id: 'pricing-period-build',
      name: `pricing: price a whole brand for a new period (${base.products.length} products)`,
      unit: 'req/s',
      figure: 1000 / median(builds),
      baselineName: null,
      baseline: null,
      ratio: null,
      goals: [],
      p50Ms: median(builds),
      p99Ms: quantile(builds, 0.99),
      remark: 'once per boundary per process (timer ahead of the boundary, or the first request after it)',
      warnings: [],
      details: {},
    })
  } finally {
    await app.close()
    await brands.stop()
  }
  return rows
}

async function seedBrand(bench: BenchDatabase, slug: string): Promise<{ ctx: BrandCtx }> {
  const db = bench.setup.db
  const brand = await createBrand(systemCtx(db), {
    slug,
    name: slug,
    orderPrefix: slug === 'pricing-plain' ? 'PRPL' : 'PRSL',
    currency: 'EUR',
    locale: 'fr-FR',
    timeZone: 'Europe/Paris',
    vatRateBp: 2000,
    shippingMethods: [{ code: 'standard', labels: { fr: 'Standard' }, feeMinor: 490, freeFromMinor: null }],
    theme: { logoUrl: '/logo.svg', colours: { primary: '#112233', background: '#ffffff' }, fontFamily: 'serif' },
  })
  const ctx: BrandCtx = { ...systemCtx(db), brand }
  const roots = ['Femme > Robes', 'Femme > Hauts', 'Homme > Chemises', 'Enfant > Pulls']
  const items: NewProductInput[] = Array.from({ length: listingSize }, (_, i) => ({
    reference: `${slug}-${i}`,
    title: `Produit ${i}`,
    description: 'Bench',
    categoryPath: roots[i % roots.length] ?? 'Femme',
    status: 'active',
    createdAt: new Date(Date.UTC(2030, 0, 1, 0, 0, i)),
    variants: Array.from({ length: variantsPerProduct }, (_, v) => ({
      sku: `${slug}-${i}-${v}`,
      size: ['XS', 'S', 'M', 'L', 'XL', 'XXL'][v] ?? 'M',
      priceMinor: 2990 + i * 100 + v * 10,
      onHand: 10,
    })),
  }))
  await createProducts(ctx, items)
  const fresh = await db
    .selectFrom('brands')
    .select('catalog_version')
    .where('id', '=', brand.id)
    .executeTakeFirstOrThrow()
  return { ctx: { ...ctx, brand: { ...brand, catalogVersion: fresh.catalog_version } } }
}

const quantile = (xs: number[], q: number) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    q,
  )
const median = (xs: number[]) => quantile(xs, 0.5)
const us = (ms: number) => `${Math.round(ms * 1000)} µs`

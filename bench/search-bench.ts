import { performance } from 'node:perf_hooks'
import type { BrandCtx } from '../src/brands/brand.ts'
import { createBrand } from '../src/brands/create-brand.ts'
import { findBrandBySlug } from '../src/brands/queries.ts'
import { catalogSnapshots } from '../src/catalog/catalog-snapshot.ts'
import { createProducts, type NewProductInput, type SearchProductsQuery, searchProducts } from '../src/catalog/index.ts'
import { type SeededRandom, seededRandom } from '../src/demo/seeded-random.ts'
import type { BenchDatabase } from './database.ts'
import type { ResultRow } from './report.ts'
import { systemCtx } from './seed.ts'
import { percentile } from './stats.ts'

export const searchBenchProducts = 50_000
const slug = 'search-bench'
const batch = 2_000

const garments = [
  'robe',
  'chemise',
  'pull',
  'pantalon',
  'jupe',
  'veste',
  'manteau',
  'short',
  'gilet',
  'blouse',
  'tunique',
  'cardigan',
]
const qualifiers = [
  'longue',
  'courte',
  'ample',
  'ajustée',
  'fluide',
  'rayée',
  'fleurie',
  'brodée',
  'plissée',
  'légère',
  'chaude',
  'été',
  'hiver',
  'écrue',
]
const materials = ['lin', 'coton', 'laine', 'soie', 'viscose', 'cachemire', 'denim', 'velours', 'satin', 'mohair']
const colours = [
  ['Noir', '#111111'],
  ['Blanc', '#ffffff'],
  ['Bleu', '#1f3a93'],
  ['Rouge', '#b3261e'],
  ['Vert', '#2e7d32'],
  ['Beige', '#d8c8a8'],
  ['Gris', '#808080'],
  ['Rose', '#e8a0b0'],
] as const
const sizes = ['XS', 'S', 'M', 'L', 'XL'] as const
const roots = ['Femme', 'Homme', 'Enfant']

/**
 * Search with facets on a generated 50,000-product brand (~4 variants each), in process: what a
 * listing request costs once routed (text match in SQL, filters/facets/sort/paging on the
 * snapshot), response cache not involved. Two figures: every text seen for the first time (SQL
 * each time), and a steady mix where texts repeat (cached per catalog version, as in production).
 */
export async function benchSearch(input: {
  bench: BenchDatabase
  durationS: number
  progress: (message: string) => void
}): Promise<ResultRow[]> {
  const { bench, progress } = input
  const db = bench.setup.db
  const random = seededRandom('vitrine-search-bench')
  progress(`search: seeding ${searchBenchProducts.toLocaleString('en-GB')} products (brand ${slug})`)
  const seedStarted = performance.now()
  const created = await createBrand(systemCtx(db), {
    slug,
    name: 'Search Bench',
    orderPrefix: 'SRCH',
    currency: 'EUR',
    locale: 'fr-FR',
    timeZone: 'Europe/Paris',
    vatRateBp: 2000,
    shippingMethods: [{ code: 'standard', labels: { fr: 'Standard' }, feeMinor: 490, freeFromMinor: null }],
    theme: { logoUrl: '/logo.svg', colours: { primary: '#112233', background: '#ffffff' }, fontFamily: 'serif' },
  })
  const seedCtx: BrandCtx = { ...systemCtx(db), brand: created }
  for (let from = 0; from < searchBenchProducts; from += batch) {
    const products: NewProductInput[] = []
    for (let i = from; i < Math.min(searchBenchProducts, from + batch); i++) products.push(product(i, random))
    await createProducts(seedCtx, products)
    if ((from + batch) % 10_000 === 0) progress(`search: ${(from + batch).toLocaleString('en-GB')} products seeded`)
  }
  const seedS = (performance.now() - seedStarted) / 1000
  const brand = await findBrandBySlug(db, slug)
  if (!brand) throw new Error('search bench brand vanished')
  const ctx: BrandCtx = { ...systemCtx(db), brand }

  progress('search: loading the catalog snapshot')
  const loadStarted = performance.now()
  await catalogSnapshots(db).catalog(ctx)
  await catalogSnapshots(db).available(ctx)
  const loadMs = performance.now() - loadStarted

  const queries = queryMix(random, 400)
  const run = async (query: SearchProductsQuery) => {
    const started = performance.now()
    const result = await searchProducts({ ...ctx, now: new Date() }, query)
    if (!result.facets) throw new Error('no facets')
    return performance.now() - started
  }
  // First sight of each text: its match comes from SQL.
  progress(`search: ${queries.length} queries, each text for the first time`)
  const cold: number[] = []
  for (const query of queries) cold.push(await run(query))
  // Steady state for the timed duration: the same mix in a shuffled loop.
  progress(`search: the mix for ${input.durationS} s`)
  const warm: number[] = []
  const endAt = performance.now() + input.durationS * 1000
  const started = performance.now()
  while (performance.now() < endAt) {
    for (const query of queries) {
      warm.push(await run(query))
      if (performance.now() >= endAt) break
    }
  }
  const elapsedS = (performance.now() - started) / 1000
  const row = (id: string, name: string, samples: number[], seconds: number): ResultRow => {
    const sorted = Float64Array.from(samples).sort()
    const p99 = percentile(sorted, 0.99)
    return {
      id,
      name,
      unit: 'req/s',
      figure: samples.length / seconds,
      baselineName: null,
      baseline: null,
      ratio: null,
      goals: [{ label: 'p99 < 50 ms', pass: p99 < 50 }],
      p50Ms: percentile(sorted, 0.5),
      p99Ms: p99,
      remark: `${searchBenchProducts.toLocaleString('en-GB')} products; seeded in ${seedS.toFixed(0)} s, snapshot loaded in ${loadMs.toFixed(0)} ms`,
      warnings: [],
      details: { samples: samples.length, seedS, loadMs },
    }
  }
  const coldSeconds = cold.reduce((a, b) => a + b, 0) / 1000
  return [
    row('search-cold', 'search + facets, new text (SQL match)', cold, coldSeconds),
    row('search', 'search + facets, mix (texts repeat)', warm, elapsedS),
  ]
}

function pick<T>(random: SeededRandom, list: readonly T[]): T {
  return list[Math.floor(random.next() * list.length)] as T
}

function product(i: number, random: SeededRandom): NewProductInput {
  const garment = pick(random, garments)
  const title = `${garment[0]!.toUpperCase()}${garment.slice(1)} ${pick(random, qualifiers)} en ${pick(random, materials)}`
  const root = pick(random, roots)
  const colourCount = 1 + Math.floor(random.next() * 2)
  const chosen = Array.from({ length: colourCount }, () => pick(random, colours))
  const price = 1500 + Math.floor(random.next() * 300) * 100
  return {
    reference: `SB-${i}`,
    title,
    description: `${title}. Coupe ${pick(random, qualifiers)}, finitions soignées, ${pick(random, materials)} mélangé.`,
    categoryPath: `${root} > ${garment[0]!.toUpperCase()}${garment.slice(1)}s`,
    attributes: { Matière: pick(random, materials) },
    status: 'active',
    createdAt: new Date(Date.UTC(2030, 0, 1) + i * 60_000),
    variants: chosen.flatMap(([colour, hex], c) =>
      sizes.slice(1, 3 + Math.floor(random.next() * 3)).map((size) => ({
        sku: `SB-${i}-${c}-${size}`,
        size,
        colour,
        colourHex: hex,
        priceMinor: price,
        onHand: random.next() < 0.3 ? 0 : 5,
      })),
    ),
  }
}

/** Text queries (words, plurals, accents dropped, typos) mixed with filters, sorts and categories. */
function queryMix(random: SeededRandom, count: number): SearchProductsQuery[] {
  const typo = (word: string) => (word.length < 5 ? word : `${word.slice(0, 2)}${word[3]}${word[2]}${word.slice(4)}`)
  const texts = [
    ...garments.map((g) => `${g}s`),
    ...materials.flatMap((m) => garments.slice(0, 4).map((g) => `${g} ${m}`)),
    ...qualifiers.map((q) => q.normalize('NFD').replace(/\p{M}/gu, '')),
    ...garments.map(typo),
    ...materials.map((m) => `${m} ${pick(random, colours)[0].toLowerCase()}`),
  ]
  return Array.from({ length: count }, (_, i): SearchProductsQuery => {
    const kind = i % 4
    const query: SearchProductsQuery = { pageSize: 24, facets: true }
    if (kind !== 3) query.text = `${pick(random, texts)}${i >= texts.length ? ` ${pick(random, qualifiers)}` : ''}`
    if (kind === 3) query.category = pick(random, roots)
    if (random.next() < 0.4) query.sizes = [pick(random, sizes)]
    if (random.next() < 0.3) query.colours = [pick(random, colours)[0]]
    if (random.next() < 0.3) query.inStock = true
    if (random.next() < 0.2) {
      query.minPriceMinor = 5000
      query.maxPriceMinor = 15000
    }
    query.sort = pick(random, ['relevance', 'newest', 'price-asc', 'price-desc', 'best-selling'] as const)
    return query
  })
}

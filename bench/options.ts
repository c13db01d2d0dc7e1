import { parseArgs } from 'node:util'

export const sections = [
  'listing',
  'product',
  'pages',
  'orders',
  'import',
  'erp',
  'search',
  'pricing',
  'startup',
  'rehearsal',
] as const
export type Section = (typeof sections)[number]

export interface BenchOptions {
  pglite: boolean
  /** Timed seconds per side of each figure, taken in turns (schedule.ts); warm-up not included. */
  durationS: number
  warmupS: number
  only: ReadonlySet<Section>
  /** Items of the generated feed for the import section (products × 5 sizes). */
  importItems: number
  /** The rehearsal step's baseline (requests/s over all brands); null: 40 % of the ramp's capacity. */
  stepBaseline: number | null
  help: boolean
}

export const usage = `Usage: npm run bench -- [options]

Measures Vitrine against baselines that do the same work with nothing of Vitrine's in between,
in the same run, and prints the ratios with the issue's goals (PASS/MISS):
  listing   GET /api/store/products?pageSize=20 vs a bare Fastify route sending the same bytes (goal ≥ 0.5×)
  product   GET /api/store/products/:id (every product in turn) vs the same bare route
  pages     storefront HTML: a category page and product pages, warm cache and cold (cache off in
            a second server), vs bare Fastify sending the same bytes (goals: warm ≥ 0.5× bare,
            cold ≥ 2,000 pages/s on PostgreSQL)
  orders    placeOrder() at concurrency 32 vs the same transaction as raw SQL through pg
            (goals ≥ 0.7× raw and ≥ 1,000 orders/s); as diagnostics, the raw transaction after
            placeOrder's cart read, and POST /api/store/checkout over HTTP

  erp       ERP integration: Order documents built + XSD-validated/s; order → ack latency p50/p99 with a
            healthy simulator (goal p99 < 1 s); a 10,000-order backlog delivered over signed HTTP with
            1 and 4 workers (goal ≥ 2,000 docs/s) vs the HTTP transport alone
  search    search with facets on a generated 50,000-product brand, in process: queries/s and
            p50/p99 (goal p99 < 50 ms), every text new (SQL match) and a repeating mix
  pricing   sale events on a cached 48-product listing, in process: cost with 5 overlapping events ÷
            without (goal < 1.2×), raw pricesAt per listing, and pricing a whole brand for a new period
  startup   \`vitrine serve\` spawned to its first 200 on /ready, median of 5 starts: PostgreSQL with the
            default workers and with --workers 1 (goal < 2 s), embedded PGlite
  rehearsal the sales-day rehearsal (issue 8; not in the default set, ~4 min, PostgreSQL only): serve --demo
            --workers 2, erp-sim, worker, every brand's ERP transport set through the admin API, then
            vitrine rehearse: a ramp (capacity of one node), a ×15 step on 3 brands (shed, p99, 5xx,
            oversold, ERP catch-up), a scheduled waiting room; reports in bench/results/rehearsal-*
  import    the catalog import of a generated Google feed (--import-items, 5 sizes per product) into an
            empty catalog, then again unchanged: items/s (goals ≥ 20,000/s on PostgreSQL, unchanged
            ≥ 2× the first) and peak RSS (goal < 300 MB at 1,000,000 items)
The servers run in child processes (node --import tsx); autocannon drives them from this process
on 127.0.0.1. The database is a fresh one, created, migrated, seeded and dropped by the run.
A full run takes about 8 × (duration + 2) + 15 seconds: 1.5 minutes by default.

Options:
  --pglite          run everything on embedded PGlite (in memory) instead of PostgreSQL
  --duration <s>    timed seconds per side of each figure (default 8), in turns: A B B A A B B A
                    (A B B A under 8 s); a 2-second warm-up per side comes on top
  --only <list>     listing, product, pages, orders, import, erp, search, pricing, startup, rehearsal, or a
                    comma-separated list (default: all but rehearsal)
  --import-items N  import: items of the generated Google feed (default 100000; 1000000 for the RSS goal)
  --step-baseline R rehearsal: the step's baseline in requests/s over all brands (the surge then asks
                    R × (9 + 3 × 15) ÷ 12 = 4.5 R); default 40 % of the capacity the ramp measured,
                    which is noisy: a fixed one makes runs comparable
  --help            this text

Environment:
  DATABASE_URL      admin connection to PostgreSQL (default postgres://postgres@127.0.0.1:5432/postgres);
                    the run creates and drops the database vitrine_bench_<pid> beside it

Results: printed, and written as JSON to bench/results/latest.json.
`

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      pglite: { type: 'boolean', default: false },
      duration: { type: 'string', default: '8' },
      only: { type: 'string' },
      'import-items': { type: 'string', default: '100000' },
      'step-baseline': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  const durationS = Number(values.duration)
  if (!Number.isFinite(durationS) || durationS < 2 || durationS > 120) {
    throw new UsageError(`--duration must be a number of seconds between 2 and 120, got "${values.duration}"`)
  }
  const only = new Set<Section>()
  // The rehearsal is asked for by name: it takes minutes and the whole machine.
  for (const name of (values.only ?? sections.filter((s) => s !== 'rehearsal').join(',')).split(',')) {
    const trimmed = name.trim()
    if (!(sections as readonly string[]).includes(trimmed)) {
      throw new UsageError(`--only takes ${sections.join(', ')} (comma-separated), got "${trimmed}"`)
    }
    only.add(trimmed as Section)
  }
  const importItems = Number(values['import-items'])
  if (!Number.isInteger(importItems) || importItems < 5 || importItems > 10_000_000) {
    throw new UsageError(`--import-items must be a whole number of items, got "${values['import-items']}"`)
  }
  let stepBaseline: number | null = null
  if (values['step-baseline'] !== undefined) {
    stepBaseline = Number(values['step-baseline'])
    if (!Number.isInteger(stepBaseline) || stepBaseline < 1 || stepBaseline > 100_000) {
      throw new UsageError(`--step-baseline must be a whole number of requests/s, got "${values['step-baseline']}"`)
    }
  }
  return { pglite: values.pglite, durationS, warmupS: 2, only, importItems, stepBaseline, help: values.help }
}

export class UsageError extends Error {}

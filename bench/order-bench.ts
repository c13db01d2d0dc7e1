import { randomUUID } from 'node:crypto'
import type { Request } from 'autocannon'
import { sql } from 'kysely'
import type { SeededRandom } from '../src/demo/seeded-random.ts'
import { type Database, openDatabase } from '../src/platform/db/database.ts'
import type { ServerChild } from './children.ts'
import type { BenchDatabase } from './database.ts'
import { measureLoad } from './http-load.ts'
import {
  checkoutInput,
  compareOrders,
  type OrderResult,
  placeOrderWithApp,
  placeOrderWithRawSql,
  placeOrderWithRawSqlAndReads,
  type RawSql,
  rawSqlOnPg,
  rawSqlOnPglite,
} from './orders.ts'
import { type ResultRow, ratioRow } from './report.ts'
import { type BenchCatalog, CartQueue, insertCarts, makeCarts } from './seed.ts'

export const orderConcurrency = 32

/** Upper bounds of orders/s, to prepare enough carts; running out is reported, not hidden. */
export const maxOrderRate = { postgres: 5000, pglite: 2000 } as const

export interface OrderBenchInput {
  bench: BenchDatabase
  catalog: BenchCatalog
  app: ServerChild
  host: string
  /** Carts already in the server's database, for the HTTP checkout figure. */
  httpCarts: CartQueue
  random: SeededRandom
  timing: { warmupS: number; durationS: number }
  progress: (message: string) => void
}

/** (c) placeOrder() against its transaction in raw SQL, then checkout over HTTP. */
export async function benchOrders(input: OrderBenchInput): Promise<ResultRow[]> {
  const { bench, catalog } = input
  const variants = new Map(catalog.variants.map((v) => [v.id, v]))
  const carts = new CartQueue()
  const maxRate = maxOrderRate[bench.kind]
  const rawName = bench.kind === 'postgres' ? 'raw SQL via pg' : 'raw SQL via PGlite'
  const ensureCarts = async (n: number) => {
    if (carts.remaining >= n) return
    const made = makeCarts(catalog.variants, n - carts.remaining, input.random)
    await insertCarts(bench.setup.db, catalog.brand.id, made)
    carts.add(made)
  }

  const preflight = bench.kind === 'postgres' ? await connectionHeadroom(bench.setup, 2 * orderConcurrency) : []
  for (const warning of preflight) input.progress(`warning: ${warning}`)

  // Each side gets its own pool of `orderConcurrency` connections, opened and warmed in the run.
  let appDatabase: Database | null = null
  let raw: RawSql | null = null
  const rows: ResultRow[] = []
  try {
    appDatabase =
      bench.kind === 'postgres'
        ? await openDatabase({ kind: 'postgres', url: bench.url!, poolSize: orderConcurrency })
        : bench.setup
    raw = bench.kind === 'postgres' ? rawSqlOnPg(bench.url!, orderConcurrency) : rawSqlOnPglite(bench.setup.pglite!)
    input.progress(
      `(c) orders: ${rawName}, the same after placeOrder's reads, placeOrder(); ${orderConcurrency} workers each`,
    )
    const [rawResult, rawReadsResult, appResult] = await compareOrders(
      [
        { name: 'raw', placeOne: placeOrderWithRawSql(raw, catalog.brand, variants) },
        { name: 'raw+reads', placeOne: placeOrderWithRawSqlAndReads(raw, catalog.brand, variants) },
        { name: 'placeOrder', placeOne: placeOrderWithApp(appDatabase.db, catalog.brand) },
      ],
      carts,
      { concurrency: orderConcurrency, ...input.timing, ensureCarts, maxRate },
    )
    if (!rawResult || !rawReadsResult || !appResult) throw new Error('order comparison returned too few results')
    rows.push(
      orderRow(
        'orders',
        `(c) placeOrder() ×${orderConcurrency}`,
        appResult,
        rawName,
        rawResult.perSecond,
        [
          { label: '≥ 0.7× raw', test: (_f, ratio) => (ratio ?? 0) >= 0.7 },
          { label: '≥ 1,000/s', test: (figure) => figure >= 1000 },
        ],
        [rawResult, appResult],
        preflight,
      ),
      orderRow('orders-raw', `    ${rawName} ×${orderConcurrency}`, rawResult, null, null, [], []),
      orderRow(
        'orders-raw-reads',
        "    raw + placeOrder's cart read",
        rawReadsResult,
        rawName,
        rawResult.perSecond,
        [],
        [rawReadsResult],
      ),
    )
  } finally {
    await raw?.close()
    if (appDatabase && appDatabase !== bench.setup) await appDatabase.close()
  }

  input.progress(`(c) checkout over HTTP: POST /api/store/checkout, ${orderConcurrency} connections`)
  rows.push(await benchHttpCheckout(input, rawName, rows[1]?.figure ?? null))
  return rows
}

function orderRow(
  id: string,
  name: string,
  result: OrderResult,
  baselineName: string | null,
  baseline: number | null,
  goals: Parameters<typeof ratioRow>[1],
  checked: OrderResult[],
  extraWarnings: string[] = [],
): ResultRow {
  const warnings = [
    ...extraWarnings,
    ...checked.filter((r) => r.failed > 0).map((r) => `${r.failed} orders failed, first: ${r.firstError}`),
    ...(checked.some((r) => r.cartsRanOut) ? ['ran out of prepared carts: the figures are lower bounds'] : []),
  ]
  return ratioRow(
    {
      id,
      name,
      unit: 'orders/s',
      figure: result.perSecond,
      baselineName,
      baseline,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      remark: `client CPU ${Math.round(result.nodeCpuUsPerOrder)} µs/order`,
      warnings,
      details: { concurrency: orderConcurrency, ...result },
    },
    goals,
  )
}

/** Other clients of the same server (other runs, tests) can leave too few connections for the pools. */
async function connectionHeadroom(database: Database, needed: number): Promise<string[]> {
  const { rows } = await sql<{ free: number }>`
    select current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int
      - (select count(*)::int from pg_stat_activity where backend_type = 'client backend') as free
  `.execute(database.db)
  const free = rows[0]?.free ?? 0
  return free < needed
    ? [`only ${free} free connections on the server for ${needed} pooled ones: expect "too many clients" failures`]
    : []
}

async function benchHttpCheckout(
  input: OrderBenchInput,
  rawName: string,
  rawPerSecond: number | null,
): Promise<ResultRow> {
  let ranOut = false
  const requests = (): Request[] => [
    {
      method: 'POST',
      path: '/api/store/checkout',
      setupRequest: (request) => {
        const cart = input.httpCarts.next()
        // Out of carts: an empty token is a 400, counted as a failure and reported.
        if (!cart) ranOut = true
        return {
          ...request,
          headers: { ...request.headers, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          body: JSON.stringify(checkoutInput(cart?.token ?? '')),
        }
      },
    },
  ]
  const result = await measureLoad(
    input.app,
    { host: input.host, connections: orderConcurrency, requests },
    input.timing,
  )
  const warnings = [
    ...(result.failed > 0 ? [`${result.failed} failed responses ${JSON.stringify(result.statusCodes)}`] : []),
    ...(ranOut ? ['ran out of prepared carts: the figure is a lower bound'] : []),
  ]
  return ratioRow(
    {
      id: 'checkout-http',
      name: `(c) POST /checkout ×${orderConcurrency}`,
      unit: 'orders/s',
      figure: result.perSecond,
      baselineName: rawName,
      baseline: rawPerSecond,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      warnings,
      details: { connections: orderConcurrency, http: result },
    },
    [],
  )
}

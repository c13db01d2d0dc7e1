/**
 * `npm run bench -- --only erp`: the ERP integration (issue 6) on the run's database.
 *  - Order documents built, and built + validated against the UBL 2.4 XSD (xmllint), per second;
 *  - order → ERP ack latency p50/p99 with a healthy simulator (a child process), orders placed at
 *    a steady rate through placeOrder while the delivery workers run;
 *  - catch-up of a 10,000-order backlog after an outage (the brand paused, then resumed), with 1
 *    and with 4 workers: delivered documents/s over signed HTTP (goal ≥ 2,000/s), against the same
 *    documents POSTed by the HTTP transport alone, with no database, measured right before each
 *    (the ratio), and the CPU time per document of each process taking part (this one, the
 *    simulator, the PostgreSQL backends), which moves much less with the machine's load;
 * When run as a child with BENCH_ERP_SIM_SECRET set, this file is the simulator process instead.
 */
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { sql } from 'kysely'
import type { BrandCtx } from '../src/brands/brand.ts'
import { type DeliveryOptions, startDeliveryWorker } from '../src/erp/delivery-worker.ts'
import { saveErpSettings, setPaused } from '../src/erp/settings.ts'
import { startErpSimulator } from '../src/erp/simulator.ts'
import { httpTransport } from '../src/erp/transports/http-transport.ts'
import { buildOrderDocument, type UblDocument } from '../src/erp/ubl-order.ts'
import { validateUbl, xsdAvailable } from '../src/erp/xsd.ts'
import { getOrders } from '../src/orders/index.ts'
import { silentLog } from '../src/platform/ctx.ts'
import { type Database, openDatabase } from '../src/platform/db/database.ts'
import { erpBrand, placeTestOrder } from '../test/erp/helpers.ts'
import { systemCtx } from '../test/helpers/fixtures.ts'
import { startServerChild } from './children.ts'
import type { BenchDatabase } from './database.ts'
import { type ResultRow, ratioRow } from './report.ts'

if (process.env.BENCH_ERP_SIM_SECRET) {
  const sim = await startErpSimulator({ secret: process.env.BENCH_ERP_SIM_SECRET })
  process.stdout.write(`${JSON.stringify({ port: sim.port })}\n`)
  // The bench closes our stdin when it ends (or dies): then we go too.
  process.stdin.resume()
  process.stdin.on('close', () => process.exit(0))
  process.stdin.on('end', () => process.exit(0))
}

export interface ErpBenchInput {
  bench: BenchDatabase
  durationS: number
  progress: (message: string) => void
}

const backlogSize = 10_000
const latencyRate = 100 // orders/s placed during the latency phase
const workerPool = 16

export async function benchErp(input: ErpBenchInput): Promise<ResultRow[]> {
  const { bench, progress } = input
  const rows: ResultRow[] = []
  // The workers get their own pool (the setup pool is small); PGlite has its one connection.
  const workerDb: Database =
    bench.kind === 'postgres' && bench.url
      ? await openDatabase({ kind: 'postgres', url: bench.url, poolSize: workerPool })
      : bench.setup
  const secret = `bench-${randomUUID()}`
  const sim = await startServerChild('erp-sim', 'erp-bench.ts', [], { BENCH_ERP_SIM_SECRET: secret })
  try {
    progress('erp: a brand, 200 orders placed through placeOrder')
    const { brand, variantIds } = await erpBrand(bench.setup.db, null, { variants: 3 })
    const templates: string[] = []
    for (let i = 0; i < 200; i++) templates.push((await placeTestOrder(brand, variantIds)).id)

    rows.push(...(await benchDocuments(brand, templates, progress)))

    const url = `http://127.0.0.1:${sim.port}/orders`
    await saveErpSettings(systemCtx(bench.setup.db), brand.brand.id, { transport: { kind: 'http', url, secret } })
    // The 200 template orders are delivered first (a warm-up for the keep-alive pool and caches).
    await drain(workerDb, brand, 2)

    rows.push(await benchLatency(workerDb, brand, variantIds, input.durationS, progress))

    progress(`erp: a ${backlogSize.toLocaleString('en-GB')}-order backlog while the ERP is unreachable (brand paused)`)
    await setPaused(systemCtx(bench.setup.db), brand.brand.id, true)
    await cloneOrders(bench.setup, brand, templates, backlogSize)
    for (const workers of [1, 4]) {
      // The baseline right before each catch-up: on a shared machine the load moves between them.
      let rawCpu = cpuMeter(sim.pid, [])
      const raw = await rawTransportRate(brand, templates, url, secret, () => {
        rawCpu = cpuMeter(sim.pid, [])
      })
      const rawUs = rawCpu(backlogSize)
      progress(`erp: catch-up of ${backlogSize.toLocaleString('en-GB')} documents with ${workers} worker(s)`)
      await sql`update outbox set state = 'pending', attempts = 0, available_at = now(), delivered_at = null
        where brand_id = ${brand.brand.id} and topic = 'order.placed' and payload ? 'bench'`.execute(bench.setup.db)
      await setPaused(systemCtx(bench.setup.db), brand.brand.id, false)
      const cpu = cpuMeter(sim.pid, await backendPids(workerDb))
      const seconds = await drain(workerDb, brand, workers)
      const us = cpu(backlogSize, await backendPids(workerDb))
      await setPaused(systemCtx(bench.setup.db), brand.brand.id, true)
      const delivered = await sql<{ n: string }>`select count(*) as n from outbox where brand_id = ${brand.brand.id}
        and topic = 'order.placed' and payload ? 'bench' and state = 'delivered'`.execute(bench.setup.db)
      const undelivered = backlogSize - Number(delivered.rows[0]!.n)
      const rate = backlogSize / seconds
      rows.push(
        ratioRow(
          {
            id: `erp-catch-up-${workers}`,
            name: `ERP: 10,000-order backlog delivered over HTTP, ${workers} worker${workers > 1 ? 's' : ''}`,
            unit: 'items/s',
            figure: rate,
            baselineName: 'the HTTP transport alone, 32 in flight',
            baseline: raw,
            p50Ms: null,
            p99Ms: null,
            remark: `catch-up ${seconds.toFixed(1)} s; CPU µs/doc: ${cpuText(us)} (transport alone: ${cpuText(rawUs)})`,
            warnings: undelivered > 0 ? [`${undelivered} documents not delivered (dead letters)`] : [],
            details: { seconds, workers, documents: backlogSize, cpuUsPerDocument: us, rawCpuUsPerDocument: rawUs },
          },
          [{ label: '≥ 2,000 docs/s', test: (figure) => figure >= 2000 }],
        ),
      )
    }
  } finally {
    await sim.stop()
    if (workerDb !== bench.setup) await workerDb.close()
  }
  return rows
}

/** Order documents from real orders: built only, then built + XSD-validated (one xmllint per 500). */
async function benchDocuments(brand: BrandCtx, templates: string[], progress: (m: string) => void) {
  const orders = [...(await getOrders({ ...brand, now: new Date() }, templates)).values()]
  const count = 2000
  const build = () =>
    Array.from({ length: count }, (_, i) => buildOrderDocument(orders[i % orders.length]!, brand.brand, {}))
  build() // warm-up
  progress(`erp: building ${count} Order documents, then validating them against the UBL 2.4 XSD`)
  let started = performance.now()
  const built = build()
  const buildS = (performance.now() - started) / 1000
  const buildRate = count / buildS
  if (!xsdAvailable()) {
    return [
      ratioRow(
        {
          id: 'erp-documents',
          name: 'ERP: Order documents built',
          unit: 'items/s',
          figure: buildRate,
          baselineName: null,
          baseline: null,
          p50Ms: null,
          p99Ms: null,
          warnings: ['xmllint or the UBL XSD is missing: validation not measured'],
          details: {},
        },
        [],
      ),
    ]
  }
  started = performance.now()
  const rebuilt = build()
  const results = await validateUbl(
    'Order',
    rebuilt.map((d) => d.xml),
  )
  const bothS = (performance.now() - started) / 1000
  const invalid = results.filter((r) => !r.valid).length
  return [
    ratioRow(
      {
        id: 'erp-documents',
        name: 'ERP: Order documents built + XSD-validated',
        unit: 'items/s',
        figure: count / bothS,
        baselineName: 'built only',
        baseline: buildRate,
        p50Ms: null,
        p99Ms: null,
        remark: `${built.length} documents, ${(built[0]!.xml.length / 1024).toFixed(1)} KB each`,
        warnings: invalid > 0 ? [`${invalid} documents failed validation`] : [],
        details: { buildS, validateS: bothS },
      },
      [],
    ),
  ]
}

/**
 * Orders placed at a steady rate while 2 workers (default options: 500 ms idle poll) deliver:
 * latency = delivered_at − created_at, the order's commit to the recorded ERP acknowledgement.
 */
async function benchLatency(
  db: Database,
  brand: BrandCtx,
  variantIds: string[],
  durationS: number,
  progress: (m: string) => void,
): Promise<ResultRow> {
  progress(`erp: order → ack latency, ${latencyRate} orders/s for ${durationS} s, 2 workers`)
  const workers = [
    startDeliveryWorker({ db: db.db, log: silentLog }),
    startDeliveryWorker({ db: db.db, log: silentLog }),
  ]
  const ids: string[] = []
  const started = performance.now()
  try {
    for (let i = 0; i < latencyRate * durationS; i++) {
      const due = started + (i * 1000) / latencyRate
      const wait = due - performance.now()
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      ids.push((await placeTestOrder(brand, variantIds)).id)
    }
    const placedS = (performance.now() - started) / 1000
    for (let t = 0; t < 300; t++) {
      const left = await sql<{ n: string }>`select count(*) as n from outbox
        where brand_id = ${brand.brand.id} and state <> 'delivered'`.execute(db.db)
      if (Number(left.rows[0]!.n) === 0) break
      await new Promise((r) => setTimeout(r, 100))
    }
    const { rows } = await sql<{ p50: number; p99: number; n: string }>`
      select percentile_cont(0.5) within group (order by extract(epoch from delivered_at - created_at)) * 1000 as p50,
        percentile_cont(0.99) within group (order by extract(epoch from delivered_at - created_at)) * 1000 as p99,
        count(delivered_at) as n
      from outbox where brand_id = ${brand.brand.id} and aggregate_id = any(${ids}::uuid[])`.execute(db.db)
    const r = rows[0]!
    const p99 = Number(r.p99)
    return ratioRow(
      {
        id: 'erp-latency',
        name: 'ERP: order → ack latency, healthy simulator',
        unit: 'orders/s',
        figure: ids.length / placedS,
        baselineName: null,
        baseline: null,
        p50Ms: Number(r.p50),
        p99Ms: p99,
        remark: `${r.n}/${ids.length} acknowledged; idle poll 500 ms`,
        warnings: Number(r.n) < ids.length ? [`${ids.length - Number(r.n)} orders not acknowledged in 30 s`] : [],
        details: { orders: ids.length },
      },
      [{ label: 'p99 < 1 s', test: () => p99 < 1000 }],
    )
  } finally {
    await Promise.all(workers.map((w) => w.stop()))
  }
}

/** Runs `count` delivery workers until the brand has nothing pending; the seconds it took. */
export async function drain(
  db: Database,
  brand: BrandCtx,
  count: number,
  options: DeliveryOptions = {},
): Promise<number> {
  const started = performance.now()
  const workers = Array.from({ length: count }, () =>
    startDeliveryWorker({ db: db.db, log: silentLog }, { pollMs: 20, ...options }),
  )
  try {
    for (;;) {
      // An index probe, not a count: this runs every 20 ms on the database being measured.
      const left = await sql<{ n: number }>`select 1 as n from outbox
        where brand_id = ${brand.brand.id} and state = 'pending' limit 1`.execute(db.db)
      if (left.rows.length === 0) return (performance.now() - started) / 1000
      if (performance.now() - started > 300_000) throw new Error('ERP backlog not delivered in 300 s')
      await new Promise((r) => setTimeout(r, 20))
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()))
  }
}

/** The same documents POSTed by the HTTP transport alone, 32 in flight: what the wire allows. */
export async function rawTransportRate(
  brand: BrandCtx,
  templates: string[],
  url: string,
  secret: string,
  /** Called once the documents are built, right before the timed sends. */
  onStart: () => void = () => {},
): Promise<number> {
  const orders = [...(await getOrders({ ...brand, now: new Date() }, templates)).values()]
  const stored = (await import('../src/erp/secrets.ts')).storeSecret(secret)
  const transport = httpTransport({ url, secret: stored })
  const docs: UblDocument[] = Array.from({ length: backlogSize }, (_, i) => ({
    ...buildOrderDocument(orders[i % orders.length]!, brand.brand, {}),
    documentId: randomUUID(),
  }))
  onStart()
  const started = performance.now()
  let next = 0
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let i = next++; i < docs.length; i = next++) {
        const outcome = await transport.send(docs[i]!)
        if (!outcome.ok) throw new Error(`raw transport: ${outcome.status} ${outcome.excerpt ?? ''}`)
      }
    }),
  )
  return backlogSize / ((performance.now() - started) / 1000)
}

/**
 * `n` more placed orders of the brand, copied in SQL from the templates (new ids and numbers, the
 * same lines) with their outbox rows — the backlog an ERP outage leaves, without the checkout cost.
 */
export async function cloneOrders(database: Database, brand: BrandCtx, templates: string[], n: number): Promise<void> {
  const db = database.db
  await sql`
    with t as (select id, row_number() over (order by id) - 1 as k from orders
      where brand_id = ${brand.brand.id} and id = any(${templates}::uuid[])),
    g as (select i, gen_random_uuid() as nid, (select id from t where k = i % ${templates.length}) as tid
      from generate_series(1, ${n}) as i),
    o as (
      insert into orders (brand_id, id, number, status, email, shipping_address, shipping_method, currency, locale,
        vat_rate_bp, subtotal_minor, shipping_minor, vat_minor, total_minor, payment, placed_at)
      select s.brand_id, g.nid, ${brand.brand.orderPrefix} || '-B' || lpad(g.i::text, 7, '0'), 'placed', s.email,
        s.shipping_address, s.shipping_method, s.currency, s.locale, s.vat_rate_bp, s.subtotal_minor, s.shipping_minor,
        s.vat_minor, s.total_minor, s.payment, now()
      from g join orders s on s.brand_id = ${brand.brand.id} and s.id = g.tid
      returning id
    ), l as (
      insert into order_lines (brand_id, order_id, line_no, variant_id, product_id, sku, gtin, title, size, colour,
        quantity, unit_price_minor, line_total_minor, vat_minor)
      select l.brand_id, g.nid, l.line_no, l.variant_id, l.product_id, l.sku, l.gtin, l.title, l.size, l.colour,
        l.quantity, l.unit_price_minor, l.line_total_minor, l.vat_minor
      from g join order_lines l on l.brand_id = ${brand.brand.id} and l.order_id = g.tid
      returning order_id
    )
    insert into outbox (brand_id, topic, aggregate_id, payload, created_at, available_at)
    select ${brand.brand.id}, 'order.placed', g.nid, '{"bench": true}', now(), now() from g`.execute(db)
}

/**
 * CPU time per document of the processes taking part, from now until the returned function is
 * called: this process (workers or the bare transport), the simulator child and the database
 * backends of the pool (read from /proc: a local PostgreSQL on Linux; null where unreadable). On a
 * shared machine documents/s move with the load; CPU per document much less.
 */
function cpuMeter(simPid: number, pgPids: number[]): (documents: number, pgPidsAfter?: number[]) => CpuPerDocument {
  const self = process.cpuUsage()
  const sim = procCpuMs(simPid)
  const pg = new Map(pgPids.map((pid) => [pid, procCpuMs(pid)]))
  return (documents, pgPidsAfter = []) => {
    const used = process.cpuUsage(self)
    const simNow = procCpuMs(simPid)
    // Backends the pool opened meanwhile count from zero; any closed meanwhile are missed.
    let pgMs: number | null = pgPidsAfter.length > 0 ? 0 : null
    for (const pid of pgPidsAfter) {
      const now = procCpuMs(pid)
      const before = pg.has(pid) ? pg.get(pid)! : 0
      pgMs = pgMs === null || now === null || before === null ? null : pgMs + now - before
    }
    const per = (ms: number | null) => (ms === null ? null : Math.round((ms * 1000) / documents))
    return {
      vitrine: per((used.user + used.system) / 1000),
      simulator: per(sim === null || simNow === null ? null : simNow - sim),
      postgres: per(pgMs),
    }
  }
}

interface CpuPerDocument {
  vitrine: number | null
  simulator: number | null
  postgres: number | null
}

const cpuText = (c: CpuPerDocument) =>
  `${c.vitrine ?? '?'} here + ${c.simulator ?? '?'} simulator${c.postgres === null ? '' : ` + ${c.postgres} PostgreSQL`}`

/** User + system CPU milliseconds of a process (Linux /proc; clock ticks of 10 ms), or null. */
function procCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return null
  }
}

/** The server processes of the pool's connections (PostgreSQL only; the pool is opened first). */
async function backendPids(database: Database): Promise<number[]> {
  if (database.kind !== 'postgres') return []
  const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity
    where datname = current_database() and backend_type = 'client backend'`.execute(database.db)
  return rows.map((r) => r.pid)
}

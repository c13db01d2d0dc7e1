import { randomUUID } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import type { Brand } from '../brands/brand.ts'
import { loadAllBrands } from '../brands/queries.ts'
import { getOrders, type Order } from '../orders/index.ts'
import { type Log, silentLog } from '../platform/ctx.ts'
import type { Db } from '../platform/db/database.ts'
import { type AttemptRecord, type ClaimedRow, claimDue, recordOutcomes } from './outbox-queries.ts'
import { type ErpSettings, erpSettingsOf } from './settings.ts'
import { openTransport, type Transport, type TransportConfig } from './transports/index.ts'
import { buildCancellationDocument, buildOrderDocument, type UblDocument } from './ubl-order.ts'

export interface DeliveryOptions {
  /** Rows claimed per batch (default 200). */
  batchSize?: number
  /** Documents in flight at once per batch (default 32). */
  concurrency?: number
  /**
   * Batches a running worker keeps going at once (default 2): while one waits on the database
   * (claim, orders, outcomes) the other's documents are on the wire. Ordering per order holds
   * across them, since a row is claimable only once every earlier row of its order is delivered.
   */
  pipelines?: number
  /** How long a claim holds before another worker may take the row (default 60 s; > the HTTP total timeout). */
  leaseMs?: number
  /** Idle wait between empty polls (default 500 ms). */
  pollMs?: number
  /** Back-off after the n-th failed attempt: base × 2^(n−1), capped, with full jitter (default 2 s, 15 min). */
  backoffBaseMs?: number
  backoffMaxMs?: number
  /** A row older than this is dead-lettered at its next failure whatever its attempts (default 3 days). */
  maxAgeMs?: number
  clock?: () => Date
  /** Replaces openTransport (tests). */
  transportFor?: (config: TransportConfig, brandId: string) => Transport
  random?: () => number
}

export interface BatchResult {
  claimed: number
  delivered: number
  failed: number
  dead: number
}

export interface DeliveryDeps {
  db: Db
  log?: Log
}

const brandCache = new WeakMap<Db, Map<string, Brand>>()

async function brandsById(db: Db, ids: readonly string[]): Promise<Map<string, Brand>> {
  let cache = brandCache.get(db)
  if (!cache || ids.some((id) => !cache!.has(id))) {
    cache = new Map((await loadAllBrands(db)).map((b) => [b.id, b]))
    brandCache.set(db, cache)
  }
  return cache
}

/** The delay before the next attempt after `attempts` failures: exponential, capped, full jitter. */
export function backoffMs(attempts: number, options: DeliveryOptions = {}, random = Math.random): number {
  const base = options.backoffBaseMs ?? 2000
  const cap = options.backoffMaxMs ?? 15 * 60_000
  const ceiling = Math.min(cap, base * 2 ** Math.min(30, Math.max(0, attempts - 1)))
  // "Full jitter" spreads retries of a whole outage over the window instead of a thundering herd;
  // half of it is kept fixed so a retry never comes back immediately.
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

/**
 * One batch: claim due rows, build their documents from the committed orders, deliver them
 * (`concurrency` at a time, one transport per brand), then record every outcome in one
 * transaction. When `signal` aborts mid-batch the outcomes are NOT recorded (as if the process
 * died): the leases expire and another worker delivers again; the ERP dedupes by document UUID.
 */
export async function deliverBatch(
  deps: DeliveryDeps,
  options: DeliveryOptions = {},
  signal?: AbortSignal,
): Promise<BatchResult> {
  const clock = options.clock ?? (() => new Date())
  const log = deps.log ?? silentLog
  const token = randomUUID()
  const claimedAt = clock()
  const rows = await claimDue(deps.db, {
    now: claimedAt,
    leaseUntil: new Date(claimedAt.getTime() + (options.leaseMs ?? 60_000)),
    token,
    limit: options.batchSize ?? 200,
  })
  const result: BatchResult = { claimed: rows.length, delivered: 0, failed: 0, dead: 0 }
  if (rows.length === 0) return result

  const brandIds = [...new Set(rows.map((r) => r.brandId))]
  const [brands, settings] = await Promise.all([brandsById(deps.db, brandIds), erpSettingsOf(deps.db, brandIds)])
  const orders = new Map<string, Order>()
  for (const brandId of brandIds) {
    const brand = brands.get(brandId)
    if (!brand) continue
    const ids = [...new Set(rows.filter((r) => r.brandId === brandId).map((r) => r.aggregateId))]
    const found = await getOrders({ db: deps.db, brand, now: claimedAt, actor: systemActor, log }, ids)
    for (const [id, order] of found) orders.set(`${brandId}:${id}`, order)
  }

  const transports = new Map<string, Transport | Error>()
  const transportOf = (brandId: string, s: ErpSettings | undefined): Transport | Error => {
    let t = transports.get(brandId)
    if (!t) {
      try {
        if (!s?.transport) throw new Error('no transport configured')
        t = (options.transportFor ?? openTransport)(s.transport, brandId)
      } catch (error) {
        t = error as Error
      }
      transports.set(brandId, t)
    }
    return t
  }

  const records: AttemptRecord[] = []
  const deliverRow = async (row: ClaimedRow) => {
    const started = performance.now()
    const at = clock()
    const s = settings.get(row.brandId)
    let status: string
    let ok = false
    let text: string | null = null
    const built = buildDocument(row, brands.get(row.brandId), orders.get(`${row.brandId}:${row.aggregateId}`), s)
    const transport = transportOf(row.brandId, s)
    if (built instanceof Error) {
      status = 'build-error'
      text = built.message
    } else if (transport instanceof Error) {
      status = 'transport-error'
      text = transport.message
    } else {
      const outcome = await transport.send(built, signal)
      ok = outcome.ok
      status = outcome.status
      text = outcome.excerpt ?? null
    }
    const record: AttemptRecord = {
      brandId: row.brandId,
      outboxId: row.id,
      at,
      durationMs: performance.now() - started,
      ok,
      status,
      excerpt: text,
    }
    if (!ok) {
      const now = clock()
      const tooOld = now.getTime() - row.createdAt.getTime() > (options.maxAgeMs ?? 3 * 24 * 3600_000)
      const dead = row.attempts >= (s?.maxAttempts ?? 12) || tooOld
      record.next = {
        state: dead ? 'dead' : 'pending',
        retryAt: new Date(now.getTime() + (dead ? 0 : backoffMs(row.attempts, options, options.random))),
      }
      if (dead) result.dead += 1
      else result.failed += 1
    } else {
      result.delivered += 1
    }
    records.push(record)
  }

  try {
    const queue = [...rows]
    const lanes = Array.from({ length: Math.min(options.concurrency ?? 32, queue.length) }, async () => {
      for (let row = queue.shift(); row; row = queue.shift()) {
        if (signal?.aborted) return
        await deliverRow(row)
      }
    })
    await Promise.all(lanes)
  } finally {
    await Promise.all([...transports.values()].map((t) => (t instanceof Error ? undefined : t.close())))
  }
  if (signal?.aborted) return { claimed: rows.length, delivered: 0, failed: 0, dead: 0 }
  await recordOutcomes(deps.db, token, clock(), records)
  if (result.dead > 0) log.warn({ dead: result.dead }, 'ERP deliveries dead-lettered')
  return result
}

const systemActor = { kind: 'system' as const, name: 'erp-worker' }

// Documents are not run through xmllint here: they come from the builders in ubl-order.ts, whose
// output the tests validate against the UBL 2.4 XSD (test/erp/documents.test.ts); one xmllint per
// document would cost several times everything else the delivery does.

function buildDocument(
  row: ClaimedRow,
  brand: Brand | undefined,
  order: Order | undefined,
  settings: ErpSettings | undefined,
): UblDocument | Error {
  if (!brand) return new Error('brand not found')
  if (!order) return new Error(`order ${row.aggregateId} not found`)
  const mapping = settings?.mapping ?? {}
  try {
    if (row.topic === 'order.placed') return buildOrderDocument(order, brand, mapping)
    if (row.topic === 'order.cancelled') {
      const reason = typeof row.payload.reason === 'string' ? row.payload.reason : null
      return buildCancellationDocument(order, brand, mapping, {
        documentId: row.documentId,
        cancelledAt: order.cancelledAt ?? row.createdAt,
        reason,
      })
    }
    return new Error(`unknown topic ${row.topic}`)
  } catch (error) {
    return error as Error
  }
}

export interface RunningWorker {
  /** Stops claiming, waits for the batch in flight to be recorded. */
  stop(): Promise<void>
  /** Aborts at once: in-flight deliveries are dropped unrecorded (a crash, for tests). */
  abort(): Promise<void>
  readonly stats: { batches: number; delivered: number; failed: number; dead: number }
}

/**
 * The delivery loop: `pipelines` batches at a time, back to back while there is work, a poll
 * interval when idle.
 */
export function startDeliveryWorker(deps: DeliveryDeps, options: DeliveryOptions = {}): RunningWorker {
  const log = deps.log ?? silentLog
  const controller = new AbortController()
  // Every in-flight request listens on the one signal.
  setMaxListeners(0, controller.signal)
  let stopping = false
  const wakers = new Set<() => void>()
  const stats = { batches: 0, delivered: 0, failed: 0, dead: 0 }
  const pipeline = async () => {
    while (!stopping && !controller.signal.aborted) {
      let claimed = 0
      try {
        const r = await deliverBatch(deps, options, controller.signal)
        claimed = r.claimed
        stats.batches += 1
        stats.delivered += r.delivered
        stats.failed += r.failed
        stats.dead += r.dead
      } catch (error) {
        if (!controller.signal.aborted) log.error({ err: error }, 'ERP delivery batch failed')
      }
      // Yield to timers and I/O between batches (PGlite work resolves in microtasks).
      await new Promise<void>((r) => setImmediate(r))
      if (claimed === 0 && !stopping) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(wake, options.pollMs ?? 500)
          timer.unref?.()
          function wake() {
            clearTimeout(timer)
            wakers.delete(wake)
            resolve()
          }
          wakers.add(wake)
        })
      }
    }
  }
  const loop = Promise.all(Array.from({ length: Math.max(1, options.pipelines ?? 2) }, pipeline))
  const wakeAll = () => {
    for (const wake of wakers) wake()
  }
  return {
    stats,
    async stop() {
      stopping = true
      wakeAll()
      await loop
    },
    async abort() {
      stopping = true
      controller.abort()
      wakeAll()
      await loop
    },
  }
}

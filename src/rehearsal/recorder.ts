/** What a rehearsal measures, per request class (the shopper's step). */
export const stepClasses = ['home', 'listing', 'search', 'product', 'cart', 'checkout'] as const
export type StepClass = (typeof stepClasses)[number]
/** The classes that are page views, for the measured capacity. */
export const pageClasses: ReadonlySet<StepClass> = new Set(['home', 'listing', 'search', 'product'])

/**
 * How a request ended. `soldOut` is a 409 out-of-stock on cart or checkout (expected during a
 * sale, not an error); `shed` a deliberate 503 (admission control); `waiting` a deliberate 503 of
 * the brand's waiting room (the waiting page, or its problem on the API); `serverError` any other
 * 5xx; `timeout`/`network` no answer at all.
 */
export type Outcome = 'ok' | 'soldOut' | 'clientError' | 'shed' | 'waiting' | 'serverError' | 'timeout' | 'network'

export interface Tally {
  requests: number
  ok: number
  soldOut: number
  clientError: number
  shed: number
  waiting: number
  serverError: number
  failed: number
  orders: number
  /** Latencies (ms) of the requests that were answered, not shed and not held in a waiting room. */
  latencies: number[]
}

export const emptyTally = (): Tally => ({
  requests: 0,
  ok: 0,
  soldOut: 0,
  clientError: 0,
  shed: 0,
  waiting: 0,
  serverError: 0,
  failed: 0,
  orders: 0,
  latencies: [],
})

export function mergeTally(into: Tally, from: Tally): Tally {
  into.requests += from.requests
  into.ok += from.ok
  into.soldOut += from.soldOut
  into.clientError += from.clientError
  into.shed += from.shed
  into.waiting += from.waiting
  into.serverError += from.serverError
  into.failed += from.failed
  into.orders += from.orders
  for (const l of from.latencies) into.latencies.push(l)
  return into
}

/** The q-quantile (0 < q ≤ 1) of unsorted samples, nearest-rank; null when there are none. */
export function quantile(samples: readonly number[], q: number): number | null {
  if (samples.length === 0) return null
  const sorted = Float64Array.from(samples).sort()
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)))
  return sorted[rank - 1] ?? null
}

/** Several quantiles from one sort. */
export function quantiles(samples: readonly number[], qs: readonly number[]): Array<number | null> {
  if (samples.length === 0) return qs.map(() => null)
  const sorted = Float64Array.from(samples).sort()
  return qs.map((q) => sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1] ?? null)
}

/** The share of requests that failed for the server's fault: 5xx other than 503, timeouts, resets. */
export const errorRate = (t: Tally) => (t.requests === 0 ? 0 : (t.serverError + t.failed) / t.requests)
export const shedRate = (t: Tally) => (t.requests === 0 ? 0 : t.shed / t.requests)

/** Shoppers who met a waiting room: how many, how many got in, and how long those waited. */
export interface WaitStats {
  waited: number
  admitted: number
  waitMs: number[]
}

const emptyWaitStats = (): WaitStats => ({ waited: 0, admitted: 0, waitMs: [] })
const oneAdmission = (ms: number): WaitStats => ({ waited: 1, admitted: 1, waitMs: [ms] })

function mergeWaitStats(into: WaitStats, from: WaitStats): void {
  into.waited += from.waited
  into.admitted += from.admitted
  for (const ms of from.waitMs) into.waitMs.push(ms)
}

/** A recorder's cells (keyed as inside it) and waiting-room figures, as they cross a process boundary. */
export interface RecordedCells {
  cells: Array<[number, Tally]>
  waits: Array<[number, WaitStats]>
}

/** Every request's outcome, by second of the run, brand and class. */
export class Recorder {
  private readonly cells = new Map<number, Tally>()
  private readonly waits = new Map<number, WaitStats>()
  private maxSecond = -1

  constructor(
    readonly brands: readonly string[],
    private readonly startedAt: number,
  ) {}

  private cell(atMs: number, brand: number, cls: StepClass): Tally {
    const second = Math.max(0, Math.floor((atMs - this.startedAt) / 1000))
    if (second > this.maxSecond) this.maxSecond = second
    const key = (second * this.brands.length + brand) * stepClasses.length + stepClasses.indexOf(cls)
    let cell = this.cells.get(key)
    if (!cell) {
      cell = emptyTally()
      this.cells.set(key, cell)
    }
    return cell
  }

  /** A request answered (or not) at `atMs` (the wall clock when it ended). */
  record(atMs: number, brand: number, cls: StepClass, outcome: Outcome, latencyMs: number): void {
    const cell = this.cell(atMs, brand, cls)
    cell.requests += 1
    if (outcome === 'timeout' || outcome === 'network') cell.failed += 1
    else cell[outcome] += 1
    if (outcome === 'ok' || outcome === 'soldOut' || outcome === 'clientError' || outcome === 'serverError')
      cell.latencies.push(latencyMs)
  }

  recordOrder(atMs: number, brand: number): void {
    this.cell(atMs, brand, 'checkout').orders += 1
  }

  /**
   * A shopper of `brand` who was shown the waiting room: `waitedMs` from the first waiting answer
   * to the first admitted one, or null when the run ended before their turn.
   */
  recordWait(brand: number, waitedMs: number | null): void {
    let stats = this.waits.get(brand)
    if (!stats) {
      stats = emptyWaitStats()
      this.waits.set(brand, stats)
    }
    mergeWaitStats(stats, waitedMs === null ? { ...emptyWaitStats(), waited: 1 } : oneAdmission(waitedMs))
  }

  /** Waiting-room shoppers of the given brands (all when absent). */
  waitStats(brands?: ReadonlySet<number>): WaitStats {
    const out = emptyWaitStats()
    for (const [b, stats] of this.waits) if (!brands || brands.has(b)) mergeWaitStats(out, stats)
    return out
  }

  /**
   * Hands over (and forgets) what was recorded in the seconds before `beforeSecond` — no request
   * can end in them any more — or everything when null: how a load process streams its figures
   * to the parent, which adds them with `add`. Samples travel as they are, so the parent's
   * totals and percentiles are exactly those of one recorder that saw every request.
   */
  takeCells(beforeSecond: number | null): RecordedCells {
    const cells: RecordedCells['cells'] = []
    const perSecond = this.brands.length * stepClasses.length
    for (const [key, tally] of this.cells) {
      if (beforeSecond !== null && Math.floor(key / perSecond) >= beforeSecond) continue
      cells.push([key, tally])
      this.cells.delete(key)
    }
    const waits = beforeSecond === null ? [...this.waits] : []
    if (beforeSecond === null) this.waits.clear()
    return { cells, waits }
  }

  /** Adds cells taken from another recorder of the same brands and start instant. */
  add(recorded: RecordedCells): void {
    const perSecond = this.brands.length * stepClasses.length
    for (const [key, tally] of recorded.cells) {
      const cell = this.cells.get(key)
      if (cell) mergeTally(cell, tally)
      else this.cells.set(key, tally)
      this.maxSecond = Math.max(this.maxSecond, Math.floor(key / perSecond))
    }
    for (const [b, stats] of recorded.waits) {
      const mine = this.waits.get(b)
      if (mine) mergeWaitStats(mine, stats)
      else this.waits.set(b, stats)
    }
  }

  get seconds(): number {
    return this.maxSecond + 1
  }

  /** The sum over seconds [from, to), the given brands (indexes; all when absent) and classes (all when absent). */
  tally(
    filter: { from?: number; to?: number; brands?: ReadonlySet<number>; classes?: ReadonlySet<StepClass> } = {},
  ): Tally {
    const out = emptyTally()
    const from = filter.from ?? 0
    const to = Math.min(filter.to ?? this.seconds, this.seconds)
    for (let s = from; s < to; s++) {
      for (let b = 0; b < this.brands.length; b++) {
        if (filter.brands && !filter.brands.has(b)) continue
        for (let c = 0; c < stepClasses.length; c++) {
          const cls = stepClasses[c] as StepClass
          if (filter.classes && !filter.classes.has(cls)) continue
          const cell = this.cells.get((s * this.brands.length + b) * stepClasses.length + c)
          if (cell) mergeTally(out, cell)
        }
      }
    }
    return out
  }
}

/** What a rehearsal measures, per request class (the shopper's step). */
export const stepClasses = ['home', 'listing', 'search', 'product', 'cart', 'checkout'] as const
export type StepClass = (typeof stepClasses)[number]
/** The classes that are page views, for the measured capacity. */
export const pageClasses: ReadonlySet<StepClass> = new Set(['home', 'listing', 'search', 'product'])

/**
 * How a request ended. `soldOut` is a 409 out-of-stock on cart or checkout (expected during a
 * sale, not an error); `shed` a deliberate 503 (admission control); `serverError` any other 5xx;
 * `timeout`/`network` no answer at all.
 */
export type Outcome = 'ok' | 'soldOut' | 'clientError' | 'shed' | 'serverError' | 'timeout' | 'network'

export interface Tally {
  requests: number
  ok: number
  soldOut: number
  clientError: number
  shed: number
  serverError: number
  failed: number
  orders: number
  /** Latencies (ms) of the requests that were answered and not shed: what shoppers waited for. */
  latencies: number[]
}

export const emptyTally = (): Tally => ({
  requests: 0,
  ok: 0,
  soldOut: 0,
  clientError: 0,
  shed: 0,
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

/** Every request's outcome, by second of the run, brand and class. */
export class Recorder {
  private readonly cells = new Map<number, Tally>()
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
    if (outcome !== 'shed' && outcome !== 'timeout' && outcome !== 'network') cell.latencies.push(latencyMs)
  }

  recordOrder(atMs: number, brand: number): void {
    this.cell(atMs, brand, 'checkout').orders += 1
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

import { quantiles, type Recorder, type StepClass, stepClasses, type Tally, type WaitStats } from './recorder.ts'
import type { Phase } from './slo.ts'

/** One class's or brand's line of a phase: its tally's counts, with rates and percentiles in place of the latencies. */
export interface Row extends Omit<Tally, 'latencies'> {
  label: string
  rps: number
  p50: number | null
  p95: number | null
  p99: number | null
}

export interface Series {
  name: string
  /** One value per second of the run (null: nothing measured that second). */
  values: Array<number | null>
}

export interface Summary {
  phases: Array<Phase & { byClass: Row[]; byBrand: Row[]; total: Row }>
  throughputByClass: Series[]
  p99ByClass: Series[]
  throughputByBrand: Series[]
  p99ByBrand: Series[]
  shedPerSecond: Series
  errorsPerSecond: Series
  ordersPerSecond: Series
}

export function row(label: string, t: Tally, seconds: number): Row {
  const [p50, p95, p99] = quantiles(t.latencies, [0.5, 0.95, 0.99])
  return {
    label,
    requests: t.requests,
    rps: seconds > 0 ? t.requests / seconds : 0,
    p50: p50 ?? null,
    p95: p95 ?? null,
    p99: p99 ?? null,
    ok: t.ok,
    soldOut: t.soldOut,
    clientError: t.clientError,
    shed: t.shed,
    waiting: t.waiting,
    serverError: t.serverError,
    failed: t.failed,
    orders: t.orders,
  }
}

/** Tables per phase (per class, per brand) and per-second series for the charts. */
export function summarize(recorder: Recorder, phases: readonly Phase[]): Summary {
  const seconds = recorder.seconds
  const perSecond = (pick: (s: number) => number | null) => Array.from({ length: seconds }, (_, s) => pick(s))
  const brandIndexes = recorder.brands.map((_, i) => i)
  return {
    phases: phases.map((phase) => {
      const length = Math.max(1, Math.min(phase.to, seconds) - phase.from)
      return {
        ...phase,
        byClass: stepClasses.map((cls) =>
          row(cls, recorder.tally({ from: phase.from, to: phase.to, classes: new Set<StepClass>([cls]) }), length),
        ),
        byBrand: brandIndexes.map((b) =>
          row(
            recorder.brands[b] ?? '',
            recorder.tally({ from: phase.from, to: phase.to, brands: new Set([b]) }),
            length,
          ),
        ),
        total: row('all', recorder.tally({ from: phase.from, to: phase.to }), length),
      }
    }),
    throughputByClass: stepClasses.map((cls) => ({
      name: cls,
      values: perSecond((s) => recorder.tally({ from: s, to: s + 1, classes: new Set<StepClass>([cls]) }).requests),
    })),
    p99ByClass: stepClasses.map((cls) => ({
      name: cls,
      values: perSecond(
        (s) =>
          quantiles(recorder.tally({ from: s, to: s + 1, classes: new Set<StepClass>([cls]) }).latencies, [0.99])[0] ??
          null,
      ),
    })),
    throughputByBrand: brandIndexes.map((b) => ({
      name: recorder.brands[b] ?? '',
      values: perSecond((s) => recorder.tally({ from: s, to: s + 1, brands: new Set([b]) }).requests),
    })),
    p99ByBrand: brandIndexes.map((b) => ({
      name: recorder.brands[b] ?? '',
      values: perSecond(
        (s) => quantiles(recorder.tally({ from: s, to: s + 1, brands: new Set([b]) }).latencies, [0.99])[0] ?? null,
      ),
    })),
    shedPerSecond: { name: 'shed (503)', values: perSecond((s) => recorder.tally({ from: s, to: s + 1 }).shed) },
    errorsPerSecond: {
      name: 'errors (5xx, no answer)',
      values: perSecond((s) => {
        const t = recorder.tally({ from: s, to: s + 1 })
        return t.serverError + t.failed
      }),
    },
    ordersPerSecond: { name: 'orders', values: perSecond((s) => recorder.tally({ from: s, to: s + 1 }).orders) },
  }
}

/** One brand's waiting-room shoppers: how many met the room, got in, and how long they waited (s). */
export interface WaitRow {
  slug: string
  waited: number
  admitted: number
  /** Met the room and were still waiting when the run ended. */
  stillWaiting: number
  p50S: number | null
  p95S: number | null
  maxS: number | null
}

export function waitSummary(slug: string, stats: WaitStats): WaitRow {
  const [p50, p95, max] = quantiles(stats.waitMs, [0.5, 0.95, 1])
  const s = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : Math.round(ms / 100) / 10)
  return {
    slug,
    waited: stats.waited,
    admitted: stats.admitted,
    stillWaiting: stats.waited - stats.admitted,
    p50S: s(p50),
    p95S: s(p95),
    maxS: s(max),
  }
}

import type { OversoldCheck } from './admin-probe.ts'
import type { MeasuredCapacity } from './measure-capacity.ts'
import type { SloVerdict } from './slo.ts'
import type { Summary } from './summarize.ts'

/** Everything a rehearsal found, as the terminal summary and the HTML report show it. */
export interface RehearsalOutcome {
  target: string
  startedAt: Date
  durationS: number
  baselineRps: number
  surge: number
  profile: 'step' | 'ramp'
  surgeAtS: number
  brands: string[]
  surgingBrands: string[]
  visits: number
  droppedVisits: number
  summary: Summary
  ordersPlaced: number
  oversold: OversoldCheck | null
  /** ERP outbox depth sampled during and after the run (seconds from start); empty when not readable. */
  erpDepth: Array<{ t: number; depth: number }>
  /** Seconds from the end of the load to an empty outbox; null when never seen empty or not readable. */
  erpCatchUpS: number | null
  /** Server counters (from /metrics) that moved during the run: name → increase. */
  serverCounters: Array<{ name: string; delta: number }>
  capacity: MeasuredCapacity | null
  verdicts: SloVerdict[]
}

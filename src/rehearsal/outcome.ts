import type { OversoldCheck } from './admin-probe.ts'
import type { EventLoopDelay } from './event-loop-delay.ts'
import type { MeasuredCapacity } from './measure-capacity.ts'
import type { SloVerdict } from './slo.ts'
import type { Summary, WaitRow } from './summarize.ts'
import type { RoomCount } from './waiting-room-scenario.ts'

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
  /**
   * What the load generator itself cost: on a machine that also runs the target, its CPU is CPU the
   * target did not have, so the capacity is read against it.
   */
  loadGenerator: { processes: number; cpuSeconds: number; wallSeconds: number; eventLoopDelay: EventLoopDelay }
  /** CPU the target's processes used during the run (its /metrics), seconds; null when not readable. */
  serverCpuSeconds: number | null
  /** Shoppers who met a waiting room, per brand, and the rooms' own counts; null when none did. */
  waitingRoom: { rooms: RoomCount[]; shoppers: WaitRow[] } | null
}

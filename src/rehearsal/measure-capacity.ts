import type { NodeCapacity } from '../planning/index.ts'
import { errorRate, pageClasses, quantile, type Recorder, type StepClass, shedRate, stepClasses } from './recorder.ts'
import type { SloConfig } from './slo.ts'

export interface MeasuredCapacity {
  pageViewsPerSecond: number
  ordersPerMinute: number
  /** False when every window met the SLO: the target was never pushed to its limit, the figures are a floor. */
  saturated: boolean
  windows: number
}

/** Windows this long (sliding by a second) must hold the SLO for the load in them to count as sustained. */
export const windowSeconds = 10

/**
 * The most page views/s and orders/min the target served over any 10-s window in which every
 * class's p99 met the SLO, nothing was shed and errors stayed within the SLO's rate — per node
 * (divided by `nodes`). The two maxima may come from different windows: each is what the node
 * sustained of that kind of work under the run's mix.
 */
export function measureCapacity(recorder: Recorder, slo: SloConfig, nodes: number): MeasuredCapacity | null {
  let bestPv = 0
  let bestOrders = 0
  let windows = 0
  let failedWindows = 0
  // The last second is partial (the run stopped inside it): leave it out.
  for (let from = 0; from + windowSeconds <= recorder.seconds - 1; from++) {
    windows += 1
    const to = from + windowSeconds
    const all = recorder.tally({ from, to })
    let held = shedRate(all) === 0 && errorRate(all) <= slo.maxErrorRate
    for (const cls of stepClasses) {
      if (!held) break
      const p99 = quantile(recorder.tally({ from, to, classes: new Set<StepClass>([cls]) }).latencies, 0.99)
      if (p99 !== null && p99 > slo.p99Ms[cls]) held = false
    }
    if (!held) {
      failedWindows += 1
      continue
    }
    const pages = recorder.tally({ from, to, classes: pageClasses })
    const pv = pages.requests / windowSeconds / nodes
    const orders = (all.orders * 60) / windowSeconds / nodes
    bestPv = Math.max(bestPv, pv)
    bestOrders = Math.max(bestOrders, orders)
  }
  if (bestPv === 0) return null
  return {
    pageViewsPerSecond: round2(bestPv),
    ordersPerMinute: round2(bestOrders),
    saturated: failedWindows > 0,
    windows,
  }
}

export function capacityFile(
  measured: MeasuredCapacity,
  context: { target: string; nodes: number; slo: SloConfig; startupSeconds: number | null; now: Date },
): NodeCapacity {
  return {
    version: 1,
    measuredAt: context.now.toISOString(),
    target: context.target,
    nodes: context.nodes,
    pageViewsPerSecond: measured.pageViewsPerSecond,
    // A run without any order leaves a floor of one per minute rather than a zero that cannot size anything.
    ordersPerMinute: Math.max(measured.ordersPerMinute, 1),
    p99SloMs: Math.max(...pageClassesSlo(context.slo)),
    startupSeconds: context.startupSeconds,
  }
}

const pageClassesSlo = (slo: SloConfig) => [...pageClasses].map((c) => slo.p99Ms[c])
const round2 = (x: number) => Math.round(x * 100) / 100

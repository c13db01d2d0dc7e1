import { monitorEventLoopDelay } from 'node:perf_hooks'

/**
 * A load process late on its own event loop reads every answer that late: its latencies then hold
 * time the target did not spend. Reported beside them, so a reader can tell.
 */
export interface EventLoopDelay {
  p99Ms: number
  maxMs: number
}

/** Before any process reported. */
export const noDelay: EventLoopDelay = { p99Ms: 0, maxMs: 0 }

/** Measures this process's event-loop delay until `stop()`. */
export function watchEventLoopDelay(): { stop(): EventLoopDelay } {
  const histogram = monitorEventLoopDelay({ resolution: 10 })
  histogram.enable()
  return {
    stop() {
      histogram.disable()
      return { p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 }
    },
  }
}

/** The worse of two processes' delays (each figure on its own: a p99 cannot be merged exactly). */
export function worseDelay(a: EventLoopDelay, b: EventLoopDelay): EventLoopDelay {
  return { p99Ms: Math.max(a.p99Ms, b.p99Ms), maxMs: Math.max(a.maxMs, b.maxMs) }
}

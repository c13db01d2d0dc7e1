import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { MetricsRegistry } from './metrics.ts'

/**
 * The process's own health, in Prometheus' usual names: resident memory, heap, CPU time, start
 * time, and event-loop delay (how late a timer fires: the first thing to grow when a Node process
 * is saturated, before latency percentiles show it). Delay percentiles cover the time since the
 * previous scrape, so a spike between two scrapes is seen once, then forgotten.
 */
export function registerProcessMetrics(registry: MetricsRegistry): () => void {
  const delay = monitorEventLoopDelay({ resolution: 10 })
  delay.enable()
  const startSeconds = Math.round(Date.now() / 1000 - process.uptime())
  const single = (name: string, help: string, read: () => number) =>
    registry.gauge({ name, help, read: () => [{ labels: {}, value: read() }] })

  single('process_resident_memory_bytes', 'Resident set size', () => process.memoryUsage.rss())
  single('nodejs_heap_used_bytes', 'V8 heap in use', () => process.memoryUsage().heapUsed)
  single('process_cpu_seconds_total', 'User and system CPU time spent', () => {
    const { user, system } = process.cpuUsage()
    return (user + system) / 1e6
  })
  single('process_start_time_seconds', 'Start of the process, Unix time', () => startSeconds)
  registry.gauge({
    name: 'nodejs_eventloop_delay_seconds',
    help: 'Event-loop delay since the previous scrape, by quantile',
    read: () => {
      const rows = [0.5, 0.99, 1].map((q) => ({
        labels: { quantile: String(q) },
        // An empty histogram reports a huge minimum; no sample means no delay was seen.
        value: delay.count === 0 ? 0 : delay.percentile(q * 100) / 1e9,
      }))
      delay.reset()
      return rows
    },
  })
  return () => delay.disable()
}

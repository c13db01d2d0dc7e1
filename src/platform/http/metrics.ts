/**
 * A small Prometheus registry, written by hand (prom-client is not a dependency): counters, gauges
 * and histograms with labels, a JSON snapshot that crosses process boundaries (cluster workers send
 * theirs to the primary, which sums them), and the text exposition format 0.0.4.
 *
 * Label sets are bounded by construction (brand slugs, request classes, status codes), so series
 * are kept in plain maps and never expire.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram'
export type Labels = Readonly<Record<string, string>>

export interface Series {
  labels: Labels
  /** Counters and gauges. */
  value?: number
  /** Histograms: cumulative counts per bucket bound (same order as `buckets`), then sum and count. */
  counts?: number[]
  sum?: number
  count?: number
}

/** One metric with all its series: what a snapshot holds and what the exposition prints. */
export interface MetricFamily {
  name: string
  help: string
  type: MetricType
  /** Histograms: the upper bounds of the buckets, in seconds, ascending (+Inf implied). */
  buckets?: number[]
  series: Series[]
}

const seriesKey = (labels: Labels): string =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)))

export class Counter {
  private readonly values = new Map<string, Series>()
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels, by = 1): void {
    const key = seriesKey(labels)
    const series = this.values.get(key)
    if (series) series.value = (series.value ?? 0) + by
    else this.values.set(key, { labels, value: by })
  }

  family(): MetricFamily {
    return { name: this.name, help: this.help, type: 'counter', series: [...this.values.values()].map(copySeries) }
  }
}

export class Histogram {
  private readonly values = new Map<string, Series>()
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    const key = seriesKey(labels)
    let series = this.values.get(key)
    if (!series) {
      series = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }
      this.values.set(key, series)
    }
    const counts = series.counts!
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) counts[i]! += 1
    series.sum! += value
    series.count! += 1
  }

  family(): MetricFamily {
    return {
      name: this.name,
      help: this.help,
      type: 'histogram',
      buckets: [...this.buckets],
      series: [...this.values.values()].map(copySeries),
    }
  }
}

/** A gauge read when the registry is collected (in-flight requests, queue length, RSS). */
export interface GaugeSource {
  name: string
  help: string
  read(): Array<{ labels: Labels; value: number }>
}

export class MetricsRegistry {
  private readonly counters: Counter[] = []
  private readonly histograms: Histogram[] = []
  private readonly gauges: GaugeSource[] = []

  /**
   * @param constantLabels added to every series, e.g. `{worker: '2'}` in a cluster worker, so the
   *   primary's sum keeps per-process values (RSS, event-loop lag) apart.
   */
  constructor(private readonly constantLabels: Labels = {}) {}

  counter(name: string, help: string): Counter {
    const counter = new Counter(name, help)
    this.counters.push(counter)
    return counter
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    const histogram = new Histogram(name, help, buckets)
    this.histograms.push(histogram)
    return histogram
  }

  gauge(source: GaugeSource): void {
    this.gauges.push(source)
  }

  /** Every metric as plain data: JSON-serialisable, so it can travel over cluster IPC. */
  snapshot(): MetricFamily[] {
    const families = [
      ...this.counters.map((c) => c.family()),
      ...this.gauges.map((g) => ({
        name: g.name,
        help: g.help,
        type: 'gauge' as const,
        series: g.read().map(({ labels, value }) => ({ labels, value })),
      })),
      ...this.histograms.map((h) => h.family()),
    ]
    if (Object.keys(this.constantLabels).length === 0) return families
    return families.map((f) => ({
      ...f,
      series: f.series.map((s) => ({ ...s, labels: { ...s.labels, ...this.constantLabels } })),
    }))
  }
}

function copySeries(series: Series): Series {
  return series.counts ? { ...series, counts: [...series.counts] } : { ...series }
}

/**
 * Sums snapshots of several processes: series with the same name and labels add up (counters,
 * histogram buckets, and gauges such as in-flight requests, whose node total is the sum).
 * Per-process gauges carry a `worker` label and so stay apart.
 */
export function mergeSnapshots(snapshots: MetricFamily[][]): MetricFamily[] {
  const families = new Map<string, MetricFamily & { byKey: Map<string, Series> }>()
  for (const snapshot of snapshots) {
    for (const family of snapshot) {
      let merged = families.get(family.name)
      if (!merged) {
        merged = { ...family, series: [], byKey: new Map() }
        families.set(family.name, merged)
      }
      // A family whose shape differs between processes (a rolling deploy) is kept from the first.
      if (merged.type !== family.type || String(merged.buckets) !== String(family.buckets)) continue
      for (const series of family.series) {
        const key = seriesKey(series.labels)
        const existing = merged.byKey.get(key)
        if (!existing) {
          const copy = copySeries(series)
          merged.byKey.set(key, copy)
          merged.series.push(copy)
        } else if (series.counts && existing.counts) {
          series.counts.forEach((c, i) => {
            existing.counts![i]! += c
          })
          existing.sum! += series.sum ?? 0
          existing.count! += series.count ?? 0
        } else {
          existing.value = (existing.value ?? 0) + (series.value ?? 0)
        }
      }
    }
  }
  return [...families.values()].map(({ byKey: _byKey, ...family }) => family)
}

export const exposition = 'text/plain; version=0.0.4; charset=utf-8'

/** The Prometheus text format: HELP, TYPE, then one line per sample. */
export function renderExposition(families: MetricFamily[]): string {
  const lines: string[] = []
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`)
    for (const series of family.series) {
      if (family.type !== 'histogram') {
        lines.push(`${family.name}${labelText(series.labels)} ${number(series.value ?? 0)}`)
        continue
      }
      const bounds = family.buckets ?? []
      bounds.forEach((bound, i) => {
        lines.push(
          `${family.name}_bucket${labelText({ ...series.labels, le: number(bound) })} ${series.counts?.[i] ?? 0}`,
        )
      })
      lines.push(`${family.name}_bucket${labelText({ ...series.labels, le: '+Inf' })} ${series.count ?? 0}`)
      lines.push(`${family.name}_sum${labelText(series.labels)} ${number(series.sum ?? 0)}`)
      lines.push(`${family.name}_count${labelText(series.labels)} ${series.count ?? 0}`)
    }
  }
  return `${lines.join('\n')}\n`
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels)
  if (entries.length === 0) return ''
  return `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`
}

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
const escapeHelp = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Number.POSITIVE_INFINITY) return '+Inf'
  if (value === Number.NEGATIVE_INFINITY) return '-Inf'
  return String(value)
}

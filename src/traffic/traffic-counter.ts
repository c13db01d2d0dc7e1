import type { TrafficKind } from './classify-traffic.ts'

const hourMs = 3_600_000

/** One row to add to the history: `n` more requests of `kind` for the brand in that hour. */
export interface TrafficCount {
  brandId: string
  hour: Date
  kind: TrafficKind
  n: number
}

/**
 * Counts served requests in memory, per (brand, hour, kind), until the next flush takes them. The
 * request path only increments a map entry: no I/O, no await, no allocation once the hour's keys
 * exist.
 */
export class TrafficCounter {
  private counts = new Map<string, number>()

  add(brandId: string, kind: TrafficKind, at: number): void {
    const key = `${brandId}|${Math.floor(at / hourMs) * hourMs}|${kind}`
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1)
  }

  /** Everything counted so far, and a fresh start: what a flush writes. */
  take(): TrafficCount[] {
    const taken = this.counts
    this.counts = new Map()
    return [...taken].map(([key, n]) => {
      const [brandId = '', hour = '0', kind = 'page'] = key.split('|')
      return { brandId, hour: new Date(Number(hour)), kind: kind as TrafficKind, n }
    })
  }

  /** Puts back counts a failed flush could not write, so the next flush retries them. */
  restore(counts: readonly TrafficCount[]): void {
    for (const c of counts) {
      const key = `${c.brandId}|${c.hour.getTime()}|${c.kind}`
      this.counts.set(key, (this.counts.get(key) ?? 0) + c.n)
    }
  }

  get pending(): number {
    return this.counts.size
  }
}

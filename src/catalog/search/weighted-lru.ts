/**
 * A least-recently-used map bounded by the total weight of its values (here: product references
 * held by cached search results) as well as by entry count, so a few huge results cannot hold
 * the memory that thousands of small ones would share.
 */
export class WeightedLru<V> {
  private readonly entries = new Map<string, { value: V; weight: number }>()
  private total = 0

  constructor(
    private readonly maxEntries: number,
    private readonly maxWeight: number,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    this.entries.delete(key)
    this.entries.set(key, entry)
    return entry.value
  }

  set(key: string, value: V, weight: number): void {
    this.delete(key)
    if (weight > this.maxWeight) return
    this.entries.set(key, { value, weight })
    this.total += weight
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.total <= this.maxWeight) break
      this.entries.delete(oldest)
      this.total -= entry.weight
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key)
    if (!entry) return
    this.entries.delete(key)
    this.total -= entry.weight
  }

  /** Drops the entries whose key the predicate selects (a brand's results of older catalog versions). */
  deleteWhere(predicate: (key: string) => boolean): void {
    for (const key of [...this.entries.keys()]) if (predicate(key)) this.delete(key)
  }

  get size(): number {
    return this.entries.size
  }

  get weight(): number {
    return this.total
  }
}

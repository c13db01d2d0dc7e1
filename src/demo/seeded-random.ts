// A tiny seeded PRNG so the demo data set is the same on every machine and every run. mulberry32 is
// not for anything secret; its 2^32 period is far more than a catalog of a few thousand products draws.

export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number
  pick<T>(items: readonly T[]): T
  /** `count` distinct items in random order (fewer if the list is shorter). */
  sample<T>(items: readonly T[], count: number): T[]
  chance(probability: number): boolean
}

/** FNV-1a, 32 bits: turns a seed string such as a brand slug into a PRNG state. */
export function hashSeed(seed: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < seed.length; i++) {
    hash ^= seed.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

export function seededRandom(seed: string): SeededRandom {
  let state = hashSeed(seed)
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    int,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('Cannot pick from an empty list')
      return items[int(0, items.length - 1)] as (typeof items)[number]
    },
    sample: (items, count) => {
      const pool = items.slice()
      const n = Math.min(count, pool.length)
      // Partial Fisher-Yates: only the first n positions are shuffled.
      for (let i = 0; i < n; i++) {
        const j = int(i, pool.length - 1)
        const swap = pool[i] as (typeof pool)[number]
        pool[i] = pool[j] as (typeof pool)[number]
        pool[j] = swap
      }
      return pool.slice(0, n)
    },
    chance: (probability) => next() < probability,
  }
}

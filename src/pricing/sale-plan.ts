import type { SaleRuleRow } from '../platform/db/schema.ts'
import { type Combine, type PriceCandidate, type ResolvedPrice, type Rounding, resolvePrice } from './resolve-price.ts'

export type SaleRule = SaleRuleRow
export type SaleTarget = SaleRuleRow['target']

/** One brand's side of a sale event: its instants in the brand's zone, its rules. */
export interface BrandSaleEvent {
  id: string
  brandId: string
  name: string
  startsAt: number
  endsAt: number
  priority: number
  combine: Combine
  rounding: Rounding | null
  rules: readonly SaleRule[]
}

/** A sale price from the brand's feed (scheduled_prices, source 'feed'); open-ended when a bound is null. */
export interface FeedPrice {
  id: string
  variantId: string
  priceMinor: number
  startsAt: number | null
  endsAt: number | null
}

/** What resolution needs to know of a variant: which targets it falls under, and its base price. */
export interface PricedVariantFacts {
  id: string
  productId: string
  categoryPath: string
  priceMinor: number
  compareAtMinor: number | null
}

/** A contiguous interval between two boundaries, during which every price of the brand is constant. */
export interface PricePeriod {
  /** Epoch ms of the boundary that opened it; -Infinity before the first one. */
  start: number
  /** Epoch ms of the next boundary; +Infinity after the last one. */
  end: number
}

interface CompiledRule {
  /** How specific the target is: variants 5, products 4, collections 3, categories 2, brand 1. */
  rank: number
  /** For categories: the depth of the longest matching path wins among category rules. */
  matches(facts: PricedVariantFacts): number
  rule: SaleRule
}

/**
 * A brand's price schedule, as loaded: its sale events, its feed sale prices and the instants at
 * which any of them starts or ends. Between two boundaries every price is constant, which is what
 * lets caches key on the period (priceVersion) instead of on the instant.
 *
 * Within one event, a variant takes the most specific rule that targets it (variant, then product,
 * collection, category — the deepest category — then whole brand; the first listed on a tie). How
 * the events active at an instant then combine is resolve-price.ts.
 */
export class SalePlan {
  readonly boundaries: readonly number[]
  private readonly compiled: Map<string, CompiledRule[]>
  private readonly activeMemo = new Map<number, ActiveAt>()

  constructor(
    readonly brandId: string,
    /** The brand's price_versions count: bumped by every event edit. */
    readonly version: number,
    /** The catalog version the feed prices were read at (the importer bumps it when they change). */
    readonly catalogVersion: number,
    readonly events: readonly BrandSaleEvent[],
    readonly feed: ReadonlyMap<string, readonly FeedPrice[]>,
    /** Products of the collections the events target, by collection id. */
    readonly collectionProducts: ReadonlyMap<string, ReadonlySet<string>>,
    readonly minorDigits: number,
  ) {
    const instants = new Set<number>()
    for (const e of events) {
      instants.add(e.startsAt)
      instants.add(e.endsAt)
    }
    for (const prices of feed.values()) {
      for (const f of prices) {
        if (f.startsAt !== null) instants.add(f.startsAt)
        if (f.endsAt !== null) instants.add(f.endsAt)
      }
    }
    this.boundaries = [...instants].sort((a, b) => a - b)
    this.compiled = new Map(events.map((e) => [e.id, e.rules.map((r) => compileRule(r, collectionProducts))]))
  }

  /** Whether anything can ever change a price of this brand. */
  get empty(): boolean {
    return this.boundaries.length === 0
  }

  /** The period holding an instant: binary search over the boundaries. */
  period(ms: number): PricePeriod {
    const b = this.boundaries
    let lo = 0
    let hi = b.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((b[mid] as number) <= ms) lo = mid + 1
      else hi = mid
    }
    return {
      start: lo === 0 ? Number.NEGATIVE_INFINITY : (b[lo - 1] as number),
      end: lo < b.length ? (b[lo] as number) : Number.POSITIVE_INFINITY,
    }
  }

  /**
   * What cached responses key on, with the catalog version: the edit version and the period. Two
   * instants with the same value have the same prices.
   */
  priceVersion(ms: number): string {
    if (this.empty) return `${this.version}`
    const start = this.period(ms).start
    return `${this.version}.${start === Number.NEGATIVE_INFINITY ? 0 : start}`
  }

  /** The next boundary strictly after an instant, or null. */
  nextBoundary(ms: number): number | null {
    const end = this.period(ms).end
    return end === Number.POSITIVE_INFINITY ? null : end
  }

  /** Whether any event or feed price is in force at the instant (if not, every price is its base). */
  anythingActive(ms: number): boolean {
    const active = this.active(ms)
    return active.events.length > 0 || active.feedCount > 0
  }

  /** The price of a variant at an instant. */
  resolve(facts: PricedVariantFacts, ms: number): ResolvedPrice {
    const active = this.active(ms)
    const candidates: PriceCandidate[] = []
    for (const event of active.events) {
      const rule = this.ruleFor(event, facts)
      if (!rule) continue
      candidates.push({
        sourceId: event.id,
        priority: event.priority,
        combine: event.combine,
        rounding: event.rounding,
        discount: rule.discount,
        startsAt: event.startsAt,
      })
    }
    if (active.feedCount > 0) {
      for (const f of this.feed.get(facts.id) ?? []) {
        if ((f.startsAt === null || f.startsAt <= ms) && (f.endsAt === null || ms < f.endsAt)) {
          candidates.push({
            sourceId: `feed:${f.id}`,
            priority: 0,
            combine: 'best',
            rounding: null,
            discount: { kind: 'fixed', priceMinor: f.priceMinor },
            startsAt: f.startsAt,
          })
        }
      }
    }
    return resolvePrice(facts, candidates, this.minorDigits)
  }

  /** The rule of an event that applies to a variant: the most specific target, the first on a tie. */
  private ruleFor(event: BrandSaleEvent, facts: PricedVariantFacts): SaleRule | null {
    let best: CompiledRule | null = null
    let bestDepth = -1
    for (const compiled of this.compiled.get(event.id) ?? []) {
      const depth = compiled.matches(facts)
      if (depth < 0) continue
      if (!best || compiled.rank > best.rank || (compiled.rank === best.rank && depth > bestDepth)) {
        best = compiled
        bestDepth = depth
      }
    }
    return best?.rule ?? null
  }

  /** Events and feed prices in force during the instant's period (memoised per period: a few per plan). */
  private active(ms: number): ActiveAt {
    const start = this.period(ms).start
    let found = this.activeMemo.get(start)
    if (!found) {
      let feedCount = 0
      for (const prices of this.feed.values()) {
        for (const f of prices) {
          if ((f.startsAt === null || f.startsAt <= ms) && (f.endsAt === null || ms < f.endsAt)) feedCount += 1
        }
      }
      found = { events: this.events.filter((e) => e.startsAt <= ms && ms < e.endsAt), feedCount }
      if (this.activeMemo.size >= 16) this.activeMemo.clear()
      this.activeMemo.set(start, found)
    }
    return found
  }
}

interface ActiveAt {
  events: readonly BrandSaleEvent[]
  feedCount: number
}

function compileRule(rule: SaleRule, collectionProducts: ReadonlyMap<string, ReadonlySet<string>>): CompiledRule {
  const target = rule.target
  switch (target.kind) {
    case 'brand':
      return { rank: 1, rule, matches: () => 0 }
    case 'categories': {
      const paths = target.paths.map((path) => ({ path, below: `${path} > `, depth: path.split(' > ').length }))
      return {
        rank: 2,
        rule,
        matches: (facts) => {
          let depth = -1
          for (const p of paths) {
            if ((facts.categoryPath === p.path || facts.categoryPath.startsWith(p.below)) && p.depth > depth)
              depth = p.depth
          }
          return depth
        },
      }
    }
    case 'collections': {
      const sets = target.ids.map((id) => collectionProducts.get(id)).filter((s) => s !== undefined)
      return { rank: 3, rule, matches: (facts) => (sets.some((s) => s.has(facts.productId)) ? 0 : -1) }
    }
    case 'products': {
      const ids = new Set(target.ids)
      return { rank: 4, rule, matches: (facts) => (ids.has(facts.productId) ? 0 : -1) }
    }
    case 'variants': {
      const ids = new Set(target.ids)
      return { rank: 5, rule, matches: (facts) => (ids.has(facts.id) ? 0 : -1) }
    }
  }
}

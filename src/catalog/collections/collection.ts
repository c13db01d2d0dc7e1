import { foldText, type SnapshotProduct } from '../catalog-snapshot.ts'

/** The order of a collection's members that are not pinned. */
export type CollectionSort = 'manual' | 'newest' | 'price-asc' | 'price-desc' | 'best-selling'
export type CollectionKind = 'manual' | 'rule'

/**
 * What a rule-based collection holds: the active products matching EVERY rule given (none given:
 * the whole catalog). Prices are card prices (the lowest variant price the snapshot holds, sale
 * prices included once pricing puts effective prices there).
 */
export interface CollectionRules {
  /** That category and every category under it (whole path segments). */
  categoryPath?: string
  /** Per attribute name, any of these values (case- and accent-insensitive). */
  attributes?: Record<string, string[]>
  minPriceMinor?: number
  maxPriceMinor?: number
  /** Created at or after this instant (RFC 3339). */
  newSince?: string
  /** Created within this many days before the request's instant. */
  newWithinDays?: number
  /** Only products on sale: card price below its compare-at price. */
  onSale?: boolean
}

export interface Collection {
  id: string
  slug: string
  title: string
  description: string
  kind: CollectionKind
  rules: CollectionRules
  sort: CollectionSort
  featured: boolean
  position: number
  /** Manual collections: the members in the merchandiser's order. */
  productIds: string[]
  /** Shown first, in this order, in either kind (a pinned product is a member even if no rule selects it). */
  pinnedIds: string[]
  createdAt: Date
  updatedAt: Date
}

/** A predicate for a collection's rules at an instant. */
export function rulesPredicate(rules: CollectionRules, now: Date): (p: SnapshotProduct) => boolean {
  const below = rules.categoryPath ? `${rules.categoryPath} > ` : null
  const attributes = Object.entries(rules.attributes ?? {}).map(
    ([name, values]) => [name, new Set(values.map(foldText))] as const,
  )
  const since = Math.max(
    rules.newSince ? Date.parse(rules.newSince) : Number.NEGATIVE_INFINITY,
    rules.newWithinDays !== undefined
      ? now.getTime() - rules.newWithinDays * 24 * 3600 * 1000
      : Number.NEGATIVE_INFINITY,
  )
  const { minPriceMinor: min, maxPriceMinor: max } = rules
  return (p) => {
    if (p.priceMinor === null) return false
    if (below && p.categoryPath !== rules.categoryPath && !p.categoryPath.startsWith(below)) return false
    if (min !== undefined && p.priceMinor < min) return false
    if (max !== undefined && p.priceMinor > max) return false
    if (p.createdAt.getTime() < since) return false
    if (rules.onSale && (p.compareAtMinor === null || p.compareAtMinor <= p.priceMinor)) return false
    for (const [name, values] of attributes) {
      const value = p.attributes[name]
      if (typeof value !== 'string' || !values.has(foldText(value))) return false
    }
    return true
  }
}

import type { BrandCtx } from '../brands/brand.ts'
import type { Log } from '../platform/ctx.ts'
import type { Database, Db } from '../platform/db/database.ts'
import { listen } from '../platform/db/notifications.ts'
import { allPriceVersions, loadSalePlan, pricesChangedChannel } from './queries.ts'
import type { SalePlan } from './sale-plan.ts'

interface Entry {
  plan: SalePlan | null
  /** Bumped by every notification: a plan loaded before the latest one is stale. */
  generation: number
  loadedGeneration: number
  loading: Promise<SalePlan> | null
  loadingGeneration: number
  loadingCatalogVersion: number
  timer: NodeJS.Timeout | null
  brand: BrandCtx['brand'] | null
}

/** Called shortly before a boundary, so caches can prepare the next period's prices. */
export type BoundaryListener = (brand: BrandCtx['brand'], boundary: number) => void

/**
 * Each brand's price schedule, held in memory per process. Freshness:
 * - Edits: every event edit bumps the brand's price version and NOTIFYs vitrine_prices_changed at
 *   commit; the listener marks the brand stale and reloads it at once, and a request arriving
 *   while a newer edit is not loaded yet waits for that load (so a request after the
 *   notification sees the edit). A 30 s poll of the versions is the safety net against a lost
 *   notification; a reconnected listener ('*') marks every brand stale.
 * - Feed sale prices: the importer bumps the catalog version; a request carrying a newer catalog
 *   version than the plan's waits for a reload, like the catalog snapshot.
 * - Boundaries (events starting or ending): nothing to learn. The plan knows every boundary, each
 *   request computes its period from its own instant (`now >= next boundary` ⇒ a new price
 *   version), and a timer per brand fires shortly before the next boundary so listeners can build
 *   the next period's prices ahead of the surge.
 */
export class SalePlans {
  private readonly entries = new Map<string, Entry>()
  private readonly listeners = new Set<BoundaryListener>()
  private stopListening: (() => Promise<void>) | null = null
  private safetyTimer: NodeJS.Timeout | null = null
  private starts = 0

  constructor(
    private readonly db: Db,
    /** How long before a boundary the timer fires. */
    private readonly leadMs = 2000,
  ) {}

  /** The brand's plan at (at least) the context's catalog version and the last edit announced. */
  plan(ctx: BrandCtx): Promise<SalePlan> {
    const brand = ctx.brand
    let entry = this.entries.get(brand.id)
    if (!entry) {
      entry = {
        plan: null,
        generation: 0,
        loadedGeneration: -1,
        loading: null,
        loadingGeneration: -1,
        loadingCatalogVersion: -1,
        timer: null,
        brand,
      }
      this.entries.set(brand.id, entry)
    }
    const plan = entry.plan
    if (plan && entry.loadedGeneration === entry.generation && plan.catalogVersion >= brand.catalogVersion) {
      return Promise.resolve(plan)
    }
    if (
      entry.loading &&
      entry.loadingGeneration === entry.generation &&
      entry.loadingCatalogVersion >= brand.catalogVersion
    ) {
      return entry.loading
    }
    return this.load(entry, brand)
  }

  /** Marks a brand's plan stale (an edit committed), or every brand's ('*'); reloads loaded ones. */
  invalidate(brandId: string): void {
    for (const [id, entry] of this.entries) {
      if (brandId !== '*' && id !== brandId) continue
      entry.generation += 1
      if (entry.plan && entry.brand) void this.load(entry, entry.brand).catch(() => {})
    }
  }

  /** Registers a listener for boundaries; returns its removal. */
  onBoundary(listener: BoundaryListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Listens for edits made by any process and polls versions as a safety net. Idempotent: several
   * applications sharing one database handle share one listener.
   */
  async start(database: Database, log: Log, safetyRefreshMs = 30_000): Promise<void> {
    this.starts += 1
    if (this.starts > 1) return
    this.stopListening = await listen(database, pricesChangedChannel, (payload) => this.invalidate(payload || '*'), log)
    this.safetyTimer = setInterval(() => {
      allPriceVersions(this.db)
        .then((versions) => {
          for (const [id, entry] of this.entries) {
            if (entry.plan && entry.plan.version !== (versions.get(id) ?? 0)) this.invalidate(id)
          }
        })
        .catch((error: unknown) => log.warn({ err: error }, 'could not poll price versions'))
    }, safetyRefreshMs)
    this.safetyTimer.unref()
  }

  async stop(): Promise<void> {
    this.starts = Math.max(0, this.starts - 1)
    if (this.starts > 0) return
    if (this.safetyTimer) clearInterval(this.safetyTimer)
    for (const entry of this.entries.values()) if (entry.timer) clearTimeout(entry.timer)
    await this.stopListening?.()
    this.stopListening = null
  }

  private load(entry: Entry, brand: BrandCtx['brand']): Promise<SalePlan> {
    const generation = entry.generation
    const loading = loadSalePlan(this.db, brand).then((plan) => {
      // A slower load started before a newer one never overwrites it.
      if (
        generation >= entry.loadedGeneration &&
        (!entry.plan || plan.catalogVersion >= entry.plan.catalogVersion || generation > entry.loadedGeneration)
      ) {
        entry.plan = plan
        entry.loadedGeneration = generation
        entry.brand = brand
        this.schedule(entry, plan)
      }
      return plan
    })
    const settled = loading.finally(() => {
      if (entry.loading === settled) entry.loading = null
    })
    settled.catch(() => {})
    entry.loading = settled
    entry.loadingGeneration = generation
    entry.loadingCatalogVersion = brand.catalogVersion
    return settled
  }

  /** A timer shortly before the brand's next boundary (wall clock), re-armed after it fires. */
  private schedule(entry: Entry, plan: SalePlan): void {
    if (entry.timer) clearTimeout(entry.timer)
    entry.timer = null
    if (this.listeners.size === 0 && this.starts === 0) return
    const now = Date.now()
    const next = plan.nextBoundary(now + this.leadMs)
    if (next === null) return
    // setTimeout holds at most 2^31−1 ms (24.8 days); a farther boundary re-arms on the way.
    const delay = Math.min(Math.max(next - this.leadMs - now, 0), 2 ** 31 - 1)
    entry.timer = setTimeout(() => {
      entry.timer = null
      if (entry.plan !== plan) return
      if (Date.now() >= next - this.leadMs && entry.brand) {
        for (const listener of this.listeners) listener(entry.brand, next)
      }
      this.schedule(entry, plan)
    }, delay)
    entry.timer.unref()
  }
}

const shared = new WeakMap<Db, SalePlans>()

/**
 * The plans held for a database handle (the application's `ctx.db`). Inside a transaction, a
 * throw-away instance reads through it (its own uncommitted edits included).
 */
export function salePlans(db: Db): SalePlans {
  if (db.isTransaction) return new SalePlans(db)
  let plans = shared.get(db)
  if (!plans) {
    plans = new SalePlans(db)
    shared.set(db, plans)
  }
  return plans
}

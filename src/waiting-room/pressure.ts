import type { BrandCtx } from '../brands/brand.ts'
import type { BrandDirectory } from '../brands/brand-directory.ts'
import type { Log } from '../platform/ctx.ts'
import type { Db } from '../platform/db/database.ts'
import { notePressure, switchAutoOff, switchAutoOn } from './queries.ts'
import type { RoomDirectory } from './room-directory.ts'

/**
 * When an `auto` room switches itself. Hysteresis: on after shedding at least `onRatio` of the
 * brand's requests for `sustainMs`; off only after shedding at most `offRatio` for `calmMs` on
 * every node (each node still under pressure stamps `last_pressure_at`) and after `minOnMs` on.
 * Between the two ratios nothing changes. The room admitting at its rate is what calms the node,
 * so a room that switched off as soon as shedding stopped would flap; `minOnMs` and the long calm
 * period are what prevent it.
 */
export interface AutoPolicy {
  onRatio: number
  offRatio: number
  sustainMs: number
  calmMs: number
  minOnMs: number
  /** How often a node under pressure stamps it in the database, at most. */
  noteEveryMs: number
}

export const defaultAutoPolicy: AutoPolicy = {
  onRatio: 0.2,
  offRatio: 0.02,
  sustainMs: 5_000,
  calmMs: 60_000,
  minOnMs: 120_000,
  noteEveryMs: 1_000,
}

export type PressureOutcome = 'switched-on' | 'switched-off' | null

interface BrandPressure {
  highSince: number | null
  calmSince: number | null
  notedAt: number
}

/** One per application: follows the shed ratios the admission controller reports, per brand. */
export class PressureMonitor {
  private readonly brandsPressure = new Map<string, BrandPressure>()
  private readonly switching = new Set<string>()

  constructor(
    private readonly deps: { db: Db; brands: BrandDirectory; rooms: RoomDirectory; clock: () => Date; log: Log },
    private readonly policy: AutoPolicy = defaultAutoPolicy,
  ) {}

  /**
   * `shedRatio`: the share of the brand's recent requests this node shed (0..1). Cheap when the
   * brand's room is not `auto` (a map lookup); writes only on a switch and, under pressure, once
   * per `noteEveryMs`. Never throws: a failure is logged and the next report tries again.
   */
  async report(brandId: string, shedRatio: number): Promise<PressureOutcome> {
    if (!Number.isFinite(shedRatio) || shedRatio < 0 || shedRatio > 1) return null
    const brand = this.deps.brands.byId(brandId)
    const room = brand ? await this.deps.rooms.get(brandId) : null
    if (!brand || !room || room.mode !== 'auto') {
      this.brandsPressure.delete(brandId)
      return null
    }
    const now = this.deps.clock()
    const t = now.getTime()
    let state = this.brandsPressure.get(brandId)
    if (!state) {
      state = { highSince: null, calmSince: null, notedAt: -Infinity }
      this.brandsPressure.set(brandId, state)
    }
    if (shedRatio >= this.policy.onRatio) {
      state.highSince ??= t
      state.calmSince = null
    } else if (shedRatio <= this.policy.offRatio) {
      state.highSince = null
      state.calmSince ??= t
    } else {
      state.highSince = null
      state.calmSince = null
    }
    if (this.switching.has(brandId)) return null
    const ctx: BrandCtx = {
      db: this.deps.db,
      brand,
      now,
      actor: { kind: 'system', name: 'waiting-room' },
      log: this.deps.log,
    }
    this.switching.add(brandId)
    try {
      const active = room.autoActiveSince !== null
      if (!active && state.highSince !== null && t - state.highSince >= this.policy.sustainMs) {
        const switched = await switchAutoOn(ctx)
        await this.deps.rooms.reload()
        if (switched) this.deps.log.warn({ brand: brand.slug, shedRatio }, 'waiting room switched on (auto)')
        return switched ? 'switched-on' : null
      }
      if (active && shedRatio > this.policy.offRatio && t - state.notedAt >= this.policy.noteEveryMs) {
        state.notedAt = t
        await notePressure(ctx)
      }
      if (active && state.calmSince !== null && t - state.calmSince >= this.policy.calmMs) {
        const switched = await switchAutoOff(ctx, new Date(t - this.policy.calmMs), new Date(t - this.policy.minOnMs))
        await this.deps.rooms.reload()
        if (switched) this.deps.log.info({ brand: brand.slug }, 'waiting room switched off (auto): calm again')
        return switched ? 'switched-off' : null
      }
      return null
    } catch (error) {
      this.deps.log.error({ err: error, brand: brand.slug }, 'waiting room: could not act on pressure')
      return null
    } finally {
      this.switching.delete(brandId)
    }
  }
}

const monitors = new Set<PressureMonitor>()

/** The applications of this process register their monitor (the gate plugin does it). */
export function registerPressureMonitor(monitor: PressureMonitor): () => void {
  monitors.add(monitor)
  return () => monitors.delete(monitor)
}

/**
 * For the admission controller: the share of a brand's requests it shed recently (0..1). An `auto`
 * room switches on when it stays high, off when it stays calm (AutoPolicy). Safe to call on every
 * request or once a second; it never throws. Resolves with what the call changed, for tests.
 */
export async function reportPressure(brandId: string, shedRatio: number): Promise<PressureOutcome> {
  let outcome: PressureOutcome = null
  for (const monitor of monitors) outcome = (await monitor.report(brandId, shedRatio)) ?? outcome
  return outcome
}

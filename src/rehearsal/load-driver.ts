import { seededRandom } from '../demo/seeded-random.ts'
import type { DiscoveredBrand } from './discover.ts'
import type { HttpClient } from './http-client.ts'
import type { Recorder } from './recorder.ts'
import { planVisit, requestsOf, runVisit } from './shopper.ts'

export interface LoadProfile {
  baselineRps: number
  surge: number
  /** Brand indexes that surge. */
  surging: ReadonlySet<number>
  durationMs: number
  surgeAtMs: number
  profile: 'step' | 'ramp'
  thinkMs: number
  seed: number
  /** The run's start instant (wall clock ms), shared by every load process. Default: now. */
  startedAt?: number
  /**
   * This process's part of the load when several drive it: `index` of `of`. It starts 1/`of` of
   * the arrivals (a Poisson process split in `of` independent ones of 1/`of` the rate is the same
   * Poisson process), with its own random stream and shopper numbers. Default: all of it.
   */
  share?: { index: number; of: number }
}

/** The multiplier of one brand's baseline at `t` ms into the run. */
export function factorAt(profile: LoadProfile, brand: number, t: number): number {
  if (!profile.surging.has(brand) || t < profile.surgeAtMs) return 1
  if (profile.profile === 'step') return profile.surge
  const progress = Math.min(1, (t - profile.surgeAtMs) / Math.max(1, profile.durationMs - profile.surgeAtMs))
  return 1 + (profile.surge - 1) * progress
}

/** Above this many visits in flight the target has stopped answering: starting more measures the client. */
const maxVisitsInFlight = 20_000
const tickMs = 10

/**
 * Drives visits open-loop: new shoppers arrive per brand as a Poisson process whose rate is the
 * brand's share of the baseline (× its factor) divided by the requests of an average visit, so
 * arrivals do not slow down when the target does — as on a real sales morning. Each visit runs
 * its steps with think times. Stops starting steps when the time is up and waits for the requests
 * in flight (each bounded by the client's timeout).
 */
export async function driveLoad(
  client: HttpClient,
  recorder: Recorder,
  brands: readonly DiscoveredBrand[],
  profile: LoadProfile,
  touched: ReadonlyMap<number, Set<string>>,
  onTick: (elapsedMs: number, visitsInFlight: number) => void = () => {},
): Promise<{ visits: number; droppedVisits: number }> {
  const share = profile.share ?? { index: 0, of: 1 }
  // One process keeps the random streams of before, so a seed replays the same shoppers.
  const stream = share.of === 1 ? '' : `:${share.index}/${share.of}`
  const rng = seededRandom(`rehearsal:${profile.seed}${stream}`)
  // The average visit's length in requests, from the same planner the shoppers use.
  const sampleRng = seededRandom(`rehearsal-sample:${profile.seed}`)
  const meanRequests = brands.map((brand) => {
    let total = 0
    for (let i = 0; i < 2000; i++) total += requestsOf(planVisit(sampleRng, brand))
    return total / 2000
  })
  const perBrandRps = profile.baselineRps / brands.length / share.of
  const maxInFlight = Math.ceil(maxVisitsInFlight / share.of)
  const started = profile.startedAt ?? Date.now()
  const stopAt = started + profile.durationMs
  const stopped = () => Date.now() >= stopAt
  const inFlight = new Set<Promise<void>>()
  let visits = 0
  let droppedVisits = 0
  let lastTick = 0

  if (Date.now() < started) await new Promise((resolve) => setTimeout(resolve, started - Date.now()))
  // A process that got its start late begins from now, not with a burst of the arrivals it missed.
  const firstArrival = Math.max(started, Date.now())
  const nextArrival = brands.map(() => firstArrival)
  while (!stopped()) {
    const now = Date.now()
    for (let b = 0; b < brands.length; b++) {
      const brand = brands[b] as DiscoveredBrand
      const visitRate = (perBrandRps * factorAt(profile, b, now - started)) / (meanRequests[b] ?? 1)
      while ((nextArrival[b] ?? now) <= now) {
        nextArrival[b] = (nextArrival[b] ?? now) + (-Math.log(1 - rng.next()) / visitRate) * 1000
        if (inFlight.size >= maxInFlight) {
          droppedVisits += 1
          continue
        }
        visits += 1
        // Shopper numbers interleave between processes, so every shopper (e-mail, user agent) is distinct.
        const shopper = (visits - 1) * share.of + share.index + 1
        const visitRng = seededRandom(`visit:${profile.seed}:${shopper}`)
        const visit = runVisit(
          {
            client,
            recorder,
            brandIndex: b,
            brand,
            shopper,
            rng: visitRng,
            thinkMs: profile.thinkMs,
            stopped,
            stopAt,
            touched: touched.get(b) ?? new Set(),
          },
          planVisit(visitRng, brand),
        )
        inFlight.add(visit)
        void visit.finally(() => inFlight.delete(visit))
      }
    }
    if (now - lastTick >= 1000) {
      lastTick = now
      onTick(now - started, inFlight.size)
    }
    await new Promise((resolve) => setTimeout(resolve, tickMs))
  }
  await Promise.allSettled([...inFlight])
  return { visits, droppedVisits }
}

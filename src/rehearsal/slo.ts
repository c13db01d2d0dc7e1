import { readFile } from 'node:fs/promises'
import { RehearseUsageError } from './options.ts'
import { errorRate, pageClasses, quantile, type Recorder, type StepClass, shedRate, stepClasses } from './recorder.ts'

export interface SloConfig {
  p99Ms: Record<StepClass, number>
  maxErrorRate: number
  maxShedRate: number | null
  /** p99 of page views of the brands that do not surge, during the surge. */
  unaffectedP99Ms: number | null
  oversold: number
}

export const defaultSlo: SloConfig = {
  p99Ms: { home: 200, listing: 200, search: 200, product: 200, cart: 500, checkout: 1000 },
  maxErrorRate: 0.001,
  maxShedRate: null,
  unaffectedP99Ms: 200,
  oversold: 0,
}

/** Reads an SLO file over the defaults; unknown keys are refused (a typo must not pass silently). */
export async function readSlo(path: string): Promise<SloConfig> {
  let data: unknown
  try {
    data = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw new RehearseUsageError(`--slo ${path}: ${(error as Error).message}`)
  }
  return parseSlo(data, path)
}

export function parseSlo(data: unknown, source = 'slo'): SloConfig {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new RehearseUsageError(`${source}: expected an object`)
  const d = data as Record<string, unknown>
  const known = new Set(['p99Ms', 'maxErrorRate', 'maxShedRate', 'unaffectedP99Ms', 'oversold'])
  for (const key of Object.keys(d))
    if (!known.has(key)) throw new RehearseUsageError(`${source}: unknown key "${key.slice(0, 50)}"`)
  const fraction = (name: string, v: unknown) => {
    if (typeof v !== 'number' || !(v >= 0 && v <= 1))
      throw new RehearseUsageError(`${source}: ${name} is a fraction in [0, 1]`)
    return v
  }
  const ms = (name: string, v: unknown) => {
    if (typeof v !== 'number' || !(v > 0 && v <= 600_000))
      throw new RehearseUsageError(`${source}: ${name} is milliseconds > 0`)
    return v
  }
  const p99Ms = { ...defaultSlo.p99Ms }
  if (d.p99Ms !== undefined) {
    if (typeof d.p99Ms !== 'object' || d.p99Ms === null) throw new RehearseUsageError(`${source}: p99Ms is an object`)
    for (const [cls, v] of Object.entries(d.p99Ms)) {
      if (!(stepClasses as readonly string[]).includes(cls)) {
        throw new RehearseUsageError(`${source}: p99Ms.${cls.slice(0, 50)} is no class (${stepClasses.join(', ')})`)
      }
      p99Ms[cls as StepClass] = ms(`p99Ms.${cls}`, v)
    }
  }
  const oversold = d.oversold ?? defaultSlo.oversold
  if (!Number.isInteger(oversold) || (oversold as number) < 0)
    throw new RehearseUsageError(`${source}: oversold is a count ≥ 0`)
  return {
    p99Ms,
    maxErrorRate: d.maxErrorRate === undefined ? defaultSlo.maxErrorRate : fraction('maxErrorRate', d.maxErrorRate),
    maxShedRate: d.maxShedRate === undefined || d.maxShedRate === null ? null : fraction('maxShedRate', d.maxShedRate),
    unaffectedP99Ms:
      d.unaffectedP99Ms === undefined
        ? defaultSlo.unaffectedP99Ms
        : d.unaffectedP99Ms === null
          ? null
          : ms('unaffectedP99Ms', d.unaffectedP99Ms),
    oversold: oversold as number,
  }
}

export interface SloVerdict {
  name: string
  target: string
  actual: string
  met: boolean
}

export interface Phase {
  name: string
  from: number
  to: number
}

/** Every SLO checked against what was recorded; an SLO with nothing to measure is not listed. */
export function evaluateSlo(
  slo: SloConfig,
  recorder: Recorder,
  phases: readonly Phase[],
  surging: ReadonlySet<number>,
  oversoldUnits: number | null,
): SloVerdict[] {
  const verdicts: SloVerdict[] = []
  for (const phase of phases) {
    for (const cls of stepClasses) {
      const t = recorder.tally({ from: phase.from, to: phase.to, classes: new Set([cls]) })
      const p99 = quantile(t.latencies, 0.99)
      if (p99 === null) continue
      verdicts.push({
        name: `p99 ${cls} (${phase.name})`,
        target: `≤ ${slo.p99Ms[cls]} ms`,
        actual: `${fmtMs(p99)} ms`,
        met: p99 <= slo.p99Ms[cls],
      })
    }
  }
  const all = recorder.tally()
  verdicts.push({
    name: 'error rate (5xx but 503, timeouts, resets)',
    target: `≤ ${pct(slo.maxErrorRate)}`,
    actual: pct(errorRate(all)),
    met: errorRate(all) <= slo.maxErrorRate,
  })
  if (slo.maxShedRate !== null) {
    verdicts.push({
      name: 'shed rate (503)',
      target: `≤ ${pct(slo.maxShedRate)}`,
      actual: pct(shedRate(all)),
      met: shedRate(all) <= slo.maxShedRate,
    })
  }
  const surgePhase = phases.find((p) => p.name === 'surge')
  if (slo.unaffectedP99Ms !== null && surgePhase && surging.size > 0) {
    for (let b = 0; b < recorder.brands.length; b++) {
      if (surging.has(b)) continue
      const t = recorder.tally({ from: surgePhase.from, to: surgePhase.to, brands: new Set([b]), classes: pageClasses })
      const p99 = quantile(t.latencies, 0.99)
      if (p99 === null) continue
      verdicts.push({
        name: `p99 pages of ${recorder.brands[b]} (not surging, during surge)`,
        target: `≤ ${slo.unaffectedP99Ms} ms`,
        actual: `${fmtMs(p99)} ms`,
        met: p99 <= slo.unaffectedP99Ms,
      })
    }
  }
  if (oversoldUnits !== null) {
    verdicts.push({
      name: 'oversold units',
      target: `≤ ${slo.oversold}`,
      actual: String(oversoldUnits),
      met: oversoldUnits <= slo.oversold,
    })
  }
  return verdicts
}

export const fmtMs = (ms: number) => (ms >= 100 ? Math.round(ms).toString() : ms.toFixed(1))
export const pct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.001 ? 3 : 2)} %`

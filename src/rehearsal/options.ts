import { isIP } from 'node:net'
import os from 'node:os'
import { parseArgs } from 'node:util'

export class RehearseUsageError extends Error {}

export interface RehearseOptions {
  target: URL
  /** Brand slugs; empty = discover every shop the target lists. */
  brands: string[]
  /** Requests per second over all brands before the step (open loop). */
  baselineRps: number
  surge: number
  /** Brands the step applies to; empty = every brand rehearsed. */
  surgeBrands: string[]
  durationMs: number
  /** When the step happens (from the start); default a third of the duration. */
  surgeAtMs: number
  /** step: baseline then surge × baseline at once; ramp: a straight line from 1× to surge× (to find capacity). */
  profile: 'step' | 'ramp'
  /** Mean think time between a shopper's requests. */
  thinkMs: number
  timeoutMs: number
  reportPath: string | null
  /** Where to write everything measured as JSON (for scripts: the bench, CI). */
  jsonPath: string | null
  sloPath: string | null
  saveCapacityPath: string | null
  /** Nodes behind the target: the measured capacity is divided by it. */
  nodes: number
  /** A node's measured start-up time, recorded in the capacity file for `plan`. */
  startupSeconds: number | null
  adminKeys: string[]
  adminEmail: string | null
  adminPassword: string | null
  /** After the load stops, how long to wait for the ERP outbox to drain. */
  erpWaitMs: number
  seed: number
  allowRemote: boolean
  /** Load processes driving the shoppers (1: this process alone). */
  processes: number
  /** Brands whose waiting room the run opens at the step (a scheduled sale start), then restores. */
  waitingRoomBrands: string[]
  /** Shoppers those rooms admit per minute. */
  waitingRoomRate: number
}

/**
 * One load process per four cores, at least one. A process drives well over a thousand requests/s
 * (see README), and on a box that also runs the target more processes only take CPU from it; on a
 * dedicated load machine, pass --processes = its cores.
 */
export const defaultProcesses = () => Math.max(1, Math.floor(os.availableParallelism() / 4))

export const rehearseHelp = `Usage: vitrine rehearse --target URL [options]

Rehearses the first day of the sales against a running deployment: discovers its shops and
products, drives many distinct shoppers (home, listing, search, product, cart, checkout with the
test card 4242 4242 4242 4242, with think times and their own cookies) open-loop at a baseline
rate, then steps to surge × baseline on the chosen brands. Prints a summary, writes an HTML report,
and exits non-zero when an SLO is missed.
  --target URL            base URL of the deployment, e.g. http://127.0.0.1:3000 (required)
  --allow-remote          allow a target that is not on this machine (default: loopback only)
  --brands a,b,c          brands to rehearse (default: every shop listed at the target)
  --baseline RPS          requests/s over all brands before the step (default 20)
  --surge F               the step's multiplier (default 15)
  --surge-brands a,b      brands that surge (default: all rehearsed brands)
  --surge-at DURATION     when the step happens (default: a third of --duration)
  --profile step|ramp     step (default), or ramp from 1× to F× over the rest of the run (finds capacity)
  --duration DURATION     total length, e.g. 60s, 2m (default 60s; at most 30m)
  --think DURATION        mean think time between a shopper's requests (default 1s)
  --timeout DURATION      per request (default 10s)
  --report FILE           write the self-contained HTML report there
  --json FILE             write everything measured as JSON there (summary, capacity, SLO verdicts)
  --slo FILE              SLO config (JSON); see below. Default: p99 200 ms for pages, 500 ms
                          cart, 1000 ms checkout; error rate ≤ 0.1 %; oversold = 0
  --save-capacity FILE    save one node's measured capacity (page views/s, orders/min) for plan
  --nodes N               nodes behind the target, to divide the capacity by (default 1)
  --startup-seconds S     a node's measured start-up time, saved with the capacity
  --admin-key vtk_…       API key(s) with catalog:read for the oversold check (repeatable; or
                          VITRINE_ADMIN_KEY=k1,k2); a key sees its own brand only
  --admin-email ADDR      or sign in as this staff member; password from VITRINE_ADMIN_PASSWORD
                          (an operator-admin also gives the ERP outbox depth)
  --erp-wait DURATION     after the load, wait this long for the ERP outbox to drain (default 30s)
  --seed N                seeds the shoppers' choices (default 1)
  --processes N           load processes sharing the arrivals (default: one per 4 cores, at least 1;
                          here ${defaultProcesses()}); their figures are merged exactly into one report
  --waiting-room a,b      open these brands' waiting rooms as a sale scheduled at the step (pre-queue
                          before it), restore them after; needs --admin-email of an operator-admin
  --waiting-room-rate N   shoppers those rooms admit per minute (default 600)
  --help                  this text

SLO file: {"p99Ms": {"home": 200, "listing": 200, "search": 200, "product": 200, "cart": 500,
"checkout": 1000}, "maxErrorRate": 0.001, "maxShedRate": null, "unaffectedP99Ms": 200,
"oversold": 0}. Error rate counts 5xx other than 503 and network failures; 503s are shedding,
reported apart. unaffectedP99Ms bounds the p99 of brands that do not surge, during the surge.
Exit status: 0 every SLO met, 1 an SLO missed, 2 usage or the target could not be rehearsed.
`

const maxDurationMs = 30 * 60_000

/** "60s", "2m", "500ms", "1.5s" or a bare number of seconds, in ms. */
export function parseDuration(text: string, name: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim())
  if (!m) throw new RehearseUsageError(`${name}: "${text}" is not a duration (e.g. 60s, 2m, 500ms)`)
  const value = Number(m[1])
  const unit = m[2] ?? 's'
  return Math.round(unit === 'ms' ? value : unit === 'm' ? value * 60_000 : value * 1000)
}

/** True for 127.0.0.0/8, ::1, localhost and *.localhost: this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (isIP(host) === 4) return host.startsWith('127.')
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(host)
  return false
}

export function parseRehearseArgs(args: string[], env: NodeJS.ProcessEnv = process.env): RehearseOptions {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      'allow-remote': { type: 'boolean', default: false },
      brands: { type: 'string' },
      baseline: { type: 'string', default: '20' },
      surge: { type: 'string', default: '15' },
      'surge-brands': { type: 'string' },
      'surge-at': { type: 'string' },
      profile: { type: 'string', default: 'step' },
      duration: { type: 'string', default: '60s' },
      think: { type: 'string', default: '1s' },
      timeout: { type: 'string', default: '10s' },
      report: { type: 'string' },
      json: { type: 'string' },
      slo: { type: 'string' },
      'save-capacity': { type: 'string' },
      nodes: { type: 'string', default: '1' },
      'startup-seconds': { type: 'string' },
      'admin-key': { type: 'string', multiple: true, default: [] },
      'admin-email': { type: 'string' },
      'erp-wait': { type: 'string', default: '30s' },
      seed: { type: 'string', default: '1' },
      processes: { type: 'string' },
      'waiting-room': { type: 'string' },
      'waiting-room-rate': { type: 'string', default: '600' },
    },
  })
  if (positionals.length > 0) throw new RehearseUsageError(`unexpected argument "${positionals[0]}"`)
  if (!values.target) throw new RehearseUsageError('--target is required (e.g. --target http://127.0.0.1:3000)')
  let target: URL
  try {
    target = new URL(values.target)
  } catch {
    throw new RehearseUsageError(`--target "${values.target}" is not a URL`)
  }
  if (target.protocol !== 'http:')
    throw new RehearseUsageError('--target must be an http:// URL (TLS ends at the load balancer)')
  if (target.username || target.password) throw new RehearseUsageError('--target must not carry credentials')
  if (!values['allow-remote'] && !isLoopbackHost(target.hostname)) {
    throw new RehearseUsageError(
      `--target ${target.hostname} is not this machine: a rehearsal is a load test; pass --allow-remote for a deployment you run`,
    )
  }
  const list = (text: string | undefined) =>
    (text ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s.length > 0)
  const slugPattern = /^[a-z0-9][a-z0-9-]{0,62}$/
  const brands = list(values.brands)
  const surgeBrands = list(values['surge-brands'])
  for (const slug of [...brands, ...surgeBrands]) {
    if (!slugPattern.test(slug)) throw new RehearseUsageError(`"${slug.slice(0, 70)}" is not a brand slug`)
  }
  if (brands.length > 0) {
    const missing = surgeBrands.filter((s) => !brands.includes(s))
    if (missing.length > 0) throw new RehearseUsageError(`--surge-brands ${missing.join(',')} not in --brands`)
  }
  const number = (name: string, text: string, min: number, max: number) => {
    const v = Number(text)
    if (!Number.isFinite(v) || v < min || v > max)
      throw new RehearseUsageError(`--${name} must be between ${min} and ${max}`)
    return v
  }
  const baselineRps = number('baseline', values.baseline, 0.1, 100_000)
  const surge = number('surge', values.surge, 1, 1000)
  const durationMs = parseDuration(values.duration, '--duration')
  if (durationMs < 2000 || durationMs > maxDurationMs)
    throw new RehearseUsageError('--duration must be between 2s and 30m')
  const surgeAtMs =
    values['surge-at'] !== undefined ? parseDuration(values['surge-at'], '--surge-at') : Math.round(durationMs / 3)
  if (surgeAtMs >= durationMs) throw new RehearseUsageError('--surge-at must fall before the end of --duration')
  if (values.profile !== 'step' && values.profile !== 'ramp') throw new RehearseUsageError('--profile is step or ramp')
  const thinkMs = parseDuration(values.think, '--think')
  if (thinkMs > 60_000) throw new RehearseUsageError('--think must be at most 60s')
  const timeoutMs = parseDuration(values.timeout, '--timeout')
  if (timeoutMs < 100 || timeoutMs > 120_000) throw new RehearseUsageError('--timeout must be between 100ms and 2m')
  const erpWaitMs = parseDuration(values['erp-wait'], '--erp-wait')
  if (erpWaitMs > 10 * 60_000) throw new RehearseUsageError('--erp-wait must be at most 10m')
  const nodes = number('nodes', values.nodes, 1, 10_000)
  if (!Number.isInteger(nodes)) throw new RehearseUsageError('--nodes must be a whole number')
  const startupSeconds =
    values['startup-seconds'] !== undefined ? number('startup-seconds', values['startup-seconds'], 0, 3600) : null
  const seed = number('seed', values.seed, 0, 2 ** 31)
  const processes = values.processes !== undefined ? number('processes', values.processes, 1, 64) : defaultProcesses()
  if (!Number.isInteger(processes)) throw new RehearseUsageError('--processes must be a whole number')
  const waitingRoomBrands = list(values['waiting-room'])
  for (const slug of waitingRoomBrands) {
    if (!slugPattern.test(slug)) throw new RehearseUsageError(`"${slug.slice(0, 70)}" is not a brand slug`)
  }
  if (brands.length > 0 && waitingRoomBrands.some((s) => !brands.includes(s)))
    throw new RehearseUsageError('--waiting-room brands must be among --brands')
  const waitingRoomRate = number('waiting-room-rate', values['waiting-room-rate'], 1, 1_000_000)
  if (!Number.isInteger(waitingRoomRate)) throw new RehearseUsageError('--waiting-room-rate must be a whole number')
  const envKeys = (env.VITRINE_ADMIN_KEY ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0)
  const adminKeys = [...values['admin-key'], ...envKeys]
  for (const key of adminKeys) {
    if (!/^vtk_[A-Za-z0-9_-]{10,200}$/.test(key)) throw new RehearseUsageError('--admin-key takes vtk_… API keys')
  }
  const adminEmail = values['admin-email'] ?? null
  const adminPassword = env.VITRINE_ADMIN_PASSWORD ?? null
  if (adminEmail && !adminPassword)
    throw new RehearseUsageError('--admin-email needs VITRINE_ADMIN_PASSWORD in the environment')
  if (waitingRoomBrands.length > 0 && !adminEmail)
    throw new RehearseUsageError('--waiting-room needs --admin-email (an operator-admin sets the rooms)')
  for (const [name, path] of [
    ['--report', values.report],
    ['--json', values.json],
    ['--save-capacity', values['save-capacity']],
  ] as const) {
    if (path !== undefined && path.trim() === '') throw new RehearseUsageError(`${name} needs a file name`)
  }
  return {
    target,
    brands,
    baselineRps,
    surge,
    surgeBrands,
    durationMs,
    surgeAtMs,
    profile: values.profile,
    thinkMs,
    timeoutMs,
    reportPath: values.report ?? null,
    jsonPath: values.json ?? null,
    sloPath: values.slo ?? null,
    saveCapacityPath: values['save-capacity'] ?? null,
    nodes,
    startupSeconds,
    adminKeys,
    adminEmail,
    adminPassword,
    erpWaitMs,
    seed,
    allowRemote: values['allow-remote'],
    processes,
    waitingRoomBrands,
    waitingRoomRate,
  }
}

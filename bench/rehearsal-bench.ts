/**
 * `npm run bench -- --only rehearsal`: the sales-day rehearsal of issue 8, set up as an operator
 * would and run with the real commands, so its figures can be re-taken on any machine in one go:
 *  1. `vitrine serve --demo --workers 2` on the run's fresh PostgreSQL database (the 12 demo brands);
 *     then the node is stopped and started again (`serve --workers 2`) three times: the start-up time
 *     of a node is the median from spawn to the first 200 on /ready;
 *  2. an operator-admin (`vitrine staff create`, password on stdin), `vitrine erp-sim`, `vitrine worker`
 *     (on PostgreSQL the worker delivers the ERP outbox; serve does not), and every brand's ERP
 *     transport pointed at the simulator through the admin API (PUT …/erp/settings, audited);
 *  3. a 30-s warm-up (not measured: the first view of each page renders it, later ones are cached, as
 *     on a node that has been serving), then `vitrine rehearse --profile ramp` over every brand until
 *     well past what the node serves: the capacity of one node (page views/s, orders/min with every
 *     p99 within its SLO), saved for plan;
 *  4. `vitrine rehearse` step: a baseline of 40 % of that capacity, then ×15 on three brands at once
 *     (so the surge asks ~1.8× what the node serves): shed rate, p99 per class, 5xx, oversold, the
 *     unaffected brands' p99, and the ERP outbox depth until it has caught up;
 *  5. `vitrine rehearse --waiting-room`: one brand's room scheduled at the step, shoppers following
 *     the waiting page through checkout: how many waited, for how long, and got in.
 * Everything runs on 127.0.0.1 and is stopped at the end (process groups), whatever happens.
 * The HTML reports, JSON outcomes and capacity file are written to bench/results/.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { buildBundle } from '../scripts/build.ts'
import type { RehearsalOutcome } from '../src/rehearsal/outcome.ts'
import type { BenchDatabase } from './database.ts'
import type { ResultRow } from './report.ts'
import { freePort, ready } from './startup-bench.ts'

const bin = join(import.meta.dirname, '..', 'bin', 'vitrine.js')
const resultsDir = join(import.meta.dirname, 'results')

/** Lengths of the three runs (s) and the load they start from; the step's baseline comes from the ramp. */
const warmUp = { seconds: 30, rps: 300 }
const ramp = { seconds: 60, fromRps: 100, factor: 30 }
const step = { seconds: 60, surgeAtS: 20, factor: 15, capacityShare: 0.4 }
const room = { seconds: 40, surgeAtS: 15, ratePerMinute: 120, baselineRps: 24 }
const erpWaitS = 90
const workers = 2
const startupRuns = 3

export interface RehearsalBenchInput {
  bench: BenchDatabase
  /** The step's baseline (requests/s over all brands, --step-baseline); null: `step.capacityShare` of the ramp's capacity. */
  stepBaseline: number | null
  workDir: string
  progress: (message: string) => void
}

export async function benchRehearsal(input: RehearsalBenchInput): Promise<{ rows: ResultRow[]; notes: string[] }> {
  const { bench, workDir, progress } = input
  const { stepBaseline } = input
  if (!bench.url) throw new Error('the rehearsal needs PostgreSQL (serve --workers 2): run without --pglite')
  mkdirSync(resultsDir, { recursive: true })
  const port = await freePort()
  const target = `http://127.0.0.1:${port}`
  const env = {
    DATABASE_URL: bench.url,
    VITRINE_INBOX: join(workDir, 'inbox'),
    VITRINE_ERP_INBOX: join(workDir, 'erp-inbox'),
    // ERP secrets are stored encrypted: a key for this run, not the development one (which warns).
    VITRINE_SECRET_KEY: randomBytes(32).toString('base64'),
    // Request logs at the operator's level (default info), through a pipe as a container runtime reads them.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  }
  // The node runs as deployed: from the bundle (bin/vitrine.js falls back to the slower sources
  // when src/ changed since the last build, which would make the start-up figure the wrong one).
  const build = await buildBundle()
  progress(`rehearsal: built the bundle in ${build.ms} ms`)
  const processes = new Processes()
  try {
    progress(`rehearsal: vitrine serve --demo --workers ${workers} on a fresh database (seeds the 12 demo brands)`)
    const seeding = processes.start(
      'serve --demo',
      ['serve', '--demo', '--workers', String(workers), '--port', String(port)],
      env,
    )
    await waitReady(port, seeding, 600_000)
    await seeding.stop()

    const startups: number[] = []
    let node: Managed | null = null
    for (let i = 0; i < startupRuns; i++) {
      progress(`rehearsal: start-up of a node, ${i + 1}/${startupRuns}`)
      await node?.stop()
      const started = performance.now()
      node = processes.start('serve', ['serve', '--workers', String(workers), '--port', String(port)], env)
      await waitReady(port, node, 120_000)
      startups.push(performance.now() - started)
    }
    const startupMs = median(startups)

    progress('rehearsal: an operator-admin, vitrine erp-sim, vitrine worker, every ERP transport → the simulator')
    const email = 'rehearsal@vitrine.invalid'
    const password = randomBytes(18).toString('base64url')
    await processes.runToEnd(['staff', 'create', '--email', email, '--role', 'operator-admin'], env, `${password}\n`)
    const simSecret = randomBytes(24).toString('base64url')
    // Chosen just before it is used: a port found free at the start was once taken meanwhile (the
    // node's own outgoing connections draw from the same ephemeral range) and the simulator never listened.
    const simPort = await freePort()
    processes.start('erp-sim', ['erp-sim', '--port', String(simPort), '--secret', simSecret], env)
    processes.start('worker', ['worker'], env)
    await waitListening(simPort, 30_000)
    const slugs = await pointErpAtSimulator(target, email, password, `http://127.0.0.1:${simPort}`, simSecret)
    const surging = slugs.slice(0, 3)
    const rehearseEnv = { VITRINE_ADMIN_PASSWORD: password }
    const common = ['--target', target, '--admin-email', email, '--erp-wait', `${erpWaitS}s`]

    progress(`rehearsal: warm-up, ${warmUp.rps} req/s for ${warmUp.seconds} s (not measured)`)
    await rehearse(
      processes,
      'warm-up',
      ['--target', target, '--baseline', String(warmUp.rps), '--surge', '1', '--duration', `${warmUp.seconds}s`],
      {},
      progress,
    )
    progress(`rehearsal: ramp ${ramp.fromRps} → ${ramp.fromRps * ramp.factor} req/s over ${ramp.seconds} s (capacity)`)
    const capacityPath = join(resultsDir, 'rehearsal-capacity.json')
    const rampRun = await rehearse(
      processes,
      'ramp',
      [
        ...common,
        ...['--profile', 'ramp', '--baseline', String(ramp.fromRps), '--surge', String(ramp.factor)],
        ...['--surge-at', '5s', '--duration', `${ramp.seconds}s`],
        ...['--save-capacity', capacityPath, '--startup-seconds', (startupMs / 1000).toFixed(2)],
      ],
      rehearseEnv,
      progress,
    )

    const capacity = rampRun.outcome.capacity
    // The capacity counts page views; the step's baseline is in requests (pages + cart + checkout).
    const capacityRps = capacity ? capacity.pageViewsPerSecond / pageShare(rampRun.outcome) : 200
    const baseline =
      stepBaseline === null
        ? {
            rps: Math.max(10, Math.round(capacityRps * step.capacityShare)),
            from: `${step.capacityShare * 100} % of capacity`,
          }
        : { rps: stepBaseline, from: '--step-baseline' }
    const baselineRps = baseline.rps
    // What the surge asks of the node: 3 of the 12 brands at ×factor, the others at the baseline.
    const askedRps = (baselineRps * (slugs.length - surging.length + surging.length * step.factor)) / slugs.length
    const asks = `${Math.round(askedRps)} req/s, ${(askedRps / capacityRps).toFixed(2)}× the ramp's capacity (${Math.round(capacityRps)} req/s)`
    progress(
      `rehearsal: step ${baselineRps} req/s (${baseline.from}), ×${step.factor} on ${surging.join(', ')} at ${step.surgeAtS} s: asks ${asks}`,
    )
    const stepRun = await rehearse(
      processes,
      'step',
      [
        ...common,
        ...['--baseline', String(baselineRps), '--surge', String(step.factor), '--surge-brands', surging.join(',')],
        ...['--surge-at', `${step.surgeAtS}s`, '--duration', `${step.seconds}s`],
      ],
      rehearseEnv,
      progress,
    )

    const roomBrand = surging[0] as string
    const roomBrands = [roomBrand, slugs.at(-1) as string]
    progress(`rehearsal: waiting room of ${roomBrand} scheduled at the step, ${room.ratePerMinute} admitted/min`)
    const roomRun = await rehearse(
      processes,
      'waiting-room',
      [
        ...['--target', target, '--admin-email', email, '--erp-wait', '0s'],
        ...['--brands', roomBrands.join(','), '--surge-brands', roomBrand, '--waiting-room', roomBrand],
        ...['--waiting-room-rate', String(room.ratePerMinute), '--baseline', String(room.baselineRps)],
        ...['--surge', String(step.factor), '--surge-at', `${room.surgeAtS}s`, '--duration', `${room.seconds}s`],
      ],
      rehearseEnv,
      progress,
    )
    return figures({
      rampRun,
      stepRun,
      roomRun,
      startups,
      surging,
      baselineRps,
      baselineFrom: baseline.from,
      asks,
      capacityPath,
    })
  } finally {
    await processes.stopAll()
  }
}

interface Run {
  name: string
  outcome: RehearsalOutcome
  status: number
  /** The machine's busy CPU over the run (every process: generator, node, PostgreSQL, others), in cores. */
  machineCores: number
  reportPath: string
}

async function rehearse(
  processes: Processes,
  name: string,
  args: string[],
  env: Record<string, string>,
  progress: (message: string) => void,
): Promise<Run> {
  const reportPath = join(resultsDir, `rehearsal-${name}.html`)
  const jsonPath = join(resultsDir, `rehearsal-${name}.json`)
  const cpuBefore = machineCpu()
  const wallBefore = performance.now()
  const status = await processes.runToEnd(
    ['rehearse', ...args, '--report', reportPath, '--json', jsonPath],
    env,
    null,
    (line) => {
      if (line.startsWith('[')) progress(`rehearsal ${name}: ${line}`)
    },
  )
  const machineCores = (machineCpu() - cpuBefore) / ((performance.now() - wallBefore) / 1000)
  if (status === 2) throw new Error(`vitrine rehearse (${name}) could not run (exit 2)`)
  const outcome = JSON.parse(readFileSync(jsonPath, 'utf8')) as RehearsalOutcome
  return { name, outcome, status, machineCores, reportPath }
}

/** The bench's rows and notes: the issue's figures with its goals. */
function figures(input: {
  rampRun: Run
  stepRun: Run
  roomRun: Run
  startups: number[]
  surging: string[]
  baselineRps: number
  /** Where the baseline came from: a share of the ramp's capacity, or --step-baseline. */
  baselineFrom: string
  /** What the surge asked, in requests/s and as a multiple of the ramp's capacity. */
  asks: string
  capacityPath: string
}): { rows: ResultRow[]; notes: string[] } {
  const { rampRun, stepRun, roomRun, startups } = input
  const capacity = rampRun.outcome.capacity
  const surgePhase = stepRun.outcome.summary.phases.find((p) => p.name === 'surge')
  const all = stepRun.outcome.summary.phases.map((p) => p.total)
  const sum = (pick: (r: (typeof all)[number]) => number) => all.reduce((n, r) => n + pick(r), 0)
  const requests = sum((r) => r.requests)
  const shed = sum((r) => r.shed)
  const errors = sum((r) => r.serverError + r.failed)
  const oversold = stepRun.outcome.oversold?.oversoldUnits ?? null
  const unaffected = stepRun.outcome.verdicts.filter((v) => v.name.includes('not surging'))
  const worstUnaffected = unaffected.reduce((w, v) => Math.max(w, Number.parseFloat(v.actual)), 0)
  const catchUp = stepRun.outcome.erpCatchUpS
  const maxDepth = Math.max(0, ...stepRun.outcome.erpDepth.map((d) => d.depth))
  const waits = roomRun.outcome.waitingRoom
  const cost = (run: Run) => {
    const g = run.outcome.loadGenerator
    const cores = (x: number | null) => (x === null ? '?' : (x / g.wallSeconds).toFixed(2))
    return `CPU in cores: machine ${run.machineCores.toFixed(2)} of ${os.availableParallelism()}, load generator ${cores(g.cpuSeconds)} (${g.processes} process), node ${cores(run.outcome.serverCpuSeconds)}`
  }
  const rows: ResultRow[] = [
    {
      id: 'rehearsal-capacity-page-views',
      name: `rehearsal: capacity of one node (${workers} workers), page views/s at every p99 within its SLO`,
      unit: 'req/s',
      figure: capacity?.pageViewsPerSecond ?? 0,
      baselineName: null,
      baseline: null,
      ratio: null,
      goals: [{ label: 'saturated (a floor otherwise)', pass: capacity?.saturated === true }],
      p50Ms: null,
      p99Ms: null,
      remark: `${capacity?.ordersPerMinute ?? 0} orders/min; ${cost(rampRun)}`,
      warnings: capacity ? [] : ['no 10-s window held the SLO'],
      details: { capacity, capacityFile: input.capacityPath, report: rampRun.reportPath },
    },
    {
      id: 'rehearsal-surge',
      name: `rehearsal: ×${step.factor} on ${input.surging.join(', ')} from ${input.baselineRps} req/s over 12 brands (${input.baselineFrom}; asks ${input.asks})`,
      unit: 'req/s',
      figure: surgePhase?.total.rps ?? 0,
      baselineName: null,
      baseline: null,
      ratio: null,
      goals: [
        { label: 'no 5xx but 503, no time-out', pass: errors === 0 },
        { label: 'oversold 0', pass: oversold === 0 },
        { label: 'unaffected brands p99 < 200 ms', pass: unaffected.length > 0 && unaffected.every((v) => v.met) },
        { label: 'ERP caught up', pass: catchUp !== null },
      ],
      p50Ms: surgePhase?.total.p50 ?? null,
      p99Ms: surgePhase?.total.p99 ?? null,
      remark:
        `shed ${pct(shed, requests)} (${shed} of ${requests}); 5xx/no answer ${errors}; oversold ${oversold ?? 'not read'}; ` +
        `unaffected p99 ≤ ${worstUnaffected} ms; ERP max depth ${maxDepth}, ` +
        `${catchUp === null ? `not caught up within ${erpWaitS} s` : `caught up ${catchUp} s after the load`}; ${cost(stepRun)}`,
      warnings: stepRun.outcome.droppedVisits > 0 ? [`${stepRun.outcome.droppedVisits} visits not started`] : [],
      details: {
        p99ByClass: Object.fromEntries((surgePhase?.byClass ?? []).map((r) => [r.label, r.p99])),
        shedByClass: Object.fromEntries((surgePhase?.byClass ?? []).map((r) => [r.label, r.shed])),
        erpDepth: stepRun.outcome.erpDepth,
        report: stepRun.reportPath,
      },
    },
    {
      id: 'rehearsal-startup',
      name: `rehearsal: start-up of a node (serve --workers ${workers}, spawn → first 200 on /ready)`,
      unit: 'ms',
      figure: median(startups),
      baselineName: null,
      baseline: null,
      ratio: null,
      goals: [],
      p50Ms: null,
      p99Ms: null,
      remark: `median of ${startups.length}: ${startups.map((ms) => Math.round(ms)).join(', ')} ms`,
      warnings: [],
      details: { startsMs: startups.map(Math.round) },
    },
  ]
  if (waits) {
    const shoppers = waits.shoppers.reduce(
      (n, w) => ({ waited: n.waited + w.waited, admitted: n.admitted + w.admitted }),
      { waited: 0, admitted: 0 },
    )
    const roomOrders = roomRun.outcome.summary.phases.reduce(
      (n, p) => n + (p.byBrand.find((r) => r.label === waits.rooms[0]?.slug)?.orders ?? 0),
      0,
    )
    rows.push({
      id: 'rehearsal-waiting-room',
      name: `rehearsal: waiting room scheduled at the step, ${room.ratePerMinute} admitted/min`,
      unit: 'req/s',
      figure: roomRun.outcome.summary.phases.find((p) => p.name === 'surge')?.total.rps ?? 0,
      baselineName: null,
      baseline: null,
      ratio: null,
      goals: [{ label: 'waiting shoppers got in and paid', pass: shoppers.admitted > 0 && roomOrders > 0 }],
      p50Ms: null,
      p99Ms: null,
      remark:
        `${shoppers.waited} shoppers waited, ${shoppers.admitted} got in (wait p50 ${waits.shoppers[0]?.p50S ?? '-'} s, ` +
        `max ${waits.shoppers[0]?.maxS ?? '-'} s), ${roomOrders} orders from the room's brand; ` +
        waits.rooms
          .map((r) => `room: ${r.ticketsIssued} tickets, ${r.admitted} admitted, ${r.waiting} waiting`)
          .join('; '),
      warnings: [],
      details: { waitingRoom: waits, report: roomRun.reportPath },
    })
  }
  const notes = [
    `Rehearsal: everything on this machine's ${os.availableParallelism()} cores — the load generator, the node's ` +
      `${workers} workers and its primary, PostgreSQL, vitrine worker and the ERP simulator. The capacity is what the ` +
      'node served with what was left: read it with the CPU split printed beside it.',
    `Rehearsal reports: ${[rampRun, stepRun, roomRun].map((r) => r.reportPath).join(', ')}.`,
    ...[rampRun, stepRun, roomRun]
      .filter((r) => r.status !== 0)
      .map(
        (r) =>
          `Rehearsal ${r.name}: an SLO was missed (exit 1): ${r.outcome.verdicts
            .filter((v) => !v.met)
            .map((v) => `${v.name} ${v.actual}`)
            .join('; ')}`,
      ),
  ]
  return { rows, notes }
}

/** Of the requests of the ramp's run, the share that are page views (to turn page views/s into requests/s). */
function pageShare(outcome: RehearsalOutcome): number {
  const totals = outcome.summary.phases.flatMap((p) => p.byClass)
  const pages = totals.filter((r) => ['home', 'listing', 'search', 'product'].includes(r.label))
  const all = totals.reduce((n, r) => n + r.requests, 0)
  return all > 0 ? pages.reduce((n, r) => n + r.requests, 0) / all : 0.85
}

const pct = (part: number, whole: number) => `${whole > 0 ? ((part / whole) * 100).toFixed(2) : '0.00'} %`

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0)
}

/** Busy CPU seconds of the whole machine so far (/proc/stat: every core, user + nice + system + irq + softirq + steal). */
function machineCpu(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? ''
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number)
  const ticks = [user, nice, system, irq, softirq, steal].reduce((n: number, v) => n + (v ?? 0), 0)
  // USER_HZ is 100 on every Linux build that matters.
  return ticks / 100
}

/** Logs through a pipe, as a container runtime reads them; the last lines are kept for an error message. */
interface Managed {
  name: string
  child: ChildProcess
  tail: string[]
  stop(): Promise<void>
}

class Processes {
  private readonly all = new Set<Managed>()

  constructor() {
    // Whatever ends this process, no node, worker or simulator is left behind (their groups are killed).
    process.once('exit', () => {
      for (const managed of this.all) signalGroup(managed.child, 'SIGKILL')
    })
  }

  start(name: string, args: string[], env: Record<string, string>, stdin: string | null = null): Managed {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, ...env },
      stdio: [stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: true,
    })
    if (stdin !== null) child.stdin?.end(stdin)
    const tail: string[] = []
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) tail.push(line)
      if (tail.length > 200) tail.splice(0, tail.length - 200)
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    const managed: Managed = {
      name,
      child,
      tail,
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) {
          signalGroup(child, 'SIGTERM')
          const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 20_000)
          await exited
          clearTimeout(timer)
        }
        this.all.delete(managed)
      },
    }
    this.all.add(managed)
    return managed
  }

  /** Runs a command to its end; its exit status (0 or 1 for rehearse; anything else for another command is an error). */
  async runToEnd(
    args: string[],
    env: Record<string, string>,
    stdin: string | null,
    onLine: (line: string) => void = () => {},
  ): Promise<number> {
    const managed = this.start(args[0] ?? 'command', args, env, stdin)
    let partial = ''
    managed.child.stderr?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) onLine(line)
    })
    const code = await new Promise<number>((resolve) =>
      managed.child.once('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1))),
    )
    this.all.delete(managed)
    const acceptable = args[0] === 'rehearse' ? [0, 1, 2] : [0]
    if (!acceptable.includes(code)) {
      throw new Error(`vitrine ${args.slice(0, 2).join(' ')} exited ${code}:\n${managed.tail.slice(-30).join('\n')}`)
    }
    return code
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.all].map((m) => m.stop()))
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid as number), signal)
  } catch {
    // already gone
  }
}

/** Through the admin API, as an operator: sign in, list the brands, set each one's ERP transport. */
async function pointErpAtSimulator(
  target: string,
  email: string,
  password: string,
  simulator: string,
  secret: string,
): Promise<string[]> {
  const login = await request(target, 'POST', '/api/admin/auth/login', {}, { email, password })
  if (login.status !== 200) throw new Error(`sign-in failed: HTTP ${login.status} ${login.body}`)
  const cookie = String([login.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('vitrine_admin=')) ?? '')
  const headers = {
    cookie: cookie.split(';', 1)[0] ?? '',
    'x-csrf-token': (JSON.parse(login.body) as { csrfToken: string }).csrfToken,
  }
  const list = await request(target, 'GET', '/api/admin/brands', headers)
  if (list.status !== 200) throw new Error(`listing the brands failed: HTTP ${list.status}`)
  const body = JSON.parse(list.body) as { items?: Array<{ slug: string }> } | Array<{ slug: string }>
  const slugs = (Array.isArray(body) ? body : (body.items ?? [])).map((b) => b.slug).sort()
  if (slugs.length === 0) throw new Error('the node has no brands')
  for (const slug of slugs) {
    const put = await request(target, 'PUT', `/api/admin/brands/${slug}/erp/settings`, headers, {
      transport: { kind: 'http', url: `${simulator}/orders/${slug}`, secret },
    })
    if (put.status !== 200) throw new Error(`${slug}: setting the ERP transport failed: HTTP ${put.status} ${put.body}`)
  }
  return slugs
}

function request(
  target: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(path, target)
  const payload = body === undefined ? undefined : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent: false,
        headers: {
          ...headers,
          ...(payload !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        )
      },
    )
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)))
    req.on('error', reject)
    req.end(payload)
  })
}

/** Polls /ready every 10 ms (as the start-up bench does) until it answers 200. */
async function waitReady(port: number, managed: Managed, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    if (managed.child.exitCode !== null) {
      throw new Error(`${managed.name} exited ${managed.child.exitCode}:\n${managed.tail.slice(-30).join('\n')}`)
    }
    if (await ready(port)) return
    if (performance.now() > deadline)
      throw new Error(`${managed.name}: not ready after ${timeoutMs / 1000} s:\n${managed.tail.slice(-30).join('\n')}`)
    await delay(10)
  }
}

async function waitListening(port: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        res.resume()
        resolve(true)
      })
      req.on('error', () => resolve(false))
    })
    if (open) return
    await delay(50)
  }
  throw new Error(`nothing listens on ${port} after ${timeoutMs / 1000} s`)
}

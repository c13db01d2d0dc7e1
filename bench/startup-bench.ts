/**
 * Start-up time of a node, as a load balancer sees it: from spawning `vitrine serve` (bin/vitrine.js,
 * exactly as an operator runs it) to the first 200 on GET /ready, polled every 10 ms. It decides how
 * fast capacity can be added on sales day. The bundle is built first (`npm run build`, as the image
 * and `npm start` do), then median of 5 starts per configuration, each stopped with SIGTERM before
 * the next:
 *   - PostgreSQL, default workers (one per core: a cluster primary and its workers)
 *   - PostgreSQL, --workers 1 (one process)
 *   - embedded PGlite on a data directory (its first start, which creates the directory, is not counted)
 *   - the first start after a source edit, before a build: bin/vitrine.js then runs the sources
 *     through tsx (VITRINE_FROM_SOURCE=1 stands in for the edit), one process
 * Catalogs load lazily on a brand's first request, so the catalog's size does not enter start-up.
 * Each row's details keep the median start's `phases` (its `ready` log line: process uptime at the
 * end of loading, database open, migrations check, brands, app built).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import http from 'node:http'
import { createServer } from 'node:net'
import os from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { buildBundle } from '../scripts/build.ts'
import type { BenchDatabase } from './database.ts'
import type { ResultRow } from './report.ts'

const starts = 5
const goalMs = 2000
const bin = join(import.meta.dirname, '..', 'bin', 'vitrine.js')

export interface StartupBenchInput {
  bench: BenchDatabase
  workDir: string
  progress: (message: string) => void
}

export async function benchStartup({ bench, workDir, progress }: StartupBenchInput): Promise<ResultRow[]> {
  const build = await buildBundle()
  progress(`start-up: built the bundle in ${build.ms} ms`)
  const rows: ResultRow[] = []
  const bundled = { VITRINE_FROM_SOURCE: '' }
  const fromSource = { VITRINE_FROM_SOURCE: '1' }
  if (bench.url) {
    const cores = os.availableParallelism()
    const postgres = { ...bundled, DATABASE_URL: bench.url }
    for (const [label, args] of [
      [`PostgreSQL, ${cores} workers (default)`, []],
      ['PostgreSQL, --workers 1', ['--workers', '1']],
    ] as const) {
      progress(`start-up: ${label}, ${starts} starts`)
      rows.push(row(`startup-postgres-${args.length ? 1 : cores}`, label, await measure([...args], postgres), true))
    }
    progress(`start-up: from the sources (after an edit), PostgreSQL, --workers 1, ${starts} starts`)
    const sourceEnv = { ...fromSource, DATABASE_URL: bench.url }
    const label = 'first start after a source edit (tsx), PostgreSQL, --workers 1'
    rows.push(row('startup-source-postgres-1', label, await measure(['--workers', '1'], sourceEnv), false))
  }
  const dataDir = join(workDir, 'startup-pglite')
  const env = { ...bundled, DATABASE_URL: '', VITRINE_DATA_DIR: dataDir }
  progress('start-up: embedded PGlite, first start (creates the data directory; not counted)')
  const first = await startOnce([], env)
  progress(`start-up: embedded PGlite, ${starts} starts`)
  const pglite = row('startup-pglite', 'embedded PGlite', await measure([], env), true)
  pglite.details.firstStartMs = first.ms
  rows.push(pglite)
  if (!bench.url) {
    progress(`start-up: from the sources (after an edit), embedded PGlite, ${starts} starts`)
    const label = 'first start after a source edit (tsx), embedded PGlite'
    rows.push(row('startup-source-pglite', label, await measure([], { ...env, ...fromSource }), false))
  }
  return rows
}

interface Start {
  /** Spawn to first 200 on /ready, measured from outside. */
  ms: number
  /** What the process logged itself (`startupMs`: its process start to its first ready). */
  loggedMs: number | null
  /** The first `ready` line's phases (process uptime in ms at the end of each step). */
  phases: Record<string, number> | null
}

async function measure(args: string[], env: Record<string, string>): Promise<Start[]> {
  const results: Start[] = []
  for (let i = 0; i < starts; i++) results.push(await startOnce(args, env))
  return results
}

function row(id: string, name: string, results: Start[], held: boolean): ResultRow {
  const sorted = [...results].sort((a, b) => a.ms - b.ms)
  const median = sorted[Math.floor(sorted.length / 2)]
  const times = sorted.map((r) => r.ms)
  return {
    id,
    name: `start-up to ready, ${name}`,
    unit: 'ms',
    figure: median?.ms ?? 0,
    baselineName: null,
    baseline: null,
    ratio: null,
    goals: held ? [{ label: `< ${goalMs} ms`, pass: (median?.ms ?? Infinity) < goalMs }] : [],
    p50Ms: null,
    p99Ms: null,
    remark: `median of ${times.length}; min ${Math.round(times[0] ?? 0)}, max ${Math.round(times.at(-1) ?? 0)} ms`,
    warnings: [],
    details: {
      startsMs: times.map(Math.round),
      loggedStartupMs: results.map((r) => r.loggedMs),
      medianPhases: median?.phases ?? null,
    },
  }
}

async function startOnce(args: string[], env: Record<string, string>): Promise<Start> {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(process.execPath, [bin, 'serve', '--port', String(port), ...args], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  child.stdout!.on('data', (c: Buffer) => {
    output += c.toString()
  })
  child.stderr!.on('data', (c: Buffer) => {
    output += c.toString()
  })
  try {
    const deadline = started + 120_000
    while (!(await ready(port))) {
      if (child.exitCode !== null) throw new Error(`vitrine serve exited ${child.exitCode}:\n${output.slice(-2000)}`)
      if (performance.now() > deadline) throw new Error(`not ready after 120 s:\n${output.slice(-2000)}`)
      await delay(10)
    }
    const ms = Math.round(performance.now() - started)
    await stop(child)
    const logged = [...output.matchAll(/"startupMs":(\d+)/g)].map((m) => Number(m[1]))
    const phases = output.match(/"phases":(\{[^}]*\})/)?.[1]
    return { ms, loggedMs: logged.length ? Math.min(...logged) : null, phases: phases ? JSON.parse(phases) : null }
  } finally {
    if (child.exitCode === null) kill(child, 'SIGKILL')
  }
}

export function ready(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/ready', agent: false }, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.setTimeout(2000, () => req.destroy())
    req.on('error', () => resolve(false))
  })
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  kill(child, 'SIGTERM')
  const timer = setTimeout(() => kill(child, 'SIGKILL'), 20_000)
  await exited
  clearTimeout(timer)
}

/** The whole process group: a cluster primary and its workers. */
function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal)
  } catch {
    // already gone
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

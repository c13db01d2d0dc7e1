import http from 'node:http'
import autocannon, { type Request } from 'autocannon'
import { interleave } from './schedule.ts'
import { percentile } from './stats.ts'
import { withTimeout } from './timeout.ts'

export interface RecordedResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** The headers the bare server replays; date, length and connection each server sets itself. */
const replayedHeaders = ['content-type', 'etag', 'cache-control', 'vary']

/** One request on its own connection, with a Host header (fetch cannot set one). */
export function httpRequest(
  port: number,
  method: string,
  path: string,
  host: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): Promise<RecordedResponse> {
  const request = new Promise<RecordedResponse>((resolve, reject) => {
    const headers = {
      host,
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    }
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('error', reject)
      res.on('end', () => {
        const kept: Record<string, string> = {}
        for (const name of replayedHeaders) {
          const value = res.headers[name]
          if (typeof value === 'string') kept[name] = value
        }
        resolve({ status: res.statusCode ?? 0, headers: kept, body: Buffer.concat(chunks).toString('utf8') })
      })
    })
    req.on('error', reject)
    if (options.body !== undefined) req.write(options.body)
    req.end()
  })
  return withTimeout(request, 15_000, `${method} ${path}`)
}

export interface LoadTarget {
  name: string
  port: number
}

export interface LoadSpec {
  host: string
  connections: number
  /** Called once per autocannon run: request sequences may hold state (a rotating path). */
  requests: () => Request[]
}

export interface LoadResult {
  /** 2xx responses per second over the timed seconds. */
  perSecond: number
  ok: number
  /** Non-2xx responses plus connection errors and timeouts. */
  failed: number
  seconds: number
  p50Ms: number
  p99Ms: number
  statusCodes: Record<string, number>
}

interface Tally {
  ok: number
  failed: number
  seconds: number
  latencies: number[]
  statusCodes: Record<string, number>
}

const newTally = (): Tally => ({ ok: 0, failed: 0, seconds: 0, latencies: [], statusCodes: {} })

async function runOnce(target: LoadTarget, spec: LoadSpec, seconds: number, tally: Tally | null): Promise<void> {
  const instance = autocannon({
    url: `http://127.0.0.1:${target.port}`,
    connections: spec.connections,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
    headers: { host: spec.host },
    requests: spec.requests(),
  })
  if (tally) {
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      tally.latencies.push(ms)
      tally.statusCodes[status] = (tally.statusCodes[status] ?? 0) + 1
      if (status >= 200 && status < 300) tally.ok += 1
      else tally.failed += 1
    })
  }
  const stopAfter = setTimeout(() => instance.stop(), (seconds + 15) * 1000)
  try {
    const result = await withTimeout(Promise.resolve(instance), (seconds + 30) * 1000, `load on ${target.name}`)
    if (tally) {
      tally.seconds += result.duration
      tally.failed += result.errors
      if (result.errors > 0) tally.statusCodes.error = (tally.statusCodes.error ?? 0) + result.errors
    }
  } finally {
    clearTimeout(stopAfter)
  }
}

function summarise(tally: Tally): LoadResult {
  const sorted = Float64Array.from(tally.latencies).sort()
  return {
    perSecond: tally.seconds > 0 ? tally.ok / tally.seconds : 0,
    ok: tally.ok,
    failed: tally.failed,
    seconds: tally.seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    statusCodes: tally.statusCodes,
  }
}

/** Warm-up, then `durationS` of load on one target. */
export async function measureLoad(
  target: LoadTarget,
  spec: LoadSpec,
  timing: { warmupS: number; durationS: number },
): Promise<LoadResult> {
  await runOnce(target, spec, timing.warmupS, null)
  const tally = newTally()
  await runOnce(target, spec, timing.durationS, tally)
  return summarise(tally)
}

/** Both targets under the same load, taking turns (see interleave), after a warm-up each. */
export async function compareLoads(
  baseline: LoadTarget,
  subject: LoadTarget,
  spec: LoadSpec,
  timing: { warmupS: number; durationS: number },
): Promise<{ baseline: LoadResult; subject: LoadResult }> {
  const targets = [baseline, subject]
  const tallies = targets.map(newTally)
  for (const target of targets) await runOnce(target, spec, timing.warmupS, null)
  const { order, turnS } = interleave(targets.length, timing.durationS)
  for (const index of order) await runOnce(targets[index]!, spec, turnS, tallies[index]!)
  return { baseline: summarise(tallies[0]!), subject: summarise(tallies[1]!) }
}

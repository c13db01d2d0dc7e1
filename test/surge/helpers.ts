import http from 'node:http'
import { type AppOptions, buildApp } from '../../src/app.ts'
import { BrandDirectory } from '../../src/brands/brand-directory.ts'
import { silentLog } from '../../src/platform/ctx.ts'
import type { Database } from '../../src/platform/db/database.ts'
import type { SurgeOptions } from '../../src/surge/install-surge.ts'
import { onTeardown } from '../helpers/teardown.ts'

export interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  text: string
  /** Milliseconds from sending to the end of the response. */
  ms: number
  /** performance.now() when the response ended. */
  endedAt: number
}

/**
 * The real application with the given admission settings, on 127.0.0.1 or another address; `log`
 * sends its log lines somewhere a test reads them (silent otherwise, unless TEST_LOG_LEVEL).
 */
export async function startSurgeServer(
  database: Database,
  surge: SurgeOptions,
  host = '127.0.0.1',
  log: Pick<AppOptions, 'logLevel' | 'logStream'> = {},
) {
  const brands = new BrandDirectory(database, silentLog)
  await brands.start()
  const app = await buildApp({
    database,
    brands,
    logLevel: log.logLevel ?? process.env.TEST_LOG_LEVEL ?? 'silent',
    ...(log.logStream ? { logStream: log.logStream } : {}),
    surge,
  })
  await app.listen({ port: 0, host })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  onTeardown(async () => {
    await app.close()
    await brands.stop()
  })
  return { app, port, brands }
}

// No keep-alive: every request is its own connection, so one slow request never blocks another.
const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY })

/**
 * One request. With `holdMs`, the body is sent in two halves that far apart: the server has admitted
 * the request (admission runs on arrival) and holds its slot while waiting for the rest — a slow
 * client, and a deterministic way to keep slots busy.
 */
export function send(
  port: number,
  method: string,
  path: string,
  options: { host: string; body?: unknown; headers?: Record<string, string>; holdMs?: number; address?: string },
): Promise<Answer> {
  const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body))
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: options.address ?? '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: {
          host: options.host,
          ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const endedAt = performance.now()
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
            ms: endedAt - started,
            endedAt,
          })
        })
      },
    )
    req.on('error', reject)
    if (body && options.holdMs) {
      const half = Math.floor(body.length / 2)
      req.write(body.subarray(0, half))
      req.flushHeaders()
      setTimeout(() => req.end(body.subarray(half)), options.holdMs)
    } else {
      req.end(body)
    }
  })
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
}

import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'

/**
 * Helpers of the multi-node suites: they start real processes (Vitrine nodes, HAProxy, PostgreSQL
 * clusters), so each one is bounded in time and every process is owned by the test that started it.
 */

export const onCi = process.env.CI === 'true'

/**
 * Why a suite that needs `tool` cannot run: null when it is there. Under CI a missing tool is a
 * failure (thrown), not a skip: CI installs it (.ci/run), so its absence is a broken set-up.
 */
export function missingTool(path: string, what: string): string | null {
  if (existsSync(path)) return null
  const reason = `${what} is not installed (${path})`
  if (onCi) throw new Error(`${reason}: CI must install it (.ci/run)`)
  return reason
}

/** A TCP port nobody listens on right now on 127.0.0.1 (the OS picks it; closed before use). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export interface HttpAnswer<T = any> {
  status: number
  headers: http.IncomingHttpHeaders
  body: T
  text: string
}

export interface CallOptions {
  host?: string
  body?: unknown
  headers?: Record<string, string>
  /** No answer within this time is a failure (the request may still have been processed). */
  timeoutMs?: number
}

/** One HTTP request on 127.0.0.1, a fresh connection each time (a node may die between two). */
export function call<T = any>(
  port: number,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<HttpAnswer<T>> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body)
  const headers: Record<string, string> = {
    host: options.host ?? 'unknown.invalid',
    connection: 'close',
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('error', reject)
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        const json = (res.headers['content-type'] ?? '').includes('json') && text.length > 0
        try {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: json ? JSON.parse(text) : text, text })
        } catch (error) {
          reject(error)
        }
      })
    })
    req.setTimeout(options.timeoutMs ?? 15_000, () =>
      req.destroy(new Error(`no answer within ${options.timeoutMs ?? 15_000} ms`)),
    )
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

/** Polls `check` until it returns a value (not undefined/false) or `timeoutMs` passes. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown = null
  while (Date.now() < deadline) {
    try {
      const value = await check()
      if (value !== undefined && value !== false) return value
    } catch (error) {
      last = error
    }
    await delay(100)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`)
}

/** Runs a program to completion (bounded), rejecting with its stderr when it fails. */
export function run(command: string, args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr}`))
      else resolve(stdout)
    })
  })
}

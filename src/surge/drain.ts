import { setTimeout as delay } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import type { Log } from '../platform/ctx.ts'
import type { Lifecycle } from './lifecycle.ts'

export interface DrainOptions {
  /**
   * Time between "not ready" and closing the listener, for load balancers to notice (their health
   * check interval × fall count). 0 closes at once: fine behind Kubernetes, whose preStop sleep
   * does the waiting, or with no load balancer at all.
   */
  delayMs: number
  /** In-flight requests get this long to finish; then their connections are cut. */
  timeoutMs: number
  log: Log
}

/**
 * A graceful stop: readiness turns 503 first, then the listener closes (new connections are
 * refused), idle keep-alive connections are closed, in-flight requests finish — each response
 * carrying `Connection: close` — and the promise resolves. `forced` tells whether the timeout cut
 * some requests short.
 */
export async function drain(
  app: FastifyInstance,
  lifecycle: Lifecycle,
  options: DrainOptions,
): Promise<{ forced: boolean }> {
  lifecycle.beginDrain()
  options.log.info({ delayMs: options.delayMs, timeoutMs: options.timeoutMs }, 'draining: readiness is now false')
  if (options.delayMs > 0) await delay(options.delayMs)
  let forced = false
  const timer = setTimeout(() => {
    forced = true
    options.log.warn({ timeoutMs: options.timeoutMs }, 'drain timeout: closing the connections still open')
    app.server.closeAllConnections()
  }, options.timeoutMs)
  await app.close()
  clearTimeout(timer)
  options.log.info({ forced }, 'drained')
  return { forced }
}

/** VITRINE_DRAIN_DELAY_MS (default 0) and VITRINE_DRAIN_TIMEOUT_MS (default 10000). */
export function readDrainTiming(env: NodeJS.ProcessEnv = process.env): { delayMs: number; timeoutMs: number } {
  return {
    delayMs: milliseconds(env.VITRINE_DRAIN_DELAY_MS, 0, 'VITRINE_DRAIN_DELAY_MS'),
    timeoutMs: milliseconds(env.VITRINE_DRAIN_TIMEOUT_MS, 10_000, 'VITRINE_DRAIN_TIMEOUT_MS'),
  }
}

function milliseconds(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value.trim() === '') return fallback
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 600_000) {
    throw new Error(`${name} must be a whole number of milliseconds up to 600000, got "${value}"`)
  }
  return parsed
}

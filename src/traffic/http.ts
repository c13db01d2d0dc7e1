import type { FastifyInstance } from 'fastify'
import type { BrandDirectory } from '../brands/brand-directory.ts'
import type { Log } from '../platform/ctx.ts'
import type { Db } from '../platform/db/database.ts'
import { trafficKindsOf } from './classify-traffic.ts'
import { addTrafficCounts } from './queries.ts'
import { TrafficCounter } from './traffic-counter.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The process's traffic counter; `flush()` writes what it holds now (tests, shutdown). */
    trafficHistory: TrafficHistory
  }
}

export interface TrafficHistory {
  flush(): Promise<void>
  readonly counter: TrafficCounter
}

export interface TrafficHistoryOptions {
  db: Db
  brands: BrandDirectory
  log: Log
  /** How often counts are written (default 10 s): one upsert per interval, whatever the traffic. */
  flushMs?: number
}

/**
 * Counts every shop request per brand, hour and kind (src/traffic/classify-traffic.ts) once its
 * response is sent, and writes the counts to `traffic_hourly` every ~10 s and when the server
 * closes. The request never waits on the database for this; a failed write keeps the counts for
 * the next flush. A process killed with SIGKILL loses at most its last interval.
 */
export function registerTrafficHistory(app: FastifyInstance, options: TrafficHistoryOptions): TrafficHistory {
  const counter = new TrafficCounter()
  let flushing: Promise<void> | null = null

  const flushNow = async () => {
    const counts = counter.take()
    if (counts.length === 0) return
    try {
      await addTrafficCounts(
        { db: options.db, now: new Date(), actor: { kind: 'system', name: 'traffic' }, log: options.log },
        counts,
      )
    } catch (error) {
      counter.restore(counts)
      options.log.warn({ err: error, rows: counts.length }, 'traffic history flush failed; kept for the next one')
    }
  }
  const flush = (): Promise<void> => {
    // One flush at a time; a caller arriving during one waits for it, then flushes what is left.
    const previous = flushing ?? Promise.resolve()
    const next = previous.then(flushNow)
    flushing = next.finally(() => {
      if (flushing === next) flushing = null
    })
    return next
  }

  app.addHook('onResponse', async (request, reply) => {
    const brand = options.brands.byHost(request.headers.host)
    if (!brand) return
    const location = reply.getHeader('location')
    const kinds = trafficKindsOf({
      method: request.method,
      route: request.routeOptions.url,
      url: request.url,
      status: reply.statusCode,
      userAgent: request.headers['user-agent'],
      location: typeof location === 'string' ? location : undefined,
    })
    const at = Date.now()
    for (const kind of kinds) counter.add(brand.id, kind, at)
  })

  const timer = setInterval(() => void flush(), options.flushMs ?? 10_000)
  timer.unref()
  app.addHook('onClose', async () => {
    clearInterval(timer)
    await flush()
  })

  const history: TrafficHistory = { flush, counter }
  app.decorate('trafficHistory', history)
  return history
}

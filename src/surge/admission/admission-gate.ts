import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Brand } from '../../brands/brand.ts'
import type { BrandDirectory } from '../../brands/brand-directory.ts'
import { requestIdOf } from '../../platform/logging/request-id.ts'
import type { Admission, AdmissionController, ShedReason } from './admission-controller.ts'
import { bypassRoutes, classifyRequest, type RequestClass } from './classify-request.ts'
import { retryAfterSeconds, shedResponse } from './shed-response.ts'

/** What the gate knows of a request before any of the application runs. */
export interface GatedRequest {
  /** performance.now() when the request reached the gate: its latency includes the queueing. */
  started: number
  method: string
  /** The URL's path, without the query. */
  path: string
  userAgent: string | undefined
  cls: RequestClass
  brand: Brand | null
  /** The brand's slug, `_operator` for the admin API outside a brand, `_unknown` for unknown hosts. */
  tenant: string
}

export interface AdmissionGateOptions {
  /** null: every request goes straight on (admission off), still described and counted. */
  admission: AdmissionController | null
  brands: BrandDirectory
  /** Shed responses close their connection too while the process drains. */
  draining: () => boolean
  /** Once the connection is done with the response: its status code, or `aborted`. */
  onDone(request: GatedRequest, code: string): void
  /** Admitted after waiting in the queue this long. */
  onWaited(request: GatedRequest, waitedMs: number): void
  /** Admitted (true) or shed (false), for the waiting room's pressure; a client gone is neither. */
  onDecided(request: GatedRequest, admitted: boolean): void
  onShed(request: GatedRequest, reason: ShedReason): void
  /** The share of the brand's requests shed over the last second (0..1): how long its shed shoppers are told to wait. */
  shedRatio?(brandId: string): number
}

export interface AdmissionGate {
  /** What the gate made of this request; undefined if it never passed the gate (app.inject(), probes). */
  gated(raw: IncomingMessage): GatedRequest | undefined
  /** Describes and counts a request that did not pass the gate, without admission (app.inject()). */
  track(raw: IncomingMessage, res: ServerResponse): void
}

const operatorTenant = '_operator'
export const unknownTenant = '_unknown'

/**
 * Admission decided on node:http's 'request' event, before Fastify: the gate's listener takes the
 * place of Fastify's and calls it only for a request it admits. A request that is shed never runs
 * Fastify's routing, hooks, logging or reply: the 503 is written from memory (~10 µs, where going
 * through Fastify cost ~100 µs, nearly as much as serving a cached page — measured by CPU time per
 * request, see the README's *Operating under load*). Under a surge most arrivals are shed or
 * queued, so that work decided how long a turn of the event loop took, and with it how late
 * every other brand's requests were read. The class and the brand come from the path and the
 * Host header (classifyRequest takes a path as well as a route pattern).
 */
export function installAdmissionGate(server: Server, options: AdmissionGateOptions): AdmissionGate {
  const seen = new WeakMap<IncomingMessage, GatedRequest>()
  // Fastify's own listener (and any other): called, in order, for the requests the gate lets in.
  const next = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>
  server.removeAllListeners('request')
  const pass = (req: IncomingMessage, res: ServerResponse) => {
    for (const listener of next) listener.call(server, req, res)
  }

  const describe = (req: IncomingMessage): GatedRequest | null => {
    const url = req.url ?? '/'
    const query = url.indexOf('?')
    const path = query < 0 ? url : url.slice(0, query)
    if (bypassRoutes.has(path)) return null
    const method = req.method ?? 'GET'
    const brand = requestBrand(req, path, options.brands)
    const userAgent = header(req, 'user-agent')
    return {
      started: performance.now(),
      method,
      path,
      userAgent,
      cls: classifyRequest(method, path, userAgent),
      brand,
      tenant: brand?.slug ?? (path.startsWith('/api/admin') ? operatorTenant : unknownTenant),
    }
  }

  const count = (request: GatedRequest, res: ServerResponse, onClose: () => void) => {
    // 'close' comes once the response is sent or the client went away, whichever is first.
    res.once('close', () => {
      onClose()
      options.onDone(request, res.writableFinished ? String(res.statusCode) : 'aborted')
    })
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const request = describe(req)
    if (!request) return pass(req, res)
    seen.set(req, request)
    const { admission } = options
    if (!admission) {
      count(request, res, () => {})
      return pass(req, res)
    }
    let release: (() => void) | null = null
    let cancel: (() => void) | null = null
    count(request, res, () => {
      cancel?.()
      release?.()
    })

    const decide = (outcome: Admission) => {
      if (outcome.admitted) {
        options.onDecided(request, true)
        release = outcome.release
        // The client left while the request waited: free the slot and do not run the handler.
        if (res.destroyed) return release()
        return pass(req, res)
      }
      if (outcome.reason === 'aborted') return
      options.onDecided(request, false)
      options.onShed(request, outcome.reason)
      const ratio = request.brand ? (options.shedRatio?.(request.brand.id) ?? 0) : 0
      writeShed(req, res, request, retryAfterSeconds(request.cls, ratio), options.draining())
    }

    const outcome = admission.acquire(request.tenant, request.cls)
    if (!('queued' in outcome)) return decide(outcome)
    cancel = outcome.cancel
    outcome.queued.then((settled) => {
      cancel = null
      if (settled.admitted) options.onWaited(request, settled.waitedMs)
      decide(settled)
    })
  })

  return {
    gated: (raw) => seen.get(raw),
    track: (raw, res) => {
      const request = describe(raw)
      if (request) count(request, res, () => {})
    },
  }
}

/** The 503 from memory: no routing, no hooks, no log line (the shed counter says it). */
function writeShed(
  req: IncomingMessage,
  res: ServerResponse,
  request: GatedRequest,
  retryAfter: number,
  draining: boolean,
): void {
  const { headers, body } = shedResponse(
    { path: request.path, method: request.method, accept: header(req, 'accept') },
    request.brand,
    retryAfter,
  )
  res.writeHead(503, {
    ...headers,
    'content-length': String(Buffer.byteLength(body)),
    'x-request-id': requestIdOf(req),
    ...(draining ? { connection: 'close' } : {}),
  })
  res.end(body)
}

/** The shop's brand by Host; for the admin API, the brand named in the path (`/api/admin/brands/:slug/…`). */
function requestBrand(req: IncomingMessage, path: string, brands: BrandDirectory): Brand | null {
  if (path.startsWith('/api/admin')) {
    const slug = /^\/api\/admin\/brands\/([^/]+)/.exec(path)?.[1]
    return slug ? brands.bySlug(slug) : null
  }
  return brands.byHost(req.headers.host)
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return typeof value === 'string' ? value : undefined
}

import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { BrandDirectory } from '../brands/brand-directory.ts'
import { Forbidden, Unauthorized } from '../platform/errors.ts'
import { exposition, type MetricFamily, MetricsRegistry, renderExposition } from '../platform/http/metrics.ts'
import { registerProcessMetrics } from '../platform/http/metrics-process.ts'
import { type TrafficHistory, trafficKindsOf } from '../traffic/index.ts'
import { type AdmissionConfig, AdmissionController } from './admission/admission-controller.ts'
import { type GatedRequest, installAdmissionGate, unknownTenant } from './admission/admission-gate.ts'
import { readAdmissionConfig } from './admission/config.ts'
import { Lifecycle } from './lifecycle.ts'
import { ShedPressure } from './shed-pressure.ts'

export interface SurgeOptions {
  /** Admission limits; false turns admission off. Default: from the environment (config.ts). */
  admission?: AdmissionConfig | false
  lifecycle?: Lifecycle
  /** A bearer token that opens /metrics to non-loopback callers. Default: VITRINE_METRICS_TOKEN. */
  metricsToken?: string | null
  /** The process's registry (a cluster worker passes its own, which the primary also collects). */
  registry?: MetricsRegistry
  /** Cluster workers: every process's snapshot, merged by the primary over IPC. Default: this process's. */
  collectMetrics?: () => Promise<MetricFamily[]>
}

export interface Surge {
  lifecycle: Lifecycle
  registry: MetricsRegistry
  admission: AdmissionController | null
}

/** Latency buckets (seconds): fine around the 200 ms SLO, coarse beyond. */
const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, 5]

/**
 * Admission control, request metrics and /metrics. Every request to the app's server — JSON APIs
 * and shop pages alike — passes the admission gate (admission/admission-gate.ts) before Fastify
 * sees it: classify, admit or queue or shed, then count the response when its connection is done
 * with it. Probes and /metrics bypass it: a full node must still say it is alive and show why it
 * is full.
 */
export function installSurge(app: FastifyInstance, brands: BrandDirectory, options: SurgeOptions = {}): Surge {
  const lifecycle = options.lifecycle ?? new Lifecycle()
  const registry = options.registry ?? new MetricsRegistry()
  const config = options.admission ?? readAdmissionConfig()
  const admission = config ? new AdmissionController(config) : null
  const metricsToken = options.metricsToken === undefined ? metricsTokenFromEnv() : options.metricsToken

  const requests = registry.counter('vitrine_http_requests_total', 'Requests answered, by brand, class and status')
  const duration = registry.histogram(
    'vitrine_http_request_duration_seconds',
    'Time from arrival (queueing included) to the end of the response, by brand and class',
    latencyBuckets,
  )
  const shed = registry.counter('vitrine_admission_shed_total', 'Requests shed with 503, by brand, class and reason')
  const queueWait = registry.histogram(
    'vitrine_admission_queue_wait_seconds',
    'Time queued requests waited before admission, by class',
    latencyBuckets,
  )
  registry.gauge({
    name: 'vitrine_http_requests_in_flight',
    help: 'Requests admitted and not yet answered, by brand and class',
    read: () =>
      (admission?.gauges() ?? []).map((g) => ({ labels: { brand: g.tenant, class: g.cls }, value: g.inflight })),
  })
  registry.gauge({
    name: 'vitrine_admission_queue_length',
    help: 'Requests waiting for admission, by brand and class',
    read: () =>
      (admission?.gauges() ?? []).map((g) => ({ labels: { brand: g.tenant, class: g.cls }, value: g.queued })),
  })
  registry.gauge({
    name: 'vitrine_admission_limit',
    help: 'Configured admission limits (summed over the processes of a node)',
    read: () =>
      config
        ? [
            { labels: { limit: 'max_inflight' }, value: config.maxInflight },
            { labels: { limit: 'queue_size' }, value: config.queueSize },
            { labels: { limit: 'turn_budget' }, value: admission?.turnBudget ?? 0 },
          ]
        : [],
  })
  registry.gauge({
    name: 'vitrine_draining',
    help: '1 while the process drains before exiting',
    read: () => [{ labels: {}, value: lifecycle.draining ? 1 : 0 }],
  })
  registry.gauge({
    name: 'vitrine_startup_seconds',
    help: 'Process start to the first successful readiness check',
    read: () => (lifecycle.startupMs === null ? [] : [{ labels: {}, value: lifecycle.startupMs / 1000 }]),
  })
  const stopProcessMetrics = registerProcessMetrics(registry)
  const pressure = trackShedPressure(app, brands)
  registry.gauge({
    name: 'vitrine_waiting_room_size',
    help: 'Shoppers waiting in an active waiting room, by brand (as of the rooms last load)',
    read: () =>
      waitingRoomOf(app)
        ?.waitingByBrand()
        .map(({ brandId, waiting }) => ({
          labels: { brand: brands.byId(brandId)?.slug ?? unknownTenant },
          value: waiting,
        })) ?? [],
  })
  app.addHook('onClose', async () => {
    stopProcessMetrics()
  })

  const gate = installAdmissionGate(app.server, {
    admission,
    brands,
    draining: () => lifecycle.draining,
    onDone: (request, code) => {
      const labels = { brand: request.tenant, class: request.cls }
      requests.inc({ ...labels, code })
      duration.observe(labels, (performance.now() - request.started) / 1000)
    },
    onWaited: (request, waitedMs) => queueWait.observe({ class: request.cls }, waitedMs / 1000),
    onDecided: (request, admitted) => {
      if (request.brand) pressure.count(request.brand.id, admitted)
    },
    shedRatio: (brandId) => pressure.ratio(brandId),
    onShed: (request, reason) => {
      shed.inc({ brand: request.tenant, class: request.cls, reason })
      // A shed request never reaches Fastify's onResponse, where the traffic history counts: the
      // demand a capacity plan is sized on includes what a node could not serve.
      countShedTraffic(app, request)
    },
  })
  // app.inject() calls Fastify directly, past the gate: counted, not admitted (only tests and the
  // start-up readiness check use it).
  app.addHook('onRequest', async (request, reply) => {
    if (!gate.gated(request.raw)) gate.track(request.raw, reply.raw)
  })

  // While draining, every response closes its connection: keep-alive clients reconnect, and
  // reach a node that is not going away.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (lifecycle.draining) reply.header('connection', 'close')
    return payload
  })

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    authoriseMetrics(request, metricsToken)
    const families = options.collectMetrics ? await options.collectMetrics() : registry.snapshot()
    return reply.type(exposition).header('cache-control', 'no-store').send(renderExposition(families))
  })

  return { lifecycle, registry, admission }
}

/** Counts a shed shop request in the traffic history (src/traffic), when the app has one. */
function countShedTraffic(app: FastifyInstance, request: GatedRequest): void {
  if (!request.brand || !app.hasDecorator('trafficHistory')) return
  const history = (app as unknown as { trafficHistory: TrafficHistory }).trafficHistory
  const kinds = trafficKindsOf({
    method: request.method,
    route: request.path,
    url: request.path,
    status: 503,
    userAgent: request.userAgent,
    location: undefined,
  })
  const at = Date.now()
  for (const kind of kinds) history.counter.add(request.brand.id, kind, at)
}

function metricsTokenFromEnv(): string | null {
  const token = process.env.VITRINE_METRICS_TOKEN?.trim()
  return token ? token : null
}

/**
 * /metrics tells how busy each brand is: loopback callers (a node's own scraper or sidecar) may
 * read it, anyone else needs the bearer token. The socket's address is used, never a forwarded
 * header. Behind a proxy on the same host, do not route /metrics through it (see the README).
 */
function authoriseMetrics(request: FastifyRequest, token: string | null): void {
  if (isLoopback(request.socket.remoteAddress)) return
  const header = request.headers.authorization
  if (token && typeof header === 'string' && header.startsWith('Bearer ')) {
    const given = Buffer.from(header.slice('Bearer '.length))
    const expected = Buffer.from(token)
    if (given.length === expected.length && timingSafeEqual(given, expected)) return
    throw new Unauthorized('The metrics token is not valid')
  }
  if (token) throw new Unauthorized('Metrics need a bearer token from this address')
  throw new Forbidden('Metrics are served to loopback callers only (or set VITRINE_METRICS_TOKEN)')
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.')
}

/** What the waiting room (src/waiting-room) decorates the app with, when it is installed. */
interface WaitingRoomHooks {
  reportPressure(brandId: string, shedRatio: number): Promise<unknown>
  waitingByBrand(): Array<{ brandId: string; waiting: number }>
}

function waitingRoomOf(app: FastifyInstance): WaitingRoomHooks | null {
  return app.hasDecorator('waitingRoom') ? (app as unknown as { waitingRoom: WaitingRoomHooks }).waitingRoom : null
}

/**
 * Each second, the share of each brand's requests this process shed (shed-pressure.ts) is told to
 * the waiting room, so a room in `auto` mode switches on under sustained shedding (its own
 * hysteresis decides). The room is looked up at run time: it is installed after admission, and the
 * app may run without it. The ticks stop when the app closes.
 */
function trackShedPressure(app: FastifyInstance, brands: BrandDirectory): ShedPressure {
  const pressure = new ShedPressure()
  const timer = setInterval(() => {
    const ratios = pressure.tick()
    const room = waitingRoomOf(app)
    if (!room) return
    for (const [brandId, ratio] of ratios) {
      if (!brands.byId(brandId)) continue
      room.reportPressure(brandId, ratio).catch((error: unknown) => {
        app.log.warn({ err: error, brandId }, 'could not report pressure to the waiting room')
      })
    }
  }, 1000)
  timer.unref()
  app.addHook('onClose', async () => clearInterval(timer))
  return pressure
}

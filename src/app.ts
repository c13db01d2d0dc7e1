import helmet from '@fastify/helmet'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import {
  type AdminRoute,
  accessAdminRoutes,
  authRoutes,
  defaultSessionPolicy,
  installAccessControl,
  LoginThrottle,
  type SessionPolicy,
} from './access/index.ts'
import type { BrandDirectory } from './brands/brand-directory.ts'
import { resolveBrandFromHost } from './brands/http.ts'
import { brandAdminRoutes, brandStoreRoutes } from './brands/routes.ts'
import { collectionAdminRoutes, collectionStoreRoutes } from './catalog/collections/index.ts'
import { importAdminRoutes } from './catalog/import/routes.ts'
import { catalogAdminRoutes, catalogStoreRoutes } from './catalog/routes.ts'
import { createTestProvider, type PaymentProvider } from './checkout/index.ts'
import { checkoutStoreRoutes } from './checkout/routes.ts'
import { erpAdminRoutes } from './erp/admin-routes.ts'
import { erpInboundAdminRoutes } from './erp/inbound/routes.ts'
import { inventoryAdminRoutes } from './inventory/routes.ts'
import { orderAdminRoutes, orderStoreRoutes } from './orders/routes.ts'
import type { Database } from './platform/db/database.ts'
import { LazySchemas, useLazySchemas } from './platform/http/lazy-schemas.ts'
import { registerProblemHandling } from './platform/http/problem.ts'
import { installRequestClock } from './platform/http/request-clock.ts'
import { ResponseCache } from './platform/http/response-cache.ts'
import { useStrictValidation } from './platform/http/validation.ts'
import { AccessLogController } from './platform/logging/access-log.ts'
import { echoRequestId, requestIdOptions } from './platform/logging/request-id.ts'
import { pricingAdminRoutes, salePlans } from './pricing/index.ts'
import { promotionAdminRoutes } from './promotions/index.ts'
import { storefrontRoutes } from './storefront/index.ts'
import { installSurge, type SurgeOptions } from './surge/install-surge.ts'
import { registerTrafficHistory } from './traffic/index.ts'
import { waitingRoomAdminRoutes, waitingRoomGate } from './waiting-room/index.ts'

export interface AppOptions {
  database: Database
  brands: BrandDirectory
  logLevel?: string
  /** Where the log lines go (tests read them); default stdout, asynchronously. */
  logStream?: { write(line: string): void }
  /** The instant access control sees (session expiry, lockouts); tests move it. Default: the wall clock. */
  clock?: () => Date
  sessionPolicy?: SessionPolicy
  loginThrottle?: LoginThrottle
  /** The in-process response cache (default on); off only to measure the cold path. */
  responseCache?: boolean
  /** Payment providers by name; the built-in `test` provider when not given. */
  providers?: ReadonlyMap<string, PaymentProvider>
  /** Admission control, metrics, drain state (src/surge); defaults from the environment. */
  surge?: SurgeOptions
}

/** Composes the HTTP application: JSON APIs, health, OpenAPI docs. Listening is the caller's job. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { database, brands } = options
  const db = database.db
  const schemas = new LazySchemas()
  const app = Fastify({
    ...requestIdOptions,
    logger: { level: options.logLevel ?? 'info', ...(options.logStream ? { stream: options.logStream } : {}) },
    // One access line per request instead of Fastify's two.
    logController: new AccessLogController(),
    bodyLimit: 1024 * 1024,
    forceCloseConnections: 'idle',
    // Route schemas compile on first use and in the background once listening, not before ready.
    schemaController: { compilersFactory: { buildSerializer: schemas.buildSerializer } },
  }).withTypeProvider<TypeBoxTypeProvider>()
  // Bodies are JSON (or the storefront's forms). Fastify also parses text/plain by default, a type
  // a cross-site page can POST without a CORS preflight; without a parser it is a 415.
  app.removeContentTypeParser('text/plain')

  useStrictValidation(app, schemas)
  useLazySchemas(app, schemas)
  registerProblemHandling(app)
  // One clock for the whole request (tests inject one to cross a sale's start instant).
  const clock = options.clock ?? (() => new Date())
  installRequestClock(app, clock)
  // Sale schedules: every process learns event edits by NOTIFY; stopped with the app.
  await salePlans(db).start(database, app.log)
  app.addHook('onClose', () => salePlans(db).stop())
  echoRequestId(app)
  const surge = installSurge(app, brands, options.surge)
  // Hourly traffic per brand for `vitrine plan`: counted after each response, flushed every ~10 s.
  registerTrafficHistory(app, { db, brands, log: app.log })
  // Security headers on every response. Helmet's CSP is off: the storefront sets its own policy on
  // its HTML pages, and one global policy would break the /docs explorer's inline scripts.
  await app.register(helmet, { contentSecurityPolicy: false })
  app.decorate('adminRoutes', [] as AdminRoute[])
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vitrine API',
        version: '0.1.0',
        description:
          "Storefront API under /api/store (the brand is the Host header's) and admin API under /api/admin. " +
          'Errors are application/problem+json (RFC 9457); each `type` resolves to /problems/<code>.',
      },
      components: {
        securitySchemes: {
          sessionCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: 'vitrine_admin',
            description:
              'Set by POST /api/admin/auth/login. Writes with the cookie also need the x-csrf-token header returned at login.',
          },
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key (vtk_…) of one brand, for machines' },
        },
      },
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  // A brand's waiting room holds its shop pages and /api/store/* back while it is on. After
  // admission control and helmet: its tickets and polls count against the node's capacity like any
  // browse, and its pages carry the security headers.
  await app.register(waitingRoomGate, { database, brands, clock })
  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }))
  app.get('/ready', { schema: { hide: true } }, async (_request, reply) => {
    // Draining: not ready any more, so the load balancer stops sending before the listener closes.
    if (surge.lifecycle.draining) return reply.code(503).send({ status: 'draining' })
    try {
      await sql`select 1`.execute(db)
      return { status: 'ready', brands: brands.all().length }
    } catch {
      return reply.code(503).send({ status: 'unavailable' })
    }
  })

  const cache = new ResponseCache({ enabled: options.responseCache ?? true })
  const providers = options.providers ?? new Map([['test', createTestProvider()]])

  await app.register(
    async (store) => {
      resolveBrandFromHost(store, brands)
      await store.register(brandStoreRoutes, { db })
      await store.register(catalogStoreRoutes, { db, cache })
      await store.register(collectionStoreRoutes, { db, cache })
      await store.register(checkoutStoreRoutes, { db, providers })
      await store.register(orderStoreRoutes, { db })
    },
    { prefix: '/api/store' },
  )

  await app.register(
    async (admin) => {
      const access = {
        db,
        brands,
        clock: options.clock ?? (() => new Date()),
        sessionPolicy: options.sessionPolicy ?? defaultSessionPolicy,
        throttle: options.loginThrottle ?? new LoginThrottle(),
      }
      await installAccessControl(admin, access)
      await admin.register(authRoutes, access)
      await admin.register(accessAdminRoutes, access)
      await admin.register(brandAdminRoutes, { db, brands })
      await admin.register(catalogAdminRoutes, { db, brands })
      await admin.register(pricingAdminRoutes, { db, brands, clock })
      await admin.register(collectionAdminRoutes, { db, brands })
      await admin.register(importAdminRoutes, { db, brands })
      await admin.register(inventoryAdminRoutes, { db, brands })
      await admin.register(orderAdminRoutes, { db, brands })
      await admin.register(promotionAdminRoutes, { db, brands })
      await admin.register(erpInboundAdminRoutes, { db, brands })
      await admin.register(erpAdminRoutes, { db, brands })
      await admin.register(waitingRoomAdminRoutes, { db, brands, clock })
    },
    { prefix: '/api/admin' },
  )

  await app.register(storefrontRoutes, { db, brands, cache, providers })

  return app
}

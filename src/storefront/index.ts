/**
 * The storefront: each brand's shop as server-rendered HTML at the brand's host name, in its
 * theme and language, with fingerprinted assets, demo images, sitemap and robots.txt.
 */
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { BrandDirectory } from '../brands/brand-directory.ts'
import type { PaymentProvider } from '../checkout/index.ts'
import type { Db } from '../platform/db/database.ts'
import { AppError } from '../platform/errors.ts'
import type { ResponseCache } from '../platform/http/response-cache.ts'
import { CategoryTrees } from './categories.ts'
import { CrossSiteRequest, htmlType, isCrossSite, type StorefrontDeps, shopFor } from './http.ts'
import { type ErrorKind, errorPage, plainErrorPage } from './pages/errors.ts'
import { installPreview } from './preview.ts'
import { cartPages, formBodyLimit } from './routes/cart-pages.ts'
import { catalogPages } from './routes/catalog-pages.ts'
import { checkoutPages } from './routes/checkout-pages.ts'
import { mediaRoutes } from './routes/media.ts'

export interface StorefrontOptions {
  db: Db
  brands: BrandDirectory
  cache: ResponseCache
  providers: ReadonlyMap<string, PaymentProvider>
}

const pagePolicy = [
  "default-src 'self'",
  "img-src 'self' https: data:",
  // The brand's theme is an inline <style> of custom properties; swatches use style attributes.
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ')

/**
 * Registered at the root: the shop's pages live at "/", "/c/…", "/p/…". Forms and cookies are
 * parsed in this scope only, so the JSON API stays JSON-only; errors here render HTML pages.
 */
export async function storefrontRoutes(app: FastifyInstance, options: StorefrontOptions): Promise<void> {
  const deps: StorefrontDeps = { ...options, categories: new CategoryTrees() }
  // Pages, not API: kept out of the OpenAPI document.
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true }
  })
  await app.register(cookie)
  await app.register(formbody, { bodyLimit: formBodyLimit })

  app.decorateRequest('brand', null)
  app.addHook('onRequest', async (request) => {
    request.brand = options.brands.byHost(request.headers.host)
  })
  app.addHook('preHandler', async (request) => {
    if (request.method === 'POST' && isCrossSite(request)) throw new CrossSiteRequest()
  })
  // Signed preview links: the shop as of another instant, never cached publicly (preview.ts).
  installPreview(app, options.db)
  app.addHook('onSend', async (_request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '')
    reply.header('x-content-type-options', 'nosniff')
    if (type.startsWith('text/html')) {
      reply.header('content-security-policy', pagePolicy).header('referrer-policy', 'strict-origin-when-cross-origin')
    }
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store')
    return payload
  })

  app.setErrorHandler(async (error: FastifyError, request, reply) => renderError(error, request, reply, deps))

  await catalogPages(app, deps)
  await cartPages(app, deps)
  await checkoutPages(app, deps)
  await mediaRoutes(app)

  // Any other GET on a shop's host is a themed 404 page; JSON API paths keep their problem+json 404.
  app.get('/*', async (request, reply) => {
    if (/^\/(api|docs|problems)(\/|$)/.test(request.url)) return reply.callNotFound()
    return sendError(reply, request, deps, 'not-found', 404)
  })
}

async function renderError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
  deps: StorefrontDeps,
): Promise<FastifyReply> {
  const status = error instanceof AppError ? error.status : (error.statusCode ?? 500)
  if (status >= 500) {
    request.log.error({ err: error }, 'storefront page failed')
    return sendError(reply, request, deps, 'internal', 500)
  }
  const kind: ErrorKind =
    status === 404 ? 'not-found' : status === 413 ? 'too-large' : status === 403 ? 'forbidden' : 'bad-request'
  return sendError(reply, request, deps, kind, status)
}

async function sendError(
  reply: FastifyReply,
  request: FastifyRequest,
  deps: StorefrontDeps,
  kind: ErrorKind,
  status: number,
): Promise<FastifyReply> {
  let body = plainErrorPage(kind)
  if (request.brand) {
    try {
      const { shop } = await shopFor(request, deps)
      body = errorPage(shop, kind, request.id)
    } catch {
      // The error page itself failed (the database is down): the plain page says enough.
    }
  }
  return reply.code(status).header('cache-control', 'no-store').type(htmlType).send(body)
}

import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Brand, BrandCtx } from '../brands/brand.ts'
import type { BrandDirectory } from '../brands/brand-directory.ts'
import { cacheVersion } from '../catalog/catalog-snapshot.ts'
import type { PaymentProvider } from '../checkout/index.ts'
import type { Db } from '../platform/db/database.ts'
import { AppError, NotFound } from '../platform/errors.ts'
import { requestInstant } from '../platform/http/request-clock.ts'
import { type ResponseCache, sendCachedResponse } from '../platform/http/response-cache.ts'
import { tokenPattern } from '../platform/ids.ts'
import type { CategoryTrees } from './categories.ts'
import { labelsFor } from './labels.ts'
import type { Shop } from './layout.ts'

export interface StorefrontDeps {
  db: Db
  brands: BrandDirectory
  cache: ResponseCache
  providers: ReadonlyMap<string, PaymentProvider>
  categories: CategoryTrees
}

export const htmlType = 'text/html; charset=utf-8'
export const privateNoStore = 'private, no-store'
/**
 * Shop pages: shared caches may keep them 2 s and serve them stale for 30 s while they refetch.
 * The in-process cache keys on the catalog version, so a price change is served on the next
 * request; stock shown may be up to 2 s old (checkout re-checks it atomically).
 */
export const sharedPageCacheControl = 'public, max-age=0, s-maxage=2, stale-while-revalidate=30'
export const stockFreshnessMs = 2000
/**
 * A page whose cache key holds the stock it shows (a product page: its variants' counts as shown;
 * a listing: which variants are in stock) is rebuilt when that stock moves, when the brand's
 * settings change (settingsStamp) or its catalog or prices do (cacheVersion), so it need not
 * expire with the stock map every 2 s: a shop page asked less often than that was rebuilt on
 * nearly every request (the rehearsal's shops that were not surging: 60–70 % of their product and
 * listing requests). This bound only caps what an input the key misses could leave behind.
 */
export const stockKeyedPageMaxAgeMs = 60_000

const settingsStamps = new WeakMap<Brand, string>()

/**
 * A short digest of a brand's shop settings (theme, labels, shipping, hosts…; not its catalog
 * version, which keys apart): a key holding it moves when the settings do. The brand directory
 * hands out a new object on every reload (a NOTIFY, its 30-s safety refresh), so the digest is
 * taken once per object, and a reload that changed nothing leaves cached pages valid.
 */
export function settingsStamp(brand: Brand): string {
  let stamp = settingsStamps.get(brand)
  if (stamp === undefined) {
    const settings = JSON.stringify({ ...brand, catalogVersion: null })
    stamp = createHash('sha1').update(settings).digest('base64url').slice(0, 16)
    settingsStamps.set(brand, stamp)
  }
  return stamp
}

export const cartCookie = 'cart'
export const cartCountCookie = 'cart_count'
const cartMaxAgeSeconds = 30 * 24 * 3600

/** The brand's context and page frame for a request at a shop's host; a 404 anywhere else. */
export async function shopFor(request: FastifyRequest, deps: StorefrontDeps): Promise<{ ctx: BrandCtx; shop: Shop }> {
  const brand = request.brand
  if (!brand) throw new NotFound('Shop')
  // A valid preview link (preview.ts) shows the shop as of its instant; otherwise the request's.
  const now = request.previewAt ?? requestInstant(request)
  const ctx: BrandCtx = { db: deps.db, brand, now, actor: { kind: 'shopper' }, log: request.log }
  const categories = await deps.categories.get(ctx)
  return { ctx, shop: { brand, t: labelsFor(brand), origin: originOf(request), categories } }
}

/** "http://ardoisine.localhost:3000": the address the shopper used, for absolute URLs. */
export function originOf(request: FastifyRequest): string {
  return `${request.protocol}://${(request.headers.host ?? '').toLowerCase()}`
}

/**
 * Serves a page from the in-process cache, keyed by brand, catalog and price version (the sale
 * period at the request's instant: a page cached at 07:59:59 is a miss at 08:00:00), origin and a
 * normalised path+query the route builds (unknown parameters never reach the key, and known ones
 * are bounded, so junk query strings cannot grow it much; the cache is LRU-bounded anyway).
 * Answers 304 to a matching If-None-Match. A preview (preview.ts) is built for its own instant
 * and sent privately: it never reads nor fills the shared cache.
 */
export async function sendCachedPage(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: StorefrontDeps,
  shop: Shop,
  key: string,
  build: () => Promise<string>,
  contentType = htmlType,
  maxAgeMs = stockFreshnessMs,
): Promise<FastifyReply> {
  const { brand } = shop
  if (request.previewAt) {
    return reply
      .code(200)
      .header('cache-control', privateNoStore)
      .type(contentType)
      .send(await build())
  }
  const now = requestInstant(request)
  const version = await cacheVersion({ db: deps.db, brand, now, actor: { kind: 'shopper' }, log: request.log })
  const cacheKey = `storefront:${brand.id}:${version}:${shop.origin}:${key}`
  const entry = await deps.cache.getOrBuild(cacheKey, maxAgeMs, now.getTime(), async () => ({
    body: await build(),
    contentType,
  }))
  return sendCachedResponse(request, reply, deps.cache, entry, sharedPageCacheControl)
}

export function sendPrivatePage(reply: FastifyReply, body: string, status = 200): FastifyReply {
  return reply.code(status).header('cache-control', privateNoStore).type(htmlType).send(body)
}

/** POST-redirect-GET: 303 makes the browser GET the next page, so reloading never resubmits. */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).header('cache-control', privateNoStore).header('location', location).send()
}

export function cartToken(request: FastifyRequest): string | null {
  const token = request.cookies[cartCookie]
  return token && new RegExp(tokenPattern).test(token) ? token : null
}

export function setCartCookies(
  request: FastifyRequest,
  reply: FastifyReply,
  cart: { token?: string; itemCount: number },
): void {
  const secure = request.protocol === 'https'
  if (cart.token) {
    reply.setCookie(cartCookie, cart.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure,
      maxAge: cartMaxAgeSeconds,
    })
  }
  // Not secret: only a number for the header badge of shared-cached pages (storefront.js).
  reply.setCookie(cartCountCookie, String(cart.itemCount), {
    path: '/',
    sameSite: 'lax',
    secure,
    maxAge: cartMaxAgeSeconds,
  })
}

/**
 * CSRF. Every state change of the shop is a POST from its own forms. Browsers send Origin on
 * every cross-origin POST (and Referer unless the page opted out), so a POST whose Origin, or
 * failing that Referer, names another host than the Host asked is a cross-site form and is
 * refused. The cart cookie is also SameSite=Lax, so a cross-site POST does not carry it anyway;
 * this check is the second lock, and it needs no token in cached pages. A request with neither
 * header is not from a browser form (curl, a test) and carries no ambient credentials: it passes.
 */
export function isCrossSite(request: FastifyRequest): boolean {
  const host = (request.headers.host ?? '').toLowerCase()
  const source = request.headers.origin ?? request.headers.referer
  if (source === undefined) return false
  try {
    return new URL(source).host.toLowerCase() !== host
  } catch {
    return true // "null" (sandboxed frames, privacy modes) or garbage: not our page
  }
}

export class CrossSiteRequest extends AppError {
  constructor() {
    super('cross-site-request', 403, 'Cross-site form submissions are refused')
  }
}

export type FormBody = Record<string, string | string[] | undefined>

/** A form field as one trimmed string ('' when absent or sent as a list). */
export function formField(body: unknown, name: string): string {
  if (!body || typeof body !== 'object') return ''
  const value = (body as FormBody)[name]
  return typeof value === 'string' ? value.trim() : ''
}

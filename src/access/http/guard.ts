import cookie from '@fastify/cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import type { BrandDirectory } from '../../brands/brand-directory.ts'
import { type Ctx, silentLog } from '../../platform/ctx.ts'
import type { Db } from '../../platform/db/database.ts'
import { Forbidden, NotFound, Unauthorized } from '../../platform/errors.ts'
import { problems } from '../../platform/http/schemas.ts'
import { findLiveApiKey } from '../api-keys.ts'
import type { LoginThrottle } from '../login-throttle.ts'
import { isPermission, type Permission, type RoutePermission } from '../permissions.ts'
import { brandsWith, holdsEverywhere, type Principal, permissionsOn, scopesOfGrants, seesBrand } from '../principal.ts'
import { apiKeyPattern, csrfTokenFor, safeEqual } from '../secrets.ts'
import { findLiveSession, type SessionPolicy } from '../sessions.ts'
import { grantsOf } from '../staff/queries.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Required on every /api/admin route: the permission it needs, or 'public' (login) or
     * 'authenticated' (any signed-in caller). A route without it fails at start-up.
     */
    permission?: RoutePermission
    /**
     * For routes without a :slug: 'operator' (default) needs the permission on every brand;
     * 'any-brand' needs it on at least one, and the handler shows only those brands.
     */
    scope?: 'operator' | 'any-brand'
  }
  interface FastifyRequest {
    principal: Principal | null
  }
  interface FastifyInstance {
    /** Every admin route with its declared permission, collected as routes are added. */
    adminRoutes: AdminRoute[]
  }
}

export interface AdminRoute {
  method: string
  url: string
  permission: RoutePermission
  scope: 'brand' | 'operator' | 'any-brand'
}

export interface AccessDeps {
  db: Db
  brands: BrandDirectory
  clock: () => Date
  sessionPolicy: SessionPolicy
  throttle: LoginThrottle
}

export const sessionCookie = 'vitrine_admin'
export const csrfHeader = 'x-csrf-token'
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The context access code runs in: the clock's now, the request's logger. */
export const accessCtx = (deps: AccessDeps, request: FastifyRequest): Ctx => ({
  db: deps.db,
  now: deps.clock(),
  actor: request.actor ?? { kind: 'system', name: 'access' },
  log: request.log ?? silentLog,
})

/**
 * Installs access control on the admin scope (call before registering its routes): every route
 * must declare `config.permission`; each request is authenticated (session cookie or API key),
 * cookie writes need the CSRF header, and the permission is checked on the route's brand.
 * A brand the caller has no grant on is a 404 (its existence is not revealed); a granted brand
 * without the permission is a 403.
 */
export async function installAccessControl(admin: FastifyInstance, deps: AccessDeps): Promise<void> {
  await admin.register(cookie)
  admin.decorateRequest('principal', null)
  admin.decorateRequest('actor', null)

  admin.addHook('onRoute', (route) => describeRoute(admin, route))
  admin.addHook('onRequest', async (request, reply) => guard(deps, request, reply))
}

function describeRoute(admin: FastifyInstance, route: RouteOptions): void {
  const permission = route.config?.permission
  const method = String(route.method)
  if (!permission || !(permission === 'public' || permission === 'authenticated' || isPermission(permission))) {
    throw new Error(`Admin route ${method} ${route.url} declares no valid config.permission`)
  }
  const scope = route.url.includes(':slug') ? 'brand' : (route.config?.scope ?? 'operator')
  if (method !== 'HEAD') admin.adminRoutes.push({ method, url: route.url, permission, scope })
  const needs =
    permission === 'public'
      ? 'No authentication.'
      : permission === 'authenticated'
        ? 'Any authenticated caller.'
        : `Requires permission \`${permission}\`${scope === 'brand' ? ' on the brand' : scope === 'operator' ? ' on every brand (operator level)' : ' (lists only the brands where it is held)'}.`
  const description = [route.schema?.description, needs].filter(Boolean).join('\n\n')
  const response = route.schema?.response as Record<string, unknown> | undefined
  const denials = permission === 'public' ? {} : problems(401, 403)
  route.schema = {
    ...route.schema,
    ...(response ? { response: { ...denials, ...response } } : {}),
    description,
    'x-permission': permission,
    security: permission === 'public' ? [] : [{ sessionCookie: [] }, { apiKey: [] }],
  } as typeof route.schema
}

async function guard(deps: AccessDeps, request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const config = request.routeOptions.config
  const permission = config.permission
  if (permission === 'public' || !permission) return
  const principal = await authenticate(deps, request)
  if (!principal) throw new Unauthorized('Sign in (session cookie) or send an API key (Authorization: Bearer …)')
  if (principal.via === 'session' && !safeMethods.has(request.method)) assertCsrf(request)
  request.principal = principal
  request.actor = principal.actor
  if (permission === 'authenticated') return
  const slug = (request.params as { slug?: string } | undefined)?.slug
  if (slug !== undefined) {
    const brand = deps.brands.bySlug(slug)
    if (!brand || !seesBrand(principal, brand.id)) throw new NotFound('Brand')
    if (!permissionsOn(principal, brand.id).has(permission))
      throw new Forbidden(`This needs ${permission} on the brand`)
    return
  }
  if ((config.scope ?? 'operator') === 'operator') {
    if (!holdsEverywhere(principal, permission)) throw new Forbidden(`This needs ${permission} on every brand`)
    return
  }
  const where = brandsWith(principal, permission)
  if (where !== null && where.size === 0) throw new Forbidden(`This needs ${permission}`)
}

/** Bearer = API key (no CSRF: a cross-site page cannot set the header); otherwise the session cookie. */
async function authenticate(deps: AccessDeps, request: FastifyRequest): Promise<Principal | null> {
  const ctx = accessCtx(deps, request)
  const authorization = request.headers.authorization
  if (authorization !== undefined) {
    const key = authorization.startsWith('Bearer ') ? authorization.slice(7).trim() : ''
    if (!apiKeyPattern.test(key)) return null
    const found = await findLiveApiKey(ctx, key)
    if (!found) return null
    return {
      actor: { kind: 'api-key', keyId: found.id, brandId: found.brandId },
      via: 'api-key',
      scopes: [{ brandId: found.brandId, permissions: new Set<Permission>(found.permissions) }],
    }
  }
  const token = request.cookies[sessionCookie]
  if (!token) return null
  const session = await findLiveSession(ctx, token, deps.sessionPolicy)
  if (!session) return null
  return {
    actor: { kind: 'staff', staffId: session.staffId, email: session.email },
    via: 'session',
    scopes: scopesOfGrants(await grantsOf(deps.db, session.staffId)),
    sessionHash: session.tokenHash,
  }
}

function assertCsrf(request: FastifyRequest): void {
  const presented = request.headers[csrfHeader]
  const token = request.cookies[sessionCookie]
  if (typeof presented !== 'string' || !token || !safeEqual(presented, csrfTokenFor(token))) {
    throw new Forbidden(
      `A write with the session cookie needs the ${csrfHeader} header given at login`,
      'csrf-token-missing',
    )
  }
}

/** The brands a caller may see with a permission (null = all), for list endpoints. */
export function visibleBrandIds(request: FastifyRequest, permission: Permission): Set<string> | null {
  if (!request.principal) throw new Unauthorized()
  return brandsWith(request.principal, permission)
}

/** The principal of a request that passed the guard. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Unauthorized()
  return request.principal
}

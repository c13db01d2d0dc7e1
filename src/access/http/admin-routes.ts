import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { adminBrandCtx } from '../../brands/http.ts'
import { BadRequest, Forbidden, NotFound } from '../../platform/errors.ts'
import { DateTime, Nullable, problems, Slug, Uuid } from '../../platform/http/schemas.ts'
import { createApiKey, listApiKeys, revokeApiKey } from '../api-keys.ts'
import { listAudit } from '../audit/list-audit.ts'
import { apiKeyPermissions, isRole, type Permission, roles } from '../permissions.ts'
import { permissionsOn, seesBrand } from '../principal.ts'
import { createStaff } from '../staff/create-staff.ts'
import { listStaff } from '../staff/queries.ts'
import { type AccessDeps, accessCtx, principalOf, visibleBrandIds } from './guard.ts'

const ApiKeySchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String(),
  permissions: Type.Array(Type.String()),
  createdAt: DateTime,
  lastUsedAt: Nullable(DateTime),
  revokedAt: Nullable(DateTime),
})
const GrantSchema = Type.Object({ role: Type.String(), brandId: Nullable(Type.String()) })

/** API keys, staff accounts and the audit log. */
export const accessAdminRoutes: FastifyPluginAsyncTypebox<AccessDeps> = async (app, deps) => {
  const { db, brands } = deps
  const keyPermission = Type.Union(apiKeyPermissions.map((p) => Type.Literal(p)))

  app.get(
    '/brands/:slug/api-keys',
    {
      config: { permission: 'api-keys:manage' },
      schema: {
        tags: ['admin'],
        summary: 'API keys of a brand (never the keys themselves)',
        params: Type.Object({ slug: Slug }),
        response: { 200: Type.Object({ items: Type.Array(ApiKeySchema) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => ({ items: await listApiKeys(adminBrandCtx(request, db, brands, request.params.slug)) }),
  )

  app.post(
    '/brands/:slug/api-keys',
    {
      config: { permission: 'api-keys:manage' },
      schema: {
        tags: ['admin'],
        summary: 'Create an API key for a machine (an ERP, a feed pusher): shown once, stored hashed',
        description: 'The caller must hold each permission it gives the key on this brand.',
        params: Type.Object({ slug: Slug }),
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            permissions: Type.Array(keyPermission, { minItems: 1, maxItems: 20 }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Intersect([ApiKeySchema, Type.Object({ key: Type.String() })]),
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const ctx = adminBrandCtx(request, db, brands, request.params.slug)
      const principal = principalOf(request)
      const held = permissionsOn(principal, ctx.brand.id)
      const missing = request.body.permissions.filter((p) => !held.has(p as Permission))
      if (missing.length > 0) throw new Forbidden(`You cannot give a key permissions you lack: ${missing.join(', ')}`)
      const createdBy = principal.actor.kind === 'staff' ? principal.actor.staffId : null
      const created = await createApiKey(
        { ...ctx, now: deps.clock(), createdBy },
        { name: request.body.name, permissions: request.body.permissions as Permission[] },
      )
      return reply.code(201).send(created)
    },
  )

  app.delete(
    '/brands/:slug/api-keys/:id',
    {
      config: { permission: 'api-keys:manage' },
      schema: {
        tags: ['admin'],
        summary: 'Revoke an API key (it answers 401 from now on)',
        params: Type.Object({ slug: Slug, id: Uuid }),
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const ctx = adminBrandCtx(request, db, brands, request.params.slug)
      await revokeApiKey({ ...ctx, now: deps.clock() }, request.params.id)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/staff',
    {
      config: { permission: 'staff:manage' },
      schema: {
        tags: ['admin'],
        summary: 'Staff accounts and their grants',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Uuid,
                email: Type.String(),
                createdAt: DateTime,
                disabled: Type.Boolean(),
                grants: Type.Array(GrantSchema),
              }),
            ),
          }),
          ...problems(401, 403),
        },
      },
    },
    async (request) => ({ items: await listStaff(accessCtx(deps, request)) }),
  )

  app.post(
    '/staff',
    {
      config: { permission: 'staff:manage' },
      schema: {
        tags: ['admin'],
        summary: 'Create a staff account with its grants (role + brand slug, or no brand = all brands)',
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 254 }),
            password: Type.String({ minLength: 1, maxLength: 256 }),
            grants: Type.Array(
              Type.Object(
                { role: Type.Union(roles.map((r) => Type.Literal(r))), brand: Type.Optional(Slug) },
                { additionalProperties: false },
              ),
              { maxItems: 100 },
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Uuid, email: Type.String() }), ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const grants = request.body.grants.map((g) => {
        if (!isRole(g.role)) throw new BadRequest('validation', `Unknown role ${g.role}`)
        if (g.brand === undefined) return { role: g.role, brandId: null }
        const brand = brands.bySlug(g.brand)
        if (!brand) throw new BadRequest('validation', `Unknown brand ${g.brand}`)
        return { role: g.role, brandId: brand.id }
      })
      const created = await createStaff(accessCtx(deps, request), { ...request.body, grants })
      return reply.code(201).send(created)
    },
  )

  app.get(
    '/audit',
    {
      config: { permission: 'audit:read', scope: 'any-brand' },
      schema: {
        tags: ['admin'],
        summary: 'The audit log, newest first: who changed what, when, before and after',
        description:
          'Entries of brands where you hold audit:read; operator-level entries (staff) need it on every brand.',
        querystring: Type.Object(
          {
            brand: Type.Optional(Slug),
            entityType: Type.Optional(Type.String({ maxLength: 50 })),
            entityId: Type.Optional(Type.String({ maxLength: 100 })),
            actor: Type.Optional(Type.String({ maxLength: 100, description: 'staff id, API key id or system name' })),
            since: Type.Optional(Type.String({ format: 'date-time' })),
            until: Type.Optional(Type.String({ format: 'date-time' })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.Integer(),
                at: DateTime,
                brand: Nullable(Slug),
                actor: Type.Object({ kind: Type.String(), id: Type.String(), label: Type.String() }),
                entityType: Type.String(),
                entityId: Type.String(),
                action: Type.String(),
                before: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
                after: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
              }),
            ),
          }),
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const q = request.query
      let brandId: string | undefined
      if (q.brand !== undefined) {
        const brand = brands.bySlug(q.brand)
        if (!brand || !seesBrand(principalOf(request), brand.id)) throw new NotFound('Brand')
        if (!permissionsOn(principalOf(request), brand.id).has('audit:read'))
          throw new Forbidden('This needs audit:read on the brand')
        brandId = brand.id
      }
      const entries = await listAudit(accessCtx(deps, request), {
        visibleBrands: visibleBrandIds(request, 'audit:read'),
        ...(brandId ? { brandId } : {}),
        ...(q.entityType ? { entityType: q.entityType } : {}),
        ...(q.entityId ? { entityId: q.entityId } : {}),
        ...(q.actor ? { actorId: q.actor } : {}),
        ...(q.since ? { since: new Date(q.since) } : {}),
        ...(q.until ? { until: new Date(q.until) } : {}),
        limit: q.limit,
      })
      const items = entries.map(({ brandId: id, ...e }) => ({
        ...e,
        brand: id ? (brands.byId(id)?.slug ?? null) : null,
      }))
      return { items }
    },
  )
}

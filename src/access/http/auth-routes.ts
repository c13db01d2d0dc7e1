import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { BadRequest, TooManyRequests, Unauthorized } from '../../platform/errors.ts'
import { Nullable, problems } from '../../platform/http/schemas.ts'
import { audited } from '../audit/record-audit.ts'
import { assertAcceptablePassword, hashPassword, maxPasswordLength, verifyPassword } from '../passwords.ts'
import { csrfTokenFor, sha256 } from '../secrets.ts'
import { openSession, revokeSession, revokeSessionsOf } from '../sessions.ts'
import { findStaffByEmail, findStaffById, grantsOf, normaliseEmail } from '../staff/queries.ts'
import { type AccessDeps, accessCtx, principalOf, sessionCookie } from './guard.ts'

const GrantSchema = Type.Object({ role: Type.String(), brandId: Nullable(Type.String()) })
const SessionSchema = Type.Object({
  staff: Type.Object({ id: Type.String(), email: Type.String(), grants: Type.Array(GrantSchema) }),
  csrfToken: Type.String({ description: 'Send it as the x-csrf-token header on every write made with the cookie' }),
  expiresAt: Type.String({ format: 'date-time' }),
})
const Password = Type.String({ minLength: 1, maxLength: maxPasswordLength })
const invalidCredentials = 'invalid e-mail or password'

/** Login, logout, who am I, password change: the JSON API behind the back-office sign-in. */
export const authRoutes: FastifyPluginAsyncTypebox<AccessDeps> = async (app, deps) => {
  app.post(
    '/auth/login',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['admin-auth'],
        summary: 'Sign in with e-mail and password: sets the session cookie, returns the CSRF token',
        description:
          'Always a fresh session token (a cookie sent with the request is revoked, never adopted). ' +
          'The cookie is HttpOnly, SameSite=Lax, Path=/api/admin, and Secure when the request came over https. ' +
          'Failed attempts are limited per account and per IP address, with a growing lockout (429).',
        body: Type.Object(
          { email: Type.String({ minLength: 1, maxLength: 254 }), password: Password },
          { additionalProperties: false },
        ),
        response: { 200: SessionSchema, ...problems(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const ctx = accessCtx(deps, request)
      const email = normaliseEmail(request.body.email)
      const now = ctx.now.getTime()
      refuseWhileLocked(deps, reply, email, request.ip, now)
      const staff = await findStaffByEmail(deps.db, email)
      const ok = await verifyPassword(staff?.passwordHash ?? null, request.body.password)
      if (!staff || !ok || staff.disabledAt) {
        deps.throttle.recordFailure(email, request.ip, now)
        request.log.info({ email }, 'login refused')
        throw new Unauthorized(invalidCredentials)
      }
      deps.throttle.recordSuccess(email)
      // Session fixation: whatever session the client held is ended, and a new token is issued.
      const previous = request.cookies[sessionCookie]
      if (previous) await revokeSession(ctx, sha256(previous))
      const session = await openSession(ctx, staff.id, deps.sessionPolicy)
      setSessionCookie(request, reply, session.token, deps.sessionPolicy.absoluteMs)
      return {
        staff: { id: staff.id, email: staff.email, grants: await grantsOf(deps.db, staff.id) },
        csrfToken: csrfTokenFor(session.token),
        expiresAt: session.expiresAt.toISOString(),
      }
    },
  )

  app.post(
    '/auth/logout',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['admin-auth'],
        summary: 'End the current session (its token is revoked server-side)',
        response: { 204: Type.Null(), ...problems(401, 403) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request)
      if (principal.sessionHash) await revokeSession(accessCtx(deps, request), principal.sessionHash)
      reply.clearCookie(sessionCookie, { path: '/api/admin' })
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/auth/me',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['admin-auth'],
        summary: 'Who is calling: the staff member or API key, and its grants',
        response: {
          200: Type.Object({
            actor: Type.Object({ kind: Type.String(), id: Type.String(), email: Type.Optional(Type.String()) }),
            scopes: Type.Array(
              Type.Object({
                brandId: Nullable(Type.String()),
                permissions: Type.Array(Type.String()),
              }),
            ),
          }),
          ...problems(401),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request)
      const actor =
        principal.actor.kind === 'staff'
          ? { kind: 'staff', id: principal.actor.staffId, email: principal.actor.email }
          : { kind: 'api-key', id: principal.actor.keyId }
      return {
        actor,
        scopes: principal.scopes.map((s) => ({ brandId: s.brandId, permissions: [...s.permissions].sort() })),
      }
    },
  )

  app.post(
    '/auth/password',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['admin-auth'],
        summary: 'Change your password (signed in with a session); your other sessions are revoked',
        body: Type.Object({ currentPassword: Password, newPassword: Password }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...problems(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request)
      if (principal.actor.kind !== 'staff') throw new BadRequest('validation', 'An API key has no password')
      const ctx = accessCtx(deps, request)
      const staff = await findStaffById(deps.db, principal.actor.staffId)
      if (!staff) throw new Unauthorized()
      const now = ctx.now.getTime()
      refuseWhileLocked(deps, reply, staff.email, request.ip, now)
      if (!(await verifyPassword(staff.passwordHash, request.body.currentPassword))) {
        deps.throttle.recordFailure(staff.email, request.ip, now)
        throw new Unauthorized('The current password is wrong')
      }
      assertAcceptablePassword(request.body.newPassword)
      const passwordHash = await hashPassword(request.body.newPassword)
      const readChanged = async (tx: typeof ctx) =>
        tx.db.selectFrom('staff').select('password_changed_at').where('id', '=', staff.id).executeTakeFirstOrThrow()
      await audited(ctx, {
        brandId: null,
        entityType: 'staff',
        entityId: staff.id,
        action: 'change-password',
        before: async (tx) => ({ passwordChangedAt: (await readChanged(tx)).password_changed_at }),
        write: async (tx) => {
          await tx.db
            .updateTable('staff')
            .set({ password_hash: passwordHash, password_changed_at: ctx.now })
            .where('id', '=', staff.id)
            .execute()
          await revokeSessionsOf(tx.db, staff.id, ctx.now, principal.sessionHash ?? null)
        },
        after: async (tx) => ({ passwordChangedAt: (await readChanged(tx)).password_changed_at }),
      })
      return reply.code(204).send(null)
    },
  )
}

function refuseWhileLocked(deps: AccessDeps, reply: FastifyReply, email: string, ip: string, now: number): void {
  const waitMs = deps.throttle.retryAfterMs(email, ip, now)
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000)
    reply.header('retry-after', String(seconds))
    throw new TooManyRequests('Too many failed sign-in attempts; try again later', seconds)
  }
}

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, maxAgeMs: number): void {
  reply.setCookie(sessionCookie, token, {
    path: '/api/admin',
    httpOnly: true,
    sameSite: 'lax',
    // Secure only over https: a plain-http development server could not set it otherwise.
    // Behind a TLS-terminating proxy, request.protocol is https only with Fastify's trustProxy.
    secure: request.protocol === 'https',
    maxAge: Math.floor(maxAgeMs / 1000),
  })
}

import type { FastifyRequest } from 'fastify'
import type { Actor } from '../ctx.ts'
import { Unauthorized } from '../errors.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is acting, set by the admin API's authentication (src/access); null before it. */
    actor: Actor | null
  }
}

/** The authenticated actor of an admin request; a route reached without one is a 401. */
export function requestActor(request: FastifyRequest): Actor {
  if (!request.actor) throw new Unauthorized()
  return request.actor
}

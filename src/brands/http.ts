import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Db } from '../platform/db/database.ts'
import { AppError, NotFound } from '../platform/errors.ts'
import { requestActor } from '../platform/http/actor.ts'
import { requestInstant } from '../platform/http/request-clock.ts'
import type { Brand, BrandCtx } from './brand.ts'
import type { BrandDirectory } from './brand-directory.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The brand served at the request's Host, set for shop routes; null elsewhere. */
    brand: Brand | null
  }
}

export class UnknownHost extends AppError {
  constructor(host: string | undefined) {
    super('unknown-host', 404, `No shop is served at "${(host ?? '').slice(0, 100)}"`)
  }
}

/** Resolves the shop's brand from the Host header for every route of this plugin scope. */
export function resolveBrandFromHost(app: FastifyInstance, directory: BrandDirectory): void {
  app.decorateRequest('brand', null)
  app.addHook('onRequest', async (request) => {
    const brand = directory.byHost(request.headers.host)
    if (!brand) throw new UnknownHost(request.headers.host)
    request.brand = brand
  })
}

/** The context of a shopper's request: the Host's brand, the instant the request arrived. */
export function shopperCtx(request: FastifyRequest, db: Db): BrandCtx {
  if (!request.brand) throw new UnknownHost(request.headers.host)
  return { db, brand: request.brand, now: requestInstant(request), actor: { kind: 'shopper' }, log: request.log }
}

/**
 * The context of an admin request on one brand, named by slug; an unknown slug is a 404. The
 * actor is the authenticated caller; access control (src/access) has already checked the grant.
 */
export function adminBrandCtx(request: FastifyRequest, db: Db, directory: BrandDirectory, slug: string): BrandCtx {
  const brand = directory.bySlug(slug)
  if (!brand) throw new NotFound('Brand')
  return { db, brand, now: requestInstant(request), actor: requestActor(request), log: request.log }
}

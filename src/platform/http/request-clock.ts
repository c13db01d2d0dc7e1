import type { FastifyInstance, FastifyRequest } from 'fastify'

declare module 'fastify' {
  interface FastifyRequest {
    /** The instant the request arrived, read from the application's clock: every ctx.now of the request. */
    receivedAt: Date | null
  }
}

/**
 * Stamps each request with the application's clock (the wall clock, or the one tests inject), so
 * every context built for it — shop pages, JSON API, cart, checkout — agrees on "now", and a test
 * can move the whole server to 07:59:59.999 and then to 08:00:00.000.
 */
export function installRequestClock(app: FastifyInstance, clock: () => Date): void {
  app.decorateRequest('receivedAt', null)
  app.addHook('onRequest', async (request) => {
    request.receivedAt = clock()
  })
}

/** The request's instant (the clock's reading when it arrived); the wall clock outside an app. */
export const requestInstant = (request: FastifyRequest): Date => request.receivedAt ?? new Date()

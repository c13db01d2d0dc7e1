import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { FastifyInstance } from 'fastify'

/**
 * An incoming `x-request-id` (set by the load balancer, or by a client retrying) is kept when it
 * looks like an id — short, no spaces or control characters, so it cannot forge log lines or
 * headers — otherwise a fresh UUID is made. Every log line of the request carries it (Fastify's
 * `reqId` field), and the response echoes it, so a shopper's "reference" finds the server's lines.
 */
const saneId = /^[A-Za-z0-9._:@=+/-]{1,128}$/

export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id']
  return typeof given === 'string' && saneId.test(given) ? given : randomUUID()
}

/** Fastify options: our id rule (Fastify 5 reads no header by itself: `requestIdHeader` is off). */
export const requestIdOptions = { genReqId: requestIdOf } as const

/** Echoes the request id on every response, errors and shed 503s included. */
export function echoRequestId(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
}

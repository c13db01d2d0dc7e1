import { classifyRequest } from '../surge/admission/classify-request.ts'

/** What the traffic history counts; see migration 0011-traffic-history. */
export const trafficKinds = ['page', 'api', 'cart', 'checkout', 'order', 'bot'] as const
export type TrafficKind = (typeof trafficKinds)[number]

export interface ServedRequest {
  method: string
  /** Fastify's matched route pattern (`/api/store/carts/:token/lines`); undefined when none matched. */
  route: string | undefined
  /** The request URL, used when no route matched. */
  url: string
  status: number
  userAgent: string | undefined
  /** The response's Location header (the storefront's checkout answers 303 → confirmation). */
  location: string | undefined
}

/** Files, probes and documents a shop serves that are not a shopper looking at a page. */
const notPages = /^\/(assets|media|docs|health|ready|metrics|favicon\.ico|robots\.txt|sitemap\.xml)(\/|$)/

/**
 * The kinds a served shop request counts as (none, one, or two: a checkout that placed an order is
 * both an attempt and an order). Requests are classed as the admission controller classes them
 * (src/surge), so the history a plan is sized on and the priorities a node sheds by agree.
 */
export function trafficKindsOf(request: ServedRequest): TrafficKind[] {
  const path = request.route ?? request.url.split('?')[0] ?? ''
  const requestClass = classifyRequest(request.method, request.route, request.userAgent)
  switch (requestClass) {
    case 'admin':
      return []
    case 'bot':
      return notPages.test(path) ? [] : ['bot']
    case 'checkout':
      if (request.method !== 'POST') return ['page']
      return orderPlaced(request, path) ? ['checkout', 'order'] : ['checkout']
    case 'cart':
      return request.method === 'GET' && !path.startsWith('/api/') ? ['page'] : ['cart']
    case 'browse':
      if (path.startsWith('/api/admin')) return []
      if (path.startsWith('/api/store/')) return ['api']
      if (path.startsWith('/api/') || notPages.test(path)) return []
      return request.method === 'GET' || request.method === 'HEAD' ? ['page'] : []
  }
}

/**
 * An order was placed: the JSON API's 201 (a replay of the same Idempotency-Key answers 200 and is
 * not counted again), or the storefront form's redirect to the confirmation page (a double submit
 * that lost the race to its twin is redirected there too: rare enough not to skew an hourly count).
 */
function orderPlaced(request: ServedRequest, path: string): boolean {
  if (path === '/api/store/checkout') return request.status === 201
  return path === '/checkout' && request.status === 303 && request.location === '/checkout/confirmation'
}

/**
 * Request classes, most important first. Under load a node serves checkout before cart, cart before
 * the back office, the back office before browsing, and crawlers last: a lost checkout is a lost
 * sale, a slow listing page is a shopper who waits a second, a crawler comes back tomorrow.
 */
export const requestClasses = ['checkout', 'cart', 'admin', 'browse', 'bot'] as const
export type RequestClass = (typeof requestClasses)[number]

/** Lower is more important. */
export const classPriority: Record<RequestClass, number> = { checkout: 0, cart: 1, admin: 2, browse: 3, bot: 4 }

/**
 * Crawlers and link previewers announce themselves in the User-Agent. Faking one only lowers the
 * faker's own priority, so a loose match is safe.
 */
const botAgent = /bot\b|bot\/|crawl|spider|slurp|mediapartners|facebookexternalhit|scrapy/i

/** Routes that always bypass admission: probes and metrics must answer while the node is full. */
export const bypassRoutes: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics'])

/**
 * The class of a request, from its method, its route — Fastify's matched pattern (e.g.
 * `/api/store/carts/:token/lines`; undefined when no route matched) or, before routing, the URL's
 * path (the admission gate decides before Fastify runs) — and its User-Agent. Every rule is an
 * exact path or a whole-segment prefix, so a pattern and a path of it get the same class.
 */
export function classifyRequest(
  method: string,
  route: string | undefined,
  userAgent: string | undefined,
): RequestClass {
  if (userAgent && botAgent.test(userAgent)) return 'bot'
  if (!route) return 'browse'
  if (under(route, '/api/admin')) return 'admin'
  if (route === '/api/store/checkout' || route === '/checkout' || route === '/checkout/confirmation') return 'checkout'
  if (under(route, '/api/store/carts') || under(route, '/cart')) return 'cart'
  // Looking up an order happens after the sale: it is worth more than a listing, less than a cart.
  if (route === '/api/store/orders/lookup' || route === '/orders/lookup') return method === 'GET' ? 'browse' : 'cart'
  return 'browse'
}

/** `path` is `prefix` or below it (`/cart/add` is under `/cart`, `/cartes` is not). */
function under(path: string, prefix: string): boolean {
  return path.startsWith(prefix) && (path.length === prefix.length || path[prefix.length] === '/')
}

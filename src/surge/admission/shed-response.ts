import type { FastifyReply, FastifyRequest } from 'fastify'
import { type Brand, brandLanguage } from '../../brands/brand.ts'
import { problem, sendProblem } from '../../platform/http/problem.ts'
import type { RequestClass } from './classify-request.ts'

/**
 * How long a shed client should wait. Shoppers in the funnel come back soonest; crawlers are told
 * to come back much later (search engines slow their crawl on 503 + Retry-After). The browse value
 * is spread over 1–3 s so a shed crowd does not return in one wave.
 */
export function retryAfterSeconds(cls: RequestClass): number {
  switch (cls) {
    case 'checkout':
    case 'cart':
      return 1
    case 'admin':
      return 2
    case 'browse':
      return 1 + Math.floor(Math.random() * 3)
    case 'bot':
      return 120
  }
}

/** JSON API callers get problem+json; people on the shop get a small page that retries by itself. */
export function sendShed(
  request: FastifyRequest,
  reply: FastifyReply,
  brand: Brand | null,
  retryAfter: number,
): FastifyReply {
  reply.header('retry-after', String(retryAfter))
  const path = request.url
  const api = path.startsWith('/api/') || path.startsWith('/docs') || path.startsWith('/problems/')
  if (api || !acceptsHtml(request)) {
    return sendProblem(
      reply,
      problem('overloaded', 503, `The server is at capacity; retry in ${retryAfter} s`, { retryAfter }),
    )
  }
  return reply
    .code(503)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(busyPage(brand, retryAfter, request.method === 'GET'))
}

function acceptsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept
  return !accept || accept.includes('text/html') || accept.includes('*/*')
}

/**
 * Deliberately tiny and built from memory only (no query, no template): it is what a node sends
 * when it has no capacity left. A GET page reloads itself after Retry-After; a shed form post
 * (add to cart, checkout) does not, so nothing is submitted twice behind the shopper's back.
 */
function busyPage(brand: Brand | null, retryAfter: number, reload: boolean): string {
  const french = brand ? brandLanguage(brand) === 'fr' : false
  const name = brand ? escapeHtml(brand.name) : 'Vitrine'
  const title = french ? 'Très forte affluence' : 'We are very busy'
  const text = french
    ? reload
      ? `Beaucoup de monde en ce moment sur ${name}. La page se recharge dans ${retryAfter} s.`
      : `Beaucoup de monde en ce moment sur ${name}. Votre demande n’a pas été prise en compte : réessayez dans ${retryAfter} s.`
    : reload
      ? `${name} has a lot of visitors right now. This page reloads in ${retryAfter} s.`
      : `${name} has a lot of visitors right now. Your request was not taken: please try again in ${retryAfter} s.`
  const refresh = reload ? `<meta http-equiv="refresh" content="${retryAfter}">` : ''
  return `<!doctype html><html lang="${french ? 'fr' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">${refresh}<title>${title}</title></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem"><h1>${title}</h1><p>${text}</p></body></html>`
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )
}

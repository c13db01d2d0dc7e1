import { type Brand, brandLanguage } from '../../brands/brand.ts'
import { problem, problemContentType } from '../../platform/http/problem.ts'
import type { RequestClass } from './classify-request.ts'

/** A brand shedding at least this share of its requests (over the last second) is under pressure. */
export const pressureShedRatio = 0.2

/**
 * How long a shed client should wait. Shoppers in the funnel come back soonest; crawlers are told
 * to come back much later (search engines slow their crawl on 503 + Retry-After). The browse value
 * is spread over 1–3 s so a shed crowd does not return in one wave, and over 3–5 s while the brand
 * sheds a fifth of its requests or more: a shed page reloads itself, so under a deep surge every
 * early return is another request to shed, and those returns made much of the load (the
 * rehearsal's step at 3,400 req/s asked shed half its requests and served 4,600 req/s, retries
 * included, and the brands that were not surging waited for it).
 */
export function retryAfterSeconds(cls: RequestClass, brandShedRatio = 0): number {
  switch (cls) {
    case 'checkout':
    case 'cart':
      return 1
    case 'admin':
      return 2
    case 'browse':
      return (brandShedRatio >= pressureShedRatio ? 3 : 1) + Math.floor(Math.random() * 3)
    case 'bot':
      return 120
  }
}

/** What a shed request is answered: status 503, these headers, this body. */
export interface ShedResponse {
  headers: Record<string, string>
  body: string
}

/**
 * JSON API callers get problem+json; people on the shop get a small page that retries by itself.
 * Built from the raw request's path, method and Accept header alone: the admission gate answers
 * before Fastify has parsed anything (src/surge/admission-gate.ts).
 */
export function shedResponse(
  request: { path: string; method: string; accept: string | undefined },
  brand: Brand | null,
  retryAfter: number,
): ShedResponse {
  const { path, accept } = request
  const api = path.startsWith('/api/') || path.startsWith('/docs') || path.startsWith('/problems/')
  const html = !accept || accept.includes('text/html') || accept.includes('*/*')
  const headers = { 'retry-after': String(retryAfter), 'cache-control': 'no-store' }
  if (api || !html) {
    const body = problem('overloaded', 503, `The server is at capacity; retry in ${retryAfter} s`, { retryAfter })
    return { headers: { ...headers, 'content-type': problemContentType }, body: JSON.stringify(body) }
  }
  return {
    headers: { ...headers, 'content-type': 'text/html; charset=utf-8' },
    body: busyPage(brand, retryAfter, request.method === 'GET'),
  }
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

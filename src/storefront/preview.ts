import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Brand } from '../brands/brand.ts'
import type { Db } from '../platform/db/database.ts'
import { AppError } from '../platform/errors.ts'
import { requestInstant } from '../platform/http/request-clock.ts'
import { checkPreview } from '../pricing/index.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The instant a valid preview link shows the shop at; null for ordinary requests. */
    previewAt: Date | null
  }
}

export const previewCookie = 'vitrine_preview'
export const previewParam = 'preview'

export class PreviewRefused extends AppError {
  constructor(reason: string) {
    super('preview-refused', 403, `This preview link is not valid (${reason})`)
  }
}

/**
 * Preview links (src/pricing/preview-links.ts) on the storefront. A GET with `?preview=<token>`
 * or the preview cookie a first visit set renders the shop as of the link's instant. Such
 * responses are personal: `private, no-store`, `X-Robots-Tag: noindex` and a robots meta tag,
 * a banner naming the instant, and they never enter or read the shared page cache (http.ts). A
 * tampered, expired or other brand's link is a 403 page, and its cookie is cleared so the next
 * visit is the ordinary shop; `?preview=` (empty) leaves preview mode. Carts and checkout (POST) always use the present instant: a
 * preview shows prices, it never sells at them.
 */
export function installPreview(app: FastifyInstance, db: Db): void {
  app.decorateRequest('previewAt', null)
  app.addHook('preHandler', async (request, reply) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || !request.brand) return
    const fromQuery = (request.query as Record<string, unknown> | undefined)?.[previewParam]
    const queryToken = typeof fromQuery === 'string' ? fromQuery : null
    if (queryToken === '') {
      // "?preview=" leaves preview mode.
      reply.clearCookie(previewCookie, { path: '/' })
      return
    }
    const token = queryToken ?? request.cookies[previewCookie] ?? null
    if (token === null) return
    const check = await checkPreview(db, token, request.brand.id, requestInstant(request))
    if (!check.ok) {
      reply.clearCookie(previewCookie, { path: '/' })
      throw new PreviewRefused(check.reason)
    }
    request.previewAt = check.grant.at
    if (queryToken !== null) {
      const maxAge = Math.max(
        1,
        Math.floor((check.grant.expiresAt.getTime() - requestInstant(request).getTime()) / 1000),
      )
      reply.setCookie(previewCookie, queryToken, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https',
        maxAge,
      })
    }
  })
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.previewAt) return payload
    reply.header('cache-control', 'private, no-store').header('x-robots-tag', 'noindex, nofollow')
    reply.removeHeader('etag')
    const type = String(reply.getHeader('content-type') ?? '')
    if (!type.startsWith('text/html') || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload
    return markPreviewPage(String(payload), request, reply)
  })
}

/** A robots meta tag in the head, and a banner at the top of the body naming the instant shown. */
function markPreviewPage(page: string, request: FastifyRequest, _reply: FastifyReply): string {
  const at = request.previewAt
  const brand = request.brand
  if (!at || !brand) return page
  const label = formatInstant(at, brand)
  const banner = `<p class="notice" role="status" data-preview>Preview · ${escapeText(label)} · <a href="/?${previewParam}=">exit</a></p>`
  const withMeta = page.includes('<meta name="robots" content="noindex">')
    ? page
    : page.replace('<head>', '<head>\n<meta name="robots" content="noindex">')
  return withMeta.replace(/<body([^>]*)>/, (body) => `${body}\n${banner}`)
}

function formatInstant(at: Date, brand: Brand): string {
  return new Intl.DateTimeFormat(brand.locale, {
    dateStyle: 'full',
    timeStyle: 'long',
    timeZone: brand.timeZone,
  }).format(at)
}

const escapeText = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

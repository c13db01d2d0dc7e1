import type { FastifyReply, FastifyRequest } from 'fastify'
import { maxTokenLength } from './tokens.ts'

export const ticketCookie = 'vitrine_wr_ticket'
export const passCookie = 'vitrine_wr_pass'

/**
 * One cookie's value from the Cookie header, read by hand: the gate runs in front of every shop
 * route, before (and outside) the scopes that register @fastify/cookie. Values longer than any
 * token we issue are ignored without being looked at further; the header itself is bounded by
 * Node's 16 KB header limit. Duplicates: the first wins, as browsers send the most specific first.
 */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie
  if (typeof header !== 'string' || header.length === 0) return undefined
  const wanted = `${name}=`
  for (const part of header.split(';')) {
    const trimmed = part.trimStart()
    if (!trimmed.startsWith(wanted)) continue
    const value = trimmed.slice(wanted.length).trimEnd()
    return value.length <= maxTokenLength ? value : undefined
  }
  return undefined
}

/** HttpOnly (no script needs them), SameSite=Lax, Secure when the shopper came over https. */
export function setCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  name: string,
  value: string,
  maxAgeSeconds: number,
): void {
  const secure = request.protocol === 'https' ? '; Secure' : ''
  // Fastify appends set-cookie headers rather than replacing them, so the shop's cookies survive.
  reply.header('set-cookie', `${name}=${value}; Max-Age=${maxAgeSeconds}; Path=/; HttpOnly; SameSite=Lax${secure}`)
}

import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Db } from '../platform/db/database.ts'
import { serverSecret } from '../platform/server-secrets.ts'

/**
 * The two signed cookies of the waiting room, both HMAC-SHA256 with one server key:
 * - the ticket: brand + ticket id + epoch. It names a row; the row says where the shopper stands.
 * - the pass: brand + ticket id + expiry. It is the whole proof of admission: any node verifies it
 *   without a query, which is what lets admitted shoppers cost nothing while the room is on.
 * The kind is part of the signed text, so a ticket can never pass for a pass (or the reverse), and
 * the brand is too, so one brand's pass opens no other brand's shop.
 */
export type TokenKind = 'pass' | 'ticket'

export interface TokenClaims {
  brandId: string
  ticketId: string
  /** pass: expiry in seconds since the epoch; ticket: the room epoch it was taken in. */
  n: number
}

const prefix: Record<TokenKind, string> = { pass: 'p1', ticket: 't1' }
const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
const shapes: Record<TokenKind, RegExp> = {
  pass: new RegExp(`^p1\\.(${uuid})\\.(${uuid})\\.([0-9]{1,12})\\.([A-Za-z0-9_-]{43})$`),
  ticket: new RegExp(`^t1\\.(${uuid})\\.(${uuid})\\.([0-9]{1,9})\\.([A-Za-z0-9_-]{43})$`),
}
/** Longer than any token we issue: anything longer is refused before a regular expression sees it. */
export const maxTokenLength = 160

function signature(key: Buffer, kind: TokenKind, claims: TokenClaims): string {
  return createHmac('sha256', key)
    .update(`vitrine-waiting-room|${prefix[kind]}|${claims.brandId}|${claims.ticketId}|${claims.n}`)
    .digest('base64url')
}

export function signToken(key: Buffer, kind: TokenKind, claims: TokenClaims): string {
  return `${prefix[kind]}.${claims.brandId}.${claims.ticketId}.${claims.n}.${signature(key, kind, claims)}`
}

/** The claims of a well-formed, authentic token; null for anything else (no detail: it is a cookie). */
export function verifyToken(key: Buffer, kind: TokenKind, token: string | undefined): TokenClaims | null {
  if (!token || token.length > maxTokenLength) return null
  const match = shapes[kind].exec(token)
  if (!match) return null
  const claims = { brandId: match[1]!, ticketId: match[2]!, n: Number(match[3]) }
  const expected = Buffer.from(signature(key, kind, claims))
  const presented = Buffer.from(match[4]!)
  return presented.length === expected.length && timingSafeEqual(presented, expected) ? claims : null
}

const secretName = 'waiting-room-pass'

/**
 * The signing key: VITRINE_WAITING_ROOM_SECRET when set (give every node the same), otherwise a
 * random key generated once into server_secrets and shared by every node.
 */
export function passKey(db: Db, env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  return serverSecret(db, secretName, env.VITRINE_WAITING_ROOM_SECRET)
}

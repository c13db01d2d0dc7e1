import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Db } from '../platform/db/database.ts'
import { serverSecret } from '../platform/server-secrets.ts'

/**
 * Signed, expiring preview links: a merchandiser's view of a brand's storefront "as of" an
 * instant. The token carries brand, instant and expiry, signed with HMAC-SHA256 under a server
 * secret: VITRINE_PREVIEW_SECRET when set, else one generated on first use and kept in
 * server_secrets, so every node of the deployment signs and checks with the same key. Nothing is
 * stored per link: a link dies at its expiry (at most 7 days), or for all links at once when the
 * secret is rotated.
 */
export interface PreviewGrant {
  brandId: string
  /** The instant the storefront is shown at. */
  at: Date
  expiresAt: Date
}

export const maxPreviewMinutes = 7 * 24 * 60
const secretName = 'preview-links'
/** The signing key: from the environment, or generated once and persisted (first writer wins). */
export function previewSecret(db: Db): Promise<Buffer> {
  return serverSecret(db, secretName, process.env.VITRINE_PREVIEW_SECRET)
}

export async function signPreview(db: Db, grant: PreviewGrant): Promise<string> {
  const payload = Buffer.from(
    JSON.stringify({ b: grant.brandId, t: grant.at.getTime(), e: grant.expiresAt.getTime() }),
  ).toString('base64url')
  const signature = createHmac('sha256', await previewSecret(db))
    .update(`v1.${payload}`)
    .digest('base64url')
  return `v1.${payload}.${signature}`
}

export type PreviewCheck =
  | { ok: true; grant: PreviewGrant }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' | 'other-brand' }

/** Checks a token for a brand at an instant: signature first (constant time), then brand and expiry. */
export async function checkPreview(db: Db, token: string, brandId: string, now: Date): Promise<PreviewCheck> {
  const parts = token.length <= 512 ? token.split('.') : []
  if (parts.length !== 3 || parts[0] !== 'v1' || !/^[A-Za-z0-9_-]+$/.test(`${parts[1]}${parts[2]}`)) {
    return { ok: false, reason: 'malformed' }
  }
  const expected = createHmac('sha256', await previewSecret(db))
    .update(`v1.${parts[1]}`)
    .digest()
  const given = Buffer.from(parts[2] ?? '', 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad-signature' }
  let payload: { b?: unknown; t?: unknown; e?: unknown }
  try {
    payload = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'))
  } catch {
    return { ok: false, reason: 'malformed' }
  }
  if (typeof payload.b !== 'string' || !Number.isSafeInteger(payload.t) || !Number.isSafeInteger(payload.e)) {
    return { ok: false, reason: 'malformed' }
  }
  if (payload.b !== brandId) return { ok: false, reason: 'other-brand' }
  if (now.getTime() >= (payload.e as number)) return { ok: false, reason: 'expired' }
  return {
    ok: true,
    grant: { brandId: payload.b, at: new Date(payload.t as number), expiresAt: new Date(payload.e as number) },
  }
}

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * Session tokens and API keys carry 192 random bits, so a single SHA-256 is enough to store them:
 * nobody can guess or brute-force a 2^192 space, so a slow hash (argon2) would only add ~70 ms
 * to every API request. Passwords are low-entropy and get argon2id instead (passwords.ts).
 */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex')

export const newSessionToken = (): string => randomBytes(24).toString('base64url')

/** `vtk_` + 32 characters: recognisable in logs and secret scanners, 192 random bits. */
export const newApiKey = (): string => `vtk_${randomBytes(24).toString('base64url')}`
export const apiKeyPattern = /^vtk_[A-Za-z0-9_-]{32}$/

/**
 * The CSRF token bound to a session: an HMAC of the session token. Only someone who holds the
 * HttpOnly cookie value (the server, at login) can compute it; a cross-site page can neither read
 * the cookie nor the login response.
 */
export const csrfTokenFor = (sessionToken: string): string =>
  createHmac('sha256', sessionToken).update('vitrine-csrf').digest('base64url')

/** Constant-time string comparison over digests, so neither content nor length leaks. */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest()
  const db = createHash('sha256').update(b).digest()
  return timingSafeEqual(da, db)
}

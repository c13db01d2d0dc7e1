import { randomBytes, randomUUID } from 'node:crypto'

export const newId = (): string => randomUUID()

/** An unguessable bearer token: 192 random bits, URL-safe, 32 characters. */
export const newToken = (): string => randomBytes(24).toString('base64url')

export const tokenPattern = '^[A-Za-z0-9_-]{32}$'

export const uuidPattern = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

export const isUuid = (value: string): boolean => new RegExp(uuidPattern).test(value)

/**
 * A source of UUIDv7 ids (RFC 9562) that increase in the order they are drawn: the 48-bit Unix
 * millisecond timestamp of the source's creation, 42 random bits fixed for the source, then a
 * 32-bit counter (the "fixed bit-length dedicated counter" of §6.2). Rows inserted together with
 * such ids land next to each other at the right edge of their primary-key btree, instead of on a
 * random page each: a bulk insert and the foreign-key checks that look them up touch a few hot
 * pages. One source draws at most 2^32 ids.
 */
export function orderedIds(now = Date.now()): () => string {
  const time = now.toString(16).padStart(12, '0')
  const random = randomBytes(6).toString('hex')
  // xxxxxxxx-xxxx-7rrr-Vrrr-rrrrcccccccc, V = 8 | 2 random bits (the RFC variant 10xx).
  const variant = (8 | (Number.parseInt(random[3] ?? '0', 16) & 3)).toString(16)
  const prefix = `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(0, 3)}-${variant}${random.slice(4, 7)}-${random.slice(7, 11)}`
  let counter = 0
  return () => {
    if (counter > 0xffffffff) throw new Error('orderedIds: a source draws at most 2^32 ids')
    return prefix + (counter++).toString(16).padStart(8, '0')
  }
}

import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * The HTTP transport's signature: `X-Vitrine-Signature: sha256=<hex HMAC-SHA256(key, timestamp +
 * "." + body)>` with `X-Vitrine-Timestamp` (Unix seconds). Binding the timestamp lets the ERP
 * refuse replays older than a few minutes; the README shows the same recipe for the ERP side.
 */
export function sign(key: string, timestamp: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', key).update(`${timestamp}.`).update(body).digest('hex')}`
}

export interface VerifyOptions {
  /** Accepted clock difference in seconds (default 300). */
  toleranceS?: number
  now?: Date
}

/** The receiving side: true when the signature matches and the timestamp is recent. */
export function verifySignature(
  key: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string | Buffer,
  options: VerifyOptions = {},
): boolean {
  const { timestamp, signature } = headers
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false
  const nowS = Math.floor((options.now ?? new Date()).getTime() / 1000)
  if (Math.abs(nowS - Number(timestamp)) > (options.toleranceS ?? 300)) return false
  const expected = Buffer.from(sign(key, timestamp, body))
  const given = Buffer.from(signature)
  return expected.length === given.length && timingSafeEqual(expected, given)
}

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

/**
 * Transport secrets (HMAC keys, SFTP passwords) at rest: AES-256-GCM with the key from
 * VITRINE_SECRET_KEY (64 hex characters or base64 of 32 bytes; any other text is hashed to 32
 * bytes), or a reference `env:NAME` resolved at delivery time (the secret never enters the
 * database). Without VITRINE_SECRET_KEY a fixed development key is used, with a warning: fine for
 * the demo and tests, never for production.
 */
const devKey = createHash('sha256').update('vitrine-development-secret-key (not for production)').digest()
let warned = false

function secretKey(): Buffer {
  const raw = process.env.VITRINE_SECRET_KEY
  if (!raw) {
    if (!warned && process.env.NODE_ENV !== 'test') {
      warned = true
      process.emitWarning('VITRINE_SECRET_KEY is not set: ERP secrets are encrypted with a fixed development key')
    }
    return devKey
  }
  if (/^[0-9a-fA-F]{64}$/.test(raw)) return Buffer.from(raw, 'hex')
  const b64 = Buffer.from(raw, 'base64')
  if (b64.length === 32) return b64
  return createHash('sha256').update(raw).digest()
}

const prefix = 'enc:v1:'

export function encryptSecret(plain: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', secretKey(), iv)
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  const tag = cipher.getAuthTag()
  return `${prefix}${iv.toString('base64url')}.${tag.toString('base64url')}.${data.toString('base64url')}`
}

export class SecretUnavailable extends Error {}

/** The plain secret of a stored value: `enc:v1:…` decrypted, `env:NAME` read from the environment. */
export function resolveSecret(stored: string): string {
  if (stored.startsWith('env:')) {
    const value = process.env[stored.slice(4)]
    if (value === undefined) throw new SecretUnavailable(`environment variable ${stored.slice(4)} is not set`)
    return value
  }
  if (!stored.startsWith(prefix)) throw new SecretUnavailable('secret is neither encrypted nor an env: reference')
  const [iv, tag, data] = stored.slice(prefix.length).split('.')
  try {
    const decipher = createDecipheriv('aes-256-gcm', secretKey(), Buffer.from(iv ?? '', 'base64url'))
    decipher.setAuthTag(Buffer.from(tag ?? '', 'base64url'))
    return Buffer.concat([decipher.update(Buffer.from(data ?? '', 'base64url')), decipher.final()]).toString('utf8')
  } catch {
    throw new SecretUnavailable('secret cannot be decrypted with this VITRINE_SECRET_KEY')
  }
}

/** What an API shows of a stored secret: env references as they are, encrypted values never. */
export const redactSecret = (stored: string | undefined): string | undefined =>
  stored === undefined ? undefined : stored.startsWith('env:') ? stored : '(encrypted)'

/** A secret given through the API: `env:NAME` is kept as a reference, anything else encrypted. */
export const storeSecret = (given: string): string => (given.startsWith('env:') ? given : encryptSecret(given))

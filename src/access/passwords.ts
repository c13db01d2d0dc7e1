import { hash, verify } from '@node-rs/argon2'
import { BadRequest } from '../platform/errors.ts'

/**
 * argon2id with the library's defaults (m = 19 MiB, t = 2, p = 1: the OWASP recommendation),
 * ≈ 70 ms per hash on the reference machine. Tests use the same parameters.
 */
const options = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

export const minPasswordLength = 12
export const maxPasswordLength = 256

export function assertAcceptablePassword(password: string): void {
  if (password.length < minPasswordLength || password.length > maxPasswordLength) {
    throw new BadRequest('weak-password', `A password has ${minPasswordLength} to ${maxPasswordLength} characters`)
  }
}

export const hashPassword = (password: string): Promise<string> => hash(password, options)

// Verified when the e-mail is unknown, so an unknown account costs the same time as a wrong password.
let dummyHash: Promise<string> | null = null

/** Checks a password against a stored hash, or against a dummy one when there is no account. */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  dummyHash ??= hash('not-a-real-password-only-for-timing', options)
  const target = storedHash ?? (await dummyHash)
  try {
    const ok = await verify(target, password)
    return ok && storedHash !== null
  } catch {
    return false
  }
}

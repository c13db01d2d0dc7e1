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

// Loaded on first use (a native module): start-up does not wait for it, sign-ins load it once.
const argon2 = () => import('@node-rs/argon2')

export const hashPassword = async (password: string): Promise<string> => (await argon2()).hash(password, options)

// Verified when the e-mail is unknown, so an unknown account costs the same time as a wrong password.
let dummyHash: Promise<string> | null = null

/** Checks a password against a stored hash, or against a dummy one when there is no account. */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  dummyHash ??= hashPassword('not-a-real-password-only-for-timing')
  const target = storedHash ?? (await dummyHash)
  const { verify } = await argon2()
  try {
    const ok = await verify(target, password)
    return ok && storedHash !== null
  } catch {
    return false
  }
}

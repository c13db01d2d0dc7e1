/**
 * Login attempts, per account (the e-mail typed, whether or not it exists, so a lockout reveals
 * nothing) and per client IP. After `freeFailures` failures in a row a key is locked; each further
 * failure doubles the lock, up to `maxLockMs`. A success clears the account (not the IP).
 *
 * In memory, per process: with N processes an attacker gets N× the attempts, and a restart forgets.
 * Good enough against online guessing at argon2 speed; a shared store (the database) is the next step.
 */
export interface ThrottlePolicy {
  freeFailures: number
  baseLockMs: number
  maxLockMs: number
  /** A key with no failure for this long is forgotten. */
  forgetAfterMs: number
}

export const accountPolicy: ThrottlePolicy = {
  freeFailures: 5,
  baseLockMs: 30_000,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
}
export const ipPolicy: ThrottlePolicy = {
  freeFailures: 30,
  baseLockMs: 60_000,
  maxLockMs: 60 * 60_000,
  forgetAfterMs: 60 * 60_000,
}

interface Entry {
  failures: number
  lastFailure: number
  lockedUntil: number
}

/** At most this many keys per map: a flood of made-up e-mails cannot exhaust memory. */
const maxEntries = 100_000

export class LoginThrottle {
  private readonly accounts = new Map<string, Entry>()
  private readonly ips = new Map<string, Entry>()

  constructor(
    private readonly account: ThrottlePolicy = accountPolicy,
    private readonly ip: ThrottlePolicy = ipPolicy,
  ) {}

  /** Milliseconds until an attempt is allowed again (0: allowed now). */
  retryAfterMs(email: string, ip: string, now: number): number {
    const a = this.live(this.accounts, email, this.account, now)
    const i = this.live(this.ips, ip, this.ip, now)
    return Math.max(0, (a?.lockedUntil ?? 0) - now, (i?.lockedUntil ?? 0) - now)
  }

  recordFailure(email: string, ip: string, now: number): void {
    this.fail(this.accounts, email, this.account, now)
    this.fail(this.ips, ip, this.ip, now)
  }

  recordSuccess(email: string): void {
    this.accounts.delete(email)
  }

  private live(map: Map<string, Entry>, key: string, policy: ThrottlePolicy, now: number): Entry | null {
    const entry = map.get(key)
    if (!entry) return null
    if (now - entry.lastFailure > policy.forgetAfterMs && now >= entry.lockedUntil) {
      map.delete(key)
      return null
    }
    return entry
  }

  private fail(map: Map<string, Entry>, key: string, policy: ThrottlePolicy, now: number): void {
    const entry = this.live(map, key, policy, now) ?? { failures: 0, lastFailure: now, lockedUntil: 0 }
    entry.failures += 1
    entry.lastFailure = now
    const over = entry.failures - policy.freeFailures
    if (over >= 0) entry.lockedUntil = now + Math.min(policy.maxLockMs, policy.baseLockMs * 2 ** Math.min(over, 30))
    map.delete(key) // re-insert: the map's order is then least-recently-failed first
    map.set(key, entry)
    if (map.size > maxEntries) {
      const oldest = map.keys().next().value
      if (oldest !== undefined) map.delete(oldest)
    }
  }
}

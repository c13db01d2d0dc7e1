import type { Db } from './db/database.ts'

/** Who is acting: recorded with writes, checked by access rules. */
export type Actor =
  | { kind: 'shopper' }
  | { kind: 'staff'; staffId: string; email: string }
  | { kind: 'api-key'; keyId: string; brandId: string }
  | { kind: 'system'; name: string }

/** The logging surface use cases need; pino and Fastify's request logger both fit. */
export interface Log {
  info(obj: unknown, msg?: string): void
  warn(obj: unknown, msg?: string): void
  error(obj: unknown, msg?: string): void
  debug(obj: unknown, msg?: string): void
}

/**
 * Passed first to every module function: the database (or the open transaction), the instant
 * "now" (so the future can be previewed and tested), who acts, and where to log.
 */
export interface Ctx {
  db: Db
  now: Date
  actor: Actor
  log: Log
}

/** The same context bound to an open transaction. */
export const withDb = <C extends Ctx>(ctx: C, db: Db): C => ({ ...ctx, db })

export const silentLog: Log = { info() {}, warn() {}, error() {}, debug() {} }

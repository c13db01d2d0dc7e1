import type { Ctx } from '../platform/ctx.ts'
import type { Db } from '../platform/db/database.ts'
import { newSessionToken, sha256 } from './secrets.ts'

export interface SessionPolicy {
  /** A session unused for this long is over. */
  idleMs: number
  /** A session is over this long after login, however busy. */
  absoluteMs: number
}

export const defaultSessionPolicy: SessionPolicy = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 }

/** last_seen_at is written at most this often: not one write per admin request. */
const touchEveryMs = 60_000

/** Opens a session: a fresh random token (never one the client offered), stored as its hash. */
export async function openSession(
  ctx: Ctx,
  staffId: string,
  policy: SessionPolicy,
): Promise<{ token: string; expiresAt: Date }> {
  const token = newSessionToken()
  const expiresAt = new Date(ctx.now.getTime() + policy.absoluteMs)
  await ctx.db
    .insertInto('staff_sessions')
    .values({
      token_hash: sha256(token),
      staff_id: staffId,
      created_at: ctx.now,
      last_seen_at: ctx.now,
      expires_at: expiresAt,
    })
    .execute()
  return { token, expiresAt }
}

export interface LiveSession {
  tokenHash: string
  staffId: string
  email: string
}

/** The session behind a token if it is live: not revoked, not expired (idle or absolute), staff enabled. */
export async function findLiveSession(ctx: Ctx, token: string, policy: SessionPolicy): Promise<LiveSession | null> {
  const tokenHash = sha256(token)
  const row = await ctx.db
    .selectFrom('staff_sessions as s')
    .innerJoin('staff', 'staff.id', 's.staff_id')
    .select(['s.staff_id', 's.last_seen_at', 's.expires_at', 's.revoked_at', 'staff.email', 'staff.disabled_at'])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst()
  if (!row || row.revoked_at || row.disabled_at) return null
  const now = ctx.now.getTime()
  if (now >= row.expires_at.getTime()) return null
  if (now - row.last_seen_at.getTime() >= policy.idleMs) return null
  if (now - row.last_seen_at.getTime() >= touchEveryMs) {
    await ctx.db
      .updateTable('staff_sessions')
      .set({ last_seen_at: ctx.now })
      .where('token_hash', '=', tokenHash)
      .execute()
  }
  return { tokenHash, staffId: row.staff_id, email: row.email }
}

export async function revokeSession(ctx: Ctx, tokenHash: string): Promise<void> {
  await ctx.db
    .updateTable('staff_sessions')
    .set({ revoked_at: ctx.now })
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .execute()
}

/** Revokes every session of a person but one (the one changing the password keeps going). */
export async function revokeSessionsOf(db: Db, staffId: string, now: Date, except: string | null): Promise<void> {
  let q = db
    .updateTable('staff_sessions')
    .set({ revoked_at: now })
    .where('staff_id', '=', staffId)
    .where('revoked_at', 'is', null)
  if (except) q = q.where('token_hash', '<>', except)
  await q.execute()
}

import { randomBytes } from 'node:crypto'
import type { Ctx } from '../platform/ctx.ts'
import { createStaff } from './staff/create-staff.ts'
import { findStaffByEmail } from './staff/queries.ts'

export const demoAdminEmail = 'admin@vitrine.demo'

/**
 * The demo's operator-admin: created on first demo start with a random password, which is
 * returned (to print) that one time only; later starts return null: only its hash is stored.
 */
export async function ensureDemoAdmin(ctx: Ctx): Promise<{ email: string; password: string } | null> {
  if (await findStaffByEmail(ctx.db, demoAdminEmail)) return null
  const password = randomBytes(12).toString('base64url')
  await createStaff(ctx, { email: demoAdminEmail, password, grants: [{ role: 'operator-admin', brandId: null }] })
  return { email: demoAdminEmail, password }
}

import type { Ctx } from '../../platform/ctx.ts'
import type { Db } from '../../platform/db/database.ts'
import { isRole } from '../permissions.ts'
import type { Grant } from '../principal.ts'

export interface StaffRecord {
  id: string
  email: string
  passwordHash: string
  disabledAt: Date | null
}

export const normaliseEmail = (email: string): string => email.trim().toLowerCase()

export async function findStaffByEmail(db: Db, email: string): Promise<StaffRecord | null> {
  const row = await db
    .selectFrom('staff')
    .select(['id', 'email', 'password_hash', 'disabled_at'])
    .where('email', '=', normaliseEmail(email))
    .executeTakeFirst()
  return row ? { id: row.id, email: row.email, passwordHash: row.password_hash, disabledAt: row.disabled_at } : null
}

export async function findStaffById(db: Db, id: string): Promise<StaffRecord | null> {
  const row = await db
    .selectFrom('staff')
    .select(['id', 'email', 'password_hash', 'disabled_at'])
    .where('id', '=', id)
    .executeTakeFirst()
  return row ? { id: row.id, email: row.email, passwordHash: row.password_hash, disabledAt: row.disabled_at } : null
}

export async function grantsOf(db: Db, staffId: string): Promise<Grant[]> {
  const rows = await db
    .selectFrom('staff_grants')
    .select(['role', 'brand_id'])
    .where('staff_id', '=', staffId)
    .execute()
  return rows.flatMap((r) => (isRole(r.role) ? [{ role: r.role, brandId: r.brand_id }] : []))
}

export interface StaffSummary {
  id: string
  email: string
  createdAt: Date
  disabled: boolean
  grants: Grant[]
}

/** Staff with their grants; `visibleBrands` null = all. Grants on other brands are not shown. */
export async function listStaff(ctx: Ctx): Promise<StaffSummary[]> {
  const people = await ctx.db
    .selectFrom('staff')
    .select(['id', 'email', 'created_at', 'disabled_at'])
    .orderBy('email')
    .execute()
  const grants = await ctx.db.selectFrom('staff_grants').select(['staff_id', 'role', 'brand_id']).execute()
  return people.map((p) => ({
    id: p.id,
    email: p.email,
    createdAt: p.created_at,
    disabled: p.disabled_at !== null,
    grants: grants
      .filter((g) => g.staff_id === p.id && isRole(g.role))
      .map((g) => ({ role: g.role as Grant['role'], brandId: g.brand_id })),
  }))
}

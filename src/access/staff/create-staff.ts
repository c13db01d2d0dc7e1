import type { Ctx } from '../../platform/ctx.ts'
import { isUniqueViolation } from '../../platform/db/errors.ts'
import { inTransaction } from '../../platform/db/transaction.ts'
import { BadRequest, Conflict } from '../../platform/errors.ts'
import { newId } from '../../platform/ids.ts'
import { recordAudit } from '../audit/record-audit.ts'
import { assertAcceptablePassword, hashPassword } from '../passwords.ts'
import type { Grant } from '../principal.ts'
import { normaliseEmail } from './queries.ts'

export interface CreateStaffInput {
  email: string
  password: string
  grants: Grant[]
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** Creates a staff account with its grants; audited as an operator-level entry (no brand). */
export async function createStaff(ctx: Ctx, input: CreateStaffInput): Promise<{ id: string; email: string }> {
  const email = normaliseEmail(input.email)
  if (!emailPattern.test(email) || email.length > 254) throw new BadRequest('validation', 'Invalid e-mail address')
  assertAcceptablePassword(input.password)
  for (const g of input.grants) {
    if (g.role === 'operator-admin' && g.brandId !== null)
      throw new BadRequest('validation', 'An operator-admin grant covers every brand: give no brand')
    if (g.role === 'brand-viewer' && g.brandId === null)
      throw new BadRequest('validation', 'A brand-viewer grant names one brand')
  }
  // Hashed before the transaction: 70 ms of CPU should not hold a connection (or PGlite's only one).
  const passwordHash = await hashPassword(input.password)
  const id = newId()
  try {
    await inTransaction(ctx.db, async (tx) => {
      await tx
        .insertInto('staff')
        .values({ id, email, password_hash: passwordHash, created_at: ctx.now, password_changed_at: ctx.now })
        .execute()
      if (input.grants.length > 0) {
        await tx
          .insertInto('staff_grants')
          .values(input.grants.map((g) => ({ staff_id: id, role: g.role, brand_id: g.brandId, created_at: ctx.now })))
          .execute()
      }
      await recordAudit(
        { ...ctx, db: tx },
        {
          brandId: null,
          entityType: 'staff',
          entityId: id,
          action: 'create',
          before: null,
          after: { email, grants: input.grants },
        },
      )
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict('duplicate-reference', 'A staff account already uses this e-mail')
    throw error
  }
  ctx.log.info({ staff: id }, 'staff account created')
  return { id, email }
}

import type { Ctx } from '../../platform/ctx.ts'
import { inTransaction } from '../../platform/db/transaction.ts'

export type AuditValues = Record<string, unknown>

export interface AuditEntryInput {
  brandId: string | null
  entityType: string
  entityId: string
  action: string
  before: AuditValues | null
  after: AuditValues | null
}

/** Who the context's actor is, as the audit log records it. */
export function auditActor(ctx: Ctx): { kind: string; id: string; label: string } {
  const actor = ctx.actor
  switch (actor.kind) {
    case 'staff':
      return { kind: 'staff', id: actor.staffId, label: actor.email }
    case 'api-key':
      return { kind: 'api-key', id: actor.keyId, label: `api-key ${actor.keyId}` }
    case 'system':
      return { kind: 'system', id: actor.name, label: actor.name }
    default:
      return { kind: actor.kind, id: '-', label: actor.kind }
  }
}

/**
 * Appends one entry. Call it inside the transaction of the write it describes, so the change and
 * its record commit together or not at all. Only the fields that changed are kept.
 */
export async function recordAudit(ctx: Ctx, entry: AuditEntryInput): Promise<void> {
  const { before, after } = changedFields(entry.before, entry.after)
  const actor = auditActor(ctx)
  await ctx.db
    .insertInto('audit_log')
    .values({
      brand_id: entry.brandId,
      at: ctx.now,
      actor_kind: actor.kind,
      actor_id: actor.id,
      actor_label: actor.label,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      action: entry.action,
      before: before ? JSON.stringify(before) : null,
      after: after ? JSON.stringify(after) : null,
    })
    .execute()
}

/** Keeps the fields whose values differ (compared as JSON); a missing side stays null. */
export function changedFields(
  before: AuditValues | null,
  after: AuditValues | null,
): { before: AuditValues | null; after: AuditValues | null } {
  if (!before || !after) return { before, after }
  const b: AuditValues = {}
  const a: AuditValues = {}
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key] ?? null
      a[key] = after[key] ?? null
    }
  }
  return { before: b, after: a }
}

export interface AuditedWrite<C extends Ctx, T> {
  brandId: string | null
  entityType: string
  action: string
  /** The entity's id; for a create, taken from the write's result. */
  entityId: string | ((result: T) => string)
  /** The audited fields before the write (null for a create). */
  before?: (tx: C) => Promise<AuditValues | null>
  write: (tx: C) => Promise<T>
  after: (tx: C, result: T) => Promise<AuditValues | null>
}

/** Reads the entity, writes, reads it again and records the difference: one transaction. */
export function audited<C extends Ctx, T>(ctx: C, spec: AuditedWrite<C, T>): Promise<T> {
  return inTransaction(ctx.db, async (tx) => {
    const txCtx: C = { ...ctx, db: tx }
    const before = spec.before ? await spec.before(txCtx) : null
    const result = await spec.write(txCtx)
    const after = await spec.after(txCtx, result)
    const entityId = typeof spec.entityId === 'function' ? spec.entityId(result) : spec.entityId
    await recordAudit(txCtx, {
      brandId: spec.brandId,
      entityType: spec.entityType,
      entityId,
      action: spec.action,
      before,
      after,
    })
    return result
  })
}

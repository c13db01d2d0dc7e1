import type { Ctx } from '../../platform/ctx.ts'

export interface AuditQuery {
  /** Brands the caller may read; null = every brand, including operator-level (brandless) entries. */
  visibleBrands: ReadonlySet<string> | null
  brandId?: string
  entityType?: string
  entityId?: string
  actorId?: string
  since?: Date
  until?: Date
  limit: number
}

export interface AuditEntry {
  id: number
  at: Date
  brandId: string | null
  actor: { kind: string; id: string; label: string }
  entityType: string
  entityId: string
  action: string
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
}

/** Newest first. Entries of brands outside `visibleBrands` are never read. */
export async function listAudit(ctx: Ctx, query: AuditQuery): Promise<AuditEntry[]> {
  let q = ctx.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(query.limit)
  if (query.visibleBrands) {
    const ids = [...query.visibleBrands]
    if (ids.length === 0) return []
    q = q.where('brand_id', 'in', ids)
  }
  if (query.brandId) q = q.where('brand_id', '=', query.brandId)
  if (query.entityType) q = q.where('entity_type', '=', query.entityType)
  if (query.entityId) q = q.where('entity_id', '=', query.entityId)
  if (query.actorId) q = q.where('actor_id', '=', query.actorId)
  if (query.since) q = q.where('at', '>=', query.since)
  if (query.until) q = q.where('at', '<', query.until)
  const rows = await q.execute()
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at,
    brandId: r.brand_id,
    actor: { kind: r.actor_kind, id: r.actor_id, label: r.actor_label },
    entityType: r.entity_type,
    entityId: r.entity_id,
    action: r.action,
    before: r.before,
    after: r.after,
  }))
}

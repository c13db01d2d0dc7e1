import { sql } from 'kysely'
import type { Db } from '../platform/db/database.ts'

export interface ClaimedRow {
  brandId: string
  id: number
  topic: 'order.placed' | 'order.cancelled'
  aggregateId: string
  payload: Record<string, unknown>
  attempts: number
  documentId: string
  createdAt: Date
}

/**
 * Claims up to `limit` due rows for one worker: pending, available, of a brand that has a
 * transport and is not paused, and — per order, in order — only when every earlier row of the
 * same order is delivered (a cancellation never overtakes its order, nor a retried order its
 * cancellation). `FOR UPDATE OF o SKIP LOCKED` lets several workers claim side by side; the claim
 * is a lease: available_at moves to `leaseUntil`, so rows of a worker that died come back then.
 */
export async function claimDue(
  db: Db,
  input: { now: Date; leaseUntil: Date; token: string; limit: number },
): Promise<ClaimedRow[]> {
  const { rows } = await sql<{
    brand_id: string
    id: number
    topic: ClaimedRow['topic']
    aggregate_id: string
    payload: Record<string, unknown>
    attempts: number
    document_id: string
    created_at: Date
  }>`
    with due as (
      select o.brand_id, o.id from outbox o
      join erp_settings s on s.brand_id = o.brand_id and not s.paused and s.transport is not null
        and s.transport <> 'null'::jsonb
      where o.state = 'pending' and o.available_at <= ${input.now}
        and not exists (
          select 1 from outbox p
          where p.brand_id = o.brand_id and p.aggregate_id = o.aggregate_id and p.id < o.id and p.state <> 'delivered'
        )
      order by o.available_at, o.id
      limit ${input.limit}
      for update of o skip locked
    )
    update outbox t
    set attempts = t.attempts + 1, available_at = ${input.leaseUntil}, lease_token = ${input.token}
    from due
    where t.brand_id = due.brand_id and t.id = due.id
    returning t.brand_id, t.id, t.topic, t.aggregate_id, t.payload, t.attempts, t.document_id, t.created_at`.execute(db)
  return rows.map((r) => ({
    brandId: r.brand_id,
    id: Number(r.id),
    topic: r.topic,
    aggregateId: r.aggregate_id,
    payload: r.payload,
    attempts: r.attempts,
    documentId: r.document_id,
    createdAt: new Date(r.created_at),
  }))
}

export interface AttemptRecord {
  brandId: string
  outboxId: number
  at: Date
  durationMs: number
  ok: boolean
  status: string
  excerpt: string | null
  /** For failures: 'pending' again at `retryAt`, or 'dead'. */
  next?: { state: 'pending' | 'dead'; retryAt: Date }
}

/**
 * Records a batch's outcomes in one transaction: delivered rows (whoever's lease: the ERP has the
 * document), failed rows only while this worker still holds the lease, and every attempt.
 */
export async function recordOutcomes(
  db: Db,
  token: string,
  now: Date,
  records: readonly AttemptRecord[],
): Promise<void> {
  if (records.length === 0) return
  const delivered = records.filter((r) => r.ok)
  const failed = records.filter((r) => !r.ok && r.next)
  await db.transaction().execute(async (tx) => {
    if (delivered.length > 0) {
      await sql`
        update outbox t set state = 'delivered', delivered_at = ${now}, last_error = null, lease_token = null
        from unnest(${delivered.map((r) => r.brandId)}::uuid[], ${delivered.map((r) => r.outboxId)}::bigint[]) as d(brand_id, id)
        where t.brand_id = d.brand_id and t.id = d.id and t.state = 'pending'`.execute(tx)
    }
    if (failed.length > 0) {
      await sql`
        update outbox t set state = f.state, available_at = f.retry_at, last_error = f.error, lease_token = null
        from unnest(
          ${failed.map((r) => r.brandId)}::uuid[], ${failed.map((r) => r.outboxId)}::bigint[],
          ${failed.map((r) => r.next!.state)}::text[], ${failed.map((r) => r.next!.retryAt.toISOString())}::timestamptz[],
          ${failed.map((r) => `${r.status}: ${r.excerpt ?? ''}`.slice(0, 500))}::text[]
        ) as f(brand_id, id, state, retry_at, error)
        where t.brand_id = f.brand_id and t.id = f.id and t.state = 'pending' and t.lease_token = ${token}`.execute(tx)
    }
    // One statement with seven array parameters, whatever the batch size (a multi-row VALUES
    // would bind seven parameters per attempt).
    await sql`
      insert into delivery_attempts (brand_id, outbox_id, at, duration_ms, ok, status, excerpt)
      select * from unnest(
        ${records.map((r) => r.brandId)}::uuid[], ${records.map((r) => r.outboxId)}::bigint[],
        ${records.map((r) => r.at.toISOString())}::timestamptz[], ${records.map((r) => Math.round(r.durationMs))}::int[],
        ${records.map((r) => r.ok)}::boolean[], ${records.map((r) => r.status.slice(0, 50))}::text[],
        ${records.map((r) => r.excerpt?.slice(0, 500) ?? null)}::text[]
      )`.execute(tx)
  })
}

import { auditActor } from '../../access/audit/record-audit.ts'
import type { BrandCtx } from '../../brands/brand.ts'
import { withDb } from '../../platform/ctx.ts'
import { inTransaction } from '../../platform/db/transaction.ts'
import { type ApplyResult, applyDespatchAdvice } from './apply-despatch-advice.ts'
import { applyInventoryReport } from './apply-inventory-report.ts'
import { applyOrderResponse } from './apply-order-response.ts'
import { type InboundDocument, readInboundDocument } from './documents.ts'
import { claimInbound, finishInbound, type LineError } from './queries.ts'

export interface ReceiveDocumentResult {
  status: 'applied' | 'partially-applied' | 'rejected' | 'duplicate'
  documentType: string
  documentId: string
  inboundId: string | null
  summary: Record<string, unknown>
  errors: LineError[]
}

/**
 * One inbound ERP document: read (malformed, DOCTYPE, unknown root → 400 before any effect),
 * claimed by (type, cbc:ID) so a re-send is acknowledged as a duplicate and not applied twice,
 * applied, and its outcome recorded — claim, changes and record in one transaction.
 */
export async function receiveDocument(
  ctx: BrandCtx,
  body: string,
  from: { source: 'http' | 'inbox'; fileName?: string } = { source: 'http' },
): Promise<ReceiveDocumentResult> {
  const doc = readInboundDocument(body)
  const base = { documentType: doc.type, documentId: doc.id }
  const result = await inTransaction(ctx.db, async (tx) => {
    const txCtx = withDb(ctx, tx)
    const inboundId = await claimInbound(txCtx, {
      type: doc.type,
      id: doc.id,
      receivedBy: auditActor(ctx).label,
      source: from.source,
      fileName: from.fileName ?? null,
    })
    if (inboundId === null) return null
    const applied = await apply(txCtx, doc)
    await finishInbound(txCtx, inboundId, applied)
    return { inboundId, ...applied }
  })
  if (result === null) return { status: 'duplicate', ...base, inboundId: null, summary: {}, errors: [] }
  ctx.log.info({ ...base, outcome: result.outcome }, 'ERP document received')
  return {
    status: result.outcome,
    ...base,
    inboundId: result.inboundId,
    summary: result.summary,
    errors: result.errors,
  }
}

function apply(ctx: BrandCtx, doc: InboundDocument): Promise<ApplyResult> {
  switch (doc.type) {
    case 'DespatchAdvice':
      return applyDespatchAdvice(ctx, doc)
    case 'OrderResponse':
      return applyOrderResponse(ctx, doc)
    case 'InventoryReport':
    case 'StockAvailabilityReport':
      return applyInventoryReport(ctx, doc)
  }
}

/** Stock reports change the catalog version: the brand directory must reload after one. */
export const changesCatalog = (receipt: ReceiveDocumentResult): boolean =>
  (receipt.documentType === 'InventoryReport' || receipt.documentType === 'StockAvailabilityReport') &&
  receipt.status !== 'duplicate' &&
  receipt.status !== 'rejected'

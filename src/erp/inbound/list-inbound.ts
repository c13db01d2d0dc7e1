import type { BrandCtx } from '../../brands/brand.ts'

export interface InboundRecord {
  id: string
  documentType: string
  documentId: string
  receivedAt: Date
  receivedBy: string
  source: 'http' | 'inbox'
  fileName: string | null
  outcome: string
  summary: Record<string, unknown>
  errors: Array<{ line: number | null; reason: string }>
}

/** A brand's inbound ERP documents, newest first; `before` = receivedAt of the previous page's last row. */
export async function listInbound(
  ctx: BrandCtx,
  query: { documentType?: string; outcome?: string; before?: Date; limit: number },
): Promise<InboundRecord[]> {
  let select = ctx.db.selectFrom('erp_inbound').selectAll().where('brand_id', '=', ctx.brand.id)
  if (query.documentType) select = select.where('document_type', '=', query.documentType)
  if (query.outcome) select = select.where('outcome', '=', query.outcome as 'applied')
  if (query.before) select = select.where('received_at', '<', query.before)
  const rows = await select.orderBy('received_at', 'desc').orderBy('id').limit(query.limit).execute()
  return rows.map((r) => ({
    id: r.id,
    documentType: r.document_type,
    documentId: r.document_id,
    receivedAt: r.received_at,
    receivedBy: r.received_by,
    source: r.source,
    fileName: r.file_name,
    outcome: r.outcome,
    summary: r.summary,
    errors: r.errors,
  }))
}

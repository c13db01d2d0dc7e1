import type { BrandCtx } from '../../brands/brand.ts'
import { newId } from '../../platform/ids.ts'

export type InboundOutcome = 'applied' | 'partially-applied' | 'rejected'
export interface LineError {
  line: number | null
  reason: string
}

/**
 * Claims a document id for this brand: inserts its erp_inbound row, or returns null when the same
 * (type, id) was already received and not rejected — a re-send, acknowledged but not applied. A
 * concurrent duplicate waits on the unique index until the first commits, then finds it. A
 * rejected document may be sent again (its order may exist by then) and takes over the old row.
 */
export async function claimInbound(
  ctx: BrandCtx,
  doc: { type: string; id: string; receivedBy: string; source?: 'http' | 'inbox'; fileName?: string | null },
): Promise<string | null> {
  const source = doc.source ?? 'http'
  const fileName = doc.fileName ?? null
  const row = await ctx.db
    .insertInto('erp_inbound')
    .values({
      brand_id: ctx.brand.id,
      id: newId(),
      document_type: doc.type,
      document_id: doc.id,
      received_at: ctx.now,
      received_by: doc.receivedBy,
      outcome: 'recorded',
      summary: '{}',
      errors: '[]',
      source,
      file_name: fileName,
    })
    .onConflict((oc) =>
      oc
        .columns(['brand_id', 'document_type', 'document_id'])
        .doUpdateSet({
          received_at: ctx.now,
          received_by: doc.receivedBy,
          outcome: 'recorded',
          source,
          file_name: fileName,
        })
        .where('erp_inbound.outcome', '=', 'rejected'),
    )
    .returning('id')
    .executeTakeFirst()
  return row?.id ?? null
}

export async function finishInbound(
  ctx: BrandCtx,
  inboundId: string,
  result: { outcome: InboundOutcome; summary: Record<string, unknown>; errors: LineError[] },
): Promise<void> {
  await ctx.db
    .updateTable('erp_inbound')
    .set({ outcome: result.outcome, summary: JSON.stringify(result.summary), errors: JSON.stringify(result.errors) })
    .where('brand_id', '=', ctx.brand.id)
    .where('id', '=', inboundId)
    .execute()
}

/** The order a DespatchAdvice names, by number or by UUID; locked until the transaction ends. */
export async function findOrderIdForUpdate(
  ctx: BrandCtx,
  ref: { number: string | null; uuid: string | null },
): Promise<string | null> {
  const uuid = ref.uuid !== null && /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(ref.uuid) ? ref.uuid : null
  if (ref.number === null && uuid === null) return null
  const row = await ctx.db
    .selectFrom('orders')
    .select('id')
    .where('brand_id', '=', ctx.brand.id)
    .where((eb) =>
      eb.or([
        ...(ref.number !== null ? [eb('number', '=', ref.number.toUpperCase())] : []),
        ...(uuid !== null ? [eb('id', '=', uuid.toLowerCase())] : []),
      ]),
    )
    .forUpdate()
    .executeTakeFirst()
  return row?.id ?? null
}

/** The brand's variants named by SKU or GTIN, keyed `sku:…` and `gtin:…`. */
export async function variantsByItemRef(
  ctx: BrandCtx,
  refs: ReadonlyArray<{ sku: string | null; gtin: string | null }>,
): Promise<Map<string, string>> {
  const skus = refs.flatMap((r) => (r.sku !== null ? [r.sku] : []))
  const gtins = refs.flatMap((r) => (r.gtin !== null ? [r.gtin] : []))
  if (skus.length === 0 && gtins.length === 0) return new Map()
  const rows = await ctx.db
    .selectFrom('variants')
    .select(['id', 'sku', 'gtin'])
    .where('brand_id', '=', ctx.brand.id)
    .where((eb) =>
      eb.or([
        ...(skus.length > 0 ? [eb('sku', 'in', skus)] : []),
        ...(gtins.length > 0 ? [eb('gtin', 'in', gtins)] : []),
      ]),
    )
    .execute()
  const found = new Map<string, string>()
  for (const row of rows) {
    found.set(`sku:${row.sku}`, row.id)
    if (row.gtin !== null) found.set(`gtin:${row.gtin}`, row.id)
  }
  return found
}

export const variantOf = (found: Map<string, string>, ref: { sku: string | null; gtin: string | null }) =>
  (ref.sku !== null ? found.get(`sku:${ref.sku}`) : undefined) ??
  (ref.gtin !== null ? found.get(`gtin:${ref.gtin}`) : undefined)

export async function insertShipment(
  ctx: BrandCtx,
  shipment: {
    orderId: string
    documentId: string
    carrier: string | null
    tracking: string | null
    lines: Array<{ lineNo: number; sku: string; quantity: number }>
  },
): Promise<void> {
  await ctx.db
    .insertInto('order_shipments')
    .values({
      brand_id: ctx.brand.id,
      order_id: shipment.orderId,
      document_id: shipment.documentId,
      carrier: shipment.carrier,
      tracking: shipment.tracking,
      shipped_at: ctx.now,
      lines: JSON.stringify(shipment.lines),
    })
    .execute()
}

/**
 * Units of each order line already shipped by earlier advices. Shipments recorded before line
 * numbers were kept name only the SKU: those count against the order's line of that SKU.
 */
export async function shippedByLine(
  ctx: BrandCtx,
  order: { id: string; lines: ReadonlyArray<{ lineNo: number; sku: string }> },
): Promise<Map<number, number>> {
  const rows = await ctx.db
    .selectFrom('order_shipments')
    .select('lines')
    .where('brand_id', '=', ctx.brand.id)
    .where('order_id', '=', order.id)
    .execute()
  const shipped = new Map<number, number>()
  for (const row of rows) {
    for (const line of row.lines) {
      const lineNo = line.lineNo ?? order.lines.find((l) => l.sku === line.sku)?.lineNo
      if (lineNo !== undefined) shipped.set(lineNo, (shipped.get(lineNo) ?? 0) + line.quantity)
    }
  }
  return shipped
}

export async function insertOrderResponse(
  ctx: BrandCtx,
  response: {
    orderId: string
    documentId: string
    response: 'accepted' | 'conditionally-accepted' | 'acknowledged' | 'rejected'
    code: string | null
    note: string | null
    lines: Array<{ line: string; status: string; note: string | null }>
  },
): Promise<void> {
  await ctx.db
    .insertInto('erp_order_responses')
    .values({
      brand_id: ctx.brand.id,
      order_id: response.orderId,
      document_id: response.documentId,
      response: response.response,
      code: response.code,
      note: response.note,
      lines: JSON.stringify(response.lines),
      received_at: ctx.now,
    })
    .execute()
}

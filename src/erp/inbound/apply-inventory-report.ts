import type { BrandCtx } from '../../brands/brand.ts'
import { bumpCatalogVersion } from '../../brands/queries.ts'
import { setOnHand } from '../../inventory/index.ts'
import type { ApplyResult } from './apply-despatch-advice.ts'
import type { InventoryReport, StockAvailabilityReport } from './documents.ts'
import { type LineError, variantOf, variantsByItemRef } from './queries.ts'

/**
 * The ERP's absolute stock count (InventoryReport or StockAvailabilityReport): on_hand := the
 * reported quantity of each known SKU/GTIN.
 *
 * Rule: the ERP counts every unit physically in its warehouse, including those our placed (not
 * yet shipped) orders have reserved — it excludes nothing reserved. So the count replaces on_hand
 * as is and `reserved` stays untouched; available = on_hand − reserved follows, and an order in
 * flight is never counted twice. Unknown items are reported per line in the answer and in
 * erp_inbound, never silently dropped. Runs inside the caller's transaction.
 *
 * A StockAvailabilityReport line dated after today (in the brand's time zone) announces stock
 * that is not in the warehouse yet: selling it now could oversell, so it is reported as skipped
 * and changes nothing; the ERP sends it again when it arrives.
 */
export async function applyInventoryReport(
  ctx: BrandCtx,
  doc: InventoryReport | StockAvailabilityReport,
): Promise<ApplyResult> {
  const found = await variantsByItemRef(ctx, doc.lines)
  const errors: LineError[] = []
  const counts = new Map<string, number>()
  const today = localDate(ctx.now, ctx.brand.timeZone)
  let future = 0
  for (const line of doc.lines) {
    const availableFrom = 'availableFrom' in line ? line.availableFrom : null
    if (availableFrom !== null && availableFrom > today) {
      future += 1
      errors.push({ line: line.line, reason: `skipped: available from ${availableFrom}, not yet in stock` })
      continue
    }
    const variantId = variantOf(found, line)
    if (variantId === undefined) {
      errors.push({ line: line.line, reason: `unknown item ${line.sku ?? line.gtin ?? '(no SKU or GTIN)'}` })
      continue
    }
    counts.set(variantId, line.quantity) // a later line of the same item wins
  }
  for (const [variantId, onHand] of counts) await setOnHand(ctx, variantId, onHand)
  // A count can turn "sold out" into "in stock": cached pages rebuild on the new catalog version.
  if (counts.size > 0) await bumpCatalogVersion(ctx, ctx.brand.id)
  const outcome = counts.size === 0 ? 'rejected' : errors.length === 0 ? 'applied' : 'partially-applied'
  return {
    outcome,
    summary: {
      lines: doc.lines.length,
      updated: counts.size,
      unknown: errors.length - future,
      ...(doc.type === 'StockAvailabilityReport' ? { notYetAvailable: future } : {}),
    },
    errors,
  }
}

/** YYYY-MM-DD of an instant in a time zone (en-CA formats dates that way). */
function localDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    instant,
  )
}

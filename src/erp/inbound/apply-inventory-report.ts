import type { BrandCtx } from '../../brands/brand.ts'
import { bumpCatalogVersion } from '../../brands/queries.ts'
import { setOnHand } from '../../inventory/index.ts'
import type { ApplyResult } from './apply-despatch-advice.ts'
import type { InventoryReport } from './documents.ts'
import { type LineError, variantOf, variantsByItemRef } from './queries.ts'

/**
 * The ERP's absolute stock count: on_hand := the reported quantity of each known SKU/GTIN.
 *
 * Rule: the ERP counts every unit physically in its warehouse, including those our placed (not
 * yet shipped) orders have reserved — it excludes nothing reserved. So the count replaces on_hand
 * as is and `reserved` stays untouched; available = on_hand − reserved follows. Unknown items are
 * reported per line in the answer and in erp_inbound, never silently dropped. Runs inside the
 * caller's transaction.
 */
export async function applyInventoryReport(ctx: BrandCtx, doc: InventoryReport): Promise<ApplyResult> {
  const found = await variantsByItemRef(ctx, doc.lines)
  const errors: LineError[] = []
  const counts = new Map<string, number>()
  for (const line of doc.lines) {
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
  return { outcome, summary: { lines: doc.lines.length, updated: counts.size, unknown: errors.length }, errors }
}

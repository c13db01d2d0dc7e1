import type { BrandCtx } from '../brands/brand.ts'
import { getProductDetail } from '../catalog/index.ts'
import { availableByVariant } from '../inventory/index.ts'
import type { Room } from './room.ts'

/**
 * "The sale's hot items are sold out": every hot product has nothing left to sell (available =
 * on_hand − reserved = 0 on each of its variants, or it is no longer for sale). A room without hot
 * items is never sold out. One small query per brand at most every `freshnessMs` (measured on
 * ctx.now, like the catalog's stock), however many shoppers poll the waiting page.
 */
export class HotItems {
  private readonly checked = new Map<string, { key: string; at: number; soldOut: Promise<boolean> }>()

  constructor(private readonly freshnessMs = 2000) {}

  soldOut(ctx: BrandCtx, room: Room): Promise<boolean> {
    if (room.hotProductIds.length === 0) return Promise.resolve(false)
    const key = room.hotProductIds.join(',')
    const now = ctx.now.getTime()
    const held = this.checked.get(ctx.brand.id)
    if (held && held.key === key && now - held.at < this.freshnessMs && now >= held.at) return held.soldOut
    const soldOut = allSoldOut(ctx, room.hotProductIds)
    const entry = { key, at: now, soldOut }
    this.checked.set(ctx.brand.id, entry)
    // A failed check is not kept; the page then shows the queue as usual.
    soldOut.catch(() => {
      if (this.checked.get(ctx.brand.id) === entry) this.checked.delete(ctx.brand.id)
    })
    return soldOut
  }
}

async function allSoldOut(ctx: BrandCtx, productIds: readonly string[]): Promise<boolean> {
  const variantIds: string[] = []
  for (const id of productIds) {
    // The in-memory catalog: no query, and a product no longer active has no variants to sell.
    const product = await getProductDetail(ctx, id)
    for (const variant of product?.variants ?? []) variantIds.push(variant.id)
  }
  if (variantIds.length === 0) return true
  // Stock straight from the database (not the catalog's 2 s-old copy): the page must not claim
  // "sold out" from a stale count, nor keep people waiting long after the last unit went.
  const available = await availableByVariant(ctx, variantIds)
  return variantIds.every((id) => (available.get(id) ?? 0) === 0)
}

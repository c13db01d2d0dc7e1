import type { BrandCtx } from '../brands/brand.ts'
import { type SellableVariant, variantsForSale } from '../catalog/index.ts'
import { availableByVariant } from '../inventory/index.ts'
import { withDb } from '../platform/ctx.ts'
import type { CartLineRow } from '../platform/db/schema.ts'
import { AppError, BadRequest, Conflict, NotFound } from '../platform/errors.ts'
import { newToken } from '../platform/ids.ts'
import { computeTotals } from './totals.ts'

export const maxCartLines = 50
export const maxLineQuantity = 99

export interface CartLineView {
  variantId: string
  productId: string
  sku: string
  title: string
  size: string | null
  colour: string | null
  image: { url: string; alt: string } | null
  quantity: number
  unitPriceMinor: number
  compareAtMinor: number | null
  lineTotalMinor: number
  available: number
  /** The price the shopper was shown before (when the line was added or last confirmed), if it moved since. */
  previousPriceMinor: number | null
}

export interface CartView {
  token: string
  currency: string
  lines: CartLineView[]
  itemCount: number
  subtotalMinor: number
  /** With the brand's first shipping method; checkout recomputes with the chosen one. */
  shippingMinor: number
  vatMinor: number
  totalMinor: number
  orderId: string | null
  /** A line's price moved (a sale started or ended) since the shopper was last shown it. */
  priceChanged: boolean
}

export class OutOfStockProblem extends AppError {
  constructor(variantId: string, requested: number, available: number) {
    super('out-of-stock', 409, `Only ${available} left for this item (asked for ${requested})`, {
      variantId,
      requested,
      available,
    })
  }
}

/** A line whose unit price moved between what the shopper was shown and the price at checkout. */
export interface LinePriceChange {
  variantId: string
  sku: string
  title: string
  oldPriceMinor: number
  newPriceMinor: number
}

/** Checkout found a price higher than the shopper was shown: nothing is charged, the cart now shows it. */
export class PricesChanged extends AppError {
  constructor(changes: LinePriceChange[]) {
    super('prices-changed', 409, 'Prices changed since you last saw your cart; please review it and confirm again', {
      changes,
    })
  }
}

/**
 * Lines re-priced at checkout whose price differs from the one the shopper was shown (lines from
 * before this rule, without a recorded price, are taken as shown).
 */
export function repricedLines(
  lines: readonly CartLineRow[],
  priced: ReadonlyArray<{ variant: SellableVariant; unitPriceMinor: number }>,
): LinePriceChange[] {
  const seen = new Map(lines.map((l) => [l.variantId, l.seenPriceMinor]))
  return priced.flatMap(({ variant, unitPriceMinor }) => {
    const old = seen.get(variant.id)
    if (old === undefined || old === unitPriceMinor) return []
    return [
      {
        variantId: variant.id,
        sku: variant.sku,
        title: variant.title,
        oldPriceMinor: old,
        newPriceMinor: unitPriceMinor,
      },
    ]
  })
}

export async function createCart(ctx: BrandCtx): Promise<CartView> {
  const token = newToken()
  await ctx.db
    .insertInto('carts')
    .values({ brand_id: ctx.brand.id, token, lines: '[]', order_id: null, created_at: ctx.now, updated_at: ctx.now })
    .execute()
  return emptyView(ctx, token)
}

export async function getCart(ctx: BrandCtx, token: string): Promise<CartView> {
  const cart = await loadCart(ctx, token)
  return priceCart(ctx, token, cart.lines, cart.order_id)
}

/**
 * Sets a line's quantity (mode 'set') or adds to it (mode 'add'), checking the variant is for
 * sale in this brand and in stock. Quantity 0 removes the line. Stock is checked, not reserved:
 * a cart holds nothing; checkout reserves atomically.
 */
export async function changeCartLine(
  ctx: BrandCtx,
  token: string,
  change: { variantId: string; quantity: number; mode: 'add' | 'set' },
): Promise<CartView> {
  // From the shared in-memory catalog, before the transaction: no query, and on PGlite (one
  // connection) a catalog load inside the transaction would wait for the connection it holds.
  const variant =
    change.quantity > 0 ? (await variantsForSale(ctx, [change.variantId])).get(change.variantId) : undefined
  const lines = await ctx.db.transaction().execute(async (tx) => {
    const txCtx = withDb(ctx, tx)
    const cart = await loadCart(txCtx, token, { forUpdate: true })
    if (cart.order_id)
      throw new Conflict('cart-converted', 'This cart was already checked out', { orderId: cart.order_id })
    const existing = cart.lines.find((l) => l.variantId === change.variantId)
    const quantity = change.mode === 'add' ? (existing?.quantity ?? 0) + change.quantity : change.quantity
    if (quantity > maxLineQuantity) {
      throw new BadRequest('validation', `At most ${maxLineQuantity} of one item per order`)
    }
    let next: CartLineRow[]
    if (quantity <= 0) {
      if (!existing) throw new NotFound('Cart line')
      next = cart.lines.filter((l) => l.variantId !== change.variantId)
    } else {
      // Drafts and archived products are not for sale, and not revealed either.
      if (!variant) throw new NotFound('Variant')
      const available = (await availableByVariant(txCtx, [change.variantId])).get(change.variantId) ?? 0
      if (available < quantity) throw new OutOfStockProblem(change.variantId, quantity, available)
      if (!existing && cart.lines.length >= maxCartLines) {
        throw new BadRequest('validation', `A cart holds at most ${maxCartLines} different items`)
      }
      // The price shown now (the effective price at ctx.now) is the one the shopper agreed to.
      const seenPriceMinor = variant.priceMinor
      next = existing
        ? cart.lines.map((l) => (l.variantId === change.variantId ? { ...l, quantity, seenPriceMinor } : l))
        : [...cart.lines, { variantId: change.variantId, quantity, seenPriceMinor }]
    }
    await tx
      .updateTable('carts')
      .set({ lines: JSON.stringify(next), updated_at: ctx.now })
      .where('brand_id', '=', ctx.brand.id)
      .where('token', '=', token)
      .execute()
    return next
  })
  return priceCart(ctx, token, lines, null)
}

export async function loadCart(
  ctx: BrandCtx,
  token: string,
  options: { forUpdate?: boolean } = {},
): Promise<{ lines: CartLineRow[]; order_id: string | null }> {
  let query = ctx.db
    .selectFrom('carts')
    .select(['lines', 'order_id'])
    .where('brand_id', '=', ctx.brand.id)
    .where('token', '=', token)
  if (options.forUpdate) query = query.forUpdate()
  const cart = await query.executeTakeFirst()
  if (!cart) throw new NotFound('Cart')
  return cart
}

/**
 * Prices lines at the prices in force at `ctx.now` (the catalog snapshot's effective prices: base,
 * sale events and feed sale prices through pricing's resolution), not at the prices they were
 * added at; a line whose price moved since the shopper saw it carries `previousPriceMinor`. Lines
 * whose variant vanished or left sale are dropped from view.
 */
export async function priceCart(
  ctx: BrandCtx,
  token: string,
  lines: readonly CartLineRow[],
  orderId: string | null,
): Promise<CartView> {
  const ids = lines.map((l) => l.variantId)
  const [variants, available] = await Promise.all([variantsForSale(ctx, ids), availableByVariant(ctx, ids)])
  const views = lines.flatMap((line): CartLineView[] => {
    const v = variants.get(line.variantId)
    if (!v) return []
    const previous =
      line.seenPriceMinor !== undefined && line.seenPriceMinor !== v.priceMinor ? line.seenPriceMinor : null
    return [{ ...toLineView(v, line.quantity, available.get(v.id) ?? 0), previousPriceMinor: previous }]
  })
  const totals = computeTotals(views, ctx.brand.vatRateBp, ctx.brand.shippingMethods[0] ?? null)
  return {
    token,
    currency: ctx.brand.currency,
    lines: views,
    itemCount: views.reduce((n, l) => n + l.quantity, 0),
    subtotalMinor: totals.subtotalMinor,
    shippingMinor: totals.shippingMinor,
    vatMinor: totals.vatMinor,
    totalMinor: totals.totalMinor,
    orderId,
    priceChanged: views.some((l) => l.previousPriceMinor !== null),
  }
}

/**
 * Records that the shopper has now been shown these unit prices (the checkout page showed them,
 * or checkout refused a higher price and said so): later views and checkout compare with them.
 */
export async function acknowledgeCartPrices(
  ctx: BrandCtx,
  token: string,
  prices: ReadonlyMap<string, number>,
): Promise<void> {
  if (prices.size === 0) return
  await ctx.db.transaction().execute(async (tx) => {
    const cart = await loadCart(withDb(ctx, tx), token, { forUpdate: true })
    if (cart.order_id) return
    const next = cart.lines.map((l) => {
      const price = prices.get(l.variantId)
      return price === undefined ? l : { ...l, seenPriceMinor: price }
    })
    await tx
      .updateTable('carts')
      .set({ lines: JSON.stringify(next), updated_at: ctx.now })
      .where('brand_id', '=', ctx.brand.id)
      .where('token', '=', token)
      .execute()
  })
}

function toLineView(v: SellableVariant, quantity: number, available: number): Omit<CartLineView, 'previousPriceMinor'> {
  return {
    variantId: v.id,
    productId: v.productId,
    sku: v.sku,
    title: v.title,
    size: v.size,
    colour: v.colour,
    image: v.image,
    quantity,
    unitPriceMinor: v.priceMinor,
    compareAtMinor: v.compareAtMinor,
    lineTotalMinor: v.priceMinor * quantity,
    available,
  }
}

function emptyView(ctx: BrandCtx, token: string): CartView {
  return {
    token,
    currency: ctx.brand.currency,
    lines: [],
    itemCount: 0,
    subtotalMinor: 0,
    shippingMinor: 0,
    vatMinor: 0,
    totalMinor: 0,
    orderId: null,
    priceChanged: false,
  }
}

import type { BrandCtx } from '../brands/brand.ts'

/**
 * The code a shopper entered on a cart. Kept beside the cart (UNLOGGED, removed with it) rather
 * than in it, so the cart's own row stays the checkout module's; checkout reads it back here.
 */
export async function cartPromotionCode(ctx: BrandCtx, cartToken: string): Promise<string | null> {
  const row = await ctx.db
    .selectFrom('cart_promotions')
    .select('code')
    .where('brand_id', '=', ctx.brand.id)
    .where('cart_token', '=', cartToken)
    .executeTakeFirst()
  return row?.code ?? null
}

/** Sets (or replaces) the cart's code; false when the brand has no open cart with this token. */
export async function setCartPromotionCode(ctx: BrandCtx, cartToken: string, code: string): Promise<boolean> {
  const inserted = await ctx.db
    .insertInto('cart_promotions')
    .columns(['brand_id', 'cart_token', 'code', 'applied_at'])
    .expression((eb) =>
      eb
        .selectFrom('carts')
        .select(['brand_id', 'token', eb.val(code).as('code'), eb.val(ctx.now).as('applied_at')])
        .where('brand_id', '=', ctx.brand.id)
        .where('token', '=', cartToken)
        .where('order_id', 'is', null),
    )
    .onConflict((oc) =>
      oc.columns(['brand_id', 'cart_token']).doUpdateSet((eb) => ({
        code: eb.ref('excluded.code'),
        applied_at: eb.ref('excluded.applied_at'),
      })),
    )
    .executeTakeFirst()
  return (inserted.numInsertedOrUpdatedRows ?? 0n) > 0n
}

export async function removeCartPromotionCode(ctx: BrandCtx, cartToken: string): Promise<void> {
  await ctx.db
    .deleteFrom('cart_promotions')
    .where('brand_id', '=', ctx.brand.id)
    .where('cart_token', '=', cartToken)
    .execute()
}

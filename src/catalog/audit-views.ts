import type { BrandCtx } from '../brands/brand.ts'

/** The audited fields of a product (what an admin PATCH can change), or null if absent. */
export async function productAuditView(ctx: BrandCtx, productId: string): Promise<Record<string, unknown> | null> {
  const row = await ctx.db
    .selectFrom('products')
    .select(['title', 'description', 'category_path', 'status', 'attributes', 'images', 'translations'])
    .where('brand_id', '=', ctx.brand.id)
    .where('id', '=', productId)
    .executeTakeFirst()
  if (!row) return null
  return {
    title: row.title,
    description: row.description,
    categoryPath: row.category_path,
    status: row.status,
    attributes: row.attributes,
    images: row.images,
    translations: row.translations,
  }
}

/** The audited fields of a variant (what an admin PATCH can change), or null if absent. */
export async function variantAuditView(ctx: BrandCtx, variantId: string): Promise<Record<string, unknown> | null> {
  const row = await ctx.db
    .selectFrom('variants')
    .select(['sku', 'price_minor', 'compare_at_minor', 'size', 'colour', 'colour_hex', 'gtin', 'weight_grams'])
    .where('brand_id', '=', ctx.brand.id)
    .where('id', '=', variantId)
    .executeTakeFirst()
  if (!row) return null
  return {
    priceMinor: row.price_minor,
    compareAtMinor: row.compare_at_minor,
    size: row.size,
    colour: row.colour,
    colourHex: row.colour_hex,
    gtin: row.gtin,
    weightGrams: row.weight_grams,
  }
}

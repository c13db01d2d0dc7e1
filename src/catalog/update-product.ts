import type { BrandCtx } from '../brands/brand.ts'
import { bumpCatalogVersion } from '../brands/queries.ts'
import { withDb } from '../platform/ctx.ts'
import type { ProductUpdate } from '../platform/db/schema.ts'
import { inTransaction } from '../platform/db/transaction.ts'
import { BadRequest, NotFound } from '../platform/errors.ts'
import { isValidGtin } from './gtin.ts'
import type { ProductImage, ProductStatus } from './product.ts'

export interface ProductChanges {
  title?: string
  description?: string
  categoryPath?: string
  attributes?: Record<string, string>
  images?: ProductImage[]
  status?: ProductStatus
  translations?: Record<string, { title: string; description: string }>
}

export interface VariantChanges {
  priceMinor?: number
  compareAtMinor?: number | null
  size?: string | null
  colour?: string | null
  colourHex?: string | null
  gtin?: string | null
  weightGrams?: number | null
}

/** Changes a product's fields; the brand's catalog version moves so cached pages are rebuilt. */
export async function updateProduct(ctx: BrandCtx, productId: string, changes: ProductChanges): Promise<void> {
  const set: ProductUpdate = { updated_at: ctx.now }
  if (changes.title !== undefined) set.title = changes.title
  if (changes.description !== undefined) set.description = changes.description
  if (changes.categoryPath !== undefined) set.category_path = changes.categoryPath
  if (changes.status !== undefined) set.status = changes.status
  if (changes.attributes !== undefined) set.attributes = JSON.stringify(changes.attributes)
  if (changes.images !== undefined) set.images = JSON.stringify(changes.images)
  if (changes.translations !== undefined) set.translations = JSON.stringify(changes.translations)
  await inTransaction(ctx.db, async (tx) => {
    const result = await tx
      .updateTable('products')
      .set(set)
      .where('brand_id', '=', ctx.brand.id)
      .where('id', '=', productId)
      .executeTakeFirst()
    if (result.numUpdatedRows === 0n) throw new NotFound('Product')
    await bumpCatalogVersion(withDb(ctx, tx), ctx.brand.id)
  })
}

/** Changes a variant (a price, a compare-at price); the brand's catalog version moves. */
export async function updateVariant(ctx: BrandCtx, variantId: string, changes: VariantChanges): Promise<void> {
  if (changes.gtin && !isValidGtin(changes.gtin))
    throw new BadRequest('validation', `GTIN ${changes.gtin} has a wrong check digit`)
  await inTransaction(ctx.db, async (tx) => {
    const result = await tx
      .updateTable('variants')
      .set({
        updated_at: ctx.now,
        ...(changes.priceMinor !== undefined ? { price_minor: changes.priceMinor } : {}),
        ...(changes.compareAtMinor !== undefined ? { compare_at_minor: changes.compareAtMinor } : {}),
        ...(changes.size !== undefined ? { size: changes.size } : {}),
        ...(changes.colour !== undefined ? { colour: changes.colour } : {}),
        ...(changes.colourHex !== undefined ? { colour_hex: changes.colourHex } : {}),
        ...(changes.gtin !== undefined ? { gtin: changes.gtin } : {}),
        ...(changes.weightGrams !== undefined ? { weight_grams: changes.weightGrams } : {}),
      })
      .where('brand_id', '=', ctx.brand.id)
      .where('id', '=', variantId)
      .executeTakeFirst()
    if (result.numUpdatedRows === 0n) throw new NotFound('Variant')
    await bumpCatalogVersion(withDb(ctx, tx), ctx.brand.id)
  })
}

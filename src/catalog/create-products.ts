import type { Insertable } from 'kysely'
import type { BrandCtx } from '../brands/brand.ts'
import { bumpCatalogVersion } from '../brands/queries.ts'
import { insertStockLevels } from '../inventory/index.ts'
import { chunks } from '../platform/chunks.ts'
import { withDb } from '../platform/ctx.ts'
import { isUniqueViolation } from '../platform/db/errors.ts'
import type { ProductsTable, VariantsTable } from '../platform/db/schema.ts'
import { inTransaction } from '../platform/db/transaction.ts'
import { BadRequest, Conflict } from '../platform/errors.ts'
import { newId } from '../platform/ids.ts'
import { isValidGtin } from './gtin.ts'
import type { ProductImage, ProductStatus } from './product.ts'

export interface NewVariantInput {
  sku: string
  size?: string | null
  colour?: string | null
  colourHex?: string | null
  gtin?: string | null
  priceMinor: number
  compareAtMinor?: number | null
  weightGrams?: number | null
  onHand?: number
}

export interface NewProductInput {
  reference: string
  title: string
  description?: string
  translations?: Record<string, { title: string; description: string }>
  categoryPath?: string
  attributes?: Record<string, string>
  images?: ProductImage[]
  status?: ProductStatus
  /** Backdating is for imports and the demo; the API leaves it to now. */
  createdAt?: Date
  variants: NewVariantInput[]
}

/**
 * Inserts products with their variants and stock in one transaction, set-based (three multi-row
 * inserts per batch, not three per product), so seeding thousands of products takes seconds.
 * A reference or SKU already used in the brand is a 409 and nothing is written.
 */
export async function createProducts(ctx: BrandCtx, inputs: readonly NewProductInput[]): Promise<string[]> {
  const brandId = ctx.brand.id
  const ids: string[] = []
  const productRows: Insertable<ProductsTable>[] = []
  const variantRows: Insertable<VariantsTable>[] = []
  const stockLevels: Array<{ variantId: string; onHand: number }> = []
  for (const input of inputs) {
    const productId = newId()
    ids.push(productId)
    const createdAt = input.createdAt ?? ctx.now
    productRows.push({
      brand_id: brandId,
      id: productId,
      reference: input.reference,
      title: input.title,
      description: input.description ?? '',
      translations: JSON.stringify(input.translations ?? {}),
      category_path: input.categoryPath ?? '',
      attributes: JSON.stringify(input.attributes ?? {}),
      images: JSON.stringify(input.images ?? []),
      status: input.status ?? 'draft',
      created_at: createdAt,
      updated_at: ctx.now,
    })
    input.variants.forEach((v, position) => {
      if (v.gtin && !isValidGtin(v.gtin)) {
        throw new BadRequest('validation', `GTIN ${v.gtin} of SKU ${v.sku} has a wrong check digit`)
      }
      const variantId = newId()
      variantRows.push({
        brand_id: brandId,
        id: variantId,
        product_id: productId,
        sku: v.sku,
        size: v.size ?? null,
        colour: v.colour ?? null,
        colour_hex: v.colourHex ?? null,
        gtin: v.gtin ?? null,
        price_minor: v.priceMinor,
        compare_at_minor: v.compareAtMinor ?? null,
        weight_grams: v.weightGrams ?? null,
        position,
        created_at: createdAt,
        updated_at: ctx.now,
      })
      stockLevels.push({ variantId, onHand: v.onHand ?? 0 })
    })
  }

  try {
    await inTransaction(ctx.db, async (tx) => {
      // PostgreSQL accepts at most 65,535 parameters per statement; 500 rows stays well below.
      for (const chunk of chunks(productRows, 500)) await tx.insertInto('products').values(chunk).execute()
      for (const chunk of chunks(variantRows, 500)) await tx.insertInto('variants').values(chunk).execute()
      await insertStockLevels(withDb(ctx, tx), stockLevels)
      await bumpCatalogVersion(withDb(ctx, tx), brandId)
    })
  } catch (error) {
    if (isUniqueViolation(error)) {
      const what = error.constraint?.includes('sku') ? 'SKU' : 'reference'
      throw new Conflict('duplicate-reference', `A product of this brand already uses this ${what}`, {
        detail: error.detail,
      })
    }
    throw error
  }
  return ids
}

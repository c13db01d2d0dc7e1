import type { BrandCtx } from '../brands/brand.ts'
import { createBrand } from '../brands/create-brand.ts'
import { findBrandBySlug } from '../brands/queries.ts'
import { createProducts, type NewProductInput } from '../catalog/index.ts'
import type { Ctx } from '../platform/ctx.ts'
import { type DemoBrand, type DemoProduct, demoBrands, generateCatalog } from './generate-catalog.ts'

export interface SeedProgress {
  brand: string
  brandsDone: number
  brandsTotal: number
  productsDone: number
  productsTotal: number
}

/**
 * Creates the twelve demo brands and their catalogs. Idempotent: a brand that already exists is
 * left as it is, so running it on a seeded database changes nothing.
 */
export async function seedDemo(
  ctx: Ctx,
  onProgress: (progress: SeedProgress) => void = () => {},
): Promise<{ created: string[]; skipped: string[] }> {
  const brands = demoBrands()
  const productsTotal = brands.reduce((n, b) => n + b.productCount, 0)
  const created: string[] = []
  const skipped: string[] = []
  let productsDone = 0
  for (const [index, demo] of brands.entries()) {
    if (await findBrandBySlug(ctx.db, demo.slug)) {
      skipped.push(demo.slug)
      productsDone += demo.productCount
      continue
    }
    const brand = await createBrand(ctx, toBrandInput(demo))
    const brandCtx: BrandCtx = { ...ctx, brand }
    let batch: NewProductInput[] = []
    for (const product of generateCatalog(demo)) {
      batch.push(toProductInput(product, ctx.now))
      if (batch.length === 250) {
        await createProducts(brandCtx, batch)
        productsDone += batch.length
        batch = []
        onProgress({ brand: demo.slug, brandsDone: index, brandsTotal: brands.length, productsDone, productsTotal })
      }
    }
    if (batch.length > 0) await createProducts(brandCtx, batch)
    productsDone += batch.length
    created.push(demo.slug)
    onProgress({ brand: demo.slug, brandsDone: index + 1, brandsTotal: brands.length, productsDone, productsTotal })
  }
  return { created, skipped }
}

function toBrandInput(demo: DemoBrand) {
  return {
    slug: demo.slug,
    name: demo.name,
    orderPrefix: demo.orderPrefix,
    currency: demo.currency,
    locale: demo.locale,
    timeZone: demo.timeZone,
    vatRateBp: demo.vatRateBp,
    shippingMethods: demo.shippingMethods,
    theme: demo.theme,
    tagline: demo.tagline,
  }
}

const dayMs = 24 * 60 * 60 * 1000

function toProductInput(product: DemoProduct, now: Date): NewProductInput {
  return {
    reference: product.reference,
    title: product.title,
    description: product.description,
    translations: product.translations,
    categoryPath: product.categoryPath,
    attributes: product.attributes,
    images: product.images,
    status: product.status,
    createdAt: new Date(now.getTime() - product.createdDaysAgo * dayMs),
    variants: product.variants.map((v) => ({
      sku: v.sku,
      size: v.size,
      colour: v.colour,
      colourHex: v.colourHex,
      gtin: v.gtin,
      priceMinor: v.priceMinor,
      compareAtMinor: v.compareAtMinor,
      weightGrams: v.weightGrams,
      onHand: v.onHand,
    })),
  }
}

import { Readable } from 'node:stream'
import type { BrandCtx } from '../../src/brands/brand.ts'
import { type ImportFeedInput, importFeed } from '../../src/catalog/import/index.ts'

/** A Google Merchant TSV feed from rows; columns are the union of the rows' keys, in first-seen order. */
export function tsvFeed(rows: Array<Record<string, string | number>>): string {
  const columns: string[] = []
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key)
  const lines = [columns.join('\t'), ...rows.map((row) => columns.map((c) => String(row[c] ?? '')).join('\t'))]
  return `${lines.join('\n')}\n`
}

/** A Google item of product `group` in size `size`: id `${group}-${size}`, 29.90 EUR unless given. */
export function item(group: string, size: string, extra: Record<string, string | number> = {}) {
  return {
    id: `${group}-${size}`,
    item_group_id: group,
    title: `Produit ${group}`,
    description: `Description de ${group}`,
    price: '29.90 EUR',
    availability: 'in stock',
    size,
    color: 'Noir',
    product_type: 'Femme > Robes',
    image_link: `https://cdn.example/${group}.jpg`,
    ...extra,
  }
}

/** `count` products P01…, two sizes each. */
export function catalogRows(count: number, only?: (n: number) => boolean) {
  const rows = []
  for (let n = 1; n <= count; n++) {
    if (only && !only(n)) continue
    const group = `P${String(n).padStart(2, '0')}`
    rows.push(item(group, 'S'), item(group, 'M'))
  }
  return rows
}

export function importText(
  ctx: BrandCtx,
  text: string | Buffer,
  options: Partial<Omit<ImportFeedInput, 'input'>> = {},
) {
  return importFeed(ctx, {
    source: 'cli',
    fileName: 'feed.tsv',
    mode: 'full',
    input: Readable.from([typeof text === 'string' ? Buffer.from(text) : text]),
    reopen: () => Readable.from([typeof text === 'string' ? Buffer.from(text) : text]),
    ...options,
  })
}

/** Everything an import can change in a brand, in a stable order, for exact before/after comparisons. */
export async function catalogSnapshot(ctx: BrandCtx) {
  const products = await ctx.db
    .selectFrom('products')
    .select([
      'id',
      'reference',
      'title',
      'description',
      'category_path',
      'status',
      'images',
      'attributes',
      'updated_at',
    ])
    .where('brand_id', '=', ctx.brand.id)
    .orderBy('reference')
    .execute()
  const variants = await ctx.db
    .selectFrom('variants as v')
    .innerJoin('products as p', (j) => j.onRef('p.brand_id', '=', 'v.brand_id').onRef('p.id', '=', 'v.product_id'))
    .leftJoin('stock_levels as s', (j) => j.onRef('s.brand_id', '=', 'v.brand_id').onRef('s.variant_id', '=', 'v.id'))
    .select([
      'v.id',
      'v.sku',
      'p.reference',
      'v.size',
      'v.colour',
      'v.gtin',
      'v.price_minor',
      'v.compare_at_minor',
      'v.weight_grams',
      'v.position',
      'v.updated_at',
      's.on_hand',
    ])
    .where('v.brand_id', '=', ctx.brand.id)
    .orderBy('v.sku')
    .execute()
  const scheduled = await ctx.db
    .selectFrom('scheduled_prices')
    .select(['variant_id', 'price_minor', 'starts_at', 'ends_at', 'source'])
    .where('brand_id', '=', ctx.brand.id)
    .orderBy('variant_id')
    .execute()
  const brand = await ctx.db
    .selectFrom('brands')
    .select('catalog_version')
    .where('id', '=', ctx.brand.id)
    .executeTakeFirstOrThrow()
  return { products, variants, scheduled, catalogVersion: Number(brand.catalog_version) }
}

export const later = (ctx: BrandCtx, ms = 60_000): BrandCtx => ({ ...ctx, now: new Date(ctx.now.getTime() + ms) })

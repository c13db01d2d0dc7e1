// Shopify product CSV (admin export / import template): one row per variant, grouped by Handle. Only a
// product's first row carries Title, Body (HTML), Vendor, Type, Tags, Status and the option names; rows
// with just Handle + Image Src add images to the product. Rows of one handle are contiguous in Shopify
// exports, so we buffer the current handle's rows only (bounded by one product) and, when the handle
// changes, emit its items with the product's images on the first item.

import { isValidGtin } from '../../gtin.ts'
import { csvRecords } from './csv-records.ts'
import type { FeedEvent, FeedItem } from './feed-item.ts'
import { FeedStructureError } from './feed-item.ts'
import { type FieldLimits, type Parsed, parsePlainPrice, quote } from './field-values.ts'

const requiredColumns = ['Handle', 'Title', 'Variant Price']
// Shopify allows 2,048 variants and 250 images per product; past this a "product" is a broken file.
const maxRowsPerProduct = 10_000

// Columns with a place of their own in FeedItem (or consumed here); all others go to attributes.
const mappedColumns = new Set(
  [
    'Handle',
    'Title',
    'Body (HTML)',
    'Vendor',
    'Type',
    'Status',
    'Option1 Name',
    'Option1 Value',
    'Option2 Name',
    'Option2 Value',
    'Option3 Name',
    'Option3 Value',
    'Variant SKU',
    'Variant Price',
    'Variant Compare At Price',
    'Variant Inventory Qty',
    'Variant Grams',
    'Image Src',
    'Image Position',
    'Image Alt Text', // describes the image, not the variant
    'Variant Image',
  ].map((c) => c.toLowerCase()),
)
const sizeOptions = new Set(['size', 'taille', 'größe', 'grösse', 'talla', 'taglia', 'maat'])
const colourOptions = new Set(['color', 'colour', 'couleur', 'farbe', 'colore', 'kleur'])
const statuses = new Set(['active', 'draft', 'archived'])

type Row = Map<string, { name: string; value: string }>
interface ProductImage {
  src: string
  position: number
  order: number
}
interface PendingRow {
  event: FeedEvent
  variantImage: string | null
}
interface Product {
  handle: string
  optionNames: [string, string, string]
  images: ProductImage[]
  rows: PendingRow[]
  rowCount: number
  line: number
}

export async function* parseShopifyCsv(
  text: AsyncIterable<string>,
  options: { defaultCurrency: string; limits: FieldLimits },
): AsyncGenerator<FeedEvent> {
  let header: string[] | null = null
  let product: Product | null = null
  for await (const { line, fields } of csvRecords(text, ',', false)) {
    if (header === null) {
      header = fields.map((name) => name.trim())
      const lower = header.map((name) => name.toLowerCase())
      const missing = requiredColumns.filter((name) => !lower.includes(name.toLowerCase()))
      if (missing.length > 0) {
        throw new FeedStructureError(`the header is missing required columns: ${missing.join(', ')}`, line, null)
      }
      continue
    }
    if (fields.every((field) => field.trim() === '')) continue
    // Keyed by lower-cased header, as Shopify's own importer matches headers case-insensitively.
    const row: Row = new Map()
    header.forEach((name, index) => {
      const value = fields[index]?.trim() ?? ''
      if (value !== '' && !row.has(name.toLowerCase())) row.set(name.toLowerCase(), { name, value })
    })
    const cell = (name: string): string | null => row.get(name.toLowerCase())?.value ?? null
    const handle = cell('Handle')
    if (handle === null) {
      yield { kind: 'rejection', rejection: { line, itemId: cell('Variant SKU'), reason: 'missing Handle' } }
      continue
    }
    if (product === null || product.handle !== handle) {
      if (product !== null) yield* finishProduct(product)
      product = { handle, optionNames: ['', '', ''], images: [], rows: [], rowCount: 0, line }
    }
    product.rowCount++
    if (product.rowCount > maxRowsPerProduct) {
      throw new FeedStructureError(`product ${quote(handle)} has more than ${maxRowsPerProduct} rows`, line, null)
    }
    for (const n of [1, 2, 3] as const) {
      const name = cell(`Option${n} Name`)
      if (name !== null) product.optionNames[n - 1] = name
    }
    const imageSrc = cell('Image Src')
    if (imageSrc !== null) {
      const position = Number(cell('Image Position') ?? Number.NaN)
      product.images.push({
        src: imageSrc,
        position: Number.isInteger(position) ? position : Number.MAX_SAFE_INTEGER,
        order: product.images.length,
      })
    }
    const isVariantRow = ['Option1 Value', 'Variant SKU', 'Variant Price'].some((name) => cell(name) !== null)
    if (!isVariantRow) continue // an image-only row
    product.rows.push({
      event: variantEvent(line, row, product, options.defaultCurrency, options.limits),
      variantImage: cell('Variant Image'),
    })
  }
  if (header === null) throw new FeedStructureError('the file is empty: no header row', 1, null)
  if (product !== null) yield* finishProduct(product)
}

function* finishProduct(product: Product): Generator<FeedEvent> {
  const images = [...product.images]
    .sort((a, b) => a.position - b.position || a.order - b.order)
    .map((image) => image.src)
    .filter((src, index, all) => all.indexOf(src) === index)
  if (product.rows.length === 0) {
    yield {
      kind: 'rejection',
      rejection: { line: product.line, itemId: null, reason: `product ${quote(product.handle)} has no variant row` },
    }
    return
  }
  let first = true
  for (const { event, variantImage } of product.rows) {
    if (event.kind === 'item') {
      const own = variantImage === null ? [] : [variantImage]
      event.item.images = first ? [...images, ...own.filter((src) => !images.includes(src))] : own
      first = false
    }
    yield event
  }
}

function variantEvent(line: number, row: Row, product: Product, currency: string, limits: FieldLimits): FeedEvent {
  const cell = (name: string): string | null => row.get(name.toLowerCase())?.value ?? null
  const reasons: string[] = []

  const attributes: Record<string, string> = {}
  let size: string | null = null
  let colour: string | null = null
  const optionValues: string[] = []
  for (const n of [1, 2, 3] as const) {
    const value = cell(`Option${n} Value`)
    if (value === null) continue
    const name = product.optionNames[n - 1] as string
    // A product without options has one variant whose option is "Title" / "Default Title".
    if (name.toLowerCase() === 'title' && value === 'Default Title') continue
    optionValues.push(value)
    const key = name.toLowerCase()
    if (sizeOptions.has(key)) size = value
    else if (colourOptions.has(key)) colour = value
    else attributes[name === '' ? `Option${n}` : name] = value
  }
  const sku = cell('Variant SKU')
  const id = sku ?? [product.handle, ...optionValues].join('/')

  for (const [key, { name, value }] of row) {
    const limit = key === 'title' ? limits.title : key === 'body (html)' ? limits.description : limits.other
    if (value.length > limit) reasons.push(`${name} is longer than ${limit} characters`)
  }

  let priceMinor = 0
  const priceText = cell('Variant Price')
  if (priceText === null) reasons.push('missing price (Variant Price)')
  else collect(parsePlainPrice('price', priceText, currency), reasons, (v) => (priceMinor = v.minor))

  let compareAtMinor: number | null = null
  const compareText = cell('Variant Compare At Price')
  if (compareText !== null) {
    collect(parsePlainPrice('compare-at price', compareText, currency), reasons, (v) => (compareAtMinor = v.minor))
  }

  let quantity: number | null = null
  const quantityText = cell('Variant Inventory Qty')
  if (quantityText !== null) {
    if (/^-?\d{1,9}$/.test(quantityText)) quantity = Number(quantityText)
    else reasons.push(`unparsable Variant Inventory Qty ${quote(quantityText)}`)
  }

  let weightGrams: number | null = null
  const gramsText = cell('Variant Grams')
  if (gramsText !== null) {
    if (/^\d{1,9}(\.\d+)?$/.test(gramsText)) weightGrams = Math.round(Number(gramsText))
    else reasons.push(`unparsable Variant Grams ${quote(gramsText)}`)
  }

  // Shopify's Barcode holds GTINs but also shops' own codes. A code that has a GTIN's shape must be a
  // valid GTIN; anything else is kept as an attribute, not as a GTIN.
  let gtin: string | null = null
  const barcode = cell('Variant Barcode')
  if (barcode !== null && /^(\d{8}|\d{12,14})$/.test(barcode)) {
    if (isValidGtin(barcode)) gtin = barcode
    else reasons.push(`invalid GTIN ${quote(barcode)} in Variant Barcode (bad check digit)`)
  }

  let status: FeedItem['status'] = null
  const statusText = cell('Status')
  if (statusText !== null) {
    if (statuses.has(statusText.toLowerCase())) status = statusText.toLowerCase() as FeedItem['status']
    else reasons.push(`unknown Status ${quote(statusText)}`)
  }

  if (reasons.length > 0) {
    return { kind: 'rejection', rejection: { line, itemId: id.slice(0, 200), reason: reasons.join('; ') } }
  }

  for (const [key, { name, value }] of row) {
    if (mappedColumns.has(key) || (key === 'variant barcode' && gtin !== null)) continue
    attributes[name] = value
  }

  return {
    kind: 'item',
    item: {
      line,
      id,
      groupId: product.handle,
      title: cell('Title'),
      description: cell('Body (HTML)'),
      categoryPath: cell('Type') ?? cell('Product Category'),
      link: null,
      images: [],
      size,
      colour,
      gtin,
      mpn: null,
      brandName: cell('Vendor'),
      priceMinor,
      currency,
      salePriceMinor: null,
      saleStartsAt: null,
      saleEndsAt: null,
      compareAtMinor,
      availability: null,
      availabilityDate: null,
      quantity,
      weightGrams,
      status,
      attributes,
    },
  }
}

function collect<T>(parsed: Parsed<T>, reasons: string[], use: (value: T) => void): void {
  if (parsed.ok) use(parsed.value)
  else reasons.push(parsed.reason)
}

// Google Merchant attributes → FeedItem, shared by the XML (RSS/Atom) and TSV readers.
// Spec: https://support.google.com/merchants/answer/7052112 (product data specification).
import { isValidGtin } from '../../gtin.ts'
import type { FeedEvent, FeedItem } from './feed-item.ts'
import {
  type FieldLimits,
  normaliseCategoryPath,
  parseAvailability,
  parseEffectivePeriod,
  parseInstant,
  parsePriceWithCurrency,
  parseWeight,
  quote,
} from './field-values.ts'

/**
 * One item's fields as read: `names[i]` (no 'g:' prefix), in the order each name first came, with
 * every value given for it in `values[i]`; plus nested groups (g:shipping). Two arrays rather than
 * a Map: an item has a score of fields, found faster by scanning than by hashing, and a Map per
 * item was a good part of what parsing allocated.
 */
export interface GoogleFields {
  names: string[]
  values: string[][]
  groups: Map<string, Record<string, string>[]>
}

export function emptyFields(): GoogleFields {
  return { names: [], values: [], groups: new Map() }
}

/** Every value given for `name`, in order; undefined when it has none. */
export function valuesOf(fields: GoogleFields, name: string): string[] | undefined {
  const index = fields.names.indexOf(name)
  return index === -1 ? undefined : fields.values[index]
}

export function addValue(fields: GoogleFields, name: string, value: string): void {
  const index = fields.names.indexOf(name)
  if (index !== -1) (fields.values[index] as string[]).push(value)
  else {
    fields.names.push(name)
    fields.values.push([value])
  }
}

/** Replaces every value of `name` with `value` (a new name comes last). */
export function setValue(fields: GoogleFields, name: string, value: string): void {
  const index = fields.names.indexOf(name)
  if (index !== -1) fields.values[index] = [value]
  else {
    fields.names.push(name)
    fields.values.push([value])
  }
}

// Fields that have a place of their own in FeedItem; everything else goes to attributes.
const mappedFields = new Set([
  'id',
  'item_group_id',
  'title',
  'description',
  'product_type',
  'link',
  'image_link',
  'additional_image_link',
  'size',
  'color',
  'gtin',
  'mpn',
  'brand',
  'price',
  'sale_price',
  'sale_price_effective_date',
  'availability',
  'availability_date',
  'shipping_weight',
])

// Google accepts several additional_image_link values in one field, comma-separated. Image URLs can
// hold commas themselves (Cloudinary's "w_200,h_300"), so only a comma that starts a new URL splits.
export function splitImageLinks(text: string): string[] {
  if (!text.includes(',')) {
    const url = text.trim()
    return url === '' ? [] : [url]
  }
  return text
    .split(/,\s*(?=https?:\/\/)/i)
    .map((url) => url.trim())
    .filter((url) => url !== '')
}

function firstValue(fields: GoogleFields, name: string): string | null {
  const values = valuesOf(fields, name)
  if (values === undefined) return null
  for (const value of values) if (value !== '') return value
  return null
}

function anyLongerThan(values: readonly string[], limit: number): boolean {
  for (const value of values) if (value.length > limit) return true
  return false
}

export function googleItemEvent(
  line: number,
  fields: GoogleFields,
  brandCurrency: string,
  limits: FieldLimits,
): FeedEvent {
  const reasons: string[] = []
  const first = (name: string): string | null => firstValue(fields, name)

  for (let f = 0; f < fields.names.length; f++) {
    const name = fields.names[f] as string
    const values = fields.values[f] as string[]
    const limit = name === 'title' ? limits.title : name === 'description' ? limits.description : limits.other
    // The XML reader keeps at most limit + 1 characters of a field, so the reason cannot give its length.
    if (anyLongerThan(values, limit)) reasons.push(`${name} is longer than ${limit} characters`)
  }
  for (const [name, groups] of fields.groups) {
    for (const group of groups) {
      for (const sub of Object.keys(group)) {
        if ((group[sub] as string).length > limits.other) {
          reasons.push(`${name}.${sub} is longer than ${limits.other} characters`)
        }
      }
    }
  }

  const id = first('id')
  if (id === null) reasons.push('missing id')
  const title = first('title')
  if (title === null) reasons.push('missing title')

  let priceMinor = 0
  let currency = brandCurrency
  const priceText = first('price')
  if (priceText === null) reasons.push('missing price')
  else {
    const price = parsePriceWithCurrency('price', priceText, brandCurrency)
    if (price.ok) ({ minor: priceMinor, currency } = price.value)
    else reasons.push(price.reason)
  }

  let salePriceMinor: number | null = null
  const saleText = first('sale_price')
  if (saleText !== null) {
    const sale = parsePriceWithCurrency('sale_price', saleText, brandCurrency)
    if (!sale.ok) reasons.push(sale.reason)
    else if (priceText !== null && sale.value.minor >= priceMinor) {
      reasons.push(`sale_price ${quote(saleText)} is not below the price ${quote(priceText)}`)
    } else salePriceMinor = sale.value.minor
  }

  let saleStartsAt: Date | null = null
  let saleEndsAt: Date | null = null
  const periodText = first('sale_price_effective_date')
  if (periodText !== null) {
    const period = parseEffectivePeriod(periodText)
    if (period.ok) ({ startsAt: saleStartsAt, endsAt: saleEndsAt } = period.value)
    else reasons.push(period.reason)
  }

  const gtin = first('gtin')
  if (gtin !== null && !isValidGtin(gtin))
    reasons.push(`invalid GTIN ${quote(gtin)} (wrong length, not digits or bad check digit)`)

  let availability: FeedItem['availability'] = null
  const availabilityText = first('availability')
  if (availabilityText !== null) {
    const parsed = parseAvailability(availabilityText)
    if (parsed.ok) availability = parsed.value
    else reasons.push(parsed.reason)
  }

  let availabilityDate: Date | null = null
  const availabilityDateText = first('availability_date')
  if (availabilityDateText !== null) {
    availabilityDate = parseInstant(availabilityDateText)
    if (availabilityDate === null) reasons.push(`malformed availability_date ${quote(availabilityDateText)}`)
  }

  let weightGrams: number | null = null
  const weightText = first('shipping_weight')
  if (weightText !== null) {
    const weight = parseWeight('shipping_weight', weightText)
    if (weight.ok) weightGrams = weight.value
    else reasons.push(weight.reason)
  }

  if (reasons.length > 0) {
    return {
      kind: 'rejection',
      rejection: { line, itemId: id === null ? null : id.slice(0, 200), reason: reasons.join('; ') },
    }
  }

  const images: string[] = []
  const imageLink = first('image_link')
  if (imageLink !== null) images.push(imageLink)
  for (const text of valuesOf(fields, 'additional_image_link') ?? []) images.push(...splitImageLinks(text))

  const attributes: Record<string, string> = {}
  for (let f = 0; f < fields.names.length; f++) {
    const name = fields.names[f] as string
    const values = fields.values[f] as string[]
    if (mappedFields.has(name)) continue
    if (values.length === 1) {
      if (values[0] !== '') attributes[name] = values[0] as string
      continue
    }
    const present = values.filter((v) => v !== '')
    if (present.length === 1) attributes[name] = present[0] as string
    else if (present.length > 1) attributes[name] = JSON.stringify(present)
  }
  for (const [name, groups] of fields.groups) attributes[name] = JSON.stringify(groups)

  const productType = first('product_type')
  const item: FeedItem = {
    line,
    id: id as string,
    groupId: first('item_group_id') ?? (id as string),
    title,
    description: first('description'),
    categoryPath: productType === null ? null : normaliseCategoryPath(productType),
    link: first('link'),
    images,
    size: first('size'),
    colour: first('color'),
    gtin,
    mpn: first('mpn'),
    brandName: first('brand'),
    priceMinor,
    currency,
    salePriceMinor,
    saleStartsAt,
    saleEndsAt,
    compareAtMinor: null,
    availability,
    availabilityDate,
    quantity: null,
    weightGrams,
    status: null,
    attributes,
  }
  return { kind: 'item', item }
}

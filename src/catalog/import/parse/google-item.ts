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

/** One item's fields as read: name (no 'g:' prefix) → every value given, plus nested groups (g:shipping). */
export interface GoogleFields {
  values: Map<string, string[]>
  groups: Map<string, Record<string, string>[]>
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
  return text
    .split(/,\s*(?=https?:\/\/)/i)
    .map((url) => url.trim())
    .filter((url) => url !== '')
}

export function googleItemEvent(
  line: number,
  fields: GoogleFields,
  brandCurrency: string,
  limits: FieldLimits,
): FeedEvent {
  const reasons: string[] = []
  const first = (name: string): string | null => {
    const value = fields.values.get(name)?.find((v) => v !== '')
    return value === undefined ? null : value
  }

  for (const [name, values] of fields.values) {
    const limit = name === 'title' ? limits.title : name === 'description' ? limits.description : limits.other
    // The XML reader keeps at most limit + 1 characters of a field, so the reason cannot give its length.
    if (values.some((v) => v.length > limit)) reasons.push(`${name} is longer than ${limit} characters`)
  }
  for (const [name, groups] of fields.groups) {
    for (const group of groups) {
      for (const [sub, value] of Object.entries(group)) {
        if (value.length > limits.other) reasons.push(`${name}.${sub} is longer than ${limits.other} characters`)
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
  for (const text of fields.values.get('additional_image_link') ?? []) images.push(...splitImageLinks(text))

  const attributes: Record<string, string> = {}
  for (const [name, values] of fields.values) {
    if (mappedFields.has(name)) continue
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

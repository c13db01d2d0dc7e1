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
 * the value given for it in `values[i]`, or every value in order when it came more than once; plus
 * nested groups (g:shipping), each a list of sub-field names and values (`[name, value, name, value…]`).
 * Arrays rather than Maps, and a lone value not wrapped in an array of its own: an item has a
 * score of fields, found faster by scanning than by hashing, and what parsing allocates per item is
 * what the garbage collector then spends its time on.
 */
export interface GoogleFields {
  names: string[]
  values: (string | string[])[]
  /** null until an item has a group. */
  groups: Map<string, string[][]> | null
}

export function emptyFields(): GoogleFields {
  return { names: [], values: [], groups: null }
}

/** The first value given for `name`, empty or not; null when it has none. */
export function firstGivenValue(fields: GoogleFields, name: string): string | null {
  const index = fields.names.indexOf(name)
  if (index === -1) return null
  const values = fields.values[index] as string | string[]
  return typeof values === 'string' ? values : (values[0] as string)
}

/** The first non-empty value given for `name`; null when it has none. */
export function firstValue(fields: GoogleFields, name: string): string | null {
  const index = fields.names.indexOf(name)
  return index === -1 ? null : firstNonEmpty(fields.values[index] as string | string[])
}

function firstNonEmpty(values: string | readonly string[]): string | null {
  if (typeof values === 'string') return values === '' ? null : values
  for (const value of values) if (value !== '') return value
  return null
}

export function addValue(fields: GoogleFields, name: string, value: string): void {
  const index = fields.names.indexOf(name)
  if (index === -1) {
    fields.names.push(name)
    fields.values.push(value)
    return
  }
  const values = fields.values[index] as string | string[]
  if (typeof values === 'string') fields.values[index] = [values, value]
  else values.push(value)
}

/** Replaces every value of `name` with `value` (a new name comes last). */
export function setValue(fields: GoogleFields, name: string, value: string): void {
  const index = fields.names.indexOf(name)
  if (index !== -1) fields.values[index] = value
  else {
    fields.names.push(name)
    fields.values.push(value)
  }
}

/** Adds one group of sub-fields (`[name, value, …]`) under `name`. */
export function addGroup(fields: GoogleFields, name: string, group: string[]): void {
  fields.groups ??= new Map()
  const groups = fields.groups.get(name)
  if (groups === undefined) fields.groups.set(name, [group])
  else groups.push(group)
}

// Fields that have a place of their own in FeedItem, each read into its slot of an array (one
// look-up per field, not a scan of the item's fields per name); everything else goes to attributes.
const mappedFields = [
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
] as const
type MappedField = (typeof mappedFields)[number]
const slotOf: ReadonlyMap<string, number> = new Map(mappedFields.map((name, slot) => [name, slot]))
const slot = Object.fromEntries(slotOf) as Record<MappedField, number>
const noValues: readonly (string | null)[] = mappedFields.map(() => null)

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

function addImageLinks(images: string[], text: string): void {
  if (text.includes(',')) images.push(...splitImageLinks(text))
  else {
    const url = text.trim()
    if (url !== '') images.push(url)
  }
}

function anyLongerThan(values: string | readonly string[], limit: number): boolean {
  if (typeof values === 'string') return values.length > limit
  for (const value of values) if (value.length > limit) return true
  return false
}

/**
 * A nested field's groups as JSON text, `[{"country":"FR","price":"4.90 EUR"}]` (what
 * JSON.stringify gives for the same groups as objects). Feeds repeat one shipping group on every
 * item, so the text made last is reused when the groups are the same.
 */
function groupsText(groups: readonly string[][]): string {
  if (sameGroups(groups, lastGroups)) return lastGroupsText
  let text = '['
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g] as string[]
    text += g === 0 ? '{' : ',{'
    for (let k = 0; k < group.length; k += 2) {
      text += `${k === 0 ? '' : ','}${JSON.stringify(group[k])}:${JSON.stringify(group[k + 1])}`
    }
    text += '}'
  }
  lastGroups = groups
  lastGroupsText = `${text}]`
  return lastGroupsText
}
let lastGroups: readonly string[][] = []
let lastGroupsText = '[]'

function sameGroups(a: readonly string[][], b: readonly string[][]): boolean {
  if (a.length !== b.length) return false
  for (let g = 0; g < a.length; g++) {
    const x = a[g] as string[]
    const y = b[g] as string[]
    if (x.length !== y.length) return false
    for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return false
  }
  return true
}

export function googleItemEvent(
  line: number,
  fields: GoogleFields,
  brandCurrency: string,
  limits: FieldLimits,
): FeedEvent {
  const reasons: string[] = []
  // The first non-empty value of each mapped field; the other fields as attributes (of no use
  // when the item is rejected, but read in the same pass).
  const found = noValues.slice()
  let additionalImageLinks: string | string[] = []
  const attributes: Record<string, string> = {}
  for (let f = 0; f < fields.names.length; f++) {
    const name = fields.names[f] as string
    const values = fields.values[f] as string | string[]
    const limit = name === 'title' ? limits.title : name === 'description' ? limits.description : limits.other
    // The XML reader keeps at most limit + 1 characters of a field, so the reason cannot give its length.
    if (anyLongerThan(values, limit)) reasons.push(`${name} is longer than ${limit} characters`)
    const at = slotOf.get(name)
    if (at !== undefined) {
      found[at] = firstNonEmpty(values)
      if (at === slot.additional_image_link) additionalImageLinks = values
    } else if (typeof values === 'string') {
      if (values !== '') attributes[name] = values
    } else {
      const present = values.filter((v) => v !== '')
      if (present.length === 1) attributes[name] = present[0] as string
      else if (present.length > 1) attributes[name] = JSON.stringify(present)
    }
  }
  for (const [name, groups] of fields.groups ?? []) {
    for (const group of groups) {
      for (let k = 0; k < group.length; k += 2) {
        if ((group[k + 1] as string).length > limits.other) {
          reasons.push(`${name}.${group[k]} is longer than ${limits.other} characters`)
        }
      }
    }
    attributes[name] = groupsText(groups)
  }

  const id = found[slot.id] as string | null
  if (id === null) reasons.push('missing id')
  const title = found[slot.title] as string | null
  if (title === null) reasons.push('missing title')

  let priceMinor = 0
  let currency = brandCurrency
  const priceText = found[slot.price] as string | null
  if (priceText === null) reasons.push('missing price')
  else {
    const price = parsePriceWithCurrency('price', priceText, brandCurrency)
    if (price.ok) ({ minor: priceMinor, currency } = price.value)
    else reasons.push(price.reason)
  }

  let salePriceMinor: number | null = null
  const saleText = found[slot.sale_price] as string | null
  if (saleText !== null) {
    const sale = parsePriceWithCurrency('sale_price', saleText, brandCurrency)
    if (!sale.ok) reasons.push(sale.reason)
    else if (priceText !== null && sale.value.minor >= priceMinor) {
      reasons.push(`sale_price ${quote(saleText)} is not below the price ${quote(priceText)}`)
    } else salePriceMinor = sale.value.minor
  }

  let saleStartsAt: Date | null = null
  let saleEndsAt: Date | null = null
  const periodText = found[slot.sale_price_effective_date] as string | null
  if (periodText !== null) {
    const period = parseEffectivePeriod(periodText)
    if (period.ok) ({ startsAt: saleStartsAt, endsAt: saleEndsAt } = period.value)
    else reasons.push(period.reason)
  }

  const gtin = found[slot.gtin] as string | null
  if (gtin !== null && !isValidGtin(gtin))
    reasons.push(`invalid GTIN ${quote(gtin)} (wrong length, not digits or bad check digit)`)

  let availability: FeedItem['availability'] = null
  const availabilityText = found[slot.availability] as string | null
  if (availabilityText !== null) {
    const parsed = parseAvailability(availabilityText)
    if (parsed.ok) availability = parsed.value
    else reasons.push(parsed.reason)
  }

  let availabilityDate: Date | null = null
  const availabilityDateText = found[slot.availability_date] as string | null
  if (availabilityDateText !== null) {
    availabilityDate = parseInstant(availabilityDateText)
    if (availabilityDate === null) reasons.push(`malformed availability_date ${quote(availabilityDateText)}`)
  }

  let weightGrams: number | null = null
  const weightText = found[slot.shipping_weight] as string | null
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
  const imageLink = found[slot.image_link] as string | null
  if (imageLink !== null) images.push(imageLink)
  if (typeof additionalImageLinks === 'string') addImageLinks(images, additionalImageLinks)
  else for (const text of additionalImageLinks) addImageLinks(images, text)

  const productType = found[slot.product_type] as string | null
  const item: FeedItem = {
    line,
    id: id as string,
    groupId: found[slot.item_group_id] ?? (id as string),
    title,
    description: found[slot.description] as string | null,
    categoryPath: productType === null ? null : normaliseCategoryPath(productType),
    link: found[slot.link] as string | null,
    images,
    size: found[slot.size] as string | null,
    colour: found[slot.color] as string | null,
    gtin,
    mpn: found[slot.mpn] as string | null,
    brandName: found[slot.brand] as string | null,
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

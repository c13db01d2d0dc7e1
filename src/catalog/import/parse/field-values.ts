// Field-level parsing shared by the Google and Shopify readers. Each function returns the value, or a
// human reason string when the text cannot be trusted, so one item can collect every problem it has.
import { parseAmount } from '../../../platform/money.ts'

export const knownCurrencies: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'))

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string }
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value })
const bad = <T>(reason: string): Parsed<T> => ({ ok: false, reason })

export interface Price {
  minor: number
  currency: string
}

// The variants of a product follow one another with the same price and weight: the last text read
// for each field is kept with what it gave, and the next item's same text costs a comparison.
interface LastRead<T> {
  text: string
  brandCurrency: string
  parsed: Parsed<T>
}
const lastPrices = new Map<string, LastRead<Price>>()
const lastWeights = new Map<string, LastRead<number>>()

/** "289.00 EUR" or "EUR 289.00" (Google's syntax), checked against the brand's currency. */
export function parsePriceWithCurrency(field: string, text: string, brandCurrency: string): Parsed<Price> {
  const last = lastPrices.get(field)
  if (last !== undefined && last.text === text && last.brandCurrency === brandCurrency) return last.parsed
  const parsed = readPriceWithCurrency(field, text, brandCurrency)
  // Bounded: the fields are the caller's constants ('price', 'sale_price').
  if (last !== undefined || lastPrices.size < 8) lastPrices.set(field, { text, brandCurrency, parsed })
  return parsed
}

function readPriceWithCurrency(field: string, text: string, brandCurrency: string): Parsed<Price> {
  const match = /^\s*(?:(-?[\d.,]+)\s*([A-Za-z]{3})|([A-Za-z]{3})\s*(-?[\d.,]+))\s*$/.exec(text)
  if (!match) {
    return /^\s*-?[\d.,]+\s*$/.test(text)
      ? bad(`${field} ${quote(text)} has no currency`)
      : bad(`unparsable ${field} ${quote(text)}`)
  }
  const amount = (match[1] ?? match[4]) as string
  const currency = ((match[2] ?? match[3]) as string).toUpperCase()
  if (!knownCurrencies.has(currency)) return bad(`unknown currency ${quote(currency)} in ${field}`)
  if (currency !== brandCurrency) return bad(`${field} in ${currency} but the brand sells in ${brandCurrency}`)
  return parsePlainPrice(field, amount, currency)
}

/** "289.00" in a currency known from elsewhere (Shopify's price columns). */
export function parsePlainPrice(field: string, text: string, currency: string): Parsed<Price> {
  const minor = parseAmount(text, currency)
  if (minor === null) return bad(`unparsable ${field} ${quote(text)}`)
  if (minor < 0) return bad(`negative ${field} ${quote(text)}`)
  return ok({ minor, currency })
}

// ISO 8601 as Google uses it: date, optional time with optional seconds/fraction, offset as Z, ±hh:mm or ±hhmm.
const isoInstant =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i

/** An instant; a date or time without an offset is read as UTC (Google's documented default). */
export function parseInstant(text: string): Date | null {
  const m = isoInstant.exec(text.trim())
  if (!m) return null
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3) || '0')
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis)
  // Date.UTC rolls 31 February over into March; a round trip catches it.
  if (new Date(local).getUTCDate() !== day) return null
  let offsetMinutes = 0
  const zone = m[8]
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '')
    const hours = Number(digits.slice(0, 2))
    const minutes = Number(digits.slice(2) || '0')
    if (hours > 14 || minutes > 59) return null
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes)
  }
  return new Date(local - offsetMinutes * 60_000)
}

/** "2026-01-07T08:00+01:00/2026-02-03T19:00+01:00" (spaces around the slash allowed). */
export function parseEffectivePeriod(text: string): Parsed<{ startsAt: Date; endsAt: Date }> {
  const parts = text.split('/')
  const startsAt = parts.length === 2 ? parseInstant(parts[0] as string) : null
  const endsAt = parts.length === 2 ? parseInstant(parts[1] as string) : null
  if (!startsAt || !endsAt) return bad(`malformed sale_price_effective_date ${quote(text)}`)
  if (endsAt.getTime() <= startsAt.getTime()) {
    return bad(`malformed sale_price_effective_date ${quote(text)}: it ends before it starts`)
  }
  return ok({ startsAt, endsAt })
}

const gramsPerUnit: Record<string, number> = { g: 1, kg: 1000, lb: 453.59237, lbs: 453.59237, oz: 28.349523125 }

/** "350 g", "1.2 kg", "2 lb", "10 oz" → whole grams. */
export function parseWeight(field: string, text: string): Parsed<number> {
  const last = lastWeights.get(field)
  if (last !== undefined && last.text === text) return last.parsed
  const parsed = readWeight(field, text)
  if (last !== undefined || lastWeights.size < 8) lastWeights.set(field, { text, brandCurrency: '', parsed })
  return parsed
}

function readWeight(field: string, text: string): Parsed<number> {
  const m = /^\s*(\d{1,9}(?:[.,]\d{1,6})?)\s*(g|kg|lbs?|oz)\s*$/i.exec(text)
  if (!m) return bad(`unparsable ${field} ${quote(text)}`)
  const value = Number((m[1] as string).replace(',', '.'))
  return ok(Math.round(value * (gramsPerUnit[(m[2] as string).toLowerCase()] as number)))
}

export type Availability = 'in_stock' | 'out_of_stock' | 'preorder' | 'backorder'
const availabilities: Record<string, Availability> = {
  in_stock: 'in_stock',
  out_of_stock: 'out_of_stock',
  preorder: 'preorder',
  backorder: 'backorder',
  // Retired Google value, merged into in_stock by Google in 2014; old feeds still send it.
  available_for_order: 'in_stock',
}

// Feeds repeat a handful of spellings ("in stock", "out of stock"): each is read once.
const availabilityCache = new Map<string, Parsed<Availability>>()
const maxCachedAvailabilities = 64

export function parseAvailability(text: string): Parsed<Availability> {
  let parsed = availabilityCache.get(text)
  if (parsed === undefined) {
    parsed = readAvailability(text)
    if (availabilityCache.size < maxCachedAvailabilities) availabilityCache.set(text, parsed)
  }
  return parsed
}

function readAvailability(text: string): Parsed<Availability> {
  const value =
    availabilities[
      text
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, '_')
    ]
  return value ? ok(value) : bad(`unknown availability ${quote(text)}`)
}

// Parts without '>' or white space at either end, joined by ' > ': what normaliseCategoryPath returns
// unchanged (\s is exactly what trim() removes).
const normalPath = /^[^\s>](?:[^>]*[^\s>])?(?: > [^\s>](?:[^>]*[^\s>])?)*$/

/** 'A>B >  C' → 'A > B > C'. */
export function normaliseCategoryPath(text: string): string | null {
  if (normalPath.test(text)) return text
  const path = text
    .split('>')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join(' > ')
  return path === '' ? null : path
}

export interface FieldLimits {
  title: number
  description: number
  other: number
}

export function fieldLimits(maxFieldLength: number | undefined): FieldLimits {
  if (maxFieldLength !== undefined) return { title: maxFieldLength, description: maxFieldLength, other: maxFieldLength }
  return { title: 300, description: 10_000, other: 1_000 }
}

/** Quoted for a reason, cut so that a rejection never carries a whole overlong field. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}…` : text)
}

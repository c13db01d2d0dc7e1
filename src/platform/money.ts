/**
 * Money is an integer count of minor units plus an ISO 4217 currency, never a float.
 * VAT rates are basis points (2000 = 20.00 %). Shop prices are VAT-inclusive (EU B2C).
 */

const digitsByCurrency = new Map<string, number>()

/**
 * Digits after the decimal point for a currency (EUR 2, JPY 0), from the ICU data Node ships.
 * Cached: building an Intl.NumberFormat costs microseconds, and feeds parse prices by the million.
 */
export function minorUnitDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency)
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
    digitsByCurrency.set(currency, digits)
  }
  return digits
}

/**
 * VAT contained in a VAT-inclusive amount: gross × rate / (1 + rate), rounded half away from zero.
 * Integer arithmetic only, so results never depend on float rounding.
 */
export function vatIncluded(grossMinor: number, rateBp: number): number {
  if (rateBp === 0 || grossMinor === 0) return 0
  const numerator = BigInt(grossMinor) * BigInt(rateBp)
  const denominator = BigInt(10_000 + rateBp)
  const sign = numerator < 0n ? -1n : 1n
  const abs = numerator * sign
  const rounded = (abs * 2n + denominator) / (denominator * 2n)
  return Number(rounded * sign)
}

const formatters = new Map<string, Intl.NumberFormat>()

/** "289,00 €" for fr-FR, "£289.00" for en-GB; formatters are cached because building one is slow. */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const key = `${locale}|${currency}`
  let formatter = formatters.get(key)
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency })
    formatters.set(key, formatter)
  }
  return formatter.format(minor / 10 ** minorUnitDigits(currency))
}

/** Parses "289.00" or "289,5" into minor units without floats; null when it is not a plain amount. */
export function parseAmount(text: string, currency: string): number | null {
  const match = /^\s*(-?)(\d{1,12})(?:[.,](\d{1,4}))?\s*$/.exec(text)
  if (!match) return null
  const digits = minorUnitDigits(currency)
  const fraction = match[3] ?? ''
  if (fraction.length > digits) return null
  const minor = Number(match[2]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0')
  // "-0.00" is zero, not -0 (which Object.is, deepStrictEqual and 1/x tell apart from 0).
  return match[1] === '-' && minor !== 0 ? -minor : minor
}

// GS1 General Specifications §7.9.1: the check digit is computed from the right, weighting the digit
// next to it by 3, the one before by 1, and so on; this makes one rule serve GTIN-8, -12, -13 and -14.
const gtinLengths = new Set([8, 12, 13, 14])

/** The GS1 mod-10 check digit of a GTIN body (the code without its last digit). */
export function gtinCheckDigit(body: string): number {
  if (!/^\d+$/.test(body)) throw new RangeError(`GTIN body must be digits only: ${JSON.stringify(body)}`)
  let sum = 0
  for (let i = body.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) {
    sum += (body.charCodeAt(i) - 48) * weight
  }
  return (10 - (sum % 10)) % 10
}

/** True for a GTIN-8, -12, -13 or -14 made of digits only and ending in its correct check digit. */
export function isValidGtin(code: string): boolean {
  if (!gtinLengths.has(code.length) || !/^\d+$/.test(code)) return false
  return gtinCheckDigit(code.slice(0, -1)) === code.charCodeAt(code.length - 1) - 48
}

// GS1 General Specifications §7.9.1: the check digit is computed from the right, weighting the digit
// next to it by 3, the one before by 1, and so on; this makes one rule serve GTIN-8, -12, -13 and -14.

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
  const length = code.length
  if (length !== 8 && length !== 12 && length !== 13 && length !== 14) return false
  // One pass, with no regex and no substring (it runs on every item of every feed): the check digit
  // weighs 1, so the weighted sum of the whole code is a multiple of 10 exactly when it is right.
  let sum = 0
  for (let i = length - 1, weight = 1; i >= 0; i--, weight = 4 - weight) {
    const digit = code.charCodeAt(i) - 48
    if (!(digit >= 0 && digit <= 9)) return false
    sum += digit * weight
  }
  return sum % 10 === 0
}

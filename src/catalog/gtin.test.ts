import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { gtinCheckDigit, isValidGtin } from './gtin.ts'

describe('gtinCheckDigit', () => {
  it('computes the check digit of published GTIN-8, -12, -13 and -14 examples', () => {
    assert.equal(gtinCheckDigit('7351353'), 7) // EAN-8 73513537
    assert.equal(gtinCheckDigit('03600029145'), 2) // UPC-A 036000291452
    assert.equal(gtinCheckDigit('400638133393'), 1) // EAN-13 4006381333931
    assert.equal(gtinCheckDigit('978030640615'), 7) // ISBN-13 978-0-306-40615-7
    assert.equal(gtinCheckDigit('1001234567890'), 2) // GTIN-14 10012345678902
  })

  it('gives 0 when the weighted sum is already a multiple of ten', () => {
    assert.equal(gtinCheckDigit('000000000000'), 0)
    assert.equal(gtinCheckDigit('590123412344'), 0)
  })

  it('refuses a body that is not all digits', () => {
    assert.throws(() => gtinCheckDigit('59012341234A'), RangeError)
    assert.throws(() => gtinCheckDigit(''), RangeError)
  })
})

describe('isValidGtin', () => {
  it('accepts valid codes of every GTIN length', () => {
    for (const code of [
      '73513537',
      '036000291452',
      '4006381333931',
      '5901234123457',
      '9780306406157',
      '10012345678902',
    ]) {
      assert.equal(isValidGtin(code), true, code)
    }
  })

  it('refuses a wrong check digit', () => {
    assert.equal(isValidGtin('4006381333932'), false)
    assert.equal(isValidGtin('5901234123450'), false)
    assert.equal(isValidGtin('73513538'), false)
  })

  it('refuses letters, signs and spaces', () => {
    assert.equal(isValidGtin('400638133393A'), false)
    assert.equal(isValidGtin('400638133393 '), false)
    assert.equal(isValidGtin('-400638133393'), false)
    assert.equal(isValidGtin('４００６３８１３３３９３１'), false) // full-width digits are not \d
  })

  it('refuses lengths other than 8, 12, 13 and 14', () => {
    assert.equal(isValidGtin(''), false)
    assert.equal(isValidGtin('0'), false)
    assert.equal(isValidGtin('1234565'), false) // 7 digits with a correct check digit
    assert.equal(isValidGtin('97803064061'), false) // 11 digits
    assert.equal(isValidGtin('100123456789021'), false) // 15 digits
  })
})

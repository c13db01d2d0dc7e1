import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { formatMoney, minorUnitDigits, parseAmount, vatIncluded } from './money.ts'

describe('vatIncluded', () => {
  test('takes 20 % VAT out of a VAT-inclusive price: 120.00 holds 20.00', () => {
    assert.equal(vatIncluded(12000, 2000), 2000)
    assert.equal(vatIncluded(8900, 2000), 1483) // 14.8333…
  })

  test('handles a reduced rate of 5.5 %', () => {
    assert.equal(vatIncluded(10550, 550), 550)
    assert.equal(vatIncluded(1000, 550), 52) // 52.13…
    assert.equal(vatIncluded(2999, 550), 156) // 156.40…
  })

  test('is zero at a zero rate and on a zero amount', () => {
    assert.equal(vatIncluded(12000, 0), 0)
    assert.equal(vatIncluded(0, 2000), 0)
  })

  test('rounds exact halves away from zero, not to even', () => {
    // At 20 % the VAT is gross / 6, so gross = 6k + 3 lands exactly on k + 0.5.
    assert.deepEqual(
      [3, 9, 15, 21].map((gross) => vatIncluded(gross, 2000)),
      [1, 2, 3, 4],
    )
    assert.deepEqual(
      [-3, -9, -15, -21].map((gross) => vatIncluded(gross, 2000)),
      [-1, -2, -3, -4],
    )
  })

  test('rounds just below and just above a half to the nearest unit', () => {
    assert.equal(vatIncluded(2, 2000), 0) // 0.333…
    assert.equal(vatIncluded(4, 2000), 1) // 0.666…
    assert.equal(vatIncluded(-2, 2000), 0)
    assert.equal(vatIncluded(-4, 2000), -1)
  })

  test('stays exact on amounts where float arithmetic would not', () => {
    assert.equal(vatIncluded(100_000_000_00, 2000), 1_666_666_667) // 16,666,666.666…
    const gross = Number.MAX_SAFE_INTEGER
    // gross × 2000 is far beyond 2^53: the exact answer comes from integers only.
    const exact = Number((BigInt(gross) * 2000n * 2n + 12000n) / (12000n * 2n))
    assert.equal(exact, 1_501_199_875_790_165)
    assert.equal(vatIncluded(gross, 2000), exact)
  })
})

describe('minorUnitDigits', () => {
  test('knows the minor units of EUR, JPY and KWD', () => {
    assert.deepEqual(
      ['EUR', 'GBP', 'JPY', 'KWD'].map((c) => [c, minorUnitDigits(c)]),
      [
        ['EUR', 2],
        ['GBP', 2],
        ['JPY', 0],
        ['KWD', 3],
      ],
    )
  })
})

describe('formatMoney', () => {
  // ICU uses narrow no-break spaces (U+202F) and no-break spaces (U+00A0); compare them as spaces.
  const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ')
  const intl = (value: number, currency: string, locale: string) =>
    plain(new Intl.NumberFormat(locale, { style: 'currency', currency }).format(value))

  test('formats minor units the way Intl formats the major amount', () => {
    const cases: Array<[number, string, string, number]> = [
      [28900, 'EUR', 'fr-FR', 289],
      [123456, 'EUR', 'fr-FR', 1234.56],
      [28900, 'GBP', 'en-GB', 289],
      [123450, 'CHF', 'de-CH', 1234.5],
      [1234, 'JPY', 'fr-FR', 1234],
      [1234, 'KWD', 'en-GB', 1.234],
      [-123456, 'EUR', 'fr-FR', -1234.56],
    ]
    for (const [minor, currency, locale, major] of cases) {
      assert.equal(plain(formatMoney(minor, currency, locale)), intl(major, currency, locale), `${currency} ${locale}`)
    }
  })

  test('gives the familiar shapes for fr-FR, en-GB and de-CH', () => {
    assert.equal(plain(formatMoney(28900, 'EUR', 'fr-FR')), '289,00 €')
    assert.equal(plain(formatMoney(123456, 'EUR', 'fr-FR')), '1 234,56 €')
    assert.equal(formatMoney(28900, 'GBP', 'en-GB'), '£289.00')
    // CLDR has switched the Swiss grouping mark between ’ and ' across ICU releases.
    assert.match(plain(formatMoney(123450, 'CHF', 'de-CH')), /^CHF 1['’]234\.50$/)
  })

  test('a cached formatter does not leak one locale into another', () => {
    assert.equal(plain(formatMoney(100, 'EUR', 'fr-FR')), '1,00 €')
    assert.equal(formatMoney(100, 'EUR', 'en-GB'), '€1.00')
    assert.equal(plain(formatMoney(100, 'EUR', 'fr-FR')), '1,00 €')
  })
})

describe('parseAmount', () => {
  test('reads dot and comma decimals into minor units', () => {
    assert.equal(parseAmount('289.00', 'EUR'), 28900)
    assert.equal(parseAmount('289,5', 'EUR'), 28950)
    assert.equal(parseAmount('289', 'EUR'), 28900)
    assert.equal(parseAmount('0.07', 'EUR'), 7)
    assert.equal(parseAmount('  12.30 ', 'EUR'), 1230)
    assert.equal(parseAmount('1234', 'JPY'), 1234)
    assert.equal(parseAmount('1.234', 'KWD'), 1234)
    assert.equal(parseAmount('999999999999.99', 'EUR'), 99_999_999_999_999)
  })

  test('refuses more decimals than the currency has', () => {
    assert.equal(parseAmount('1.234', 'EUR'), null)
    assert.equal(parseAmount('12.5', 'JPY'), null)
    assert.equal(parseAmount('1.2345', 'KWD'), null)
  })

  test('refuses anything that is not a plain amount', () => {
    for (const text of [
      '',
      ' ',
      'abc',
      '12abc',
      '1,234.56',
      '1 234,56',
      '12.',
      '.5',
      '1e3',
      '0x10',
      '+5',
      '--5',
      '€12',
      '12 €',
      'NaN',
      'Infinity',
      '1234567890123',
    ]) {
      assert.equal(parseAmount(text, 'EUR'), null, JSON.stringify(text))
    }
  })

  test('reads negative amounts, and minus zero is plain zero', () => {
    assert.equal(parseAmount('-5.00', 'EUR'), -500)
    assert.equal(parseAmount('-0,5', 'EUR'), -50)
    assert.equal(parseAmount('-12', 'JPY'), -12)
    assert.ok(Object.is(parseAmount('-0.00', 'EUR'), 0), 'no negative zero in money')
  })
})

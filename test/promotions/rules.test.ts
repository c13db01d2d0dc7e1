import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  checkPromotion,
  goodsDiscount,
  normalizeCode,
  normalizeCustomer,
  type Promotion,
} from '../../src/promotions/index.ts'

const start = new Date('2026-01-07T07:00:00.000Z') // 08:00 in Paris, the winter sales
const end = new Date('2026-02-03T23:00:00.000Z')

function code(overrides: Partial<Promotion> = {}): Promotion {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    code: 'SOLDES10',
    description: '',
    kind: 'percentage',
    percent: 10,
    amountMinor: null,
    minimumSpendMinor: 5000,
    startsAt: start,
    endsAt: end,
    active: true,
    usageLimit: 100,
    perCustomerLimit: 1,
    used: 0,
    createdBy: 'test',
    createdAt: start,
    updatedAt: start,
    ...overrides,
  }
}

const at = (now: Date, subtotalMinor = 10_000, customerUses = 0) => ({ now, subtotalMinor, customerUses })
const ms = (date: Date, delta: number) => new Date(date.getTime() + delta)

describe('checkPromotion', () => {
  test('every reason a code does not apply, each on its own', () => {
    const cases: Array<[string, Promotion | null, ReturnType<typeof at>]> = [
      ['unknown', null, at(start)],
      ['inactive', code({ active: false }), at(start)],
      ['not-yet-valid', code(), at(ms(start, -1))],
      ['expired', code(), at(end)],
      ['used-up', code({ used: 100 }), at(start)],
      ['already-used', code(), at(start, 10_000, 1)],
      ['minimum-spend', code(), at(start, 4999)],
    ]
    for (const [reason, promotion, when] of cases) {
      assert.deepEqual(checkPromotion(promotion, when), { ok: false, reason }, reason)
    }
  })

  test('the window includes its start instant and excludes its end instant, to the millisecond', () => {
    const ok = { ok: true, goodsDiscountMinor: 1000, freeShipping: false }
    assert.deepEqual(checkPromotion(code(), at(ms(start, -1))), { ok: false, reason: 'not-yet-valid' })
    assert.deepEqual(checkPromotion(code(), at(start)), ok)
    assert.deepEqual(checkPromotion(code(), at(ms(end, -1))), ok)
    assert.deepEqual(checkPromotion(code(), at(end)), { ok: false, reason: 'expired' })
    // Open-ended on either side.
    assert.equal(checkPromotion(code({ startsAt: null, endsAt: null }), at(new Date(0))).ok, true)
  })

  test('the minimum spend is met exactly at the threshold, not one cent below', () => {
    assert.deepEqual(checkPromotion(code(), at(start, 5000)), {
      ok: true,
      goodsDiscountMinor: 500,
      freeShipping: false,
    })
    assert.deepEqual(checkPromotion(code(), at(start, 4999)), { ok: false, reason: 'minimum-spend' })
  })

  test('caps: the last use left is allowed; no cap means unlimited', () => {
    assert.equal(checkPromotion(code({ used: 99 }), at(start)).ok, true)
    assert.equal(checkPromotion(code({ used: 1_000_000, usageLimit: null }), at(start)).ok, true)
    assert.equal(checkPromotion(code({ perCustomerLimit: 3 }), at(start, 10_000, 2)).ok, true)
    assert.equal(checkPromotion(code({ perCustomerLimit: null }), at(start, 10_000, 50)).ok, true)
  })

  test('reasons are checked in a fixed order: deactivated before expired before used up', () => {
    const everythingWrong = code({ active: false, used: 100 })
    assert.deepEqual(checkPromotion(everythingWrong, at(end, 1, 5)), { ok: false, reason: 'inactive' })
    assert.deepEqual(checkPromotion(code({ used: 100 }), at(end, 1, 5)), { ok: false, reason: 'expired' })
  })

  test('free shipping takes nothing off the goods', () => {
    const free = code({ kind: 'free-shipping', percent: null, minimumSpendMinor: 0 })
    assert.deepEqual(checkPromotion(free, at(start, 1234)), { ok: true, goodsDiscountMinor: 0, freeShipping: true })
  })
})

describe('goodsDiscount', () => {
  test('a percentage is rounded half up to the minor unit', () => {
    const pct = (percent: number) => ({ kind: 'percentage' as const, percent, amountMinor: null })
    assert.equal(goodsDiscount(pct(10), 1995), 200) // 199.5 → 200
    assert.equal(goodsDiscount(pct(10), 1994), 199) // 199.4 → 199
    assert.equal(goodsDiscount(pct(15), 333), 50) // 49.95 → 50
    assert.equal(goodsDiscount(pct(33), 1), 0) // 0.33 → 0
    assert.equal(goodsDiscount(pct(50), 1), 1) // 0.5 → 1
    assert.equal(goodsDiscount(pct(100), 12_345), 12_345)
    assert.equal(goodsDiscount(pct(7), 100_000_000_00), 7_000_000_00)
  })

  test('an amount larger than the goods floors them at 0; nothing off an empty cart', () => {
    const amount = { kind: 'amount' as const, percent: null, amountMinor: 2000 }
    assert.equal(goodsDiscount(amount, 5000), 2000)
    assert.equal(goodsDiscount(amount, 1500), 1500)
    assert.equal(goodsDiscount(amount, 0), 0)
  })
})

describe('normalizeCode', () => {
  test('is case-insensitive and trims', () => {
    assert.equal(normalizeCode('  soldes10 '), 'SOLDES10')
    assert.equal(normalizeCode('Winter_2026-b'), 'WINTER_2026-B')
  })

  test('hostile or impossible input is no code at all (never a query)', () => {
    for (const input of [
      '',
      'a',
      'x'.repeat(41),
      'x'.repeat(100_000),
      "SOLDES'; DROP TABLE orders; --",
      'SOLDES%',
      'SOL DES',
      'ÉTÉ10',
      'straße', // 'ß'.toUpperCase() is 'SS': no Unicode case folding into another code
      'ＳＯＬＤＥＳ', // full-width letters
      'SOLDES\u0000',
      '-LEADING',
      '<script>',
    ]) {
      assert.equal(normalizeCode(input), null, JSON.stringify(input.slice(0, 50)))
    }
  })

  test('customers are e-mails trimmed and lower-cased', () => {
    assert.equal(normalizeCustomer('  Camille.Martin@Example.ORG '), 'camille.martin@example.org')
  })
})

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { ShippingMethod } from '../brands/brand.ts'
import { vatIncluded } from '../platform/money.ts'
import { allocateProportionally, computeTotals, shippingFee } from './totals.ts'

const standard: ShippingMethod = { code: 'standard', labels: { en: 'Standard' }, feeMinor: 490, freeFromMinor: 5000 }
const express: ShippingMethod = { code: 'express', labels: { en: 'Express' }, feeMinor: 990, freeFromMinor: null }
const vat20 = 2000

describe('computeTotals', () => {
  test('adds line totals into the subtotal and charges shipping below the threshold', () => {
    const totals = computeTotals(
      [
        { quantity: 2, unitPriceMinor: 1990 },
        { quantity: 1, unitPriceMinor: 1000 },
      ],
      vat20,
      standard,
    )
    assert.deepEqual(totals, {
      subtotalMinor: 4980,
      shippingMinor: 490,
      // 3980 / 6 = 663.33 → 663; 1000 / 6 = 166.67 → 167; shipping 490 / 6 = 81.67 → 82
      lineVatMinor: [663, 167],
      vatMinor: 663 + 167 + 82,
      totalMinor: 5470,
    })
  })

  test('the VAT of the lines adds up to the total VAT minus the VAT of shipping', () => {
    const lines = [
      { quantity: 3, unitPriceMinor: 1999 },
      { quantity: 1, unitPriceMinor: 5 },
      { quantity: 7, unitPriceMinor: 333 },
      { quantity: 2, unitPriceMinor: 12345 },
    ]
    for (const method of [standard, express, null]) {
      const totals = computeTotals(lines, vat20, method)
      const linesVat = totals.lineVatMinor.reduce((a, b) => a + b, 0)
      assert.equal(linesVat, totals.vatMinor - vatIncluded(totals.shippingMinor, vat20), method?.code ?? 'none')
      assert.deepEqual(
        totals.lineVatMinor,
        lines.map((l) => vatIncluded(l.quantity * l.unitPriceMinor, vat20)),
      )
    }
  })

  test('rounds VAT per line, as an invoice shows it, not once on the sum', () => {
    const lines = [1, 2, 3].map(() => ({ quantity: 1, unitPriceMinor: 100 }))
    const totals = computeTotals(lines, vat20, express)
    // Each 100 holds 16.67 → 17; three lines make 51, where 300 alone would hold 50.
    assert.deepEqual(totals.lineVatMinor, [17, 17, 17])
    assert.equal(totals.vatMinor, 51 + vatIncluded(990, vat20))
    assert.equal(vatIncluded(300, vat20), 50)
  })

  test('shipping is free exactly at the threshold and above it, and charged one cent below', () => {
    const at = (subtotal: number) => computeTotals([{ quantity: 1, unitPriceMinor: subtotal }], vat20, standard)
    assert.deepEqual(
      [4999, 5000, 5001, 100_000].map((s) => [s, at(s).shippingMinor, at(s).totalMinor]),
      [
        [4999, 490, 5489],
        [5000, 0, 5000],
        [5001, 0, 5001],
        [100_000, 0, 100_000],
      ],
    )
    assert.equal(at(5000).vatMinor, vatIncluded(5000, vat20))
  })

  test('the threshold is on the subtotal of all lines, quantities included', () => {
    const totals = computeTotals([{ quantity: 5, unitPriceMinor: 1000 }], vat20, standard)
    assert.equal(totals.subtotalMinor, 5000)
    assert.equal(totals.shippingMinor, 0)
  })

  test('an empty cart costs nothing, not even shipping', () => {
    for (const method of [standard, express, null]) {
      assert.deepEqual(computeTotals([], vat20, method), {
        subtotalMinor: 0,
        shippingMinor: 0,
        vatMinor: 0,
        totalMinor: 0,
        lineVatMinor: [],
      })
    }
  })

  test('express is never free, however large the order', () => {
    for (const subtotal of [100, 5000, 10_000_000]) {
      const totals = computeTotals([{ quantity: 1, unitPriceMinor: subtotal }], vat20, express)
      assert.equal(totals.shippingMinor, 990)
      assert.equal(totals.totalMinor, subtotal + 990)
    }
  })

  test('without a shipping method only the goods are charged', () => {
    const totals = computeTotals([{ quantity: 2, unitPriceMinor: 1200 }], vat20, null)
    assert.deepEqual(totals, {
      subtotalMinor: 2400,
      shippingMinor: 0,
      vatMinor: 400,
      totalMinor: 2400,
      lineVatMinor: [400],
    })
  })

  test('at a zero VAT rate nothing is VAT', () => {
    const totals = computeTotals([{ quantity: 3, unitPriceMinor: 999 }], 0, standard)
    assert.deepEqual(totals.lineVatMinor, [0])
    assert.equal(totals.vatMinor, 0)
    assert.equal(totals.totalMinor, 2997 + 490)
  })
})

describe('shippingFee', () => {
  test('is zero with no lines even when the method has a fee', () => {
    assert.equal(shippingFee(express, 0, false), 0)
    assert.equal(shippingFee(express, 0, true), 990)
    assert.equal(shippingFee(null, 100, true), 0)
  })
})

describe('computeTotals with a discount', () => {
  const noDiscount = { goodsMinor: 0, freeShipping: false }

  test("takes the discount off the goods and computes each line's VAT on what is paid for it", () => {
    const totals = computeTotals(
      [
        { quantity: 1, unitPriceMinor: 3000 },
        { quantity: 1, unitPriceMinor: 1000 },
      ],
      vat20,
      express,
      { goodsMinor: 400, freeShipping: false },
    )
    // 400 off 4000: 300 on the first line, 100 on the second. VAT of 2700 = 450, of 900 = 150.
    assert.deepEqual(totals, {
      subtotalMinor: 4000,
      shippingMinor: 990,
      vatMinor: 450 + 150 + vatIncluded(990, vat20),
      totalMinor: 4000 - 400 + 990,
      lineVatMinor: [450, 150],
      discount: { goodsMinor: 400, lineMinor: [300, 100], shippingMinor: 0 },
    })
  })

  test('line shares always add up to the discount, to the cent, and never exceed a line', () => {
    const lines = [
      { quantity: 3, unitPriceMinor: 1999 },
      { quantity: 1, unitPriceMinor: 5 },
      { quantity: 7, unitPriceMinor: 333 },
    ]
    const subtotal = 3 * 1999 + 5 + 7 * 333
    for (const off of [1, 2, 3, 7, 99, 1234, subtotal - 1, subtotal]) {
      const totals = computeTotals(lines, vat20, null, { goodsMinor: off, freeShipping: false })
      const shares = totals.discount?.lineMinor ?? []
      assert.equal(
        shares.reduce((a, b) => a + b, 0),
        off,
        `discount ${off}`,
      )
      shares.forEach((share, i) => {
        const line = lines[i]!
        assert.ok(share >= 0 && share <= line.quantity * line.unitPriceMinor, `share ${share} of line ${i}`)
      })
      assert.equal(totals.totalMinor, subtotal - off)
      assert.equal(
        totals.vatMinor,
        totals.lineVatMinor.reduce((a, b) => a + b, 0),
      )
    }
  })

  test('a discount larger than the goods floors them at 0 (shipping is still paid)', () => {
    const totals = computeTotals([{ quantity: 2, unitPriceMinor: 1000 }], vat20, express, {
      goodsMinor: 50_000,
      freeShipping: false,
    })
    assert.equal(totals.discount?.goodsMinor, 2000)
    assert.deepEqual(totals.lineVatMinor, [0])
    assert.equal(totals.totalMinor, 990)
    assert.equal(totals.vatMinor, vatIncluded(990, vat20))
  })

  test('free shipping zeroes the fee and reports what it waived', () => {
    const totals = computeTotals([{ quantity: 1, unitPriceMinor: 2000 }], vat20, standard, {
      goodsMinor: 0,
      freeShipping: true,
    })
    assert.equal(totals.shippingMinor, 0)
    assert.equal(totals.totalMinor, 2000)
    assert.equal(totals.vatMinor, vatIncluded(2000, vat20))
    assert.deepEqual(totals.discount, { goodsMinor: 0, lineMinor: [0], shippingMinor: 490 })
    // Already free above the threshold: nothing was waived.
    const above = computeTotals([{ quantity: 1, unitPriceMinor: 6000 }], vat20, standard, {
      goodsMinor: 0,
      freeShipping: true,
    })
    assert.equal(above.discount?.shippingMinor, 0)
  })

  test('the free-shipping threshold applies to the goods after the discount', () => {
    const at = (off: number) =>
      computeTotals([{ quantity: 1, unitPriceMinor: 5500 }], vat20, standard, { goodsMinor: off, freeShipping: false })
    assert.equal(at(500).shippingMinor, 0) // 5000 left: exactly at the threshold
    assert.equal(at(501).shippingMinor, 490) // 4999 left
    assert.equal(at(501).totalMinor, 4999 + 490)
  })

  test('a zero discount changes no amount, and an empty cart stays free', () => {
    const lines = [{ quantity: 2, unitPriceMinor: 1990 }]
    const plain = computeTotals(lines, vat20, standard)
    const { discount, ...withZero } = computeTotals(lines, vat20, standard, noDiscount)
    assert.deepEqual(withZero, plain)
    assert.deepEqual(discount, { goodsMinor: 0, lineMinor: [0], shippingMinor: 0 })
    const empty = computeTotals([], vat20, standard, { goodsMinor: 500, freeShipping: true })
    assert.equal(empty.totalMinor, 0)
    assert.equal(empty.discount?.goodsMinor, 0)
  })

  test('negative or fractional discounts are not money: clamped to whole non-negative units', () => {
    const lines = [{ quantity: 1, unitPriceMinor: 1000 }]
    assert.equal(computeTotals(lines, vat20, null, { goodsMinor: -500, freeShipping: false }).totalMinor, 1000)
    assert.equal(computeTotals(lines, vat20, null, { goodsMinor: 10.9, freeShipping: false }).totalMinor, 990)
  })
})

describe('allocateProportionally', () => {
  test('splits by weight, giving leftover units to the largest remainders, earlier first on ties', () => {
    assert.deepEqual(allocateProportionally(100, [1, 1, 1]), [34, 33, 33])
    assert.deepEqual(allocateProportionally(10, [3000, 1000]), [8, 2]) // 7.5 / 2.5: the first tie wins
    assert.deepEqual(allocateProportionally(0, [5, 5]), [0, 0])
    assert.deepEqual(allocateProportionally(5, [0, 0]), [0, 0])
    assert.deepEqual(allocateProportionally(7, [0, 10, 0]), [0, 7, 0])
  })

  test('stays exact on large amounts (no float drift)', () => {
    const weights = [99_999_999_99, 1, 33_333_333_33]
    const total = weights.reduce((a, b) => a + b, 0)
    const shares = allocateProportionally(total - 1, weights)
    assert.equal(
      shares.reduce((a, b) => a + b, 0),
      total - 1,
    )
  })
})

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { ShippingMethod } from '../brands/brand.ts'
import { vatIncluded } from '../platform/money.ts'
import { computeTotals, shippingFee } from './totals.ts'

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

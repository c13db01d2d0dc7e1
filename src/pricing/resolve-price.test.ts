import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { applyDiscount, type PriceCandidate, resolvePrice, roundEnding } from './resolve-price.ts'

const base = { priceMinor: 10_000, compareAtMinor: null }
let n = 0
const c = (overrides: Partial<PriceCandidate> & Pick<PriceCandidate, 'discount'>): PriceCandidate => ({
  sourceId: `e${String(++n).padStart(3, '0')}`,
  priority: 0,
  combine: 'best',
  rounding: null,
  startsAt: 0,
  ...overrides,
})
const pct = (percent: number) => ({ kind: 'percent' as const, basisPoints: percent * 100 })
const off = (amountMinor: number) => ({ kind: 'amount' as const, amountMinor })
const fixed = (priceMinor: number) => ({ kind: 'fixed' as const, priceMinor })

describe('resolvePrice', () => {
  test('no candidate: the base price, with the variant’s own compare-at only when higher', () => {
    assert.deepEqual(resolvePrice(base, []), { priceMinor: 10_000, compareAtMinor: null, applied: [] })
    assert.deepEqual(resolvePrice({ priceMinor: 5000, compareAtMinor: 8000 }, []).compareAtMinor, 8000)
    assert.deepEqual(resolvePrice({ priceMinor: 5000, compareAtMinor: 5000 }, []).compareAtMinor, null)
    assert.deepEqual(resolvePrice({ priceMinor: 5000, compareAtMinor: 3000 }, []).compareAtMinor, null)
  })

  test('each discount kind; the compare-at price becomes the base price', () => {
    const a = c({ discount: pct(30) })
    assert.deepEqual(resolvePrice(base, [a]), { priceMinor: 7000, compareAtMinor: 10_000, applied: [a.sourceId] })
    assert.equal(resolvePrice(base, [c({ discount: off(1250) })]).priceMinor, 8750)
    assert.equal(resolvePrice(base, [c({ discount: fixed(4999) })]).priceMinor, 4999)
    // The base's own compare-at (a higher "was" price) is replaced by the base when discounted.
    assert.equal(
      resolvePrice({ priceMinor: 10_000, compareAtMinor: 15_000 }, [c({ discount: pct(10) })]).compareAtMinor,
      10_000,
    )
  })

  test('percentages round half up to the minor unit', () => {
    assert.equal(applyDiscount(2990, { kind: 'percent', basisPoints: 3000 }), 2093) // 2093.0
    assert.equal(applyDiscount(999, { kind: 'percent', basisPoints: 5000 }), 500) // 499.5 → 500
    assert.equal(applyDiscount(997, { kind: 'percent', basisPoints: 5000 }), 499) // 498.5 → 499
    assert.equal(applyDiscount(1, { kind: 'percent', basisPoints: 3333 }), 1) // 0.6667 → 1
    assert.equal(applyDiscount(1234, { kind: 'percent', basisPoints: 1250 }), 1080) // 1079.75 → 1080
    assert.equal(applyDiscount(100_000_000_00, { kind: 'percent', basisPoints: 1 }), 99_990_000_00)
  })

  test('never below 0, never above the base price', () => {
    assert.equal(resolvePrice(base, [c({ discount: off(20_000) })]).priceMinor, 0)
    assert.equal(resolvePrice(base, [c({ discount: pct(100) })]).priceMinor, 0)
    const raising = resolvePrice(base, [c({ discount: fixed(12_000) })])
    assert.deepEqual(raising, { priceMinor: 10_000, compareAtMinor: null, applied: [] })
    const exclusiveRaise = resolvePrice(base, [
      c({ discount: fixed(12_000), combine: 'exclusive' }),
      c({ discount: pct(50) }),
    ])
    assert.deepEqual(
      exclusiveRaise,
      { priceMinor: 10_000, compareAtMinor: null, applied: [] },
      'the exclusive one still decides',
    )
    const stackedToZero = resolvePrice(base, [c({ discount: pct(50) }), c({ discount: off(9_000), combine: 'stack' })])
    assert.equal(stackedToZero.priceMinor, 0)
  })

  test('overlapping non-stacking events: the best price for the shopper wins, whatever the order', () => {
    const a = c({ discount: pct(20), priority: 9 })
    const b = c({ discount: off(2500), priority: 1 })
    const d = c({ discount: fixed(8000) })
    for (const order of [
      [a, b, d],
      [d, b, a],
      [b, a, d],
    ]) {
      assert.deepEqual(resolvePrice(base, order), { priceMinor: 7500, compareAtMinor: 10_000, applied: [b.sourceId] })
    }
  })

  test('equal best prices name the smallest source id, in any order', () => {
    const a = c({ sourceId: 'b', discount: pct(20) })
    const b = c({ sourceId: 'a', discount: off(2000) })
    assert.deepEqual(resolvePrice(base, [a, b]).applied, ['a'])
    assert.deepEqual(resolvePrice(base, [b, a]).applied, ['a'])
  })

  test('stackable percentages compound in priority order on top of the best price', () => {
    const best = c({ discount: pct(20) })
    const s1 = c({ discount: pct(10), combine: 'stack', priority: 5 })
    const s2 = c({ discount: off(500), combine: 'stack', priority: 1 })
    // 10000 → 8000 (best) → 7200 (−10 %) → 6700 (−5.00): priority 5 before priority 1.
    for (const order of [
      [best, s1, s2],
      [s2, s1, best],
    ]) {
      assert.deepEqual(resolvePrice(base, order), {
        priceMinor: 6700,
        compareAtMinor: 10_000,
        applied: [best.sourceId, s1.sourceId, s2.sourceId],
      })
    }
    // The other priority order gives another price: order matters and is the documented one.
    const t1 = c({ discount: pct(10), combine: 'stack', priority: 1 })
    const t2 = c({ discount: off(500), combine: 'stack', priority: 5 })
    assert.equal(resolvePrice(base, [best, t1, t2]).priceMinor, 6750) // 8000 → 7500 → 6750
    // Two stackable percentages: −20 % then −10 % is −28 %.
    const p1 = c({ discount: pct(20), combine: 'stack' })
    const p2 = c({ discount: pct(10), combine: 'stack' })
    assert.equal(resolvePrice(base, [p1, p2]).priceMinor, 7200)
  })

  test('stack ties: earlier start first, then source id', () => {
    const late = c({ sourceId: 'a', discount: off(1000), combine: 'stack', rounding: '.99', startsAt: 2000 })
    const early = c({ sourceId: 'b', discount: pct(10), combine: 'stack', startsAt: 1000 })
    // early: 10000 → 9000; late: 9000 − 1000 = 8000 → 7999.
    assert.deepEqual(resolvePrice(base, [late, early]), {
      priceMinor: 7999,
      compareAtMinor: 10_000,
      applied: ['b', 'a'],
    })
    const x = c({ sourceId: 'x', discount: off(1000), combine: 'stack', rounding: '.00', startsAt: 1 })
    const y = c({ sourceId: 'w', discount: pct(15), combine: 'stack', startsAt: 1 })
    // w first: 10000 → 8500; x: 7500 → 7500.
    assert.deepEqual(resolvePrice({ priceMinor: 10_000, compareAtMinor: null }, [x, y]).applied, ['w', 'x'])
  })

  test('an exclusive event decides alone: highest priority, then latest start, then id', () => {
    const cheap = c({ discount: pct(70) })
    const stack = c({ discount: pct(10), combine: 'stack' })
    const low = c({ discount: pct(20), combine: 'exclusive', priority: 1 })
    const high = c({ discount: pct(10), combine: 'exclusive', priority: 2 })
    assert.deepEqual(resolvePrice(base, [cheap, stack, low, high]), {
      priceMinor: 9000,
      compareAtMinor: 10_000,
      applied: [high.sourceId],
    })
    const older = c({ sourceId: 'z', discount: pct(20), combine: 'exclusive', startsAt: 1000 })
    const newer = c({ sourceId: 'y', discount: pct(30), combine: 'exclusive', startsAt: 2000 })
    assert.equal(resolvePrice(base, [older, newer]).priceMinor, 7000)
    assert.equal(resolvePrice(base, [newer, older]).priceMinor, 7000)
    const same1 = c({ sourceId: 'm', discount: pct(20), combine: 'exclusive', startsAt: 5 })
    const same2 = c({ sourceId: 'k', discount: pct(40), combine: 'exclusive', startsAt: 5 })
    assert.equal(resolvePrice(base, [same1, same2]).priceMinor, 6000)
    const open = c({ sourceId: 'a', discount: pct(50), combine: 'exclusive', startsAt: null })
    assert.equal(resolvePrice(base, [open, same1]).priceMinor, 8000, 'an open start is the oldest')
  })

  test('feed sale prices take part as fixed, non-stacking prices', () => {
    const feed = c({ sourceId: 'feed:1', discount: fixed(6500), startsAt: null })
    const event = c({ discount: pct(30) })
    assert.deepEqual(resolvePrice(base, [feed, event]).applied, ['feed:1'])
    const stack = c({ discount: pct(10), combine: 'stack' })
    assert.equal(resolvePrice(base, [feed, stack]).priceMinor, 5850)
    const exclusive = c({ discount: pct(10), combine: 'exclusive' })
    assert.equal(resolvePrice(base, [feed, exclusive]).priceMinor, 9000)
  })

  test('rounding applies to the step’s own price, downwards', () => {
    assert.equal(
      resolvePrice({ priceMinor: 2990, compareAtMinor: null }, [c({ discount: pct(30), rounding: '.99' })]).priceMinor,
      1999,
    )
    assert.equal(
      resolvePrice({ priceMinor: 2990, compareAtMinor: null }, [c({ discount: pct(30), rounding: '.00' })]).priceMinor,
      2000,
    )
    // A best candidate's rounding counts when comparing: 30 % rounded to .00 (2000) beats 2050.
    const rounded = c({ discount: pct(30), rounding: '.00' })
    const plain = c({ discount: fixed(2050) })
    assert.deepEqual(resolvePrice({ priceMinor: 2990, compareAtMinor: null }, [plain, rounded]).applied, [
      rounded.sourceId,
    ])
  })

  test('roundEnding', () => {
    const cases: Array<[number, '.99' | '.00', number]> = [
      [2093, '.99', 1999],
      [2099, '.99', 2099],
      [2100, '.99', 2099],
      [2000, '.99', 1999],
      [199, '.99', 199],
      [99, '.99', 99],
      [98, '.99', 98], // would be −0.01: left alone
      [150, '.00', 100],
      [2000, '.00', 2000],
      [50, '.00', 50], // would be free: left alone
      [0, '.99', 0],
    ]
    for (const [input, rounding, expected] of cases)
      assert.equal(roundEnding(input, rounding), expected, `${input} ${rounding}`)
    assert.equal(roundEnding(2093, '.99', 0), 2093, 'no decimals (JPY): no rounding')
    assert.equal(roundEnding(2093, '.00', 3), 2093)
  })

  test('exhaustive: over many random mixes, order never matters and bounds always hold', () => {
    let seed = 42
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed / 2 ** 31
    }
    const kinds = ['best', 'stack', 'exclusive'] as const
    for (let i = 0; i < 2000; i++) {
      const basePrice = { priceMinor: Math.floor(random() * 50_000), compareAtMinor: random() < 0.3 ? 60_000 : null }
      const list: PriceCandidate[] = Array.from({ length: 1 + Math.floor(random() * 5) }, (_, k) => {
        const combine = kinds[Math.floor(random() * 3)]!
        const roll = random()
        const discount =
          roll < 0.4
            ? pct(Math.floor(random() * 100))
            : roll < 0.7 || combine === 'stack'
              ? off(Math.floor(random() * 20_000))
              : fixed(Math.floor(random() * 60_000))
        return {
          sourceId: `s${k}`,
          priority: Math.floor(random() * 3),
          combine,
          rounding: random() < 0.3 ? '.99' : random() < 0.5 ? '.00' : null,
          discount,
          startsAt: Math.floor(random() * 3),
        }
      })
      const forward = resolvePrice(basePrice, list)
      const backward = resolvePrice(basePrice, [...list].reverse())
      assert.deepEqual(backward, forward)
      assert.ok(forward.priceMinor >= 0 && forward.priceMinor <= basePrice.priceMinor)
      if (forward.priceMinor < basePrice.priceMinor) assert.equal(forward.compareAtMinor, basePrice.priceMinor)
      else assert.deepEqual(forward.applied, [])
    }
  })
})

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { computePlan, type PlanEvent, type PlanHour } from './compute-plan.ts'

const h1 = new Date('2026-01-05T18:00:00Z')
const h2 = new Date('2026-01-05T19:00:00Z')
const brands = [
  { id: 'a', slug: 'alpha' },
  { id: 'b', slug: 'beta' },
  { id: 'c', slug: 'gamma' },
]
const history: PlanHour[] = [
  { brandId: 'a', hour: h1, pageViews: 36_000, orders: 600 },
  { brandId: 'a', hour: h2, pageViews: 18_000, orders: 900 },
  { brandId: 'b', hour: h1, pageViews: 7_200, orders: 120 },
  // A brand no longer listed is ignored.
  { brandId: 'zz', hour: h1, pageViews: 999_999, orders: 999 },
]
const options = {
  capacity: { pageViewsPerSecond: 100, ordersPerMinute: 50 },
  headroom: 0.3,
  surge: 15,
  startupSeconds: 2,
  marginMinutes: 15,
  minNodes: 2,
}
const soldes: PlanEvent = {
  id: 'e1',
  name: 'Soldes',
  brandIds: ['a'],
  startsAt: new Date('2026-01-07T07:00:00Z'),
  endsAt: new Date('2026-01-07T19:00:00Z'),
}

describe('computePlan', () => {
  test('baseline per brand is its busiest hour; the total is the busiest hour of all brands together', () => {
    const plan = computePlan(brands, history, [], options)
    assert.deepEqual(
      plan.brands.map((b) => [b.slug, b.peakHour?.toISOString() ?? null, b.pageViewsPerSecond, b.ordersPerMinute]),
      [
        ['alpha', h1.toISOString(), 10, 15],
        ['beta', h1.toISOString(), 2, 2],
        ['gamma', null, 0, 0],
      ],
    )
    // h1: 43,200 views → 12/s; orders peak in h2 (900 + 0) over h1 (600 + 120) → 15/min.
    assert.deepEqual(plan.baseline, { pageViewsPerSecond: 12, ordersPerMinute: 15, peakHour: h1, nodes: 2 })
    assert.deepEqual(plan.perNode, { pageViewsPerSecond: 70, ordersPerMinute: 35 })
  })

  test('an event multiplies its brands, keeps the others at their peak, and sizes on the scarcer resource', () => {
    const plan = computePlan(brands, history, [soldes], options)
    const [event] = plan.events
    assert.ok(event)
    assert.deepEqual(event.surgingSlugs, ['alpha'])
    // alpha 10 × 15 = 150 views/s and 15 × 15 = 225 orders/min; beta 2 and 2; gamma 0.
    assert.deepEqual(event.total, { pageViewsPerSecond: 152, ordersPerMinute: 227 })
    // ceil(152 / 70) = 3 by views, ceil(227 / 35) = 7 by orders → 7.
    assert.equal(event.nodes, 7)
    assert.equal(event.scaleUpAt.toISOString(), '2026-01-07T06:44:58.000Z')
    assert.equal(event.scaleDownAt.toISOString(), '2026-01-07T19:00:00.000Z')
  })

  test('overlapping events surge together, with per-event factors by name or id', () => {
    const flash: PlanEvent = {
      id: 'e2',
      name: 'Flash',
      brandIds: ['b', 'a'],
      startsAt: new Date('2026-01-07T18:00:00Z'),
      endsAt: new Date('2026-01-07T22:00:00Z'),
    }
    const later: PlanEvent = {
      id: 'e3',
      name: 'Later',
      brandIds: ['c'],
      startsAt: new Date('2026-02-01T08:00:00Z'),
      endsAt: new Date('2026-02-02T08:00:00Z'),
    }
    const plan = computePlan(brands, history, [later, flash, soldes], {
      ...options,
      eventSurge: new Map([['Flash', 10]]),
    })
    assert.deepEqual(
      plan.events.map((e) => [e.id, e.surge, e.total.pageViewsPerSecond, e.total.ordersPerMinute, e.nodes]),
      [
        // alpha takes the larger factor (15 from Soldes), beta 10 from Flash: 150 + 20 views/s, 225 + 20 orders/min.
        ['e1', 15, 170, 245, 7],
        ['e2', 10, 170, 245, 7],
        // gamma has no history: ×15 of nothing; everyone else at baseline → the floor.
        ['e3', 15, 12, 17, 2],
      ],
    )
  })

  test('headroom, capacity and the floor move the node count as the formula says', () => {
    const noHeadroom = computePlan(brands, history, [soldes], { ...options, headroom: 0, minNodes: 1 })
    // 227 / 50 = 4.54 → 5; 152 / 100 = 1.52 → 2.
    assert.equal(noHeadroom.events[0]?.nodes, 5)
    assert.equal(noHeadroom.baseline.nodes, 1)
    const bigFloor = computePlan(brands, history, [soldes], { ...options, minNodes: 9 })
    assert.equal(bigFloor.events[0]?.nodes, 9)
    // Exactly at capacity is enough: 245 / 35 = 7, not 8 through float noise.
    assert.equal(computePlan(brands, [], [], options).baseline.nodes, 2)
    assert.throws(() => computePlan(brands, history, [], { ...options, headroom: 1 }), RangeError)
    assert.throws(() => computePlan(brands, history, [], { ...options, headroom: -0.1 }), RangeError)
  })
})

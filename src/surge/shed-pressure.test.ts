import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ShedPressure } from './shed-pressure.ts'

/** One second of decisions for a brand: `shed` of `total` shed. */
function second(pressure: ShedPressure, brandId: string, total: number, shed: number): void {
  for (let i = 0; i < total; i++) pressure.count(brandId, i >= shed)
}

describe('shed pressure', () => {
  test('the ratio is taken over the last seconds, so one calmer second does not reset a surge', () => {
    const pressure = new ShedPressure({ windowSeconds: 3, minRequests: 20 })
    const seen: number[] = []
    // Per second 30 %, 10 %, 30 %, 25 %, 10 %: every second but two is above 20 %, and so is every window.
    for (const shed of [30, 10, 30, 25, 10]) {
      second(pressure, 'a', 100, shed)
      seen.push(pressure.tick().get('a') ?? -1)
    }
    assert.deepEqual(
      seen.map((r) => Math.round(r * 1000) / 1000),
      [0.3, 0.2, 0.233, 0.217, 0.217],
    )
    assert.equal(pressure.ratio('a'), seen.at(-1))
  })

  test('brands are counted apart, and old seconds leave the window', () => {
    const pressure = new ShedPressure({ windowSeconds: 2, minRequests: 20 })
    second(pressure, 'a', 50, 50)
    second(pressure, 'b', 50, 0)
    pressure.tick()
    assert.equal(pressure.ratio('a'), 1)
    assert.equal(pressure.ratio('b'), 0)
    second(pressure, 'a', 50, 0)
    pressure.tick()
    assert.equal(pressure.ratio('a'), 0.5)
    second(pressure, 'a', 50, 0)
    pressure.tick()
    assert.equal(pressure.ratio('a'), 0, 'the shed second is out of the window')
    pressure.tick()
    pressure.tick()
    assert.equal(pressure.ratio('b'), 0)
    assert.equal(pressure.ratio('unknown'), 0)
  })

  test('a brand with few requests reads 0, however many of them were shed', () => {
    const pressure = new ShedPressure({ windowSeconds: 3, minRequests: 20 })
    second(pressure, 'small', 3, 2)
    assert.equal(pressure.tick().get('small'), 0)
    second(pressure, 'small', 17, 17)
    assert.equal(pressure.tick().get('small'), 0.95, '19 of 20 in the window')
  })
})

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { InvalidLocalTime, instantOf, instantToZoned, zonedToInstant } from './local-time.ts'

const iso = (d: Date) => d.toISOString()

describe('wall-clock times in a time zone', () => {
  test('08:00 in Paris is 07:00Z in winter and 06:00Z in summer', () => {
    assert.equal(iso(zonedToInstant('2026-01-07T08:00', 'Europe/Paris')), '2026-01-07T07:00:00.000Z')
    assert.equal(iso(zonedToInstant('2026-06-24T08:00', 'Europe/Paris')), '2026-06-24T06:00:00.000Z')
    assert.equal(iso(zonedToInstant('2026-06-24T08:00:00.250', 'Europe/London')), '2026-06-24T07:00:00.250Z')
    assert.equal(iso(zonedToInstant('2026-01-07T08:00:30', 'America/New_York')), '2026-01-07T13:00:30.000Z')
  })

  test('on the DST change days, 08:00 is on the new side of the change', () => {
    assert.equal(iso(zonedToInstant('2026-03-29T08:00', 'Europe/Paris')), '2026-03-29T06:00:00.000Z')
    assert.equal(iso(zonedToInstant('2026-03-29T01:59:59.999', 'Europe/Paris')), '2026-03-29T00:59:59.999Z')
    assert.equal(iso(zonedToInstant('2026-03-29T03:00', 'Europe/Paris')), '2026-03-29T01:00:00.000Z')
    assert.equal(iso(zonedToInstant('2026-10-25T08:00', 'Europe/Paris')), '2026-10-25T07:00:00.000Z')
    assert.equal(iso(zonedToInstant('2026-10-25T03:00', 'Europe/Paris')), '2026-10-25T02:00:00.000Z')
  })

  test('a skipped wall-clock time is refused; a repeated one is the earlier instant', () => {
    assert.throws(() => zonedToInstant('2026-03-29T02:30', 'Europe/Paris'), InvalidLocalTime)
    assert.throws(() => zonedToInstant('2026-03-29T02:00', 'Europe/Paris'), InvalidLocalTime)
    assert.equal(iso(zonedToInstant('2026-10-25T02:30', 'Europe/Paris')), '2026-10-25T00:30:00.000Z')
  })

  test('malformed and impossible texts are refused', () => {
    for (const text of [
      '2026-02-30T08:00',
      '2026-13-01T08:00',
      '2026-01-07 08:00',
      '2026-01-07T24:00',
      '2026-01-07T08:60',
      'soon',
      '',
      '2026-01-07T08:00:00.1234',
    ]) {
      assert.throws(() => instantOf(text, 'Europe/Paris'), InvalidLocalTime, text)
    }
    assert.throws(() => instantOf('2026-01-07T08:00+25:00', 'Europe/Paris'), InvalidLocalTime)
  })

  test('a text with an offset is that instant, whatever the zone', () => {
    assert.equal(iso(instantOf('2026-01-07T08:00:00Z', 'Europe/Paris')), '2026-01-07T08:00:00.000Z')
    assert.equal(iso(instantOf('2026-01-07T08:00:00.500+01:00', 'Asia/Tokyo')), '2026-01-07T07:00:00.500Z')
    assert.equal(iso(instantOf('2026-01-07T08:00-05:30', 'Europe/Paris')), '2026-01-07T13:30:00.000Z')
  })

  test('instants back to wall-clock times', () => {
    assert.equal(instantToZoned(new Date('2026-03-29T06:00:00Z'), 'Europe/Paris'), '2026-03-29T08:00:00.000')
    assert.equal(instantToZoned(new Date('2026-10-25T00:30:00Z'), 'Europe/Paris'), '2026-10-25T02:30:00.000')
    assert.equal(instantToZoned(new Date('2026-10-25T01:30:00.123Z'), 'Europe/Paris'), '2026-10-25T02:30:00.123')
  })
})

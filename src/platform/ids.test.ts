import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { isUuid, orderedIds } from './ids.ts'

const v7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('orderedIds', () => {
  test('draws UUIDv7 ids that increase in the order drawn, as text and as PostgreSQL compares uuids', () => {
    const next = orderedIds(Date.UTC(2026, 10, 24))
    const ids = Array.from({ length: 70_000 }, next)
    assert.ok(ids.every((id) => v7.test(id) && isUuid(id)))
    assert.equal(new Set(ids).size, ids.length)
    assert.deepEqual([...ids].sort(), ids)
    // The timestamp leads: 2026-11-24T00:00:00Z in milliseconds.
    assert.equal(Number.parseInt(ids[0]?.replaceAll('-', '').slice(0, 12) ?? '', 16), Date.UTC(2026, 10, 24))
  })

  test('two sources of the same millisecond do not draw the same ids', () => {
    const now = Date.now()
    const a = orderedIds(now)
    const b = orderedIds(now)
    const first = new Set(Array.from({ length: 1000 }, a))
    assert.ok(Array.from({ length: 1000 }, b).every((id) => !first.has(id)))
  })
})

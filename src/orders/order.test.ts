import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { canTransition, type OrderStatus, orderTransitions } from './order.ts'

describe('canTransition', () => {
  const statuses: OrderStatus[] = ['placed', 'partially_shipped', 'shipped', 'cancelled']

  test('follows the transition table: only a placed order can be cancelled; shipping may come in parts', () => {
    const table = statuses.flatMap((status) =>
      Object.keys(orderTransitions).map((transition) => [status, transition, canTransition(status, transition)]),
    )
    assert.deepEqual(table, [
      ['placed', 'cancel', true],
      ['placed', 'shipPart', true],
      ['placed', 'ship', true],
      ['partially_shipped', 'cancel', false],
      ['partially_shipped', 'shipPart', true],
      ['partially_shipped', 'ship', true],
      ['shipped', 'cancel', false],
      ['shipped', 'shipPart', false],
      ['shipped', 'ship', false],
      ['cancelled', 'cancel', false],
      ['cancelled', 'shipPart', false],
      ['cancelled', 'ship', false],
    ])
    assert.equal(orderTransitions.cancel?.to, 'cancelled')
    assert.equal(orderTransitions.shipPart?.to, 'partially_shipped')
  })

  test('refuses a transition the table does not know', () => {
    for (const status of statuses) {
      assert.equal(canTransition(status, 'return'), false)
      assert.equal(canTransition(status, 'toString'), false)
      assert.equal(canTransition(status, '__proto__'), false)
    }
  })
})

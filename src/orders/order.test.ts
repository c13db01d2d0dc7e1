import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { canTransition, type OrderStatus, orderTransitions } from './order.ts'

describe('canTransition', () => {
  const statuses: OrderStatus[] = ['placed', 'cancelled', 'shipped']

  test('follows the transition table: only a placed order can be cancelled', () => {
    const table = statuses.flatMap((status) =>
      Object.keys(orderTransitions).map((transition) => [status, transition, canTransition(status, transition)]),
    )
    assert.deepEqual(table, [
      ['placed', 'cancel', true],
      ['placed', 'ship', true],
      ['cancelled', 'cancel', false],
      ['cancelled', 'ship', false],
      ['shipped', 'cancel', false],
      ['shipped', 'ship', false],
    ])
    assert.equal(orderTransitions.cancel?.to, 'cancelled')
  })

  test('refuses a transition the table does not know', () => {
    for (const status of statuses) {
      assert.equal(canTransition(status, 'return'), false)
      assert.equal(canTransition(status, 'toString'), false)
      assert.equal(canTransition(status, '__proto__'), false)
    }
  })
})

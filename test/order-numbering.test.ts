import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { sql } from 'kysely'
import type { BrandCtx } from '../src/brands/brand.ts'
import { orderSequenceName } from '../src/brands/queries.ts'
import { changeCartLine, createCart, createTestProvider, placeOrder, testCards } from '../src/checkout/index.ts'
import { openTestDatabase } from './helpers/database.ts'
import { createTestBrand, createTestProduct } from './helpers/fixtures.ts'

const address = { name: 'Camille Martin', line1: '12 rue des Lilas', postalCode: '75011', city: 'Paris', country: 'FR' }
const providers = new Map([['test', createTestProvider()]])

const database = await openTestDatabase()
const brandA = await createTestBrand(database.db)
const brandB = await createTestBrand(database.db)
const productA = await createTestProduct(brandA, {
  variants: [{ sku: 'NUM-A', size: 'M', priceMinor: 1000, onHand: 100 }],
})
const productB = await createTestProduct(brandB, {
  variants: [{ sku: 'NUM-B', size: 'M', priceMinor: 1000, onHand: 100 }],
})

/** A cart with one unit, filled before any checkout starts (adding checks stock, it does not reserve). */
async function filledCart(ctx: BrandCtx, variantId: string): Promise<string> {
  const { token } = await createCart(ctx)
  await changeCartLine(ctx, token, { variantId, quantity: 1, mode: 'add' })
  return token
}

function checkout(ctx: BrandCtx, cartToken: string, key: string) {
  return placeOrder(
    ctx,
    {
      cartToken,
      email: 'camille@example.org',
      shippingAddress: address,
      shippingMethod: 'standard',
      payment: { provider: 'test', token: testCards.success },
    },
    { idempotencyKey: key, providers },
  )
}

async function orderNumbers(ctx: BrandCtx): Promise<string[]> {
  const rows = await database.db
    .selectFrom('orders')
    .select('number')
    .where('brand_id', '=', ctx.brand.id)
    .orderBy('number')
    .execute()
  return rows.map((r) => r.number)
}

const expected = (ctx: BrandCtx, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${ctx.brand.orderPrefix}-${String(from + i).padStart(6, '0')}`)

describe('order numbering', () => {
  test('two brands have independent sequences that both start at 000001', async () => {
    const variantA = productA.variants[0]!.id
    const variantB = productB.variants[0]!.id
    const placed: string[] = []
    for (const [ctx, variant, key] of [
      [brandA, variantA, 'a-1'],
      [brandB, variantB, 'b-1'],
      [brandA, variantA, 'a-2'],
      [brandA, variantA, 'a-3'],
      [brandB, variantB, 'b-2'],
    ] as const) {
      placed.push((await checkout(ctx, await filledCart(ctx, variant), key)).order.number)
    }
    const [a, b] = [brandA.brand.orderPrefix, brandB.brand.orderPrefix]
    assert.deepEqual(placed, [`${a}-000001`, `${b}-000001`, `${a}-000002`, `${a}-000003`, `${b}-000002`])
    assert.deepEqual(await orderNumbers(brandA), expected(brandA, 1, 3))
    assert.deepEqual(await orderNumbers(brandB), expected(brandB, 1, 2))
  })

  test('50 concurrent checkouts get 50 unique numbers, the next 50 of the sequence', async () => {
    const variant = productA.variants[0]!.id
    const before = (await orderNumbers(brandA)).length
    const carts = await Promise.all(Array.from({ length: 50 }, () => filledCart(brandA, variant)))
    const results = await Promise.all(carts.map((token, i) => checkout(brandA, token, `stampede-${i}`)))

    assert.equal(results.filter((r) => !r.replayed).length, 50)
    const numbers = results.map((r) => r.order.number)
    assert.equal(new Set(numbers).size, 50)
    // No checkout failed, so no number was skipped: together they are exactly the next 50.
    assert.deepEqual([...numbers].sort(), expected(brandA, before + 1, before + 50))
    assert.deepEqual(await orderNumbers(brandA), expected(brandA, 1, before + 50))
    // The other brand's sequence did not move.
    assert.deepEqual(await orderNumbers(brandB), expected(brandB, 1, 2))
    const next = await checkout(brandB, await filledCart(brandB, productB.variants[0]!.id), 'b-3')
    assert.equal(next.order.number, `${brandB.brand.orderPrefix}-000003`)
  })

  test('numbers keep every digit past 999999 instead of truncating', async () => {
    const variant = productB.variants[0]!.id
    await sql`select setval(${orderSequenceName(brandB.brand.id)}::regclass, 999999)`.execute(database.db)
    const first = await checkout(brandB, await filledCart(brandB, variant), 'b-big-1')
    const second = await checkout(brandB, await filledCart(brandB, variant), 'b-big-2')
    assert.equal(first.order.number, `${brandB.brand.orderPrefix}-1000000`)
    assert.equal(second.order.number, `${brandB.brand.orderPrefix}-1000001`)
  })
})

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, test } from 'node:test'
import type { BrandCtx } from '../../src/brands/brand.ts'
import { createPromotion } from '../../src/promotions/index.ts'
import { onPostgres, openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'
import { cartWith, checkoutInput, placeOrder, recordingProvider } from './helpers.ts'

/**
 * Promotion caps under real concurrency: 1,000 checkouts, 40 at a time, straight through
 * placeOrder on a pool of PostgreSQL connections. On PGlite (one connection) nothing would
 * overlap, so the suite is skipped there rather than passing for the wrong reason.
 */
const skip = onPostgres
  ? false
  : 'PostgreSQL only: caps under concurrency need truly concurrent transactions (set DATABASE_URL)'

/** Runs `count` tasks with at most `width` in flight; results in task order. */
async function pooled<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count)
  let next = 0
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const i = next++
        results[i] = await task(i)
      }
    }),
  )
  return results
}

type Outcome = { ok: true; orderId: string } | { ok: false; code: string }

async function attempt(run: () => Promise<{ order: { id: string } }>): Promise<Outcome> {
  try {
    return { ok: true, orderId: (await run()).order.id }
  } catch (error) {
    return { ok: false, code: (error as { code?: string }).code ?? String(error) }
  }
}

const countBy = (values: readonly string[]) =>
  Object.fromEntries([...new Set(values)].sort().map((v) => [v, values.filter((x) => x === v).length]))

describe('promotion caps under concurrency (PostgreSQL)', { skip }, async () => {
  const database = onPostgres ? await openTestDatabase({ poolSize: 20 }) : null
  const db = database?.db
  const staff = (ctx: BrandCtx): BrandCtx => ({
    ...ctx,
    actor: { kind: 'staff', staffId: randomUUID(), email: 'merch@test.invalid' },
  })

  test('a code capped at 100 is used exactly 100 times by 1,000 concurrent checkouts', async () => {
    const brand = await createTestBrand(db!)
    const product = await createTestProduct(brand, {
      variants: [{ sku: 'CAP-M', size: 'M', priceMinor: 2000, onHand: 5000 }],
    })
    const code = await createPromotion(staff(brand), {
      code: 'CENT',
      kind: 'amount',
      amountMinor: 500,
      usageLimit: 100,
    })
    const carts = await pooled(1000, 40, () => cartWith(brand, product, 1, 'CENT'))
    const { providers, voided, authorized } = recordingProvider()

    const started = performance.now()
    const outcomes = await pooled(1000, 40, (i) =>
      attempt(() =>
        placeOrder({ ...brand, now: new Date() }, checkoutInput(carts[i]!, `shopper${i}@example.org`), {
          idempotencyKey: `cap-${i}`,
          providers,
        }),
      ),
    )
    const elapsed = performance.now() - started

    const codes = outcomes.map((o) => (o.ok ? 'placed' : o.code))
    assert.deepEqual(countBy(codes), { placed: 100, 'promotion-used-up': 900 })
    const row = await db!
      .selectFrom('promotion_codes')
      .select('used')
      .where('id', '=', code.id)
      .executeTakeFirstOrThrow()
    assert.equal(row.used, 100)
    const orders = await db!
      .selectFrom('orders')
      .select(['id', 'promotion_code', 'discount_minor'])
      .where('brand_id', '=', brand.brand.id)
      .execute()
    assert.equal(orders.length, 100)
    assert.ok(orders.every((o) => o.promotion_code === 'CENT' && Number(o.discount_minor) === 500))
    const redemptions = await db!
      .selectFrom('promotion_redemptions')
      .select('order_id')
      .where('brand_id', '=', brand.brand.id)
      .execute()
    assert.deepEqual(redemptions.map((r) => r.order_id).sort(), orders.map((o) => o.id).sort())
    // Every authorisation that did not become an order was voided; none of the orders' was.
    assert.equal(authorized.length - voided.length, 100)
    const stock = await db!
      .selectFrom('stock_levels')
      .select('reserved')
      .where('brand_id', '=', brand.brand.id)
      .executeTakeFirstOrThrow()
    assert.equal(stock.reserved, 100)
    console.log(
      `# 1,000 checkouts at 40-way concurrency on one capped code: ${Math.round(elapsed)} ms (${Math.round(1000 / (elapsed / 1000))} attempts/s)`,
    )
  })

  test('a per-customer cap of 2 holds when each of 10 customers tries 20 times at once', async () => {
    const brand = await createTestBrand(db!)
    const product = await createTestProduct(brand, {
      variants: [{ sku: 'PC-M', size: 'M', priceMinor: 2000, onHand: 5000 }],
    })
    const code = await createPromotion(staff(brand), {
      code: 'TWICE',
      kind: 'percentage',
      percent: 10,
      perCustomerLimit: 2,
    })
    const carts = await pooled(200, 40, () => cartWith(brand, product, 1, 'TWICE'))
    const { providers } = recordingProvider()
    // Customers interleaved (0,1,…,9,0,1,…), e-mails in varying case: the same customer each time.
    const email = (i: number) => (i % 20 < 10 ? `client${i % 10}@example.org` : `CLIENT${i % 10}@Example.Org`)
    const outcomes = await pooled(200, 40, (i) =>
      attempt(() =>
        placeOrder({ ...brand, now: new Date() }, checkoutInput(carts[i]!, email(i)), {
          idempotencyKey: `pc-${i}`,
          providers,
        }),
      ),
    )
    assert.deepEqual(countBy(outcomes.map((o) => (o.ok ? 'placed' : o.code))), {
      placed: 20,
      'promotion-already-used': 180,
    })
    const perCustomer = await db!
      .selectFrom('promotion_customer_uses')
      .select(['customer', 'used'])
      .where('promotion_id', '=', code.id)
      .orderBy('customer')
      .execute()
    assert.deepEqual(
      perCustomer,
      Array.from({ length: 10 }, (_, i) => ({ customer: `client${i}@example.org`, used: 2 })),
    )
    const row = await db!
      .selectFrom('promotion_codes')
      .select('used')
      .where('id', '=', code.id)
      .executeTakeFirstOrThrow()
    assert.equal(row.used, 20)
  })

  test('concurrent retries with one Idempotency-Key place one order and use the code once', async () => {
    const brand = await createTestBrand(db!)
    const product = await createTestProduct(brand, {
      variants: [{ sku: 'ID-M', size: 'M', priceMinor: 2000, onHand: 50 }],
    })
    const code = await createPromotion(staff(brand), { code: 'RETRY', kind: 'amount', amountMinor: 300, usageLimit: 5 })
    const token = await cartWith(brand, product, 1, 'RETRY')
    const { providers } = recordingProvider()
    const outcomes = await pooled(20, 20, () =>
      attempt(() =>
        placeOrder({ ...brand, now: new Date() }, checkoutInput(token), { idempotencyKey: 'same-key', providers }),
      ),
    )
    const ids = new Set(outcomes.flatMap((o) => (o.ok ? [o.orderId] : [])))
    assert.equal(ids.size, 1)
    assert.ok(
      outcomes.every((o) => o.ok),
      JSON.stringify(outcomes.filter((o) => !o.ok)),
    )
    const row = await db!
      .selectFrom('promotion_codes')
      .select('used')
      .where('id', '=', code.id)
      .executeTakeFirstOrThrow()
    assert.equal(row.used, 1)
  })
})

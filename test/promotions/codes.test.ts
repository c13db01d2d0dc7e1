import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, test } from 'node:test'
import { changeCartLine } from '../../src/checkout/index.ts'
import { buildOrderDocument } from '../../src/erp/ubl-order.ts'
import { validateUbl, xsdAvailable } from '../../src/erp/xsd.ts'
import { getOrder } from '../../src/orders/index.ts'
import { vatIncluded } from '../../src/platform/money.ts'
import { PromotionRejected, setCartPromotionCode } from '../../src/promotions/index.ts'
import { signedInStaff } from '../access/fixtures.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'
import { startTestServer } from '../helpers/server.ts'
import { address, cartWith, checkoutInput, placeOrder, recordingProvider } from './helpers.ts'

const database = await openTestDatabase()
const db = database.db
const brandA = await createTestBrand(db)
const brandB = await createTestBrand(db)
const variant = (sku: string, priceMinor: number) => ({ sku, size: 'M', colour: 'Noir', priceMinor, onHand: 500 })
const dress = await createTestProduct(brandA, { variants: [variant('DRESS-M', 3000)] })
const scarf = await createTestProduct(brandA, { variants: [variant('SCARF-U', 1000)] })
const bProduct = await createTestProduct(brandB, { variants: [variant('B-M', 3000)] })
const server = await startTestServer(database)
const hostA = `${brandA.brand.slug}.localhost`
const hostB = `${brandB.brand.slug}.localhost`
const slugA = brandA.brand.slug
const slugB = brandB.brand.slug

async function createCode(body: Record<string, unknown>, slug = slugA) {
  const res = await server.request('POST', `/api/admin/brands/${slug}/promotions`, { admin: true, body })
  assert.equal(res.status, 201, res.text)
  return res.body
}

async function apiCart(host: string, variantId: string, quantity: number): Promise<string> {
  const cart = await server.request('POST', '/api/store/carts', { host })
  const added = await server.request('POST', `/api/store/carts/${cart.body.token}/lines`, {
    host,
    body: { variantId, quantity },
  })
  assert.equal(added.status, 200, added.text)
  return cart.body.token
}

const apply = (host: string, token: string, code: string) =>
  server.request('POST', `/api/store/carts/${token}/promotion`, { host, body: { code } })

function checkout(host: string, token: string, key: string, email = 'camille@example.org') {
  return server.request('POST', '/api/store/checkout', {
    host,
    headers: { 'idempotency-key': key },
    body: { ...checkoutInput(token, email), shippingAddress: address },
  })
}

async function usedOf(id: string) {
  const row = await db.selectFrom('promotion_codes').select('used').where('id', '=', id).executeTakeFirstOrThrow()
  return row.used
}

describe('promotion codes: admin API', () => {
  test('creates a code (stored upper-case), answers usage counts, refuses a duplicate in any case', async () => {
    const created = await createCode({ code: 'hiver15', kind: 'percentage', percent: 15, usageLimit: 10 })
    assert.equal(created.code, 'HIVER15')
    assert.deepEqual(
      {
        kind: created.kind,
        percent: created.percent,
        amountMinor: created.amountMinor,
        used: created.used,
        remaining: created.remaining,
        customers: created.customers,
        active: created.active,
        currency: created.currency,
        minimumSpendMinor: created.minimumSpendMinor,
        createdBy: created.createdBy,
      },
      {
        kind: 'percentage',
        percent: 15,
        amountMinor: null,
        used: 0,
        remaining: 10,
        customers: 0,
        active: true,
        currency: 'EUR',
        minimumSpendMinor: 0,
        createdBy: 'admin@test.invalid',
      },
    )
    const dup = await server.request('POST', `/api/admin/brands/${slugA}/promotions`, {
      admin: true,
      body: { code: 'Hiver15', kind: 'amount', amountMinor: 500 },
    })
    assert.equal(dup.status, 409)
    assert.equal(dup.body.type, '/problems/duplicate-promotion-code')
    // Another brand may have the same text: codes are per brand.
    assert.equal((await createCode({ code: 'HIVER15', kind: 'free-shipping' }, slugB)).code, 'HIVER15')

    const list = await server.request('GET', `/api/admin/brands/${slugA}/promotions?limit=200`, { admin: true })
    assert.equal(list.status, 200)
    assert.ok(list.body.items.some((p: { id: string }) => p.id === created.id))
    const got = await server.request('GET', `/api/admin/brands/${slugA}/promotions/${created.id}`, { admin: true })
    assert.equal(got.body.code, 'HIVER15')
  })

  test('refuses inconsistent or hostile terms with a 400, and changes nothing', async () => {
    const bad = [
      { code: 'P1', kind: 'percentage' },
      { code: 'P2', kind: 'percentage', percent: 0 },
      { code: 'P3', kind: 'percentage', percent: 101 },
      { code: 'P4', kind: 'amount' },
      { code: 'P5', kind: 'amount', amountMinor: 500, percent: 10 },
      { code: 'P6', kind: 'free-shipping', amountMinor: 500 },
      { code: 'P7', kind: 'amount', amountMinor: -1 },
      {
        code: 'P8',
        kind: 'amount',
        amountMinor: 100,
        startsAt: '2026-02-01T00:00:00Z',
        endsAt: '2026-01-01T00:00:00Z',
      },
      { code: 'P9', kind: 'amount', amountMinor: 100, startsAt: 'tomorrow' },
      { code: 'P10', kind: 'amount', amountMinor: 100, usageLimit: 0 },
      { code: "X'; DROP TABLE orders; --", kind: 'free-shipping' },
      { code: 'ÉTÉ', kind: 'free-shipping' },
      { code: 'A'.repeat(41), kind: 'free-shipping' },
      { code: 'OK1', kind: 'free-shipping', extra: true },
    ]
    for (const body of bad) {
      const res = await server.request('POST', `/api/admin/brands/${slugA}/promotions`, { admin: true, body })
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status} ${res.text}`)
      assert.equal(res.body.type, '/problems/validation')
    }
    const count = await db
      .selectFrom('promotion_codes')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('brand_id', '=', brandA.brand.id)
      .where('code', 'in', ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9', 'P10', 'OK1'])
      .executeTakeFirstOrThrow()
    assert.equal(Number(count.n), 0)
  })

  test('updates terms and deactivates, each change in the audit log with before/after', async () => {
    const created = await createCode({ code: 'AUDIT-ME', kind: 'amount', amountMinor: 500 })
    const patched = await server.request('PATCH', `/api/admin/brands/${slugA}/promotions/${created.id}`, {
      admin: true,
      body: { kind: 'percentage', percent: 20, minimumSpendMinor: 4000 },
    })
    assert.equal(patched.status, 200, patched.text)
    assert.deepEqual([patched.body.kind, patched.body.percent, patched.body.amountMinor], ['percentage', 20, null])
    const off = await server.request('POST', `/api/admin/brands/${slugA}/promotions/${created.id}/deactivate`, {
      admin: true,
    })
    assert.equal(off.body.active, false)
    const audit = await server.request('GET', `/api/admin/audit?entityType=promotion&entityId=${created.id}`, {
      admin: true,
    })
    const entries = audit.body.items.map((e: { action: string; before: unknown; after: unknown }) => [
      e.action,
      e.before,
      e.after,
    ])
    assert.deepEqual(entries.reverse(), [
      [
        'create',
        null,
        {
          code: 'AUDIT-ME',
          description: '',
          kind: 'amount',
          percent: null,
          amountMinor: 500,
          minimumSpendMinor: 0,
          startsAt: null,
          endsAt: null,
          active: true,
          usageLimit: null,
          perCustomerLimit: null,
        },
      ],
      [
        'update',
        { kind: 'amount', percent: null, amountMinor: 500, minimumSpendMinor: 0 },
        { kind: 'percentage', percent: 20, amountMinor: null, minimumSpendMinor: 4000 },
      ],
      ['deactivate', { active: true }, { active: false }],
    ])
    // An empty change is not a change.
    const empty = await server.request('PATCH', `/api/admin/brands/${slugA}/promotions/${created.id}`, {
      admin: true,
      body: {},
    })
    assert.equal(empty.status, 400)
  })

  test("permissions and brands: B's codes are invisible to A's staff; readers cannot write", async () => {
    const bCode = await createCode({ code: 'B-ONLY', kind: 'free-shipping' }, slugB)
    const merchA = await signedInStaff(server, db, 'merchandiser', brandA.brand.id)
    const viewerA = await signedInStaff(server, db, 'brand-viewer', brandA.brand.id)
    const asMerch = { session: merchA }
    const create = (slug: string, session = merchA) =>
      server.request('POST', `/api/admin/brands/${slug}/promotions`, {
        session,
        body: { code: `M-${randomUUID().slice(0, 8)}`, kind: 'free-shipping' },
      })
    assert.equal((await create(slugA)).status, 201)
    assert.equal((await create(slugB)).status, 404)
    assert.equal((await create(slugA, viewerA)).status, 403)
    assert.equal(
      (await server.request('GET', `/api/admin/brands/${slugA}/promotions`, { session: viewerA })).status,
      200,
    )
    assert.equal((await server.request('GET', `/api/admin/brands/${slugB}/promotions`, asMerch)).status, 404)
    // B's code id asked through A's slug: not found, not revealed.
    for (const [method, path] of [
      ['GET', `/api/admin/brands/${slugA}/promotions/${bCode.id}`],
      ['PATCH', `/api/admin/brands/${slugA}/promotions/${bCode.id}`],
      ['POST', `/api/admin/brands/${slugA}/promotions/${bCode.id}/deactivate`],
    ] as const) {
      const res = await server.request(method, path, {
        ...asMerch,
        ...(method === 'PATCH' ? { body: { active: false } } : {}),
      })
      assert.equal(res.status, 404, `${method} ${path}`)
    }
    assert.equal(await usedOf(bCode.id), 0)
    const still = await db
      .selectFrom('promotion_codes')
      .select('active')
      .where('id', '=', bCode.id)
      .executeTakeFirstOrThrow()
    assert.equal(still.active, true)
    // Without a session at all.
    assert.equal((await server.request('GET', `/api/admin/brands/${slugA}/promotions`)).status, 401)
  })
})

describe('promotion codes on a cart (JSON API)', () => {
  test('a code that applies shows its discount in the cart totals; DELETE takes it off', async () => {
    await createCode({ code: 'CART10', kind: 'percentage', percent: 10 })
    const token = await apiCart(hostA, dress.variants[0]!.id, 1) // 30.00
    const res = await apply(hostA, token, '  cart10 ')
    assert.equal(res.status, 200, res.text)
    assert.deepEqual(res.body.promotion, {
      code: 'CART10',
      kind: 'percentage',
      applies: true,
      reason: null,
      message: null,
      discountMinor: 300,
      freeShipping: false,
      minimumSpendMinor: 0,
    })
    assert.deepEqual(
      [res.body.subtotalMinor, res.body.discountMinor, res.body.shippingMinor, res.body.totalMinor],
      [3000, 300, 490, 3190],
    )
    assert.equal(res.body.vatMinor, vatIncluded(2700, 2000) + vatIncluded(490, 2000))
    const got = await server.request('GET', `/api/store/carts/${token}`, { host: hostA })
    assert.equal(got.body.totalMinor, 3190)
    const removed = await server.request('DELETE', `/api/store/carts/${token}/promotion`, { host: hostA })
    assert.equal(removed.status, 200)
    assert.deepEqual([removed.body.promotion, removed.body.totalMinor], [null, 3490])
  })

  test('each reason a code is refused, with a stable problem type; the cart keeps no code', async () => {
    const now = Date.now()
    await createCode({ code: 'GONE', kind: 'percentage', percent: 10, active: false })
    await createCode({
      code: 'LATER',
      kind: 'percentage',
      percent: 10,
      startsAt: new Date(now + 3600_000).toISOString(),
    })
    await createCode({
      code: 'PAST',
      kind: 'percentage',
      percent: 10,
      startsAt: new Date(now - 7200_000).toISOString(),
      endsAt: new Date(now - 3600_000).toISOString(),
    })
    const usedUp = await createCode({ code: 'ONCE', kind: 'amount', amountMinor: 100, usageLimit: 1 })
    const token = await apiCart(hostA, dress.variants[0]!.id, 1)
    const placed = await checkout(hostA, await cartWithCode(hostA, 'ONCE'), randomUUID())
    assert.equal(placed.status, 201, placed.text)
    assert.equal(await usedOf(usedUp.id), 1)

    for (const [code, reason] of [
      ['NOPE', 'unknown'],
      ['gone', 'inactive'],
      ['LATER', 'not-yet-valid'],
      ['PAST', 'expired'],
      ['ONCE', 'used-up'],
      ["X' OR '1'='1", 'unknown'],
      ['%', 'unknown'],
      ['ÉTÉ-10', 'unknown'],
      ['🎁🎁🎁', 'unknown'],
      ['A'.repeat(100), 'unknown'],
    ] as const) {
      const res = await apply(hostA, token, code)
      assert.equal(res.status, 409, `${code}: ${res.text}`)
      assert.equal(res.body.type, `/problems/promotion-${reason}`, code)
      assert.equal(res.body.reason, reason)
      assert.ok(res.body.detail.length > 10)
    }
    // Beyond the schema's bound: a validation error, not a look-up.
    assert.equal((await apply(hostA, token, 'A'.repeat(101))).status, 400)
    assert.equal((await apply(hostA, token, '')).status, 400)
    const cart = await server.request('GET', `/api/store/carts/${token}`, { host: hostA })
    assert.equal(cart.body.promotion, null)
  })

  test('a minimum spend not met is kept and explained, and applies once the cart reaches it', async () => {
    await createCode({ code: 'MIN50', kind: 'amount', amountMinor: 1000, minimumSpendMinor: 5000 })
    const token = await apiCart(hostA, dress.variants[0]!.id, 1) // 30.00
    const res = await apply(hostA, token, 'MIN50')
    assert.equal(res.status, 200)
    assert.deepEqual(
      [res.body.promotion.applies, res.body.promotion.reason, res.body.discountMinor, res.body.totalMinor],
      [false, 'minimum-spend', 0, 3490],
    )
    // 30.00 + 2 × 10.00 = 50.00: exactly the minimum.
    const more = await server.request('POST', `/api/store/carts/${token}/lines`, {
      host: hostA,
      body: { variantId: scarf.variants[0]!.id, quantity: 2 },
    })
    assert.deepEqual(
      [more.body.promotion.applies, more.body.discountMinor, more.body.shippingMinor, more.body.totalMinor],
      // 40.00 of goods after the discount: below the 50.00 free-shipping threshold.
      [true, 1000, 490, 4490],
    )
  })

  test("brand A's code does not exist on brand B's storefront, nor A's cart on B's host", async () => {
    await createCode({ code: 'A-ONLY', kind: 'amount', amountMinor: 500 })
    const tokenB = await apiCart(hostB, bProduct.variants[0]!.id, 1)
    const res = await apply(hostB, tokenB, 'A-ONLY')
    assert.equal(res.status, 409)
    assert.equal(res.body.reason, 'unknown')
    const tokenA = await apiCart(hostA, dress.variants[0]!.id, 1)
    assert.equal((await apply(hostB, tokenA, 'HIVER15')).status, 404)
    assert.equal((await server.request('DELETE', `/api/store/carts/${tokenA}/promotion`, { host: hostB })).status, 404)
    // A code of B put straight into A's cart row (bypassing the API) is still unknown at checkout.
    await db
      .insertInto('cart_promotions')
      .values({ brand_id: brandA.brand.id, cart_token: tokenA, code: 'B-ONLY', applied_at: new Date() })
      .execute()
    const placed = await checkout(hostA, tokenA, randomUUID())
    assert.equal(placed.status, 409)
    assert.equal(placed.body.type, '/problems/promotion-unknown')
  })
})

async function cartWithCode(host: string, code: string, variantId = dress.variants[0]!.id, quantity = 1) {
  const token = await apiCart(host, variantId, quantity)
  const res = await apply(host, token, code)
  assert.equal(res.status, 200, res.text)
  return token
}

describe('checkout with a promotion code', () => {
  test('the order records the code and discount, VAT per line on what was paid; a retry redeems once', async () => {
    const code = await createCode({ code: 'ORDER20', kind: 'percentage', percent: 20 })
    const token = await apiCart(hostA, dress.variants[0]!.id, 1)
    await server.request('POST', `/api/store/carts/${token}/lines`, {
      host: hostA,
      body: { variantId: scarf.variants[0]!.id, quantity: 1 },
    })
    assert.equal((await apply(hostA, token, 'order20')).status, 200)
    const key = randomUUID()
    const first = await checkout(hostA, token, key)
    assert.equal(first.status, 201, first.text)
    const order = first.body
    // 40.00 of goods, 20 % off = 8.00 (6.00 on the dress, 2.00 on the scarf); 32.00 ≥ … < 50: shipping 4.90.
    assert.deepEqual(
      [order.subtotalMinor, order.discountMinor, order.shippingMinor, order.totalMinor, order.promotionCode],
      [4000, 800, 490, 3690, 'ORDER20'],
    )
    assert.deepEqual(
      order.lines.map((l: { vatMinor: number }) => l.vatMinor),
      [vatIncluded(2400, 2000), vatIncluded(800, 2000)],
    )
    assert.equal(order.vatMinor, vatIncluded(2400, 2000) + vatIncluded(800, 2000) + vatIncluded(490, 2000))

    const retry = await checkout(hostA, token, key)
    assert.equal(retry.status, 200)
    assert.equal(retry.body.id, order.id)
    assert.equal(await usedOf(code.id), 1)
    const redemptions = await db
      .selectFrom('promotion_redemptions')
      .selectAll()
      .where('promotion_id', '=', code.id)
      .execute()
    assert.deepEqual(
      redemptions.map((r) => [r.order_id, r.customer, Number(r.discount_minor), Number(r.shipping_discount_minor)]),
      [[order.id, 'camille@example.org', 800, 0]],
    )
    // The admin order view and the shopper's look-up show it too.
    const admin = await server.request('GET', `/api/admin/brands/${slugA}/orders/${order.id}`, { admin: true })
    assert.deepEqual([admin.body.discountMinor, admin.body.promotionCode], [800, 'ORDER20'])
    const detail = await server.request('GET', `/api/admin/brands/${slugA}/promotions/${code.id}`, { admin: true })
    assert.deepEqual([detail.body.used, detail.body.remaining, detail.body.customers], [1, null, 1])
  })

  test('a per-customer cap refuses the same e-mail (any case) at checkout, charges nothing, keeps the cart', async () => {
    const code = await createCode({ code: 'FIRSTBUY', kind: 'amount', amountMinor: 500, perCustomerLimit: 1 })
    const first = await checkout(hostA, await cartWithCode(hostA, 'FIRSTBUY'), randomUUID(), 'Lou@Example.org')
    assert.equal(first.status, 201, first.text)
    const token = await cartWithCode(hostA, 'FIRSTBUY')
    const second = await checkout(hostA, token, randomUUID(), 'LOU@example.ORG')
    assert.equal(second.status, 409)
    assert.equal(second.body.type, '/problems/promotion-already-used')
    assert.equal(await usedOf(code.id), 1)
    const cart = await server.request('GET', `/api/store/carts/${token}`, { host: hostA })
    assert.equal(cart.body.orderId, null)
    // Someone else may use it.
    assert.equal((await checkout(hostA, token, randomUUID(), 'other@example.org')).status, 201)
    assert.equal(await usedOf(code.id), 2)
  })

  test('free shipping zeroes shipping and records what it waived; an amount above the goods floors them at 0', async () => {
    await createCode({ code: 'SHIPFREE', kind: 'free-shipping' })
    const free = await checkout(hostA, await cartWithCode(hostA, 'SHIPFREE', scarf.variants[0]!.id), randomUUID())
    assert.deepEqual(
      [free.body.subtotalMinor, free.body.discountMinor, free.body.shippingMinor, free.body.totalMinor],
      [1000, 0, 0, 1000],
    )
    const waived = await db
      .selectFrom('promotion_redemptions')
      .select('shipping_discount_minor')
      .where('order_id', '=', free.body.id)
      .executeTakeFirstOrThrow()
    assert.equal(Number(waived.shipping_discount_minor), 490)

    await createCode({ code: 'BIGGIFT', kind: 'amount', amountMinor: 100_000 })
    const big = await checkout(hostA, await cartWithCode(hostA, 'BIGGIFT', scarf.variants[0]!.id), randomUUID())
    assert.deepEqual(
      [big.body.subtotalMinor, big.body.discountMinor, big.body.shippingMinor, big.body.totalMinor, big.body.vatMinor],
      [1000, 1000, 490, 490, vatIncluded(490, 2000)],
    )
  })

  test('a code that expired after it was applied is refused at checkout, before any payment', async () => {
    const ends = new Date(Date.now() + 60_000)
    await createCode({ code: 'SOON-OVER', kind: 'percentage', percent: 5, endsAt: ends.toISOString() })
    const token = await cartWith(brandA, dress, 1, 'SOON-OVER')
    const { providers, authorized } = recordingProvider()
    const at = (now: Date) => placeOrder({ ...brandA, now }, checkoutInput(token), { idempotencyKey: null, providers })
    await assert.rejects(at(ends), (e) => e instanceof PromotionRejected && e.reason === 'expired')
    assert.deepEqual(authorized, [])
    // One millisecond before its end it still applies.
    const placed = await at(new Date(ends.getTime() - 1))
    assert.equal(placed.order.promotionCode, 'SOON-OVER')
  })

  test('used up while the payment was authorised: no order, no stock taken, the authorisation voided', async () => {
    const code = await createCode({ code: 'LASTONE', kind: 'amount', amountMinor: 700, usageLimit: 1 })
    const token = await cartWith(brandA, dress, 2, 'LASTONE')
    // Another checkout takes the last use while this one waits on the payment provider.
    const { providers, voided, authorized } = recordingProvider(async () => {
      await db.updateTable('promotion_codes').set({ used: 1 }).where('id', '=', code.id).execute()
    })
    const stockBefore = await reservedOf(dress.variants[0]!.id)
    await assert.rejects(
      placeOrder(brandA, checkoutInput(token), { idempotencyKey: randomUUID(), providers }),
      (e) => e instanceof PromotionRejected && e.reason === 'used-up' && e.status === 409,
    )
    assert.equal(authorized.length, 1)
    assert.deepEqual(voided, authorized)
    assert.equal(await reservedOf(dress.variants[0]!.id), stockBefore)
    const orders = await db.selectFrom('orders').select('id').where('promotion_code', '=', 'LASTONE').execute()
    assert.deepEqual(orders, [])
    const cart = await db.selectFrom('carts').select('order_id').where('token', '=', token).executeTakeFirstOrThrow()
    assert.equal(cart.order_id, null)
  })

  test('the ERP Order carries the discount as an AllowanceCharge and still validates against the XSD', async (t) => {
    await createCode({ code: 'ERP-15', kind: 'percentage', percent: 15 })
    const token = await cartWith(brandA, dress, 1)
    await changeCartLine(brandA, token, { variantId: scarf.variants[0]!.id, quantity: 3, mode: 'add' })
    await setCartPromotionCode(brandA, token, 'ERP-15')
    const { providers } = recordingProvider()
    const placed = await placeOrder(brandA, checkoutInput(token), { idempotencyKey: null, providers })
    const order = (await getOrder(brandA, placed.order.id))!
    // 60.00 of goods, 15 % = 9.00; 51.00 left ≥ 50.00: free shipping.
    assert.deepEqual(
      [order.subtotalMinor, order.discountMinor, order.shippingMinor, order.totalMinor],
      [6000, 900, 0, 5100],
    )
    const doc = buildOrderDocument(order, brandA.brand, { itemId: 'sku' })
    const amountOf = (name: string) => {
      const m = new RegExp(`<cbc:${name} currencyID="EUR">([0-9.]+)</cbc:${name}>`).exec(doc.xml)
      return m ? Math.round(Number(m[1]) * 100) : null
    }
    assert.match(
      doc.xml,
      /<cbc:ChargeIndicator>false<\/cbc:ChargeIndicator>\s*<cbc:AllowanceChargeReasonCode>95<\/cbc:AllowanceChargeReasonCode>\s*<cbc:AllowanceChargeReason>Promotion code ERP-15<\/cbc:AllowanceChargeReason>/,
    )
    // Lines before the allowance at their undiscounted nets: 60.00 gross = 50.00 net.
    assert.equal(amountOf('LineExtensionAmount'), 5000)
    const taxExclusive = amountOf('TaxExclusiveAmount')!
    assert.equal(amountOf('AllowanceTotalAmount'), 5000 - taxExclusive)
    assert.equal(amountOf('AllowanceTotalTaxInclusiveAmount'), 900)
    assert.equal(taxExclusive + order.vatMinor, order.totalMinor)
    assert.equal(amountOf('PayableAmount'), 5100)
    if (!xsdAvailable()) {
      t.skip('UBL 2.4 schemas (../shared/ubl-2.4) or xmllint missing: XSD validation skipped')
      return
    }
    const [result] = await validateUbl('Order', [doc.xml])
    assert.deepEqual(result, { valid: true, errors: [] })
  })
})

async function reservedOf(variantId: string) {
  const row = await db
    .selectFrom('stock_levels')
    .select('reserved')
    .where('variant_id', '=', variantId)
    .executeTakeFirstOrThrow()
  return row.reserved
}

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { apiKeyFor, signedInStaff } from '../access/fixtures.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'
import { startTestServer, type TestSession } from '../helpers/server.ts'

/** The admin API of sale events: validation, time zones, cross-brand rules, audit, price at T, diffs. */
const database = await openTestDatabase()
const db = database.db
const server = await startTestServer(database)
const paris = await createTestBrand(db, { timeZone: 'Europe/Paris' })
const london = await createTestBrand(db, { timeZone: 'Europe/London', currency: 'GBP' })
const lyon = await createTestBrand(db, { timeZone: 'Europe/Paris' })
const dress = await createTestProduct(paris, {
  title: 'Robe',
  categoryPath: 'Femme > Robes',
  variants: [
    { sku: 'ROBE-S', size: 'S', priceMinor: 5000, onHand: 3 },
    { sku: 'ROBE-M', size: 'M', priceMinor: 6000, onHand: 3 },
  ],
})
const coat = await createTestProduct(paris, {
  title: 'Manteau',
  categoryPath: 'Homme > Manteaux',
  variants: [{ sku: 'MANTEAU-M', size: 'M', priceMinor: 20000, onHand: 1 }],
})
const scarf = await createTestProduct(london, {
  title: 'Scarf',
  variants: [{ sku: 'SCARF-1', size: 'U', priceMinor: 3000, onHand: 1 }],
})
const lyonShirt = await createTestProduct(lyon, {
  title: 'Chemise',
  variants: [{ sku: 'CHEMISE-M', size: 'M', priceMinor: 4000, onHand: 1 }],
})
await server.brands.refresh()

const body = (overrides: Record<string, unknown> = {}) => ({
  name: 'Soldes d’hiver',
  brands: [paris.brand.slug],
  startsAt: '2027-01-13T08:00',
  endsAt: '2027-02-09T20:00',
  rules: [{ discount: { kind: 'percent', percent: 30 }, target: { kind: 'brand' } }],
  ...overrides,
})
const post = (payload: unknown, session?: TestSession) =>
  server.request(
    'POST',
    '/api/admin/sale-events',
    session ? { session, body: payload } : { admin: true, body: payload },
  )

describe('sale events admin API', () => {
  test('creates a multi-brand event: 08:00 on each brand’s own clocks, listed, audited per brand', async () => {
    const res = await post(body({ brands: [paris.brand.slug, london.brand.slug], rounding: '.99' }))
    assert.equal(res.status, 201, res.text)
    assert.deepEqual(
      res.body.brands.map((b: { slug: string; startsAt: string; endsAt: string; status: string }) => [
        b.slug,
        b.startsAt,
        b.endsAt,
        b.status,
      ]),
      [
        [paris.brand.slug, '2027-01-13T07:00:00.000Z', '2027-02-09T19:00:00.000Z', 'scheduled'],
        [london.brand.slug, '2027-01-13T08:00:00.000Z', '2027-02-09T20:00:00.000Z', 'scheduled'],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    )
    assert.deepEqual(res.body.rules, [{ discount: { kind: 'percent', percent: 30 }, target: { kind: 'brand' } }])
    assert.equal(res.body.rounding, '.99')
    const listed = await server.request('GET', `/api/admin/sale-events?brand=${london.brand.slug}`, { admin: true })
    assert.ok(listed.body.items.some((e: { id: string }) => e.id === res.body.id))
    for (const brand of [paris, london]) {
      const audit = await server.request(
        'GET',
        `/api/admin/audit?entityType=sale-event&entityId=${res.body.id}&brand=${brand.brand.slug}`,
        { admin: true },
      )
      assert.equal(audit.body.items.length, 1)
      assert.equal(audit.body.items[0].action, 'create')
    }
    // Price at T through the API: 6000 − 30 % = 4200 → 4199 (.99); the day before: 6000.
    const at = (t: string) =>
      server.request('GET', `/api/admin/brands/${paris.brand.slug}/prices?productId=${dress.id}&at=${t}`, {
        admin: true,
      })
    const during = await at('2027-01-13T08:00')
    assert.equal(during.status, 200, during.text)
    assert.deepEqual(
      during.body.prices.map((p: { priceMinor: number }) => p.priceMinor),
      [3499, 4199],
    )
    assert.deepEqual(during.body.prices[0].applied, [res.body.id])
    assert.deepEqual(
      (await at('2027-01-13T07:59:59.999')).body.prices.map((p: { priceMinor: number }) => p.priceMinor),
      [5000, 6000],
    )
    const one = await server.request(
      'GET',
      `/api/admin/brands/${paris.brand.slug}/prices?variantId=${dress.variants[1]!.id}&at=2027-01-13T07:00:00Z`,
      { admin: true },
    )
    assert.deepEqual(
      one.body.prices.map((p: { sku: string; priceMinor: number }) => [p.sku, p.priceMinor]),
      [['ROBE-M', 4199]],
    )
    // What changes at the start, per brand.
    const changes = await server.request('GET', `/api/admin/sale-events/${res.body.id}/changes`, { admin: true })
    assert.equal(changes.status, 200, changes.text)
    const parisChanges = changes.body.brands.find((b: { slug: string }) => b.slug === paris.brand.slug)
    assert.equal(parisChanges.at, '2027-01-13T07:00:00.000Z')
    assert.deepEqual(
      parisChanges.changes
        .map((c: { sku: string; oldPriceMinor: number; newPriceMinor: number }) => [
          c.sku,
          c.oldPriceMinor,
          c.newPriceMinor,
        ])
        .sort(),
      [
        ['MANTEAU-M', 20000, 13999],
        ['ROBE-M', 6000, 4199],
        ['ROBE-S', 5000, 3499],
      ],
    )
    const londonChanges = changes.body.brands.find((b: { slug: string }) => b.slug === london.brand.slug)
    assert.deepEqual(
      londonChanges.changes.map((c: { sku: string; newPriceMinor: number }) => [c.sku, c.newPriceMinor]),
      [['SCARF-1', 2099]],
    )
    const deleted = await server.request('DELETE', `/api/admin/sale-events/${res.body.id}`, { admin: true })
    assert.equal(deleted.status, 204)
    assert.equal((await server.request('GET', `/api/admin/sale-events/${res.body.id}`, { admin: true })).status, 404)
  })

  test('targets: categories, products, variants, most specific rule first; ids split per brand', async () => {
    const res = await post(
      body({
        brands: [paris.brand.slug, lyon.brand.slug],
        rules: [
          { discount: { kind: 'percent', percent: 10 }, target: { kind: 'brand' } },
          { discount: { kind: 'amount', amountMinor: 1000 }, target: { kind: 'categories', paths: ['Femme'] } },
          { discount: { kind: 'fixed', priceMinor: 2500 }, target: { kind: 'variants', ids: [dress.variants[0]!.id] } },
          { discount: { kind: 'percent', percent: 50 }, target: { kind: 'products', ids: [lyonShirt.id] } },
        ],
      }),
    )
    assert.equal(res.status, 201, res.text)
    const prices = async (brand: typeof paris, productId: string) =>
      (
        await server.request(
          'GET',
          `/api/admin/brands/${brand.brand.slug}/prices?productId=${productId}&at=2027-01-20T12:00`,
          { admin: true },
        )
      ).body.prices.map((p: { priceMinor: number }) => p.priceMinor)
    assert.deepEqual(await prices(paris, dress.id), [2500, 5000]) // variant rule; then the category rule
    assert.deepEqual(await prices(paris, coat.id), [18000]) // whole brand
    assert.deepEqual(await prices(lyon, lyonShirt.id), [2000]) // product rule, in the brand that owns it
    assert.deepEqual(res.body.rules[3].target, { kind: 'products', ids: [lyonShirt.id] })
    await server.request('DELETE', `/api/admin/sale-events/${res.body.id}`, { admin: true })
  })

  test('patch replaces fields; brands may be added; every brand touched is audited', async () => {
    const created = await post(body())
    const patched = await server.request('PATCH', `/api/admin/sale-events/${created.body.id}`, {
      admin: true,
      body: { brands: [paris.brand.slug, lyon.brand.slug], combine: 'exclusive', priority: 5 },
    })
    assert.equal(patched.status, 200, patched.text)
    assert.deepEqual(
      patched.body.brands.map((b: { slug: string }) => b.slug).sort(),
      [lyon.brand.slug, paris.brand.slug].sort(),
    )
    assert.equal(patched.body.combine, 'exclusive')
    const audit = await server.request(
      'GET',
      `/api/admin/audit?entityType=sale-event&entityId=${created.body.id}&brand=${lyon.brand.slug}`,
      { admin: true },
    )
    assert.deepEqual(
      audit.body.items.map((e: { action: string }) => e.action),
      ['create'],
    )
    const parisAudit = await server.request(
      'GET',
      `/api/admin/audit?entityType=sale-event&entityId=${created.body.id}&brand=${paris.brand.slug}`,
      { admin: true },
    )
    assert.deepEqual(parisAudit.body.items.map((e: { action: string }) => e.action).sort(), ['create', 'update'])
  })

  test('refuses what cannot be right: DST gap, end before start, mixed currencies with amounts, stacking fixed prices, unknown or foreign ids', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ startsAt: '2026-03-29T02:30' }, /does not exist in Europe\/Paris/],
      [{ endsAt: '2027-01-13T07:00' }, /end after it starts/],
      [
        {
          brands: [paris.brand.slug, london.brand.slug],
          rules: [{ discount: { kind: 'amount', amountMinor: 500 }, target: { kind: 'brand' } }],
        },
        /one currency/,
      ],
      [
        { combine: 'stack', rules: [{ discount: { kind: 'fixed', priceMinor: 500 }, target: { kind: 'brand' } }] },
        /cannot stack/,
      ],
      [
        { rules: [{ discount: { kind: 'percent', percent: 10 }, target: { kind: 'products', ids: [scarf.id] } }] },
        /Unknown products/,
      ],
      [
        {
          rules: [
            {
              discount: { kind: 'percent', percent: 10 },
              target: { kind: 'variants', ids: ['00000000-0000-4000-8000-000000000000'] },
            },
          ],
        },
        /Unknown variants/,
      ],
      [{ startsAt: '2027-02-30T08:00' }, /not a valid date-time/],
    ]
    for (const [overrides, message] of cases) {
      const res = await post(body(overrides))
      assert.equal(res.status, 400, `${JSON.stringify(overrides)}: ${res.text}`)
      assert.match(res.body.detail, message)
    }
    // Schema-level refusals: hostile or malformed bodies.
    for (const bad of [
      body({ name: '' }),
      body({ name: 'x'.repeat(201) }),
      body({ startsAt: "2027-01-13'; drop table sale_events; --" }),
      body({ rules: [] }),
      body({ rules: [{ discount: { kind: 'percent', percent: 0 }, target: { kind: 'brand' } }] }),
      body({ rules: [{ discount: { kind: 'percent', percent: 100.001 }, target: { kind: 'brand' } }] }),
      body({ rules: [{ discount: { kind: 'amount', amountMinor: -5 }, target: { kind: 'brand' } }] }),
      body({
        rules: [{ discount: { kind: 'percent', percent: 10 }, target: { kind: 'products', ids: ['not-a-uuid'] } }],
      }),
      body({ priority: 1e9 }),
      body({ brands: [] }),
      body({ extra: true }),
      body({ combine: 'sometimes' }),
    ]) {
      const res = await post(bad)
      assert.equal(res.status, 400, JSON.stringify(bad).slice(0, 200))
    }
    const raw = await server.request('POST', '/api/admin/sale-events', { admin: true, rawBody: '{"name": "x", ' })
    assert.equal(raw.status, 400)
    assert.equal((await db.selectFrom('sale_events').select('id').where('name', '=', '').execute()).length, 0)
  })

  test('brand isolation: a merchandiser of one brand can neither target, see, edit nor preview another', async () => {
    const parisMerch = await signedInStaff(server, db, 'merchandiser', paris.brand.id)
    const parisViewer = await signedInStaff(server, db, 'brand-viewer', paris.brand.id)
    const lyonMerch = await signedInStaff(server, db, 'merchandiser', lyon.brand.id)
    // Targeting another brand: 404 (its existence is not revealed), nothing written.
    const across = await post(body({ brands: [paris.brand.slug, london.brand.slug] }), parisMerch)
    assert.equal(across.status, 404)
    // Another brand's products by id, in an event on one's own brand: unknown.
    const foreignIds = await post(
      body({
        rules: [{ discount: { kind: 'percent', percent: 10 }, target: { kind: 'products', ids: [lyonShirt.id] } }],
      }),
      parisMerch,
    )
    assert.equal(foreignIds.status, 400)
    // Read-only: 403.
    assert.equal((await post(body(), parisViewer)).status, 403)
    const own = await post(body(), parisMerch)
    assert.equal(own.status, 201, own.text)
    const shared = await post(body({ brands: [paris.brand.slug, lyon.brand.slug] }))
    // The Lyon merchandiser sees neither the Paris event nor Paris in the shared one, and cannot change them.
    assert.equal(
      (await server.request('GET', `/api/admin/sale-events/${own.body.id}`, { session: lyonMerch })).status,
      404,
    )
    const seen = await server.request('GET', `/api/admin/sale-events/${shared.body.id}`, { session: lyonMerch })
    assert.deepEqual(
      seen.body.brands.map((b: { slug: string }) => b.slug),
      [lyon.brand.slug],
    )
    assert.equal(
      (await server.request('DELETE', `/api/admin/sale-events/${own.body.id}`, { session: lyonMerch })).status,
      404,
    )
    assert.equal(
      (await server.request('DELETE', `/api/admin/sale-events/${shared.body.id}`, { session: lyonMerch })).status,
      403,
    )
    assert.equal(
      (
        await server.request('PATCH', `/api/admin/sale-events/${shared.body.id}`, {
          session: lyonMerch,
          body: { name: 'Mine now' },
        })
      ).status,
      403,
    )
    const list = await server.request('GET', '/api/admin/sale-events', { session: lyonMerch })
    assert.equal(list.status, 200, list.text)
    assert.ok(
      list.body.items.every((e: { brands: Array<{ slug: string }> }) =>
        e.brands.every((b) => b.slug === lyon.brand.slug),
      ),
    )
    assert.equal(
      (await server.request('GET', `/api/admin/sale-events?brand=${paris.brand.slug}`, { session: lyonMerch })).status,
      404,
    )
    // Prices and previews of another brand: 404.
    assert.equal(
      (
        await server.request('GET', `/api/admin/brands/${paris.brand.slug}/prices?productId=${dress.id}`, {
          session: lyonMerch,
        })
      ).status,
      404,
    )
    assert.equal(
      (
        await server.request('POST', `/api/admin/brands/${paris.brand.slug}/previews`, {
          session: lyonMerch,
          body: { at: '2027-01-13T08:00' },
        })
      ).status,
      404,
    )
    // A product of another brand asked on one's own brand: 404.
    assert.equal(
      (
        await server.request('GET', `/api/admin/brands/${lyon.brand.slug}/prices?productId=${dress.id}`, {
          session: lyonMerch,
        })
      ).status,
      404,
    )
    // An API key of one brand is held to that brand too.
    const key = await apiKeyFor(lyon, ['catalog:read', 'catalog:write'])
    const byKey = await server.request('POST', '/api/admin/sale-events', {
      headers: { authorization: `Bearer ${key.key}` },
      body: body({ brands: [paris.brand.slug] }),
    })
    assert.equal(byKey.status, 404)
    const ownByKey = await server.request('POST', '/api/admin/sale-events', {
      headers: { authorization: `Bearer ${key.key}` },
      body: body({ brands: [lyon.brand.slug] }),
    })
    assert.equal(ownByKey.status, 201, ownByKey.text)
  })
})

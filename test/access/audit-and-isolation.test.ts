import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { sql } from 'kysely'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'
import { startTestServer } from '../helpers/server.ts'
import { apiKeyFor, newBrandBody, placeOrder, signedInStaff } from './fixtures.ts'

const database = await openTestDatabase()
const db = database.db
const server = await startTestServer(database)
const brandA = await createTestBrand(db)
const brandB = await createTestBrand(db)
const productA = await createTestProduct(brandA, { categoryPath: 'Femme > Robes' })
const productB = await createTestProduct(brandB, { categoryPath: 'Femme > Robes' })
const orderA = await placeOrder(server, brandA.brand.slug, productA.variants[0]!.id)
const orderB = await placeOrder(server, brandB.brand.slug, productB.variants[0]!.id)
const a = `/api/admin/brands/${brandA.brand.slug}`
const b = `/api/admin/brands/${brandB.brand.slug}`

const audit = async (query: string) =>
  (await server.request('GET', `/api/admin/audit?${query}`, { admin: true })).body.items

describe('the audit log', () => {
  test('records every admin write with who, when, which brand, what, and the changed fields before/after', async () => {
    const adminId = server.adminSession.staffId
    const created = await server.request('POST', '/api/admin/brands', { admin: true, body: newBrandBody() })
    assert.equal(created.status, 201)
    let [entry] = await audit(`entityType=brand&entityId=${created.body.id}`)
    assert.equal(entry.action, 'create')
    assert.equal(entry.brand, created.body.slug)
    assert.deepEqual(entry.actor, { kind: 'staff', id: adminId, label: 'admin@test.invalid' })
    assert.equal(entry.before, null)
    assert.equal(entry.after.orderPrefix, created.body.orderPrefix)

    const product = await server.request('POST', `${a}/products`, {
      admin: true,
      body: { reference: 'AUD-1', title: 'Audited', variants: [{ sku: 'AUD-1-M', priceMinor: 5000, onHand: 3 }] },
    })
    ;[entry] = await audit(`entityType=product&entityId=${product.body.id}`)
    assert.equal(entry.action, 'create')
    assert.equal(entry.after.title, 'Audited')

    await server.request('PATCH', `${a}/products/${product.body.id}`, {
      admin: true,
      body: { title: 'Renamed', status: 'active' },
    })
    ;[entry] = await audit(`entityType=product&entityId=${product.body.id}`)
    assert.equal(entry.action, 'update')
    assert.deepEqual(entry.before, { title: 'Audited', status: 'draft' })
    assert.deepEqual(entry.after, { title: 'Renamed', status: 'active' })

    const variantId = product.body.variants[0].id
    await server.request('PATCH', `${a}/variants/${variantId}`, { admin: true, body: { priceMinor: 4500, size: 'M' } })
    ;[entry] = await audit(`entityType=variant&entityId=${variantId}`)
    assert.deepEqual(
      [entry.before, entry.after],
      [
        { priceMinor: 5000, size: null },
        { priceMinor: 4500, size: 'M' },
      ],
    )

    await server.request('PUT', `${a}/variants/${variantId}/stock`, { admin: true, body: { onHand: 9 } })
    ;[entry] = await audit(`entityType=stock&entityId=${variantId}`)
    assert.deepEqual([entry.action, entry.before, entry.after], ['set', { onHand: 3 }, { onHand: 9 }])

    await server.request('POST', `${a}/orders/${orderA.id}/cancel`, { admin: true, body: { reason: 'asked by phone' } })
    ;[entry] = await audit(`entityType=order&entityId=${orderA.id}`)
    assert.deepEqual(
      [entry.action, entry.before, entry.after],
      ['cancel', { status: 'placed', cancelReason: null }, { status: 'cancelled', cancelReason: 'asked by phone' }],
    )

    const key = await server.request('POST', `${a}/api-keys`, {
      admin: true,
      body: { name: 'ERP', permissions: ['orders:read'] },
    })
    await server.request('DELETE', `${a}/api-keys/${key.body.id}`, { admin: true })
    const keyEntries = await audit(`entityType=api-key&entityId=${key.body.id}`)
    assert.deepEqual(
      keyEntries.map((e: { action: string }) => e.action),
      ['revoke', 'create'],
    )
    assert.deepEqual(keyEntries[1].after, { name: 'ERP', permissions: ['orders:read'], revokedAt: null })
    assert.equal(keyEntries[0].before.revokedAt, null)
    assert.ok(keyEntries[0].after.revokedAt)
    assert.ok(!JSON.stringify(keyEntries).includes(key.body.key), 'the key itself is never audited')

    const staff = await server.request('POST', '/api/admin/staff', {
      admin: true,
      body: {
        email: 'New.Person@test.invalid',
        password: 'a long enough password',
        grants: [{ role: 'brand-viewer', brand: brandA.brand.slug }],
      },
    })
    ;[entry] = await audit(`entityType=staff&entityId=${staff.body.id}`)
    assert.equal(entry.brand, null)
    assert.deepEqual(entry.after, {
      email: 'new.person@test.invalid',
      grants: [{ role: 'brand-viewer', brandId: brandA.brand.id }],
    })
    assert.ok(!JSON.stringify(entry).includes('a long enough password'))

    const all = await audit(`actor=${adminId}&since=2000-01-01T00:00:00Z&limit=500`)
    assert.ok(all.length >= 9)
    assert.equal((await audit(`actor=${adminId}&until=2000-01-01T00:00:00Z`)).length, 0)
  })

  test('an API key write is recorded with the key as actor', async () => {
    const { id, key } = await apiKeyFor(brandA, ['stock:write'])
    await server.request('PUT', `${a}/variants/${productA.variants[0]!.id}/stock`, {
      headers: { authorization: `Bearer ${key}` },
      body: { onHand: 42 },
    })
    const [entry] = await audit(`entityType=stock&entityId=${productA.variants[0]!.id}`)
    assert.deepEqual(entry.actor, { kind: 'api-key', id, label: `api-key ${id}` })
  })

  test('is append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    for (const statement of [
      sql`update audit_log set action = 'x'`,
      sql`delete from audit_log`,
      sql`truncate audit_log`,
    ]) {
      await assert.rejects(statement.execute(db), /append-only/)
    }
    const [{ n }] = (await sql<{ n: number }>`select count(*)::int as n from audit_log`.execute(db)).rows as [
      { n: number },
    ]
    assert.ok(n > 0)
  })
})

describe('a brand-viewer of brand A', async () => {
  const viewer = await signedInStaff(server, db, 'brand-viewer', brandA.brand.id)
  const get = (path: string) => server.request('GET', path, { session: viewer })

  test("never reads brand B's orders, products, audit entries or API keys: by id, list or search", async () => {
    for (const path of [
      `${b}`,
      `${b}/orders`,
      `${b}/orders/${orderB.id}`,
      `${b}/products`,
      `${b}/products?category=Femme`,
      `${b}/products/${productB.id}`,
      `${b}/variants/${productB.variants[0]!.id}/stock`,
      `${b}/api-keys`,
      `/api/admin/audit?brand=${brandB.brand.slug}`,
    ]) {
      const res = await get(path)
      assert.equal(res.status, 404, path)
      assert.ok(!res.text.includes(brandB.brand.id) && !res.text.includes(productB.title), path)
    }
    // B's ids under A's slug are not found either.
    assert.equal((await get(`${a}/orders/${orderB.id}`)).status, 404)
    assert.equal((await get(`${a}/products/${productB.id}`)).status, 404)
    const listed = (await get(`${a}/products?category=Femme`)).body.items.map((p: { id: string }) => p.id)
    assert.ok(listed.includes(productA.id) && !listed.includes(productB.id))
    const brands = (await get('/api/admin/brands')).body.items.map((x: { slug: string }) => x.slug)
    assert.deepEqual(brands, [brandA.brand.slug])
    const entries = (await get('/api/admin/audit?limit=500')).body.items
    assert.ok(entries.length > 0)
    assert.ok(
      entries.every((e: { brand: string | null }) => e.brand === brandA.brand.slug),
      'only A, no operator-level entries',
    )
    assert.equal((await get(`${a}/api-keys`)).status, 403)
  })

  test('cannot write anything at all, on A or B', async () => {
    const writes: Array<[string, string, unknown]> = [
      ['POST', '/api/admin/brands', newBrandBody()],
      ['POST', `${a}/products`, { reference: 'V-1', title: 'x', variants: [{ sku: 'V-1', priceMinor: 1 }] }],
      ['PATCH', `${a}/products/${productA.id}`, { title: 'hacked' }],
      ['PATCH', `${a}/variants/${productA.variants[0]!.id}`, { priceMinor: 1 }],
      ['PUT', `${a}/variants/${productA.variants[0]!.id}/stock`, { onHand: 0 }],
      ['POST', `${a}/orders/${orderA.id}/cancel`, {}],
      ['POST', `${a}/api-keys`, { name: 'x', permissions: ['orders:read'] }],
      ['POST', '/api/admin/staff', { email: 'x@test.invalid', password: 'long long password', grants: [] }],
    ]
    for (const [method, path, body] of writes) {
      assert.equal((await server.request(method, path, { session: viewer, body })).status, 403, `${method} ${path}`)
      const onB = path.replace(a, b)
      if (onB !== path)
        assert.equal((await server.request(method, onB, { session: viewer, body })).status, 404, `${method} ${onB}`)
    }
    const product = await server.request('GET', `${a}/products/${productA.id}`, { session: viewer })
    assert.equal(product.body.title, productA.title)
  })
})

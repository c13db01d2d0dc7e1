/**
 * Every admin route (read from the application's own route list, not from a hand list) × every
 * role × own brand / other brand, against the expected table below.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import type { Role } from '../../src/access/index.ts'
import type { BrandCtx } from '../../src/brands/brand.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'
import { startTestServer, type TestSession } from '../helpers/server.ts'
import { apiKeyFor, newBrandBody, placeOrder, signedInStaff } from './fixtures.ts'

const database = await openTestDatabase()
const db = database.db
const brandA = await createTestBrand(db)
const brandB = await createTestBrand(db)
const server = await startTestServer(database)
const products = new Map<string, Awaited<ReturnType<typeof createTestProduct>>>()
for (const b of [brandA, brandB])
  products.set(
    b.brand.slug,
    await createTestProduct(b, { variants: [{ sku: `S-${b.brand.slug}`, priceMinor: 1000, onHand: 1000 }] }),
  )

const sessions: Record<Role, TestSession> = {
  'operator-admin': server.adminSession,
  merchandiser: await signedInStaff(server, db, 'merchandiser', brandA.brand.id),
  'customer-service': await signedInStaff(server, db, 'customer-service', brandA.brand.id),
  'brand-viewer': await signedInStaff(server, db, 'brand-viewer', brandA.brand.id),
}

/** The expected table: the permission each route must declare and its success status. */
const expectedRoutes: Record<string, { permission: string; ok: number }> = {
  'GET /api/admin/brands': { permission: 'brands:read', ok: 200 },
  'POST /api/admin/brands': { permission: 'brands:write', ok: 201 },
  'GET /api/admin/brands/:slug': { permission: 'brands:read', ok: 200 },
  'GET /api/admin/brands/:slug/products': { permission: 'catalog:read', ok: 200 },
  'POST /api/admin/brands/:slug/products': { permission: 'catalog:write', ok: 201 },
  'GET /api/admin/brands/:slug/products/:id': { permission: 'catalog:read', ok: 200 },
  'PATCH /api/admin/brands/:slug/products/:id': { permission: 'catalog:write', ok: 200 },
  'PATCH /api/admin/brands/:slug/variants/:id': { permission: 'catalog:write', ok: 204 },
  'GET /api/admin/brands/:slug/variants/:id/stock': { permission: 'catalog:read', ok: 200 },
  'PUT /api/admin/brands/:slug/variants/:id/stock': { permission: 'stock:write', ok: 200 },
  'GET /api/admin/brands/:slug/orders': { permission: 'orders:read', ok: 200 },
  'GET /api/admin/brands/:slug/orders/:id': { permission: 'orders:read', ok: 200 },
  'POST /api/admin/brands/:slug/orders/:id/cancel': { permission: 'orders:write', ok: 200 },
  'GET /api/admin/brands/:slug/api-keys': { permission: 'api-keys:manage', ok: 200 },
  'POST /api/admin/brands/:slug/api-keys': { permission: 'api-keys:manage', ok: 201 },
  'DELETE /api/admin/brands/:slug/api-keys/:id': { permission: 'api-keys:manage', ok: 204 },
  'GET /api/admin/staff': { permission: 'staff:manage', ok: 200 },
  'POST /api/admin/staff': { permission: 'staff:manage', ok: 201 },
  'GET /api/admin/audit': { permission: 'audit:read', ok: 200 },
}

/** What each role may do on a brand it is granted (operator-admin: everything, everywhere). */
const roleAllows: Record<Exclude<Role, 'operator-admin'>, string[]> = {
  merchandiser: ['brands:read', 'catalog:read', 'catalog:write', 'audit:read'],
  'customer-service': ['brands:read', 'catalog:read', 'orders:read', 'orders:write', 'audit:read', 'erp:read'],
  'brand-viewer': ['brands:read', 'catalog:read', 'orders:read', 'audit:read', 'erp:read'],
}

const brandOf = (slug: string): BrandCtx => (slug === brandA.brand.slug ? brandA : brandB)

/** A valid request for the route on a brand, with fresh entities for writes that consume them. */
async function requestFor(key: string, url: string, slug: string): Promise<{ path: string; body?: unknown }> {
  const product = products.get(slug)!
  const variantId = product.variants[0]!.id
  let id: string = randomUuid()
  if (key.includes('/products/:id')) id = product.id
  if (key.includes('/variants/:id')) id = variantId
  if (key.includes('/orders/:id')) id = (await placeOrder(server, slug, variantId)).id
  if (key.includes('/api-keys/:id')) id = (await apiKeyFor(brandOf(slug), ['catalog:read'])).id
  const path = url.replace(':slug', slug).replace(':id', id)
  const ref = randomBytes(4).toString('hex')
  const bodies: Record<string, unknown> = {
    'POST /api/admin/brands': newBrandBody(),
    'POST /api/admin/brands/:slug/products': {
      reference: ref,
      title: 'New',
      variants: [{ sku: ref, priceMinor: 100 }],
    },
    'PATCH /api/admin/brands/:slug/products/:id': { title: `Renamed ${ref}` },
    'PATCH /api/admin/brands/:slug/variants/:id': { priceMinor: 1234 },
    'PUT /api/admin/brands/:slug/variants/:id/stock': { onHand: 500 },
    'POST /api/admin/brands/:slug/orders/:id/cancel': { reason: 'matrix' },
    'POST /api/admin/brands/:slug/api-keys': { name: 'matrix', permissions: ['catalog:read'] },
    'POST /api/admin/staff': { email: `new-${ref}@test.invalid`, password: 'another long password', grants: [] },
  }
  return { path, ...(key in bodies ? { body: bodies[key] } : {}) }
}

const randomUuid = () => crypto.randomUUID()

test('every /api/admin route declares a permission; only the auth routes are public or "authenticated"', () => {
  assert.ok(server.app.adminRoutes.length >= Object.keys(expectedRoutes).length)
  for (const route of server.app.adminRoutes) {
    const key = `${route.method} ${route.url}`
    assert.ok(route.permission, key)
    if (route.permission === 'public' || route.permission === 'authenticated') {
      assert.match(route.url, /^\/api\/admin\/auth\//, `${key} is ${route.permission} but is not an auth route`)
    }
    const expected = expectedRoutes[key]
    if (expected) assert.equal(route.permission, expected.permission, key)
  }
  const declared = new Set(server.app.adminRoutes.map((r) => `${r.method} ${r.url}`))
  for (const key of Object.keys(expectedRoutes)) assert.ok(declared.has(key), `${key} is gone`)
})

test('an admin route without config.permission stops the application from starting', async () => {
  const Fastify = (await import('fastify')).default
  const { installAccessControl, LoginThrottle, defaultSessionPolicy } = await import('../../src/access/index.ts')
  const app = Fastify()
  app.decorate('adminRoutes', [])
  const deps = { db, brands: server.brands, clock: () => new Date(), sessionPolicy: defaultSessionPolicy }
  app.register(
    async (admin) => {
      await installAccessControl(admin, { ...deps, throttle: new LoginThrottle() })
      admin.get('/undeclared', async () => 'no')
    },
    { prefix: '/api/admin' },
  )
  await assert.rejects(async () => {
    await app.ready()
  }, /declares no valid config.permission/)
})

test('route × role × own/other brand gives exactly the expected status', async () => {
  const rows: string[] = []
  const failures: string[] = []
  const checked = server.app.adminRoutes.filter((r) => r.permission !== 'public' && r.permission !== 'authenticated')
  for (const route of checked) {
    const key = `${route.method} ${route.url}`
    const ok = expectedRoutes[key]?.ok
    const cells: string[] = []
    for (const role of Object.keys(sessions) as Role[]) {
      const targets = route.scope === 'brand' ? [brandA.brand.slug, brandB.brand.slug] : [brandA.brand.slug]
      for (const slug of targets) {
        const own = slug === brandA.brand.slug
        const allowed = role === 'operator-admin' || roleAllows[role].includes(route.permission)
        let expected: number | 'allowed'
        if (route.scope === 'brand')
          expected = role !== 'operator-admin' && !own ? 404 : allowed ? (ok ?? 'allowed') : 403
        else if (route.scope === 'operator') expected = role === 'operator-admin' ? (ok ?? 'allowed') : 403
        else expected = allowed ? (ok ?? 'allowed') : 403
        const { path, body } = await requestFor(key, route.url, slug)
        const res = await server.request(route.method, path, { session: sessions[role], ...(body ? { body } : {}) })
        const pass =
          expected === 'allowed'
            ? ![401, 403].includes(res.status) && !(res.status === 404 && /Brand/.test(res.body?.detail ?? ''))
            : res.status === expected
        if (!pass)
          failures.push(
            `${key} as ${role} on ${own ? 'own' : 'other'}: ${res.status} (expected ${expected}) ${res.text.slice(0, 200)}`,
          )
        cells.push(String(res.status))
      }
    }
    rows.push(`${key.padEnd(52)} ${cells.join(' ')}`)
  }
  if (process.env.PRINT_MATRIX) console.log(rows.join('\n'))
  assert.deepEqual(failures, [])
})

test('an API key acts only on its brand and only with its permissions; no CSRF header needed', async () => {
  const { key } = await apiKeyFor(brandA, ['brands:read', 'catalog:read', 'stock:write'])
  const auth = { authorization: `Bearer ${key}` }
  const variantId = products.get(brandA.brand.slug)!.variants[0]!.id
  const a = brandA.brand.slug
  const b = brandB.brand.slug
  assert.equal((await server.request('GET', `/api/admin/brands/${a}/products`, { headers: auth })).status, 200)
  assert.equal(
    (
      await server.request('PUT', `/api/admin/brands/${a}/variants/${variantId}/stock`, {
        headers: auth,
        body: { onHand: 7 },
      })
    ).status,
    200,
  )
  assert.equal((await server.request('GET', `/api/admin/brands/${a}/orders`, { headers: auth })).status, 403)
  assert.equal((await server.request('GET', `/api/admin/brands/${b}/products`, { headers: auth })).status, 404)
  assert.equal((await server.request('POST', '/api/admin/brands', { headers: auth, body: newBrandBody() })).status, 403)
  const listed = await server.request('GET', '/api/admin/brands', { headers: auth })
  assert.deepEqual(
    listed.body.items.map((x: { slug: string }) => x.slug),
    [a],
  )
})

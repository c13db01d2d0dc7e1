import { randomBytes } from 'node:crypto'
import { createApiKey } from '../../src/access/api-keys.ts'
import { createStaff, type Role } from '../../src/access/index.ts'
import type { Permission } from '../../src/access/permissions.ts'
import type { BrandCtx } from '../../src/brands/brand.ts'
import type { Db } from '../../src/platform/db/database.ts'
import { systemCtx } from '../helpers/fixtures.ts'
import type { TestServer, TestSession } from '../helpers/server.ts'

export const staffPassword = 'a long enough test password'

/** A staff member with one grant (brand null = all brands), signed in. */
export async function signedInStaff(
  server: TestServer,
  db: Db,
  role: Role,
  brandId: string | null,
): Promise<TestSession & { email: string }> {
  const email = `${role}-${randomBytes(3).toString('hex')}@test.invalid`
  await createStaff(systemCtx(db), { email, password: staffPassword, grants: [{ role, brandId }] })
  return { ...(await server.login(email, staffPassword)), email }
}

/** An API key of a brand, made directly (not through HTTP). */
export async function apiKeyFor(brand: BrandCtx, permissions: Permission[]): Promise<{ id: string; key: string }> {
  const created = await createApiKey({ ...brand, now: new Date(), createdBy: null }, { name: 'test key', permissions })
  return { id: created.id, key: created.key }
}

const address = { name: 'Camille Test', line1: '1 rue de la Paix', postalCode: '75002', city: 'Paris', country: 'FR' }

/** A placed order in the brand, through the shop's HTTP API. */
export async function placeOrder(
  server: TestServer,
  slug: string,
  variantId: string,
): Promise<{ id: string; number: string }> {
  const host = `${slug}.localhost`
  const cart = await server.request('POST', '/api/store/carts', { host })
  await server.request('POST', `/api/store/carts/${cart.body.token}/lines`, { host, body: { variantId, quantity: 1 } })
  const res = await server.request('POST', '/api/store/checkout', {
    host,
    headers: { 'idempotency-key': randomBytes(8).toString('hex') },
    body: {
      cartToken: cart.body.token,
      email: 'camille@example.org',
      shippingAddress: address,
      shippingMethod: 'standard',
      payment: { provider: 'test', token: '4242424242424242' },
    },
  })
  if (res.status !== 201) throw new Error(`checkout failed: ${res.status} ${res.text}`)
  return { id: res.body.id, number: res.body.number }
}

/** A brand body for POST /api/admin/brands. */
export function newBrandBody() {
  const suffix = randomBytes(3).toString('hex')
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
  return {
    slug: `made-${suffix}`,
    name: `Made ${suffix}`,
    orderPrefix: Array.from(randomBytes(4), (b) => letters[b % 26]).join(''),
    currency: 'EUR',
    locale: 'fr-FR',
    timeZone: 'Europe/Paris',
    vatRateBp: 2000,
    shippingMethods: [{ code: 'standard', labels: { fr: 'Standard' }, feeMinor: 490, freeFromMinor: null }],
    theme: { logoUrl: '/logo.svg', colours: { primary: '#112233', background: '#ffffff' }, fontFamily: 'serif' },
  }
}

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { signPreview } from '../../src/pricing/index.ts'
import { signedInStaff } from '../access/fixtures.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'
import { startTestServer } from '../helpers/server.ts'
import { hostOf, percent, saleEvent, wholeBrand } from './helpers.ts'

/** Signed preview links: the shop as of a future instant, private, noindex, never in the shared cache. */
const database = await openTestDatabase()
const db = database.db
const server = await startTestServer(database)
const brand = await createTestBrand(db, { timeZone: 'Europe/Paris' })
const other = await createTestBrand(db)
const product = await createTestProduct(brand, {
  title: 'Veste',
  variants: [{ sku: 'VESTE-M', size: 'M', priceMinor: 10000, onHand: 4 }],
})
await saleEvent([brand], {
  startsAt: '2030-01-09T08:00',
  endsAt: '2030-02-05T20:00',
  rules: [{ discount: percent(40), target: wholeBrand }],
})
await server.brands.refresh()
const host = hostOf(brand)
const productPath = `/p/veste-${product.id}`

async function link(at: string, session = server.adminSession, slug = brand.brand.slug, minutes?: number) {
  return server.request('POST', `/api/admin/brands/${slug}/previews`, {
    session,
    body: { at, ...(minutes ? { minutes } : {}) },
  })
}

describe('preview links', () => {
  test('a valid link shows the future price privately, with noindex, and never enters the shared cache', async () => {
    const before = await server.request('GET', productPath, { host })
    assert.match(before.text, /100,00/)
    const created = await link('2030-01-09T08:00')
    assert.equal(created.status, 201, created.text)
    assert.equal(created.body.at, '2030-01-09T07:00:00.000Z')
    assert.match(created.body.url, new RegExp(`^http://${brand.brand.slug}\\.localhost(:\\d+)?/\\?preview=v1\\.`))
    const token = created.body.token as string
    const preview = await server.request('GET', `${productPath}?preview=${token}`, { host })
    assert.equal(preview.status, 200)
    assert.match(preview.text, /60,00/)
    assert.match(preview.text, /<s>100,00/)
    assert.equal(preview.headers['cache-control'], 'private, no-store')
    assert.match(String(preview.headers['x-robots-tag']), /noindex/)
    assert.match(preview.text, /<meta name="robots" content="noindex">/)
    assert.match(preview.text, /data-preview/)
    assert.equal(preview.headers.etag, undefined)
    const cookie = (preview.headers['set-cookie'] ?? []).find((c) => c.startsWith('vitrine_preview='))
    assert.ok(cookie && /HttpOnly/i.test(cookie) && /SameSite=Lax/i.test(cookie), cookie)
    // Following links with the cookie stays in preview; the listing too.
    const listing = await server.request('GET', '/search?q=veste', {
      host,
      headers: { cookie: cookie!.split(';')[0]! },
    })
    assert.equal(listing.headers['cache-control'], 'private, no-store')
    // The public page, asked again, is still the present price: the preview did not fill the cache.
    const after = await server.request('GET', productPath, { host })
    assert.match(after.text, /100,00/)
    assert.doesNotMatch(after.text, /60,00/)
    assert.equal(after.headers.etag, before.headers.etag)
    assert.match(String(after.headers['cache-control']), /^public/)
    // `?preview=` (empty) leaves preview mode.
    const leave = await server.request('GET', '/?preview=', { host, headers: { cookie: cookie!.split(';')[0]! } })
    assert.ok((leave.headers['set-cookie'] ?? []).some((c) => /^vitrine_preview=;/.test(c)))
  })

  test('expired, tampered, foreign and junk links are refused with a 403 page that clears the cookie', async () => {
    const valid = (await link('2030-01-10T12:00')).body.token as string
    const [v, payload, signature] = valid.split('.')
    const forged = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload!, 'base64url').toString()),
        e: Date.now() + 10 * 365 * 86_400_000,
      }),
    ).toString('base64url')
    const expired = await signPreview(db, {
      brandId: brand.brand.id,
      at: new Date('2030-01-10T12:00:00Z'),
      expiresAt: new Date(Date.now() - 1000),
    })
    const otherBrands = await signPreview(db, {
      brandId: other.brand.id,
      at: new Date('2030-01-10T12:00:00Z'),
      expiresAt: new Date(Date.now() + 60_000),
    })
    const cases: Record<string, string> = {
      expired,
      'tampered payload': `${v}.${forged}.${signature}`,
      'tampered signature': `${v}.${payload}.${signature!.slice(0, -2)}AA`,
      "another brand's": otherBrands,
      junk: 'v1.<script>.x',
      huge: `v1.${'a'.repeat(5000)}.b`,
    }
    for (const [name, token] of Object.entries(cases)) {
      const res = await server.request('GET', `${productPath}?preview=${encodeURIComponent(token)}`, { host })
      assert.equal(res.status, 403, name)
      assert.match(String(res.headers['content-type']), /text\/html/)
      assert.doesNotMatch(res.text, /60,00/, name)
      assert.ok(
        (res.headers['set-cookie'] ?? []).some((c) => /^vitrine_preview=;/.test(c)),
        name,
      )
      const asCookie = await server.request('GET', productPath, {
        host,
        headers: { cookie: `vitrine_preview=${encodeURIComponent(token)}` },
      })
      assert.equal(asCookie.status, 403, `${name} (cookie)`)
    }
  })

  test('links are for staff with catalog:read on the brand; carts never sell at previewed prices', async () => {
    const viewer = await signedInStaff(server, db, 'brand-viewer', brand.brand.id)
    assert.equal((await link('2030-01-10T12:00', viewer)).status, 201)
    const outsider = await signedInStaff(server, db, 'merchandiser', other.brand.id)
    assert.equal((await link('2030-01-10T12:00', outsider)).status, 404)
    assert.equal(
      (
        await server.request('POST', `/api/admin/brands/${brand.brand.slug}/previews`, {
          body: { at: '2030-01-10T12:00' },
        })
      ).status,
      401,
    )
    for (const bad of [
      { at: 'tomorrow' },
      { at: '2030-03-31T02:30' },
      { at: '2030-01-10T12:00', minutes: 0 },
      { at: '2030-01-10T12:00', minutes: 1e7 },
      { at: '2030-01-10T12:00', extra: 1 },
    ]) {
      const res = await server.request('POST', `/api/admin/brands/${brand.brand.slug}/previews`, {
        admin: true,
        body: bad,
      })
      assert.equal(res.status, 400, JSON.stringify(bad))
    }
    const token = (await link('2030-01-10T12:00')).body.token as string
    const add = await server.request('POST', `/cart/add?preview=${token}`, {
      host,
      rawBody: `variantId=${product.variants[0]!.id}&productId=${product.id}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `vitrine_preview=${token}` },
    })
    assert.equal(add.status, 303)
    const cartToken = (add.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('cart='))!
      .split(';')[0]!
      .slice(5)
    const cart = await server.request('GET', `/api/store/carts/${cartToken}`, { host })
    assert.equal(cart.body.lines[0].unitPriceMinor, 10000)
  })
})

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand } from '../helpers/fixtures.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { catalogRows, catalogSnapshot, item, tsvFeed } from './helpers.ts'

const database = await openTestDatabase()
const server = await startTestServer(database)

function multipart(fields: Record<string, string>, file: { name: string; content: string } | null) {
  const boundary = `----vitrine${Date.now()}`
  const parts: string[] = []
  for (const [name, value] of Object.entries(fields)) {
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
  }
  if (file) {
    parts.push(
      `--${boundary}\r\nContent-Disposition: form-data; name="feed"; filename="${file.name}"\r\n` +
        `Content-Type: text/tab-separated-values\r\n\r\n${file.content}\r\n`,
    )
  }
  parts.push(`--${boundary}--\r\n`)
  return {
    rawBody: Buffer.from(parts.join('')),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  }
}

async function upload(slug: string, fields: Record<string, string>, content: string | null) {
  return server.request('POST', `/api/admin/brands/${slug}/imports`, {
    admin: true,
    ...multipart(fields, content === null ? null : { name: 'feed.tsv', content }),
  })
}

async function waitForRun(s: TestServer, slug: string, id: string) {
  for (let i = 0; i < 200; i++) {
    const res = await s.request('GET', `/api/admin/brands/${slug}/imports/${id}`, { admin: true })
    assert.equal(res.status, 200, res.text)
    if (res.body.status !== 'running') return res.body
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error('the import did not finish')
}

describe('imports over the admin API', () => {
  test('an upload answers 202 with the run id at once; the run finishes and its rejections are listed', async () => {
    const ctx = await createTestBrand(database.db)
    await server.brands.refresh()
    const feed = tsvFeed([...catalogRows(3), { ...item('BAD', 'S'), price: 'gratuit' }])
    const res = await upload(ctx.brand.slug, { mode: 'delta' }, feed)
    assert.equal(res.status, 202, res.text)
    assert.equal(res.body.status, 'running')
    assert.equal(res.body.source, 'api')
    assert.equal(res.body.mode, 'delta')
    assert.equal(res.body.fileName, 'feed.tsv')
    assert.match(res.headers.location ?? '', new RegExp(`/imports/${res.body.id}$`))

    const run = await waitForRun(server, ctx.brand.slug, res.body.id)
    assert.equal(run.status, 'succeeded')
    assert.equal(run.itemsRead, 7)
    assert.equal(run.created, 3)
    assert.equal(run.rejected, 1)
    assert.match(run.startedBy, /^staff:/)
    const rejections = await server.request(
      'GET',
      `/api/admin/brands/${ctx.brand.slug}/imports/${run.id}/rejections?limit=5`,
      {
        admin: true,
      },
    )
    assert.equal(rejections.status, 200)
    assert.deepEqual(
      rejections.body.items.map((r: any) => [r.line, r.itemId]),
      [[8, 'BAD-S']],
    )
    const list = await server.request('GET', `/api/admin/brands/${ctx.brand.slug}/imports`, { admin: true })
    assert.deepEqual(
      list.body.items.map((r: any) => r.id),
      [run.id],
    )
    assert.equal((await catalogSnapshot(ctx)).products.length, 3)
  })

  test('after an import changes a price, the cached store API shows the new price', async () => {
    const ctx = await createTestBrand(database.db)
    await server.brands.refresh()
    const first = await upload(ctx.brand.slug, {}, tsvFeed(catalogRows(2)))
    await waitForRun(server, ctx.brand.slug, first.body.id)
    const host = `${ctx.brand.slug}.localhost`
    const listing = await server.request('GET', '/api/store/products', { host })
    assert.equal(listing.status, 200)
    const p01 = listing.body.items.find((p: any) => p.reference === 'P01')
    const before = await server.request('GET', `/api/store/products/${p01.id}`, { host })
    assert.deepEqual(
      before.body.variants.map((v: any) => v.priceMinor),
      [2990, 2990],
    )

    const rows = catalogRows(2).map((r) => (r.id === 'P01-S' ? { ...r, price: '24.00 EUR' } : r))
    const second = await upload(ctx.brand.slug, {}, tsvFeed(rows))
    const run = await waitForRun(server, ctx.brand.slug, second.body.id)
    assert.equal(run.updated, 1)
    assert.equal(run.unchanged, 1)
    await server.brands.refresh()
    const after = await server.request('GET', `/api/store/products/${p01.id}`, { host })
    assert.deepEqual(
      after.body.variants.map((v: any) => [v.sku, v.priceMinor]),
      [
        ['P01-S', 2400],
        ['P01-M', 2990],
      ],
    )
  })

  test('bad uploads are 400s; runs of another brand are 404s; no session is a 401', async () => {
    const a = await createTestBrand(database.db)
    const b = await createTestBrand(database.db)
    await server.brands.refresh()
    assert.equal((await upload(a.brand.slug, {}, null)).status, 400)
    assert.equal((await upload(a.brand.slug, { mode: 'sideways' }, 'id\n')).status, 400)
    const ok = await upload(a.brand.slug, { dryRun: 'true' }, tsvFeed(catalogRows(1)))
    assert.equal(ok.status, 202)
    const run = await waitForRun(server, a.brand.slug, ok.body.id)
    assert.equal(run.dryRun, true)
    assert.equal((await catalogSnapshot(a)).products.length, 0)
    const other = await server.request('GET', `/api/admin/brands/${b.brand.slug}/imports/${ok.body.id}`, {
      admin: true,
    })
    assert.equal(other.status, 404)
    const anonymous = await server.request('GET', `/api/admin/brands/${a.brand.slug}/imports`)
    assert.equal(anonymous.status, 401)
  })
})

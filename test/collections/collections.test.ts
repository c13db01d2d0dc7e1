import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { signedInStaff } from '../access/fixtures.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { startTestServer } from '../helpers/server.ts'
import { createSearchFixture } from '../search/fixtures.ts'
import { cardTitles } from '../storefront/fixtures.ts'

const database = await openTestDatabase()
const { fr, other, p } = await createSearchFixture(database.db)
const server = await startTestServer(database)
const host = `${fr.brand.slug}.localhost`
const otherHost = `${other.brand.slug}.localhost`
const admin = (method: string, path: string, body?: unknown) =>
  server.request(method, `/api/admin/brands/${fr.brand.slug}${path}`, { admin: true, ...(body ? { body } : {}) })
const store = (path: string, h = host) => server.request('GET', `/api/store${path}`, { host: h })
const titles = async (path: string, h = host) => {
  const res = await store(path, h)
  assert.equal(res.status, 200, res.text)
  return res.body.items.map((c: { title: string }) => c.title)
}
const create = async (body: Record<string, unknown>) => {
  const res = await admin('POST', '/collections', body)
  assert.equal(res.status, 201, res.text)
  return res.body as { id: string; slug: string }
}

describe('manual collections', () => {
  test('keep the merchandiser’s order, pinned products first', async () => {
    const c = await create({ slug: 'selection-ete', title: 'Sélection d’été', kind: 'manual' })
    const set = await admin('PUT', `/collections/${c.id}/products`, {
      productIds: [p.longDress!.id, p.sandals!.id, p.summerDress!.id, p.woolJumper!.id],
    })
    assert.equal(set.status, 200)
    assert.deepEqual(set.body.productIds, [p.longDress!.id, p.sandals!.id, p.summerDress!.id, p.woolJumper!.id])
    const order = ['Robe longue fleurie', 'Sandales en cuir', 'Robe d’été en lin', 'Pull en laine']
    assert.deepEqual(await titles('/collections/selection-ete'), order)
    const pinned = await admin('PUT', `/collections/${c.id}/pins`, { productIds: [p.summerDress!.id] })
    assert.equal(pinned.status, 200)
    assert.deepEqual(await titles('/collections/selection-ete'), [
      'Robe d’été en lin',
      'Robe longue fleurie',
      'Sandales en cuir',
      'Pull en laine',
    ])
    // The shopper's own sort and filters apply, with facets counted on the collection only.
    assert.deepEqual(await titles('/collections/selection-ete?sort=price-asc'), [
      'Sandales en cuir',
      'Pull en laine',
      'Robe d’été en lin',
      'Robe longue fleurie',
    ])
    const inStock = await store('/collections/selection-ete?inStock=true&pageSize=2')
    assert.deepEqual(
      inStock.body.items.map((x: { title: string }) => x.title),
      ['Robe d’été en lin', 'Robe longue fleurie'],
    )
    assert.equal(inStock.body.total, 3)
    assert.equal(inStock.body.facets.inStock, 3)
    assert.equal(inStock.body.sort, 'manual')
    const next = await store(`/collections/selection-ete?inStock=true&pageSize=2&cursor=${inStock.body.nextCursor}`)
    assert.deepEqual(
      next.body.items.map((x: { title: string }) => x.title),
      ['Sandales en cuir'],
    )
    assert.equal(next.body.nextCursor, null)
    // An archived member disappears from the listing, not from the list.
    await server.request('PATCH', `/api/admin/brands/${fr.brand.slug}/products/${p.woolJumper!.id}`, {
      admin: true,
      body: { status: 'archived' },
    })
    assert.deepEqual((await titles('/collections/selection-ete')).at(-1), 'Sandales en cuir')
    assert.equal((await admin('GET', `/collections/${c.id}`)).body.productIds.length, 4)
  })
})

describe('rule-based collections', () => {
  test('category and attribute values, in the collection’s sort, pins first even if no rule selects them', async () => {
    const c = await create({
      slug: 'matieres-nobles',
      title: 'Matières nobles',
      kind: 'rule',
      rules: { categoryPath: 'Femme', attributes: { Matière: ['lin', 'SOIE'] } },
    })
    assert.deepEqual(await titles('/collections/matieres-nobles'), [
      'Pantalon large',
      'Chemisier en soie',
      'Robe d’été en lin',
    ])
    await admin('PATCH', `/collections/${c.id}`, { sort: 'price-desc' })
    assert.deepEqual(await titles('/collections/matieres-nobles'), [
      'Robe d’été en lin',
      'Pantalon large',
      'Chemisier en soie',
    ])
    await admin('PUT', `/collections/${c.id}/pins`, { productIds: [p.beachShorts!.id, p.silkBlouse!.id] })
    assert.deepEqual(await titles('/collections/matieres-nobles'), [
      'Short de plage',
      'Chemisier en soie',
      'Robe d’été en lin',
      'Pantalon large',
    ])
    assert.deepEqual(await titles('/collections/matieres-nobles?q=lin'), ['Robe d’été en lin', 'Pantalon large'])
  })

  test('price range, new since, on sale', async () => {
    await create({
      slug: 'prix-doux',
      title: 'Prix doux',
      kind: 'rule',
      rules: { minPriceMinor: 5000, maxPriceMinor: 8000 },
    })
    assert.deepEqual(await titles('/collections/prix-doux'), ['Pantalon large', 'Chemisier en soie', 'Chemise en lin'])
    const since = new Date(Date.parse('2030-03-01T08:00:00Z') + 5 * 3600 * 1000).toISOString()
    await create({ slug: 'nouveautes', title: 'Nouveautés', kind: 'rule', rules: { newSince: since } })
    assert.deepEqual(await titles('/collections/nouveautes'), ['Sandales en cuir', 'Pantalon large', 'Short de plage'])
    await create({ slug: 'soldes', title: 'Soldes', kind: 'rule', rules: { onSale: true } })
    assert.deepEqual(await titles('/collections/soldes'), [])
    const cheapest = p.summerDress!.variants.find((v) => v.sku === 'SD-S-BL')!
    const patch = await server.request('PATCH', `/api/admin/brands/${fr.brand.slug}/variants/${cheapest.id}`, {
      admin: true,
      body: { compareAtMinor: 12000 },
    })
    assert.equal(patch.status, 204)
    assert.deepEqual(await titles('/collections/soldes'), ['Robe d’été en lin'])
  })

  test('a manual list is refused on a rule-based collection, and rules on a manual one', async () => {
    const rule = (await admin('GET', '/collections')).body.items.find((c: { slug: string }) => c.slug === 'soldes')
    const res = await admin('PUT', `/collections/${rule.id}/products`, { productIds: [p.sandals!.id] })
    assert.equal(res.status, 400)
    assert.equal(res.body.type, '/problems/collection-kind')
    const manual = (await admin('GET', '/collections')).body.items.find(
      (c: { slug: string }) => c.slug === 'selection-ete',
    )
    assert.equal((await admin('PATCH', `/collections/${manual.id}`, { rules: { onSale: true } })).status, 400)
  })
})

describe('storefront', () => {
  test('the home page shows featured collections by position; a collection has its page', async () => {
    const list = (await admin('GET', '/collections')).body.items as Array<{ id: string; slug: string }>
    const id = (slug: string) => list.find((c) => c.slug === slug)!.id
    await admin('PATCH', `/collections/${id('prix-doux')}`, { featured: true, position: 2 })
    await admin('PATCH', `/collections/${id('selection-ete')}`, { featured: true, position: 1 })
    const home = await server.request('GET', '/', { host })
    assert.equal(home.status, 200)
    const headings = [...home.text.matchAll(/<h2 id="col-[^"]+"><a href="\/collections\/([^"]+)">([^<]+)<\/a>/g)].map(
      (m) => m[1],
    )
    assert.deepEqual(headings, ['selection-ete', 'prix-doux'])
    const page = await server.request('GET', '/collections/selection-ete?sort=price-asc', { host })
    assert.equal(page.status, 200)
    assert.match(page.text, /<h1>Sélection d’été<\/h1>/)
    assert.deepEqual(cardTitles(page.text), ['Sandales en cuir', 'Robe d’été en lin', 'Robe longue fleurie'])
    assert.match(page.text, /<option value="manual">Notre sélection<\/option>/)
    // A rule-based collection of a category is offered on that category's page.
    const femme = await server.request('GET', '/c/femme', { host })
    assert.match(
      femme.text,
      /<nav aria-label="Collections"><ul class="tiles"><li><a href="\/collections\/matieres-nobles">Matières nobles<\/a><\/li><\/ul><\/nav>/,
    )
    const homme = await server.request('GET', '/c/homme', { host })
    assert.doesNotMatch(homme.text, /matieres-nobles/)
    assert.equal((await server.request('GET', '/collections/nope', { host })).status, 404)
    assert.equal((await server.request('GET', '/collections/%00%27', { host })).status, 404)
    const publicList = await store('/collections')
    assert.deepEqual(
      publicList.body.items.slice(0, 2).map((c: { slug: string }) => c.slug),
      ['selection-ete', 'prix-doux'],
    )
  })
})

describe('admin API', () => {
  test('every change is in the audit log; slugs are unique per brand; delete', async () => {
    const c = await create({ slug: 'temporaire', title: 'Temporaire', kind: 'manual' })
    const clash = await admin('PATCH', `/collections/${c.id}`, { slug: 'soldes' })
    assert.equal(clash.status, 409)
    assert.equal((await admin('POST', '/collections', { slug: 'soldes', title: 'x', kind: 'manual' })).status, 409)
    // Another brand may use the same slug.
    const theirs = await server.request('POST', `/api/admin/brands/${other.brand.slug}/collections`, {
      admin: true,
      body: { slug: 'soldes', title: 'Leurs soldes', kind: 'manual' },
    })
    assert.equal(theirs.status, 201)
    assert.equal((await admin('DELETE', `/collections/${c.id}`)).status, 204)
    assert.equal((await admin('GET', `/collections/${c.id}`)).status, 404)
    assert.equal((await admin('DELETE', `/collections/${c.id}`)).status, 404)
    const audit = await server.request('GET', `/api/admin/audit?brand=${fr.brand.slug}&entityId=${c.id}`, {
      admin: true,
    })
    assert.equal(audit.status, 200)
    assert.deepEqual(audit.body.items.map((e: { action: string }) => e.action).sort(), ['create', 'delete'])
    const pins = await server.request('GET', `/api/admin/audit?brand=${fr.brand.slug}&entityType=collection`, {
      admin: true,
    })
    assert.ok(pins.body.items.some((e: { action: string }) => e.action === 'set-pins'))
  })

  test('hostile and malformed input is a 400', async () => {
    const c = await create({ slug: 'hostile', title: 'Hostile', kind: 'manual' })
    const bad: Array<[string, string, unknown]> = [
      ['POST', '/collections', { slug: 'Bad Slug', title: 'x', kind: 'manual' }],
      ['POST', '/collections', { slug: "x'; drop table collections; --", title: 'x', kind: 'manual' }],
      ['POST', '/collections', { slug: 'ok', title: '', kind: 'manual' }],
      ['POST', '/collections', { slug: 'ok', title: 'x', kind: 'smart' }],
      ['POST', '/collections', { slug: 'ok', title: 'x', kind: 'rule', rules: { where: '1=1' } }],
      ['POST', '/collections', { slug: 'ok', title: 'x'.repeat(10_000), kind: 'manual' }],
      ['POST', '/collections', { slug: 'ok', title: 'x', kind: 'rule', rules: { newSince: 'yesterday' } }],
      ['PATCH', `/collections/${c.id}`, {}],
      ['PUT', `/collections/${c.id}/products`, { productIds: [p.sandals!.id, p.sandals!.id] }],
      ['PUT', `/collections/${c.id}/products`, { productIds: ['not-a-uuid'] }],
      ['PUT', `/collections/${c.id}/products`, { productIds: Array.from({ length: 5001 }, () => p.sandals!.id) }],
      ['PUT', `/collections/${c.id}/pins`, { productIds: [p.sandals!.id], extra: 1 }],
    ]
    for (const [method, path, body] of bad) {
      const res = await admin(method, path, body)
      assert.equal(res.status, 400, `${method} ${path} ${JSON.stringify(body).slice(0, 80)}: ${res.status}`)
    }
  })
})

describe('brand isolation', () => {
  test('brand B’s staff cannot read or edit brand A’s collections, nor list A’s products in B’s', async () => {
    const mine = (await admin('GET', '/collections')).body.items.find(
      (c: { slug: string }) => c.slug === 'selection-ete',
    )
    const merchandiserB = await signedInStaff(server, database.db, 'merchandiser', other.brand.id)
    const asB = (method: string, path: string, body?: unknown) =>
      server.request(method, path, { session: merchandiserB, ...(body ? { body } : {}) })
    const aBase = `/api/admin/brands/${fr.brand.slug}/collections`
    const bBase = `/api/admin/brands/${other.brand.slug}/collections`
    assert.equal((await asB('GET', aBase)).status, 404)
    assert.equal((await asB('GET', `${aBase}/${mine.id}`)).status, 404)
    assert.equal((await asB('PATCH', `${aBase}/${mine.id}`, { title: 'Pris' })).status, 404)
    assert.equal((await asB('PUT', `${aBase}/${mine.id}/pins`, { productIds: [] })).status, 404)
    assert.equal((await asB('DELETE', `${aBase}/${mine.id}`)).status, 404)
    // A's collection id through B's own brand: not found there either.
    assert.equal((await asB('GET', `${bBase}/${mine.id}`)).status, 404)
    assert.equal((await asB('PATCH', `${bBase}/${mine.id}`, { title: 'Pris' })).status, 404)
    assert.equal((await asB('DELETE', `${bBase}/${mine.id}`)).status, 404)
    // B's own collection cannot hold A's products.
    const own = await asB('POST', bBase, { slug: 'a-moi', title: 'À moi', kind: 'manual' })
    assert.equal(own.status, 201)
    const steal = await asB('PUT', `${bBase}/${own.body.id}/products`, { productIds: [p.summerDress!.id] })
    assert.equal(steal.status, 400)
    assert.equal(steal.body.type, '/problems/unknown-products')
    assert.deepEqual(steal.body.productIds, [p.summerDress!.id])
    // Shoppers: A's collection is not served at B's host.
    assert.equal((await store('/collections/selection-ete', otherHost)).status, 404)
    assert.equal((await server.request('GET', '/collections/selection-ete', { host: otherHost })).status, 404)
    // Unchanged after all of that.
    const after = await admin('GET', `/collections/${mine.id}`)
    assert.equal(after.body.title, 'Sélection d’été')
  })

  test('a read-only grant reads collections but cannot change them', async () => {
    const viewer = await signedInStaff(server, database.db, 'brand-viewer', fr.brand.id)
    const base = `/api/admin/brands/${fr.brand.slug}/collections`
    assert.equal((await server.request('GET', base, { session: viewer })).status, 200)
    const res = await server.request('POST', base, {
      session: viewer,
      body: { slug: 'nope', title: 'x', kind: 'manual' },
    })
    assert.equal(res.status, 403)
  })
})

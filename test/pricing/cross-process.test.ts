import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { openDatabase } from '../../src/platform/db/database.ts'
import { salePlans } from '../../src/pricing/index.ts'
import { onPostgres, openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'
import { startTestServer } from '../helpers/server.ts'
import { onTeardown } from '../helpers/teardown.ts'
import { hostOf } from './helpers.ts'

/**
 * Two application instances on one PostgreSQL database, as two nodes behind a load balancer: an
 * event edited through one is served by the other on its next request after the NOTIFY, with its
 * cache warm and no restart. PGlite is one process by design (NOTIFY reaches only it): skipped there.
 */
describe('sale event edits reach every node', {
  skip: onPostgres ? false : 'needs PostgreSQL (DATABASE_URL): PGlite is single-process',
}, () => {
  test('node B serves node A’s edit on its next request', async () => {
    const database = await openTestDatabase()
    const url = new URL(process.env.DATABASE_URL ?? '')
    url.pathname = `/${(await database.db.selectNoFrom((eb) => eb.fn<string>('current_database', []).as('name')).executeTakeFirstOrThrow()).name}`
    const second = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 4 })
    onTeardown(() => second.close())
    const brand = await createTestBrand(database.db)
    const product = await createTestProduct(brand, {
      variants: [{ sku: 'XP-M', size: 'M', priceMinor: 5000, onHand: 3 }],
    })
    const nodeA = await startTestServer(database)
    const nodeB = await startTestServer(second)
    const host = hostOf(brand)
    const price = async (node: typeof nodeA) =>
      (await node.request('GET', `/api/store/products/${product.id}`, { host })).body.variants[0].priceMinor as number
    assert.equal(await price(nodeB), 5000)
    assert.equal(await price(nodeB), 5000) // cached

    const created = await nodeA.request('POST', '/api/admin/sale-events', {
      admin: true,
      body: {
        name: 'Flash',
        brands: [brand.brand.slug],
        startsAt: '2020-01-01T00:00:00Z',
        endsAt: '2099-01-01T00:00:00Z',
        rules: [{ discount: { kind: 'percent', percent: 20 }, target: { kind: 'brand' } }],
      },
    })
    assert.equal(created.status, 201, created.text)
    assert.equal(await price(nodeA), 4000, 'the node that wrote sees it at once')
    // B learns it from the NOTIFY sent at commit; wait for B's schedule to move, then one request.
    const started = Date.now()
    const plansB = salePlans(second.db)
    while (Date.now() - started < 3000) {
      const plan = await plansB.plan({
        db: second.db,
        brand: nodeB.brands.bySlug(brand.brand.slug)!,
        now: new Date(),
        actor: { kind: 'shopper' },
        log: console,
      })
      if (plan.events.length === 1) break
      await delay(5)
    }
    const learnedMs = Date.now() - started
    assert.ok(learnedMs < 1000, `node B learned the edit in ${learnedMs} ms`)
    assert.equal(await price(nodeB), 4000)
    const deleted = await nodeA.request('DELETE', `/api/admin/sale-events/${created.body.id}`, { admin: true })
    assert.equal(deleted.status, 204)
    const t0 = Date.now()
    let seen = 4000
    while (seen !== 5000 && Date.now() - t0 < 3000) {
      seen = await price(nodeB)
      if (seen !== 5000) await delay(5)
    }
    assert.equal(seen, 5000)
  })
})

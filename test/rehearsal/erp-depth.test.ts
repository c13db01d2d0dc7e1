import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { startDeliveryWorker } from '../../src/erp/delivery-worker.ts'
import { startErpSimulator } from '../../src/erp/simulator.ts'
import { parseRehearseArgs, runRehearsal } from '../../src/rehearsal/index.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'
import { startTestServer, testAdmin } from '../helpers/server.ts'
import { onTeardown } from '../helpers/teardown.ts'

const database = await openTestDatabase()
const brand = await createTestBrand(database.db)
for (let i = 0; i < 3; i++) {
  await createTestProduct(brand, {
    variants: [{ sku: `E-${i}`, size: 'M', colour: 'Noir', priceMinor: 3100, onHand: 200 }],
  })
}
const server = await startTestServer(database)
const secret = 'rehearsal-erp-secret-0123456789'
const simulator = await startErpSimulator({ secret })
onTeardown(() => simulator.close())
const worker = startDeliveryWorker({ db: database.db }, { pollMs: 100 })
onTeardown(() => worker.stop())
const slug = brand.brand.slug

describe('the ERP outbox during a rehearsal', () => {
  test('depth grows while the ERP is paused, and the catch-up is timed from the end of the load', async () => {
    // As an operator: the brand's ERP is the simulator, and deliveries are paused (an ERP outage).
    const settings = await server.request('PUT', `/api/admin/brands/${slug}/erp/settings`, {
      admin: true,
      body: { transport: { kind: 'http', url: `${simulator.url}/orders`, secret } },
    })
    assert.equal(settings.status, 200, settings.text)
    assert.equal((await server.request('POST', `/api/admin/brands/${slug}/erp/pause`, { admin: true })).status, 200)

    const durationMs = 6000
    let resumed: Promise<unknown> | null = null
    const options = parseRehearseArgs(
      [
        ...['--target', server.url, '--baseline', '40', '--surge', '1', '--duration', `${durationMs / 1000}s`],
        ...['--think', '20ms', '--erp-wait', '20s', '--admin-email', testAdmin.email],
      ],
      { VITRINE_ADMIN_PASSWORD: testAdmin.password },
    )
    const { outcome } = await runRehearsal(options, {
      out: () => {},
      // The load starts right after discovery: the ERP comes back two seconds after it ends.
      err: (text) => {
        if (text.startsWith('discovered') && !resumed) {
          resumed = new Promise((r) => setTimeout(r, durationMs + 2000)).then(() =>
            server.request('POST', `/api/admin/brands/${slug}/erp/resume`, { admin: true }),
          )
        }
      },
      tty: false,
    })
    await resumed

    assert.ok(outcome.ordersPlaced > 0, 'orders placed')
    // Paused, nothing left the outbox: the deepest sample is every order of the run.
    const maxDepth = Math.max(...outcome.erpDepth.map((d) => d.depth))
    assert.equal(maxDepth, outcome.ordersPlaced)
    const endS = Math.round(durationMs / 1000)
    assert.ok(
      outcome.erpDepth.some((d) => d.t >= endS && d.depth > 0),
      'still behind after the load',
    )
    assert.equal(outcome.erpDepth.at(-1)?.depth, 0, 'drained')
    assert.ok(outcome.erpCatchUpS !== null && outcome.erpCatchUpS >= 1, `caught up after ${outcome.erpCatchUpS} s`)
    // Each order reached the ERP, once.
    assert.equal(simulator.documents.size, outcome.ordersPlaced)
  })
})

import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { parseCapacity } from '../../src/planning/index.ts'
import { parseRehearseArgs, runRehearsal } from '../../src/rehearsal/index.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'
import { startTestServer, testAdmin } from '../helpers/server.ts'
import { onTeardown } from '../helpers/teardown.ts'

const database = await openTestDatabase()
const alpha = await createTestBrand(database.db)
const beta = await createTestBrand(database.db)
// Little stock, so shoppers race for the last units: the oversold check has something to check.
for (const brand of [alpha, beta]) {
  for (let i = 0; i < 3; i++) {
    await createTestProduct(brand, {
      variants: [
        { sku: `S-${i}`, size: 'S', colour: 'Noir', priceMinor: 2990, onHand: 4 },
        { sku: `M-${i}`, size: 'M', colour: 'Noir', priceMinor: 2990, onHand: 2 },
      ],
    })
  }
}
const server = await startTestServer(database)
const dir = mkdtempSync(join(tmpdir(), 'vitrine-rehearse-'))
onTeardown(() => rmSync(dir, { recursive: true, force: true }))
const env = { VITRINE_ADMIN_PASSWORD: testAdmin.password }

async function rehearse(args: string[]) {
  let out = ''
  let err = ''
  const options = parseRehearseArgs(['--target', server.url, ...args], env)
  const result = await runRehearsal(options, {
    out: (t) => {
      out += t
    },
    err: (t) => {
      err += t
    },
    tty: false,
  })
  return { ...result, out, err }
}

const ordersOf = async (brandId: string) =>
  Number(
    (
      await database.db
        .selectFrom('orders')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('brand_id', '=', brandId)
        .executeTakeFirstOrThrow()
    ).n,
  )

describe('vitrine rehearse against a running server', () => {
  test('discovers the shops, drives shoppers through checkout, counts orders per brand as the database does, finds nothing oversold', async () => {
    const lenient = join(dir, 'lenient.json')
    writeFileSync(
      lenient,
      JSON.stringify({
        p99Ms: { home: 60000, listing: 60000, search: 60000, product: 60000, cart: 60000, checkout: 60000 },
        unaffectedP99Ms: 60000,
      }),
    )
    const report = join(dir, 'report.html')
    const capacity = join(dir, 'capacity.json')
    const res = await rehearse([
      '--baseline',
      '40',
      '--surge',
      '3',
      '--surge-brands',
      alpha.brand.slug,
      '--duration',
      '12s',
      '--surge-at',
      '4s',
      '--think',
      '20ms',
      '--admin-email',
      testAdmin.email,
      '--erp-wait',
      '2s',
      '--slo',
      lenient,
      '--report',
      report,
      '--save-capacity',
      capacity,
      '--startup-seconds',
      '1.2',
    ])
    const o = res.outcome
    assert.deepEqual(new Set(o.brands), new Set([alpha.brand.slug, beta.brand.slug]), 'brands found on the index page')
    assert.equal(res.status, 0, res.out)
    const surge = o.summary.phases.find((p) => p.name === 'surge')!
    const byBrand = (slug: string) => surge.byBrand.find((r) => r.label === slug)!
    // The surging brand gets about 3× the other's traffic during the step.
    assert.ok(byBrand(alpha.brand.slug).requests > byBrand(beta.brand.slug).requests * 1.5, res.out)
    // Orders counted from 201s equal the orders in the database, per brand: none lost, none doubled.
    const counted = (slug: string) =>
      o.summary.phases.reduce((n, p) => n + (p.byBrand.find((r) => r.label === slug)?.orders ?? 0), 0)
    assert.equal(counted(alpha.brand.slug), await ordersOf(alpha.brand.id))
    assert.equal(counted(beta.brand.slug), await ordersOf(beta.brand.id))
    assert.ok(o.ordersPlaced > 0, 'some shoppers paid')
    assert.equal(o.ordersPlaced, counted(alpha.brand.slug) + counted(beta.brand.slug))
    // Every class was exercised, nothing failed on the server's side.
    for (const cls of ['home', 'product', 'cart', 'checkout']) {
      const total = o.summary.phases.reduce((n, p) => n + (p.byClass.find((r) => r.label === cls)?.requests ?? 0), 0)
      assert.ok(total > 0, `${cls} requested`)
    }
    assert.equal(
      o.summary.phases.reduce((n, p) => n + p.total.serverError + p.total.failed, 0),
      0,
    )
    // Oversold: read through the admin API, and the database agrees.
    assert.ok(o.oversold && o.oversold.variantsChecked > 0)
    assert.equal(o.oversold.oversoldUnits, 0)
    const oversoldRows = await database.db
      .selectFrom('stock_levels')
      .select('variant_id')
      .where((eb) => eb('reserved', '>', eb.ref('on_hand')))
      .execute()
    assert.equal(oversoldRows.length, 0)
    assert.ok(o.erpDepth.length > 0, 'outbox depth sampled')
    assert.match(res.out, /Every SLO met\./)

    const html = readFileSync(report, 'utf8')
    assert.match(html, /^<!doctype html>/)
    assert.equal((html.match(/<svg /g) ?? []).length >= 5, true, 'charts drawn inline')
    assert.doesNotMatch(html, /<script|<link|src="http|href="http|@import|url\(/i, 'self-contained: no external asset')
    const saved = parseCapacity(JSON.parse(readFileSync(capacity, 'utf8')))
    assert.ok(saved.pageViewsPerSecond > 0)
    assert.equal(saved.startupSeconds, 1.2)
    assert.equal(saved.nodes, 1)
  })

  test('exits 1 when an SLO is missed, and says which', async () => {
    const strict = join(dir, 'strict.json')
    writeFileSync(strict, JSON.stringify({ p99Ms: { product: 0.001 } }))
    const res = await rehearse([
      '--brands',
      beta.brand.slug,
      '--baseline',
      '20',
      '--duration',
      '3s',
      '--think',
      '10ms',
      '--slo',
      strict,
    ])
    assert.equal(res.status, 1)
    assert.match(res.out, /p99 product \(baseline\)\s+≤ 0\.001 ms\s+\S+ ms\s+MISSED/)
    assert.match(res.out, /Oversold units: not checked/)
  })
})

describe('vitrine rehearse refuses what it must not do', () => {
  const parse =
    (args: string[], e: NodeJS.ProcessEnv = {}) =>
    () =>
      parseRehearseArgs(args, e)

  test('targets other than this machine, unless --allow-remote', () => {
    assert.throws(parse(['--target', 'http://example.com']), /not this machine/)
    assert.throws(parse(['--target', 'http://10.0.0.8:3000']), /not this machine/)
    assert.throws(parse(['--target', 'http://127.0.0.1.nip.io']), /not this machine/)
    assert.throws(parse(['--target', 'http://user:pw@127.0.0.1:3000']), /credentials/)
    assert.throws(parse(['--target', 'file:///etc/passwd']), /http:\/\//)
    assert.throws(parse(['--target', 'not a url']), /not a URL/)
    assert.equal(
      parseRehearseArgs(['--target', 'http://10.0.0.8:3000', '--allow-remote'], {}).target.hostname,
      '10.0.0.8',
    )
    for (const ok of ['http://127.0.0.1:3000', 'http://localhost:3000', 'http://[::1]:3000', 'http://shop.localhost']) {
      assert.equal(parseRehearseArgs(['--target', ok], {}).target.href.startsWith('http://'), true, ok)
    }
  })

  test('malformed options', () => {
    const t = ['--target', 'http://127.0.0.1:3000']
    assert.throws(parse([...t, '--brands', '../etc']), /not a brand slug/)
    assert.throws(parse([...t, '--brands', 'a,b', '--surge-brands', 'c']), /not in --brands/)
    assert.throws(parse([...t, '--duration', '2h']), /not a duration/)
    assert.throws(parse([...t, '--duration', '31m']), /between 2s and 30m/)
    assert.throws(parse([...t, '--duration', '10s', '--surge-at', '10s']), /before the end/)
    assert.throws(parse([...t, '--baseline', '-5']), /--baseline/)
    assert.throws(parse([...t, '--surge', 'NaN']), /--surge/)
    assert.throws(parse([...t, '--profile', 'spike']), /step or ramp/)
    assert.throws(parse([...t, '--admin-key', 'password123']), /vtk_/)
    assert.throws(parse([...t, '--admin-email', 'a@b.c']), /VITRINE_ADMIN_PASSWORD/)
    assert.throws(parse([...t, 'extra']), /unexpected argument/)
    assert.equal(parseRehearseArgs([...t, '--duration', '90s'], {}).surgeAtMs, 30_000)
  })

  test('an unknown brand or a wrong API key stops the run before any load', async () => {
    await assert.rejects(
      rehearse(['--brands', 'no-such-brand', '--duration', '2s']),
      /no-such-brand: GET \/api\/store\/brand answered HTTP 404/,
    )
    await assert.rejects(
      rehearse(['--brands', alpha.brand.slug, '--duration', '2s', '--admin-key', `vtk_${'x'.repeat(32)}`]),
      /admin-key was refused/,
    )
  })
})

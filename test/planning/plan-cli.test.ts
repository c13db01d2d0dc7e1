import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { planCommand } from '../../src/planning/index.ts'
import { addTrafficCounts } from '../../src/traffic/index.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, systemCtx } from '../helpers/fixtures.ts'
import { onTeardown } from '../helpers/teardown.ts'

const database = await openTestDatabase()
const alpha = await createTestBrand(database.db)
const beta = await createTestBrand(database.db)
const now = new Date('2026-01-06T12:00:00Z')
const dir = mkdtempSync(join(tmpdir(), 'vitrine-plan-'))
onTeardown(() => rmSync(dir, { recursive: true, force: true }))

// Two days of history: alpha peaks at 36,000 views (10/s) and 900 orders (15/min), beta at 7,200 (2/s).
const hour = (iso: string) => new Date(iso)
await addTrafficCounts(systemCtx(database.db), [
  { brandId: alpha.brand.id, hour: hour('2026-01-05T18:00:00Z'), kind: 'page', n: 36_000 },
  { brandId: alpha.brand.id, hour: hour('2026-01-05T18:00:00Z'), kind: 'order', n: 600 },
  { brandId: alpha.brand.id, hour: hour('2026-01-05T19:00:00Z'), kind: 'page', n: 18_000 },
  { brandId: alpha.brand.id, hour: hour('2026-01-05T19:00:00Z'), kind: 'order', n: 900 },
  { brandId: beta.brand.id, hour: hour('2026-01-05T18:00:00Z'), kind: 'page', n: 7_000 },
  { brandId: beta.brand.id, hour: hour('2026-01-05T18:00:00Z'), kind: 'order', n: 120 },
  // API reads, crawlers and hours outside the window do not size the plan.
  { brandId: beta.brand.id, hour: hour('2026-01-05T18:00:00Z'), kind: 'api', n: 1_000_000 },
  { brandId: beta.brand.id, hour: hour('2026-01-05T18:00:00Z'), kind: 'bot', n: 1_000_000 },
  { brandId: alpha.brand.id, hour: hour('2025-10-01T18:00:00Z'), kind: 'page', n: 9_000_000 },
  { brandId: alpha.brand.id, hour: hour('2026-01-06T13:00:00Z'), kind: 'page', n: 9_000_000 },
])
// The same hour flushed again by another process adds up: beta's 7,000 + 200.
await addTrafficCounts(systemCtx(database.db), [
  { brandId: beta.brand.id, hour: hour('2026-01-05T18:00:00Z'), kind: 'page', n: 200 },
])

// One sale event on alpha (a row per brand, as pricing stores them), and one already over.
const saleId = randomUUID()
const insertEvent = (brandId: string, id: string, name: string, starts: string, ends: string) =>
  database.db
    .insertInto('sale_events')
    .values({
      brand_id: brandId,
      id,
      name,
      starts_text: starts,
      ends_text: ends,
      starts_at: new Date(starts),
      ends_at: new Date(ends),
      priority: 0,
      combine: 'best',
      rounding: null,
      rules: '[]',
      created_at: now,
      updated_at: now,
    })
    .execute()
await insertEvent(alpha.brand.id, saleId, 'Soldes d’hiver', '2026-01-07T07:00:00Z', '2026-01-07T19:00:00Z')
await insertEvent(beta.brand.id, randomUUID(), 'Past', '2026-01-01T07:00:00Z', '2026-01-02T07:00:00Z')

const capacityPath = join(dir, 'capacity.json')
writeFileSync(
  capacityPath,
  JSON.stringify({
    version: 1,
    measuredAt: '2026-01-05T10:00:00Z',
    target: 'http://127.0.0.1:3000',
    nodes: 1,
    pageViewsPerSecond: 100,
    ordersPerMinute: 50,
    p99SloMs: 200,
    startupSeconds: 1.5,
  }),
)

async function plan(args: string[]) {
  let out = ''
  let err = ''
  const status = await planCommand(args, {
    // The command closes what it opens; the test's database outlives it.
    open: async () => ({ ...database, close: async () => {} }),
    out: (t) => {
      out += t
    },
    err: (t) => {
      err += t
    },
    now,
  })
  return { status, out, err }
}

describe('vitrine plan', () => {
  test('prints the baseline and the event plan from the stored history and sale events', async () => {
    const manifest = join(dir, 'vitrine.yaml')
    const res = await plan([
      '--capacity',
      capacityPath,
      '--manifest',
      manifest,
      '--image',
      'registry.example/vitrine:1.2',
    ])
    assert.equal(res.status, 0, res.err)
    const text = res.out
    assert.match(text, /Baseline nodes: 2/)
    assert.match(text, /Sale event "Soldes d’hiver" 2026-01-07T07:00:00.000Z → 2026-01-07T19:00:00.000Z \(×15 on /)
    // alpha 150 views/s + beta 2 = 152; orders 225 + 2 = 227 → ceil(227 / 35) = 7 nodes, asked for by start − 1.5 s − 15 min.
    assert.match(text, /total\s+152\s+227/)
    assert.match(text, /Nodes needed: 7 \(baseline 2\); have them asked for by 2026-01-07T06:44:58.500Z/)
    assert.doesNotMatch(text, /Past/)
    const base = readFileSync(manifest, 'utf8')
    assert.match(base, /^kind: Deployment[\s\S]*^---\n[\s\S]*^kind: Service[\s\S]*^kind: HorizontalPodAutoscaler/m)
    assert.match(base, /minReplicas: 2\n {2}maxReplicas: 14/)
    assert.match(base, /image: "registry.example\/vitrine:1.2"/)
    assert.match(base, /path: \/ready[\s\S]*path: \/health[\s\S]*preStop/)
    const event = readFileSync(join(dir, 'vitrine.event-1.yaml'), 'utf8')
    assert.match(event, /minReplicas: 7\n/)
    assert.match(event, /# Apply at 2026-01-07T06:44:58.500Z/)
    assert.doesNotMatch(event, /^kind: Deployment/m)
  })

  test('as JSON, with a per-event factor, a larger headroom and the history window', async () => {
    const res = await plan([
      '--capacity',
      capacityPath,
      '--json',
      '--headroom',
      '0.5',
      '--event-surge',
      `${saleId}=10`,
      '--from',
      '2026-01-05T00:00:00Z',
    ])
    assert.equal(res.status, 0, res.err)
    const json = JSON.parse(res.out)
    const bySlug = Object.fromEntries(json.brands.map((b: any) => [b.slug, b.peakPageViewsPerHour]))
    assert.deepEqual(bySlug, { [alpha.brand.slug]: 36_000, [beta.brand.slug]: 7_200 })
    assert.equal(json.events.length, 1)
    // alpha ×10: 100 + 2 = 102 views/s, 150 + 2 = 152 orders/min; per node 50 and 25 → max(3, 7) = 7.
    assert.deepEqual(json.events[0].total, { pageViewsPerSecond: 102, ordersPerMinute: 152 })
    assert.equal(json.events[0].nodes, 7)
  })

  test('refuses bad options and a missing or malformed capacity file with status 2, writing nothing', async () => {
    const cases: string[][] = [
      ['--capacity', join(dir, 'absent.json')],
      ['--capacity', capacityPath, '--headroom', '1'],
      ['--capacity', capacityPath, '--headroom', 'abc'],
      ['--capacity', capacityPath, '--surge', '0.5'],
      ['--capacity', capacityPath, '--event-surge', 'no-factor'],
      ['--capacity', capacityPath, '--event-surge', '=3'],
      ['--capacity', capacityPath, '--min-nodes', '1.5'],
      ['--capacity', capacityPath, '--from', 'yesterday-ish'],
      ['--capacity', capacityPath, '--from', '2030-01-01'],
      ['--capacity', capacityPath, '--manifest', join(dir, 'out.txt')],
    ]
    for (const args of cases) {
      const res = await plan(args)
      assert.equal(res.status, 2, `${args.join(' ')} → ${res.status}`)
      assert.equal(res.out, '')
    }
    for (const content of [
      'not json',
      '{"version":1,"pageViewsPerSecond":-1,"ordersPerMinute":5,"p99SloMs":200}',
      '{}',
    ]) {
      const bad = join(dir, 'bad.json')
      writeFileSync(bad, content)
      const res = await plan(['--capacity', bad])
      assert.equal(res.status, 2, content)
      assert.match(res.err, /bad\.json/)
    }
  })
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildApp } from '../src/app.ts'
import { BrandDirectory } from '../src/brands/brand-directory.ts'
import { silentLog } from '../src/platform/ctx.ts'
import { openTestDatabase } from './helpers/database.ts'
import { onTeardown } from './helpers/teardown.ts'

const database = await openTestDatabase()
const brands = new BrandDirectory(database, silentLog)
await brands.start()
const app = await buildApp({ database, brands, logLevel: 'silent' })
await app.ready()
onTeardown(async () => {
  await app.close()
  await brands.stop()
})

const spec = JSON.parse((await app.inject({ url: '/docs/json' })).body) as {
  openapi: string
  paths: Record<
    string,
    Record<
      string,
      {
        summary?: string
        description?: string
        tags?: string[]
        security?: unknown
        responses?: Record<string, unknown>
        'x-permission'?: string
      }
    >
  >
}
const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
)

test('the OpenAPI document at /docs/json describes every JSON API route', () => {
  assert.equal(spec.openapi, '3.1.0')
  const apiRoutes = operations.filter((o) => o.path.startsWith('/api/'))
  assert.ok(apiRoutes.length >= 18, `only ${apiRoutes.length} API operations documented`)
  for (const { path, method, operation } of apiRoutes) {
    assert.ok(operation.summary, `${method.toUpperCase()} ${path} has no summary`)
    assert.ok(operation.tags?.length, `${method.toUpperCase()} ${path} has no tag`)
    const statuses = Object.keys(operation.responses ?? {})
    assert.ok(
      statuses.some((s) => s.startsWith('2')),
      `${method.toUpperCase()} ${path} documents no success response`,
    )
  }
})

test('every admin operation declares its permission and the session-cookie or API-key schemes; no store operation does', () => {
  const schemes = (spec as unknown as { components: { securitySchemes: Record<string, unknown> } }).components
    .securitySchemes
  assert.deepEqual(Object.keys(schemes).sort(), ['apiKey', 'sessionCookie'])
  for (const { path, method, operation } of operations) {
    if (path.startsWith('/api/admin/')) {
      const name = `${method.toUpperCase()} ${path}`
      assert.ok(operation['x-permission'], `${name} has no x-permission`)
      if (operation['x-permission'] === 'public') assert.deepEqual(operation.security, [], name)
      else assert.deepEqual(operation.security, [{ sessionCookie: [] }, { apiKey: [] }], name)
      if (!['public', 'authenticated'].includes(operation['x-permission'])) {
        assert.match(
          operation.description ?? '',
          new RegExp(`Requires permission \\\`${operation['x-permission']}\\\``),
          name,
        )
      }
    } else if (path.startsWith('/api/store/')) {
      assert.equal(operation.security, undefined, `${method.toUpperCase()} ${path}`)
    }
  }
})

test('/docs serves the API explorer page', async () => {
  const page = await app.inject({ url: '/docs' })
  assert.equal(page.statusCode, 200)
  assert.match(page.headers['content-type'] as string, /^text\/html/)
})

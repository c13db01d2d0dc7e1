import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { openTestDatabase } from '../../../test/helpers/database.ts'
import { onTeardown } from '../../../test/helpers/teardown.ts'
import { buildApp } from '../../app.ts'
import { BrandDirectory } from '../../brands/brand-directory.ts'
import { silentLog } from '../ctx.ts'
import { LazySchemas, lazySchemasOf, useLazySchemas } from './lazy-schemas.ts'
import { useStrictValidation } from './validation.ts'

/** A small app compiled the way buildApp compiles: one validated, serialized route (and its HEAD twin). */
async function smallApp(extra: (app: FastifyInstance) => void = () => {}) {
  const schemas = new LazySchemas()
  const app = Fastify({ schemaController: { compilersFactory: { buildSerializer: schemas.buildSerializer } } })
  useStrictValidation(app, schemas)
  useLazySchemas(app, schemas)
  app.post(
    '/items',
    {
      schema: {
        body: Type.Object({ quantity: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ quantity: Type.Integer() }) },
      },
    },
    async (request) => ({ ...(request.body as object), secret: 'not in the schema' }),
  )
  extra(app)
  await app.ready()
  return { app, schemas }
}

// Registered at the file's top level, so the clean-up runs when the file ends (test/helpers/teardown.ts).
const database = await openTestDatabase({ poolSize: 2 })

describe('route schemas compiled lazily', () => {
  test('nothing compiles while the app starts; a request compiles its own route and behaves as compiled', async () => {
    const { app, schemas } = await smallApp()
    onTeardown(() => app.close())
    const before = schemas.pending
    assert.ok(before >= 2, `the body validator and the response serializer wait (${before})`)

    const ok = await app.inject({ method: 'POST', url: '/items', payload: { quantity: 2 } })
    assert.equal(ok.statusCode, 200)
    assert.deepEqual(ok.json(), { quantity: 2 }, 'the response schema drops what it does not list')
    assert.equal(schemas.pending, before - 2)

    const bad = await app.inject({ method: 'POST', url: '/items', payload: { quantity: '2' } })
    assert.equal(bad.statusCode, 400)
    assert.match(bad.json().message, /body\/quantity must be integer/, 'the errors of the lazily compiled validator')
    const unknown = await app.inject({ method: 'POST', url: '/items', payload: { quantity: 1, colour: 'red' } })
    assert.equal(unknown.statusCode, 400)
  })

  test('the warm-up compiles everything left, once the server listens', async () => {
    const { app, schemas } = await smallApp()
    onTeardown(() => app.close())
    assert.ok(schemas.pending > 0)
    await app.listen({ port: 0, host: '127.0.0.1' })
    await schemas.warmUp(app.log)
    assert.equal(schemas.pending, 0)
  })

  test('a schema that does not compile fails its own route with a 500, and compileAll names it', async () => {
    const { app, schemas } = await smallApp((app) => {
      app.get(
        '/broken',
        { schema: { querystring: { type: 'object', properties: { n: { type: 'no-such-type' } } } } },
        async () => ({ ok: true }),
      )
    })
    onTeardown(() => app.close())
    const failures = schemas.compileAll()
    assert.deepEqual(
      failures.map((f) => f.schema),
      ['GET /broken querystring', 'HEAD /broken querystring'],
    )
    assert.equal((await app.inject({ method: 'GET', url: '/broken?n=1' })).statusCode, 500)
    assert.equal((await app.inject({ method: 'POST', url: '/items', payload: { quantity: 1 } })).statusCode, 200)
  })

  test('every schema of the whole application compiles', async () => {
    const brands = new BrandDirectory(database, silentLog)
    await brands.start()
    const app = await buildApp({ database, brands, logLevel: 'silent' })
    await app.ready()
    onTeardown(async () => {
      await app.close()
      await brands.stop()
    })
    const schemas = lazySchemasOf(app)!
    assert.ok(schemas.pending > 200, `every route's validators and serializers wait (${schemas.pending})`)
    assert.deepEqual(schemas.compileAll(), [])
    assert.equal(schemas.pending, 0)
  })
})

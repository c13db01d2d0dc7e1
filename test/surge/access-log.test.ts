import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand, createTestProduct } from '../helpers/fixtures.ts'
import { send, startSurgeServer } from './helpers.ts'

/**
 * The node's request log through real HTTP: one JSON line per answered request (not Fastify's
 * two), carrying the request id the response echoes, the method, URL, host, status and time.
 */

const database = await openTestDatabase()
const brand = await createTestBrand(database.db)
await createTestProduct(brand)
const host = `${brand.brand.slug}.localhost`

const lines: Record<string, unknown>[] = []
const { port } = await startSurgeServer(database, { metricsToken: null }, '127.0.0.1', {
  logLevel: 'info',
  logStream: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
})

/** The lines logged for one request id (the log is asynchronous to the response: wait for it). */
async function linesOf(reqId: string): Promise<Record<string, unknown>[]> {
  for (let i = 0; i < 50; i++) {
    const found = lines.filter((l) => l.reqId === reqId)
    if (found.length > 0) return found
    await delay(10)
  }
  return []
}

test('an answered request is one log line with its id, method, URL, host, status and time', async () => {
  const answer = await send(port, 'GET', '/api/store/products?pageSize=2', {
    host,
    headers: { 'x-request-id': 'lb-access-1' },
  })
  assert.equal(answer.status, 200, answer.text)
  const logged = await linesOf('lb-access-1')
  assert.equal(logged.length, 1, JSON.stringify(logged))
  const [line] = logged as [Record<string, unknown>]
  assert.equal(line.msg, 'request completed')
  assert.equal(line.level, 30)
  const req = line.req as Record<string, unknown>
  assert.deepEqual(
    { method: req.method, url: req.url, host: req.host, remoteAddress: req.remoteAddress },
    { method: 'GET', url: '/api/store/products?pageSize=2', host, remoteAddress: '127.0.0.1' },
  )
  assert.equal(typeof req.remotePort, 'number')
  assert.deepEqual(line.res, { statusCode: 200 })
  assert.equal(typeof line.responseTime, 'number')
  assert.ok((line.responseTime as number) >= 0)
})

test('a client error is logged on the same single line with its status; the id of a hostile header is replaced', async () => {
  const answer = await send(port, 'GET', '/api/store/nothing-here', {
    host,
    headers: { 'x-request-id': '"}{"level":60' },
  })
  assert.equal(answer.status, 404)
  const reqId = String(answer.headers['x-request-id'])
  assert.notEqual(reqId, '"}{"level":60')
  const logged = await linesOf(reqId)
  const completed = logged.filter((l) => l.msg === 'request completed')
  assert.equal(completed.length, 1, JSON.stringify(logged))
  assert.deepEqual(completed[0]!.res, { statusCode: 404 })
  assert.ok(
    logged.every((l) => l.msg !== 'incoming request'),
    'no arrival line',
  )
  assert.ok(
    lines.every((l) => l.level !== 60),
    'the hostile header forged no line',
  )
})

import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, describe, test } from 'node:test'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { HttpClient } from '../../src/rehearsal/http-client.ts'

// A server that answers each path with a fixed body and Content-Encoding, and echoes what it was asked.
const answers: Record<string, { coding?: string; body: Buffer }> = {
  '/gzip': { coding: 'gzip', body: gzipSync('{"ok":"gzip"}') },
  '/br': { coding: 'br', body: brotliCompressSync('{"ok":"br"}') },
  '/plain': { body: Buffer.from('{"ok":"plain"}') },
  '/corrupt': { coding: 'gzip', body: Buffer.from('not gzip at all') },
}
let askedEncoding: string | undefined
const server = http.createServer((req, res) => {
  askedEncoding = req.headers['accept-encoding']
  const answer = answers[req.url ?? ''] ?? { body: Buffer.from('{}') }
  res.writeHead(200, {
    'content-type': 'application/json',
    ...(answer.coding ? { 'content-encoding': answer.coding } : {}),
  })
  res.end(answer.body)
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const client = new HttpClient(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), 5000)
after(() => {
  client.close()
  server.close()
})

describe('rehearsal HTTP client', () => {
  test('asks for compressed answers as a browser does, and reads a kept body decompressed', async () => {
    for (const coding of ['gzip', 'br', 'plain']) {
      const res = await client.send({ method: 'GET', path: `/${coding}`, host: 'shop.localhost' })
      assert.equal(res.kind, 'response')
      assert.deepEqual(JSON.parse(res.kind === 'response' ? res.body : ''), { ok: coding })
    }
    assert.equal(askedEncoding, 'gzip, deflate, br')
  })

  test('a body that does not decompress is an error, not an empty page', async () => {
    const res = await client.send({ method: 'GET', path: '/corrupt', host: 'shop.localhost' })
    assert.equal(res.kind, 'error')
    assert.match(res.kind === 'error' ? res.message : '', /did not decompress/)
  })
})

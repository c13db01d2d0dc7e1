/**
 * The baseline for the read figures: bare Fastify (no logger, no hooks, no schema) sending the
 * very bytes and headers the application sent, from memory. Whatever the application does beyond
 * this — brand resolution, validation, the response cache, the problem handler — is what the ratio
 * measures. Reads its responses from the JSON file named by argv[2]; prints {"port": n}.
 */
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'
import type { RecordedResponse } from './http-load.ts'

interface Recorded {
  listing?: RecordedResponse
  products?: Record<string, RecordedResponse>
  /** Any other recorded response, by its exact path (storefront pages). */
  pages?: Record<string, RecordedResponse>
}

const file = process.argv[2]
if (!file) throw new Error('usage: bare-server.ts <responses.json>')
const recorded = JSON.parse(readFileSync(file, 'utf8')) as Recorded
const toReply = (r: RecordedResponse) => ({ headers: r.headers, body: Buffer.from(r.body) })
const listing = recorded.listing ? toReply(recorded.listing) : null
const products = new Map(Object.entries(recorded.products ?? {}).map(([id, r]) => [id, toReply(r)]))
const pages = new Map(Object.entries(recorded.pages ?? {}).map(([path, r]) => [path, toReply(r)]))

const app = Fastify()
app.get('/api/store/products', (_request, reply) => {
  if (!listing) return reply.code(404).send()
  reply.headers(listing.headers).send(listing.body)
})
app.get<{ Params: { id: string } }>('/api/store/products/:id', (request, reply) => {
  const product = products.get(request.params.id)
  if (!product) return reply.code(404).send()
  reply.headers(product.headers).send(product.body)
})
app.get('/*', (request, reply) => {
  const page = pages.get(request.url)
  if (!page) return reply.code(404).send()
  reply.headers(page.headers).send(page.body)
})
await app.listen({ port: 0, host: '127.0.0.1' })

const address = app.server.address()
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`)

const stop = () => {
  void app.close().finally(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
process.stdin.on('end', stop)
process.stdin.resume()

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Request } from 'autocannon'
import { type ServerChild, startServerChild } from './children.ts'
import { compareLoads, httpRequest, type LoadResult, type LoadSpec, type RecordedResponse } from './http-load.ts'
import type { Section } from './options.ts'
import { type ResultRow, ratioRow } from './report.ts'

export const readConnections = 64
export const listingPath = '/api/store/products?pageSize=20'

export interface ReadBenchInput {
  app: ServerChild
  host: string
  productIds: readonly string[]
  only: ReadonlySet<Section>
  timing: { warmupS: number; durationS: number }
  /** A private directory for the recorded responses the bare server replays. */
  workDir: string
  progress: (message: string) => void
}

/** (a) the listing and (b) product pages, each against bare Fastify sending the same bytes. */
export async function benchReads(input: ReadBenchInput): Promise<ResultRow[]> {
  const { app, host, productIds } = input
  const listing = await httpRequest(app.port, 'GET', listingPath, host)
  assertListing(listing)
  const products: Record<string, RecordedResponse> = {}
  for (const id of productIds) {
    const product = await httpRequest(app.port, 'GET', `/api/store/products/${id}`, host)
    assertProduct(product, id)
    products[id] = product
  }
  const file = join(input.workDir, 'responses.json')
  writeFileSync(file, JSON.stringify({ listing, products }))
  const bare = await startServerChild('bare', 'bare-server.ts', [file], {})
  const rows: ResultRow[] = []
  try {
    if (input.only.has('listing')) {
      input.progress(`(a) listing: ${readConnections} connections, bare Fastify and Vitrine interleaved`)
      const spec: LoadSpec = {
        host,
        connections: readConnections,
        requests: () => [{ method: 'GET', path: listingPath }],
      }
      const result = await compareLoads(bare, app, spec, input.timing)
      rows.push(
        readRow('listing', '(a) listing ?pageSize=20', result, Buffer.byteLength(listing.body), [
          { label: '≥ 0.5× bare', test: (_f, ratio) => (ratio ?? 0) >= 0.5 },
        ]),
      )
    }
    if (input.only.has('product')) {
      input.progress(`(b) product pages: ${productIds.length} products in turn, ${readConnections} connections`)
      const paths = productIds.map((id) => `/api/store/products/${id}`)
      const spec: LoadSpec = { host, connections: readConnections, requests: () => rotate(paths) }
      const result = await compareLoads(bare, app, spec, input.timing)
      const bytes = Object.values(products).reduce((n, p) => n + Buffer.byteLength(p.body), 0) / paths.length
      rows.push(readRow('product', '(b) product detail', result, Math.round(bytes), []))
    }
  } finally {
    await bare.stop()
  }
  return rows
}

/** One request whose path walks through `paths`, shared by all connections of a run. */
function rotate(paths: readonly string[]): Request[] {
  let next = 0
  return [
    {
      method: 'GET',
      setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] ?? '/' }),
    },
  ]
}

function readRow(
  id: string,
  name: string,
  result: { baseline: LoadResult; subject: LoadResult },
  bodyBytes: number,
  goals: Parameters<typeof ratioRow>[1],
): ResultRow {
  const warnings = [result.subject, result.baseline]
    .filter((r) => r.failed > 0)
    .map((r) => `${r.failed} failed responses ${JSON.stringify(r.statusCodes)}`)
  return ratioRow(
    {
      id,
      name,
      unit: 'req/s',
      figure: result.subject.perSecond,
      baselineName: 'bare Fastify',
      baseline: result.baseline.perSecond,
      p50Ms: result.subject.p50Ms,
      p99Ms: result.subject.p99Ms,
      warnings,
      details: { bodyBytes, connections: readConnections, vitrine: result.subject, bare: result.baseline },
    },
    goals,
  )
}

function assertListing(response: RecordedResponse): void {
  if (response.status !== 200) throw new Error(`listing answered ${response.status}: ${response.body.slice(0, 300)}`)
  const page = JSON.parse(response.body) as { items?: Array<{ priceMinor?: unknown; inStock?: unknown }> }
  const items = page.items ?? []
  if (items.length !== 20 || !items.every((i) => typeof i.priceMinor === 'number' && i.inStock === true)) {
    throw new Error(`listing is not 20 priced, in-stock products: ${response.body.slice(0, 300)}`)
  }
}

function assertProduct(response: RecordedResponse, id: string): void {
  if (response.status !== 200) throw new Error(`product ${id} answered ${response.status}`)
  const product = JSON.parse(response.body) as { variants?: Array<{ available?: unknown }> }
  if (!product.variants?.length || !product.variants.every((v) => typeof v.available === 'number')) {
    throw new Error(`product ${id} has no variants with stock: ${response.body.slice(0, 300)}`)
  }
}

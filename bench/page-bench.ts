import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { Request } from 'autocannon'
import { type ServerChild, startServerChild } from './children.ts'
import { compareLoads, httpRequest, type LoadResult, type RecordedResponse } from './http-load.ts'
import { type ResultRow, ratioRow } from './report.ts'

export interface PageBenchInput {
  /** The application with its response cache on (warm) … */
  app: ServerChild
  /** … and the same application started with VITRINE_RESPONSE_CACHE=off (every request renders). */
  startColdApp: () => Promise<ServerChild>
  host: string
  productIds: readonly string[]
  categoryPath: string
  timing: { warmupS: number; durationS: number }
  workDir: string
  progress: (message: string) => void
}

const connections = 64

/**
 * Storefront HTML (issue 3): a category page and product pages, with the in-process cache warm and
 * with it off (the cold path: queries and rendering on every request), each against bare Fastify
 * replaying the very bytes. Also reports page weights (HTML + the CSS and JS it links).
 */
export async function benchPages(input: PageBenchInput): Promise<{ rows: ResultRow[]; weights: string[] }> {
  const { app, host } = input
  const productPaths = input.productIds.map((id) => `/p/p-${id}`)
  const pages: Record<string, RecordedResponse> = {}
  for (const path of [input.categoryPath, ...productPaths]) {
    const page = await httpRequest(app.port, 'GET', path, host)
    if (page.status !== 200 || !page.body.includes('</html>')) {
      throw new Error(`${path} answered ${page.status}: ${page.body.slice(0, 200)}`)
    }
    pages[path] = page
  }
  const weights = await pageWeights(app, host, {
    category: pages[input.categoryPath]!,
    product: pages[productPaths[0]!]!,
  })
  const file = join(input.workDir, 'pages.json')
  writeFileSync(file, JSON.stringify({ pages }))
  const bare = await startServerChild('bare-pages', 'bare-server.ts', [file], {})
  const rows: ResultRow[] = []
  let cold: ServerChild | null = null
  try {
    const category = { host, connections, requests: (): Request[] => [{ method: 'GET', path: input.categoryPath }] }
    const products = { host, connections, requests: () => rotate(productPaths) }
    input.progress(`(d) storefront pages, warm cache: ${input.categoryPath} and ${productPaths.length} product pages`)
    rows.push(
      row('page-category-warm', `(d) category page, warm`, await compareLoads(bare, app, category, input.timing), [
        { label: '≥ 0.5× bare', test: (_f, ratio) => (ratio ?? 0) >= 0.5 },
      ]),
      row('page-product-warm', `(d) product page, warm`, await compareLoads(bare, app, products, input.timing), [
        { label: '≥ 0.5× bare', test: (_f, ratio) => (ratio ?? 0) >= 0.5 },
      ]),
    )
    input.progress('(d) storefront pages, cold: a second server with VITRINE_RESPONSE_CACHE=off')
    cold = await input.startColdApp()
    rows.push(
      row('page-category-cold', `(d) category page, cold`, await compareLoads(bare, cold, category, input.timing), [
        { label: '≥ 2,000 pages/s', test: (figure) => figure >= 2000 },
      ]),
      row('page-product-cold', `(d) product page, cold`, await compareLoads(bare, cold, products, input.timing), [
        { label: '≥ 2,000 pages/s', test: (figure) => figure >= 2000 },
      ]),
    )
  } finally {
    await cold?.stop()
    await bare.stop()
  }
  return { rows, weights }
}

/** Bytes of a page's HTML plus the stylesheet and script it links, raw and gzipped. */
async function pageWeights(app: ServerChild, host: string, pages: Record<string, RecordedResponse>): Promise<string[]> {
  const lines: string[] = []
  for (const [name, page] of Object.entries(pages)) {
    const assets = [...page.body.matchAll(/(?:href|src)="(\/assets\/[^"]+\.(?:css|js))"/g)].map((m) => m[1]!)
    const bodies = [page.body]
    for (const asset of new Set(assets)) bodies.push((await httpRequest(app.port, 'GET', asset, host)).body)
    const raw = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0)
    const gzip = bodies.reduce((n, b) => n + gzipSync(b).length, 0)
    lines.push(
      `${name} page weight: HTML ${Buffer.byteLength(page.body).toLocaleString('en')} B; HTML+CSS+JS ` +
        `${raw.toLocaleString('en')} B (${gzip.toLocaleString('en')} B gzipped), before images`,
    )
  }
  return lines
}

function rotate(paths: readonly string[]): Request[] {
  let next = 0
  return [{ method: 'GET', setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] ?? '/' }) }]
}

function row(
  id: string,
  name: string,
  result: { baseline: LoadResult; subject: LoadResult },
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
      details: { connections, vitrine: result.subject, bare: result.baseline },
    },
    goals,
  )
}

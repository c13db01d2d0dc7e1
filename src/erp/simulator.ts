import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifySignature } from './signature.ts'

export interface ErpSimulatorOptions {
  port?: number
  host?: string
  /** The HMAC key the brand's transport signs with. */
  secret: string
  /** Share of requests answered 503 at random (0–1). */
  failRate?: number
  /** Down (connections reset) for this long after start, in ms. */
  downForMs?: number
  random?: () => number
}

export interface ReceivedDocument {
  documentId: string
  type: string
  /** For a cancellation: the UUID of the order it cancels; for an order: its own UUID. */
  orderId: string | null
  /** Arrival rank (first arrival only). */
  seq: number
  at: Date
}

export interface ErpSimulator {
  url: string
  port: number
  /** Distinct documents by UUID, in order of first arrival. */
  readonly documents: Map<string, ReceivedDocument>
  readonly counts: {
    requests: number
    accepted: number
    duplicates: number
    failed: number
    badSignature: number
    down: number
  }
  /** Goes down (resets connections) for `ms`, from now. */
  goDown(ms: number): void
  /** Back up at once. */
  goUp(): void
  setFailRate(rate: number): void
  close(): Promise<void>
}

// Compiled once: the simulator answers thousands of requests a second in the benchmark.
const uuidTag = /<cbc:UUID>([^<]*)<\/cbc:UUID>/
const uuidOf = (xml: string): string | null => uuidTag.exec(xml)?.[1]?.trim() ?? null

/**
 * A stand-in for a brand's ERP (`vitrine erp-sim`): accepts POSTed UBL documents, verifies the
 * signature (401 otherwise), dedupes by Idempotency-Key (a re-sent document answers 200 and is
 * counted once), fails a share of requests with 503 and can go down for a while. Reading the
 * document is done with two regular expressions: a simulator, not an XML consumer.
 */
export async function startErpSimulator(options: ErpSimulatorOptions): Promise<ErpSimulator> {
  const random = options.random ?? Math.random
  let failRate = options.failRate ?? 0
  let downUntil = options.downForMs ? Date.now() + options.downForMs : 0
  const documents = new Map<string, ReceivedDocument>()
  const counts = { requests: 0, accepted: 0, duplicates: 0, failed: 0, badSignature: 0, down: 0 }
  const server = http.createServer((req, res) => {
    counts.requests += 1
    if (Date.now() < downUntil) {
      counts.down += 1
      req.socket.destroy()
      return
    }
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const ok = verifySignature(
        options.secret,
        {
          timestamp: header(req, 'x-vitrine-timestamp'),
          signature: header(req, 'x-vitrine-signature'),
        },
        body,
      )
      if (req.method !== 'POST' || !ok) {
        counts.badSignature += 1
        res.writeHead(401, { 'content-type': 'text/plain' }).end('bad signature')
        return
      }
      if (random() < failRate) {
        counts.failed += 1
        res.writeHead(503, { 'content-type': 'text/plain' }).end('simulated failure')
        return
      }
      const id = header(req, 'idempotency-key') ?? ''
      if (documents.has(id)) {
        counts.duplicates += 1
        res.writeHead(200, { 'content-type': 'text/plain' }).end('duplicate')
        return
      }
      const xml = body.toString('utf8')
      const type = /<(Order|OrderCancellation)[\s>]/.exec(xml)?.[1] ?? 'unknown'
      const reference =
        type === 'OrderCancellation' ? /<cac:OrderReference>[\s\S]*?<\/cac:OrderReference>/.exec(xml)?.[0] : xml
      documents.set(id, {
        documentId: id,
        type,
        orderId: reference ? uuidOf(reference) : null,
        seq: documents.size + 1,
        at: new Date(),
      })
      counts.accepted += 1
      res.writeHead(200, { 'content-type': 'text/plain' }).end('accepted')
    })
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/orders`,
    port,
    documents,
    counts,
    goDown(ms) {
      downUntil = Date.now() + ms
    },
    goUp() {
      downUntil = 0
    },
    setFailRate(rate) {
      failRate = rate
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

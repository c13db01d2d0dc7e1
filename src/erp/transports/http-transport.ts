import http from 'node:http'
import https from 'node:https'
import { resolveSecret } from '../secrets.ts'
import { sign } from '../signature.ts'
import type { UblDocument } from '../ubl-order.ts'
import { type DeliveryOutcome, excerpt, type Transport } from './transport.ts'

// One keep-alive pool per process: delivering thousands of documents must not open a TCP
// connection (or a TLS handshake) per document.
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
}

export interface HttpTransportOptions {
  url: string
  /** The stored secret (encrypted or env:NAME). */
  secret: string
  connectTimeoutMs?: number
  timeoutMs?: number
  /** The clock for X-Vitrine-Timestamp (tests move it). */
  clock?: () => Date
}

/**
 * POSTs each document with `Content-Type: application/xml`, `Idempotency-Key: <document UUID>`,
 * the timestamp and HMAC signature headers. Only a 2xx is an acknowledgement; a connect timeout
 * (default 3 s) and a total timeout (default 10 s) bound each attempt.
 */
export function httpTransport(options: HttpTransportOptions): Transport {
  const url = new URL(options.url)
  const client = url.protocol === 'https:' ? https : http
  // Parsed once: every request of the transport reuses them.
  const target = {
    protocol: url.protocol,
    hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
    port: url.port || undefined,
    path: `${url.pathname}${url.search}`,
    ...(url.username ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` } : {}),
    method: 'POST',
    agent: url.protocol === 'https:' ? agents.https : agents.http,
  }
  const key = resolveSecret(options.secret)
  const connectTimeoutMs = options.connectTimeoutMs ?? 3000
  const timeoutMs = options.timeoutMs ?? 10_000

  const post = (
    body: Buffer,
    headers: http.OutgoingHttpHeaders,
    signal: AbortSignal | undefined,
    mayRetry: boolean,
  ): Promise<DeliveryOutcome> =>
    new Promise((resolve) => {
      let settled = false
      const finish = (outcome: DeliveryOutcome | Promise<DeliveryOutcome>) => {
        if (settled) return
        settled = true
        clearTimeout(total)
        clearTimeout(connect)
        resolve(outcome)
      }
      const req = client.request({ ...target, headers, ...(signal ? { signal } : {}) })
      const total = setTimeout(() => {
        finish({ ok: false, status: 'timeout', excerpt: `no response within ${timeoutMs} ms` })
        req.destroy()
      }, timeoutMs)
      const connect = setTimeout(() => {
        finish({ ok: false, status: 'connect-timeout', excerpt: `no connection within ${connectTimeoutMs} ms` })
        req.destroy()
      }, connectTimeoutMs)
      req.on('socket', (socket) => {
        // A reused keep-alive socket is already connected.
        if (!socket.connecting) clearTimeout(connect)
        else socket.once('connect', () => clearTimeout(connect))
      })
      req.on('response', (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (c: Buffer) => {
          if (size < 2000) chunks.push(c)
          size += c.length
        })
        res.on('end', () => {
          const status = res.statusCode ?? 0
          finish({
            ok: status >= 200 && status < 300,
            status: String(status),
            excerpt: excerpt(Buffer.concat(chunks).toString('utf8')),
          })
        })
        res.on('error', (e) => finish({ ok: false, status: 'response-error', excerpt: excerpt(e.message) }))
      })
      req.on('error', (e: NodeJS.ErrnoException) => {
        // The server closed an idle keep-alive connection just as we reused it (its FIN and our
        // request crossed): nothing was processed, so send once more on a fresh connection now
        // rather than count a failure and back off. The ERP dedupes by document id either way.
        if (mayRetry && req.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE') && !signal?.aborted) {
          finish(post(body, headers, signal, false))
          return
        }
        finish({
          ok: false,
          status: e.name === 'AbortError' ? 'aborted' : 'connect-error',
          excerpt: excerpt(`${e.code ?? ''} ${e.message}`.trim()),
        })
      })
      req.end(body)
    })

  return {
    async close() {},
    send(document: UblDocument, signal?: AbortSignal): Promise<DeliveryOutcome> {
      const body = Buffer.from(document.xml, 'utf8')
      const timestamp = String(Math.floor((options.clock?.() ?? new Date()).getTime() / 1000))
      const headers = {
        'content-type': 'application/xml; charset=utf-8',
        'content-length': body.length,
        'idempotency-key': document.documentId,
        'x-vitrine-timestamp': timestamp,
        'x-vitrine-signature': sign(key, timestamp, body),
        'x-vitrine-document-type': document.type,
      }
      return post(body, headers, signal, true)
    },
  }
}

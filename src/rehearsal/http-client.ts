import http from 'node:http'
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib'

export interface HttpRequest {
  method: string
  path: string
  /** The Host header: which brand's shop answers. */
  host: string
  headers?: Record<string, string>
  body?: string
  /**
   * `errors`: the body of a 2xx/3xx answer is counted, not kept (a shop page is 20–100 KB that the
   * shopper only needs to have received); 4xx/5xx bodies are kept (a 409 out-of-stock, a waiting
   * page). Default `always`.
   */
  keep?: 'always' | 'errors'
}

export type HttpResult =
  | { kind: 'response'; status: number; headers: http.IncomingHttpHeaders; body: string; bytes: number; ms: number }
  | { kind: 'error'; error: 'timeout' | 'network'; message: string; ms: number }

/**
 * A small HTTP/1.1 client for load: node:http over one keep-alive agent (connections are reused,
 * as browsers and load balancers do), any Host header (the brand), a hard per-request timeout, the
 * body read whole. Latency is measured from the call to the last byte.
 */
export class HttpClient {
  private readonly agent: http.Agent

  constructor(
    private readonly target: URL,
    private readonly timeoutMs: number,
    maxSockets = 1024,
  ) {
    // Idle connections are kept, all of them, as browsers and a load balancer in front of a node
    // (deploy/haproxy.cfg) keep theirs: closing them when the load dips and opening them again on
    // the next wave made the target accept hundreds of new connections at once, each measured as
    // the target's latency (1–1.5 s under load, when a cluster primary still handed them out).
    // One pool for every brand, as a load balancer has: a pool per brand (as each brand's shoppers
    // have their own browsers) opened 2,000–3,400 connections in a 15× step, which waited up to 7 s
    // in the node's accept queue while its workers still accepted one at a time.
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' })
  }

  send(request: HttpRequest): Promise<HttpResult> {
    const started = performance.now()
    const elapsed = () => performance.now() - started
    return new Promise((resolve) => {
      let settled = false
      const finish = (result: HttpResult) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve(result)
      }
      const req = http.request(
        {
          host: this.target.hostname,
          port: this.target.port || 80,
          method: request.method,
          path: request.path,
          agent: this.agent,
          headers: {
            host: request.host,
            // As a browser asks: the shop's cached pages come compressed, and are counted as sent.
            'accept-encoding': 'gzip, deflate, br',
            ...(request.body !== undefined
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(request.body) }
              : {}),
            ...request.headers,
          },
        },
        (res) => {
          const status = res.statusCode ?? 0
          // Concatenating and decoding every page was most of the generator's own cost per request.
          const keep = request.keep !== 'errors' || status >= 400
          const chunks: Buffer[] = []
          let bytes = 0
          res.on('data', (c: Buffer) => {
            bytes += c.length
            if (keep) chunks.push(c)
          })
          res.on('end', () => {
            let body = ''
            try {
              if (keep) body = decoded(Buffer.concat(chunks), res.headers['content-encoding'])
            } catch (error) {
              const message = `the body did not decompress: ${(error as Error).message}`
              return finish({ kind: 'error', error: 'network', message, ms: elapsed() })
            }
            finish({ kind: 'response', status, headers: res.headers, body, bytes, ms: elapsed() })
          })
          res.on('error', (error) => finish({ kind: 'error', error: 'network', message: error.message, ms: elapsed() }))
        },
      )
      const timer = setTimeout(() => {
        finish({ kind: 'error', error: 'timeout', message: `no answer in ${this.timeoutMs} ms`, ms: elapsed() })
        req.destroy()
      }, this.timeoutMs)
      req.on('error', (error) => finish({ kind: 'error', error: 'network', message: error.message, ms: elapsed() }))
      if (request.body !== undefined) req.write(request.body)
      req.end()
    })
  }

  close(): void {
    this.agent.destroy()
  }
}

/** A kept body as text, decompressed as its Content-Encoding says; throws when it does not decompress. */
function decoded(body: Buffer, coding: string | undefined): string {
  if (coding === 'br') return brotliDecompressSync(body).toString('utf8')
  if (coding === 'gzip') return gunzipSync(body).toString('utf8')
  if (coding === 'deflate') return inflateSync(body).toString('utf8')
  return body.toString('utf8')
}

/**
 * A shopper's cookies, as a browser keeps them for one site: name → value from Set-Cookie, sent
 * back on every request (the cart cookie, a waiting-room pass). Expiry and paths are ignored: a
 * rehearsal session lasts minutes, and every path of a shop is one site.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>()

  store(setCookie: string[] | string | undefined): void {
    for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const pair = line.split(';', 1)[0] ?? ''
      const at = pair.indexOf('=')
      if (at <= 0) continue
      const name = pair.slice(0, at).trim()
      const value = pair.slice(at + 1).trim()
      const expired = /max-age=0\b/i.test(line) || value === ''
      if (expired) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  header(): string | undefined {
    if (this.cookies.size === 0) return undefined
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
}

import { createHash } from 'node:crypto'
import { brotliCompressSync, gzipSync, constants as zlibConstants } from 'node:zlib'
import type { FastifyReply, FastifyRequest } from 'fastify'

/** The content-codings a cached response is also kept in, best first. */
export type ContentCoding = 'br' | 'gzip'

export interface CachedResponse {
  body: Buffer
  etag: string
  contentType: string
  storedAt: number
  /** The body in each content-coding a client asked for, compressed on the first such request. */
  encoded: Partial<Record<ContentCoding, Buffer>>
}

/**
 * Below this a compressed body saves less than its headers cost. A shop page is 5–20 KB and comes
 * out ~4× smaller: every phone downloads less, and a loaded worker spent 9–16 % of its time in
 * the socket writes of uncompressed pages.
 */
const minCompressedBytes = 1024

/**
 * The fastest settings: a page is compressed once per build, and pages are built again whenever
 * their stock or prices move, which under a surge is often (at brotli quality 4, compressing took
 * 5 % of a loaded worker). An 18-KB listing: brotli 1 → 5.0 KB in 60 µs, gzip 1 → 4.8 KB in 165 µs;
 * brotli 4 → 4.4 KB in 370 µs; brotli's best (11) → 3.8 KB in 30 ms.
 */
const compressors: Record<ContentCoding, (body: Buffer) => Buffer> = {
  br: (body) =>
    brotliCompressSync(body, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: 1,
        [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
  gzip: (body) => gzipSync(body, { level: 1 }),
}

/**
 * An in-process cache of rendered responses, keyed by the caller (brand, catalog version, path).
 * Bounded by entry count and bytes, least recently used out first. Concurrent misses on one key
 * share one build, so a surge on a cold page builds it once, not once per request.
 */
export class ResponseCache {
  private entries = new Map<string, CachedResponse>()
  private building = new Map<string, Promise<CachedResponse>>()
  /** Bodies and their compressed copies, of the entries held (an entry evicted while being sent is not). */
  private bytes = 0
  private held = new WeakSet<CachedResponse>()

  private readonly maxEntries: number
  private readonly maxBytes: number
  /** Off, every request builds its response: for measuring the cold path, never in production. */
  private readonly enabled: boolean

  constructor(options: { maxEntries?: number; maxBytes?: number; enabled?: boolean } = {}) {
    this.maxEntries = options.maxEntries ?? 20_000
    this.maxBytes = options.maxBytes ?? 256 * 1024 * 1024
    this.enabled = options.enabled ?? true
  }

  async getOrBuild(
    key: string,
    maxAgeMs: number,
    now: number,
    build: () => Promise<{ body: string | Buffer; contentType: string }>,
  ): Promise<CachedResponse> {
    if (!this.enabled) return this.toEntry(await build(), now)
    const hit = this.entries.get(key)
    if (hit && now - hit.storedAt < maxAgeMs) {
      // Re-insert to mark as recently used (Map keeps insertion order).
      this.entries.delete(key)
      this.entries.set(key, hit)
      return hit
    }
    const pending = this.building.get(key)
    if (pending) return pending
    const promise = build()
      .then((built) => {
        const entry = this.toEntry(built, now)
        this.store(key, entry)
        return entry
      })
      .finally(() => this.building.delete(key))
    this.building.set(key, promise)
    return promise
  }

  private toEntry({ body, contentType }: { body: string | Buffer; contentType: string }, now: number): CachedResponse {
    const buffer = typeof body === 'string' ? Buffer.from(body) : body
    return { body: buffer, etag: strongEtag(buffer), contentType, storedAt: now, encoded: {} }
  }

  /**
   * The entry's body in `coding`, compressed now if no request asked for it before. Counted in the
   * cache's bytes, so the bound holds with the copies; it may evict this very entry, which the
   * caller still sends.
   */
  encodedBody(entry: CachedResponse, coding: ContentCoding): Buffer {
    const known = entry.encoded[coding]
    if (known) return known
    const encoded = compressors[coding](entry.body)
    entry.encoded[coding] = encoded
    if (this.held.has(entry)) {
      this.bytes += encoded.length
      this.evictOverBounds()
    }
    return encoded
  }

  clear(): void {
    this.entries.clear()
    this.held = new WeakSet()
    this.bytes = 0
  }

  get size(): number {
    return this.entries.size
  }

  private store(key: string, entry: CachedResponse): void {
    const previous = this.entries.get(key)
    if (previous) this.drop(key, previous)
    this.entries.set(key, entry)
    this.held.add(entry)
    this.bytes += bytesOf(entry)
    this.evictOverBounds()
  }

  private evictOverBounds(): void {
    for (const [oldKey, old] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break
      this.drop(oldKey, old)
    }
  }

  private drop(key: string, entry: CachedResponse): void {
    this.entries.delete(key)
    this.held.delete(entry)
    this.bytes -= bytesOf(entry)
  }
}

function bytesOf(entry: CachedResponse): number {
  let bytes = entry.body.length
  for (const encoded of Object.values(entry.encoded)) bytes += encoded.length
  return bytes
}

export function strongEtag(body: Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`
}

/**
 * Sends a cached response as shared-cacheable, compressed when the client accepts it (brotli, else
 * gzip), answering 304 when the client already has it. Each coding is its own representation, so
 * it has its own ETag (the body's, suffixed), and shared caches key on Accept-Encoding too.
 */
export function sendCachedResponse(
  request: FastifyRequest,
  reply: FastifyReply,
  cache: ResponseCache,
  entry: CachedResponse,
  cacheControl: string,
): FastifyReply {
  const coding = entry.body.length >= minCompressedBytes ? preferredCoding(request.headers['accept-encoding']) : null
  const etag = coding ? `${entry.etag.slice(0, -1)}-${coding}"` : entry.etag
  reply.header('etag', etag).header('cache-control', cacheControl).header('vary', 'Host, Accept-Encoding')
  if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send()
  if (!coding) return reply.type(entry.contentType).send(entry.body)
  return reply.type(entry.contentType).header('content-encoding', coding).send(cache.encodedBody(entry, coding))
}

/**
 * br when the client accepts it, else gzip, else none (identity). Honours `;q=0` (refused) and
 * `*`; other weights are not ranked: every client that sends both accepts either. A malformed
 * weight refuses its coding.
 */
export function preferredCoding(header: string | string[] | undefined): ContentCoding | null {
  if (typeof header !== 'string' || header === '') return null
  // Browsers send a handful of distinct headers: each is parsed once (bounded: junk cannot grow it).
  const known = codingByHeader.get(header)
  if (known !== undefined) return known
  const coding = parseAcceptEncoding(header)
  if (codingByHeader.size >= 256) codingByHeader.clear()
  codingByHeader.set(header, coding)
  return coding
}

const codingByHeader = new Map<string, ContentCoding | null>()

function parseAcceptEncoding(header: string): ContentCoding | null {
  const weights = new Map<string, number>()
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';')
    const q = params.find((p) => /^\s*q\s*=/i.test(p))
    // A weight that is not a number refuses the coding: identity is always safe to send.
    const weight = q === undefined ? 1 : Number(q.slice(q.indexOf('=') + 1).trim() || 'x')
    weights.set(name.trim().toLowerCase(), Number.isFinite(weight) ? weight : 0)
  }
  const accepts = (coding: ContentCoding) => (weights.get(coding) ?? weights.get('*') ?? 0) > 0
  if (accepts('br')) return 'br'
  if (accepts('gzip')) return 'gzip'
  return null
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false
  return header === '*' || header.split(',').some((candidate) => candidate.trim() === etag)
}

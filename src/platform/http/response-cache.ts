import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'

export interface CachedResponse {
  body: Buffer
  etag: string
  contentType: string
  storedAt: number
}

/**
 * An in-process cache of rendered responses, keyed by the caller (brand, catalog version, path).
 * Bounded by entry count and bytes, least recently used out first. Concurrent misses on one key
 * share one build, so a surge on a cold page builds it once, not once per request.
 */
export class ResponseCache {
  private entries = new Map<string, CachedResponse>()
  private building = new Map<string, Promise<CachedResponse>>()
  private bytes = 0

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
    return { body: buffer, etag: strongEtag(buffer), contentType, storedAt: now }
  }

  clear(): void {
    this.entries.clear()
    this.bytes = 0
  }

  get size(): number {
    return this.entries.size
  }

  private store(key: string, entry: CachedResponse): void {
    const previous = this.entries.get(key)
    if (previous) {
      this.bytes -= previous.body.length
      this.entries.delete(key)
    }
    this.entries.set(key, entry)
    this.bytes += entry.body.length
    for (const [oldKey, old] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break
      this.entries.delete(oldKey)
      this.bytes -= old.body.length
    }
  }
}

export function strongEtag(body: Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`
}

/** Sends a cached response as shared-cacheable, answering 304 when the client already has it. */
export function sendCachedResponse(
  request: FastifyRequest,
  reply: FastifyReply,
  entry: CachedResponse,
  cacheControl: string,
): FastifyReply {
  reply.header('etag', entry.etag).header('cache-control', cacheControl).header('vary', 'Host')
  if (etagMatches(request.headers['if-none-match'], entry.etag)) return reply.code(304).send()
  return reply.type(entry.contentType).send(entry.body)
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false
  return header === '*' || header.split(',').some((candidate) => candidate.trim() === etag)
}

import type { HttpClient } from './http-client.ts'

/** How the rehearsal reads the back office: a signed-in session, or API keys (one brand each). */
export interface AdminAccess {
  /** Headers that authenticate for a brand, or null when no credential covers it. */
  headersFor(slug: string): Record<string, string> | null
  /** Headers for cross-brand reads (ERP metrics), or null. */
  global: Record<string, string> | null
  /** Headers for writes (the session and its CSRF token), or null without a sign-in. */
  write: Record<string, string> | null
}

export class AdminAccessError extends Error {}

/**
 * Signs in (GET requests only: no CSRF token needed) and/or finds which brand each API key opens,
 * by asking GET /api/admin/brands/{slug} with it: a key of another brand answers 404.
 */
export async function adminAccess(
  client: HttpClient,
  target: URL,
  slugs: readonly string[],
  credentials: { keys: readonly string[]; email: string | null; password: string | null },
): Promise<AdminAccess> {
  const host = target.host
  let session: Record<string, string> | null = null
  let write: Record<string, string> | null = null
  if (credentials.email && credentials.password) {
    const res = await client.send({
      method: 'POST',
      path: '/api/admin/auth/login',
      host,
      body: JSON.stringify({ email: credentials.email, password: credentials.password }),
    })
    if (res.kind !== 'response' || res.status !== 200) {
      throw new AdminAccessError(
        `sign-in as ${credentials.email} failed (${res.kind === 'response' ? res.status : res.error})`,
      )
    }
    const cookie = [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('vitrine_admin='))
    if (!cookie) throw new AdminAccessError('sign-in set no session cookie')
    session = { cookie: cookie.split(';', 1)[0] ?? '' }
    const { csrfToken } = JSON.parse(res.body) as { csrfToken?: string }
    if (csrfToken) write = { ...session, 'x-csrf-token': csrfToken }
  }
  const byBrand = new Map<string, Record<string, string>>()
  for (const key of credentials.keys) {
    const headers = { authorization: `Bearer ${key}` }
    for (const slug of slugs) {
      if (byBrand.has(slug)) continue
      const res = await client.send({ method: 'GET', path: `/api/admin/brands/${slug}`, host, headers })
      if (res.kind === 'response' && res.status === 401) throw new AdminAccessError('an --admin-key was refused (401)')
      if (res.kind === 'response' && res.status === 200) byBrand.set(slug, headers)
    }
  }
  return {
    headersFor: (slug) => session ?? byBrand.get(slug) ?? null,
    global: session,
    write,
  }
}

export interface OversoldCheck {
  /** Brands whose stock was read, and those no credential covered. */
  checkedBrands: string[]
  uncheckedBrands: string[]
  variantsChecked: number
  /** Units reserved beyond the physical count, summed: must be 0. */
  oversoldUnits: number
  oversoldVariants: Array<{ slug: string; variantId: string; onHand: number; reserved: number }>
  /** Reads that failed (other than 404 for a variant gone since). */
  errors: number
}

/** Reads the stock of every variant the rehearsal put in a cart: reserved > on hand is overselling. */
export async function checkOversold(
  client: HttpClient,
  target: URL,
  access: AdminAccess,
  touched: ReadonlyMap<string, ReadonlySet<string>>,
): Promise<OversoldCheck> {
  const result: OversoldCheck = {
    checkedBrands: [],
    uncheckedBrands: [],
    variantsChecked: 0,
    oversoldUnits: 0,
    oversoldVariants: [],
    errors: 0,
  }
  for (const [slug, variants] of touched) {
    const headers = access.headersFor(slug)
    if (!headers) {
      if (variants.size > 0) result.uncheckedBrands.push(slug)
      continue
    }
    result.checkedBrands.push(slug)
    const ids = [...variants]
    for (let i = 0; i < ids.length; i += 8) {
      const answers = await Promise.all(
        ids.slice(i, i + 8).map(async (id) => {
          const res = await client.send({
            method: 'GET',
            path: `/api/admin/brands/${slug}/variants/${id}/stock`,
            host: target.host,
            headers,
          })
          return { id, res }
        }),
      )
      for (const { id, res } of answers) {
        if (res.kind !== 'response' || res.status !== 200) {
          if (!(res.kind === 'response' && res.status === 404)) result.errors += 1
          continue
        }
        const level = JSON.parse(res.body) as { onHand: number; reserved: number }
        result.variantsChecked += 1
        if (level.reserved > level.onHand) {
          result.oversoldUnits += level.reserved - level.onHand
          result.oversoldVariants.push({ slug, variantId: id, onHand: level.onHand, reserved: level.reserved })
        }
      }
    }
  }
  return result
}

/** Total ERP outbox depth over the brands the caller sees, or null when the endpoint is absent or closed. */
export async function erpOutboxDepth(client: HttpClient, target: URL, access: AdminAccess): Promise<number | null> {
  if (!access.global) return null
  const res = await client.send({
    method: 'GET',
    path: '/api/admin/erp/metrics',
    host: target.host,
    headers: access.global,
  })
  if (res.kind !== 'response' || res.status !== 200) return null
  try {
    const body = JSON.parse(res.body) as { brands?: Array<{ outboxDepth?: number }> }
    return (body.brands ?? []).reduce((n, b) => n + (typeof b.outboxDepth === 'number' ? b.outboxDepth : 0), 0)
  } catch {
    return null
  }
}

/**
 * The server's own counters from its Prometheus /metrics (admission: shed, queued, admitted,
 * waiting room…), summed per metric name over their labels; null when the target has none.
 */
export async function scrapeCounters(client: HttpClient, target: URL): Promise<Map<string, number> | null> {
  // Loopback callers read /metrics freely; a remote deployment wants its bearer token.
  const token = process.env.VITRINE_METRICS_TOKEN
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
  const res = await client.send({ method: 'GET', path: '/metrics', host: target.host, headers })
  if (res.kind !== 'response' || res.status !== 200) return null
  const sums = new Map<string, number>()
  for (const line of res.body.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line)
    if (!m?.[1]) continue
    if (m[1].endsWith('_bucket')) continue
    const value = Number(m[2])
    if (Number.isFinite(value)) sums.set(m[1], (sums.get(m[1]) ?? 0) + value)
  }
  return sums
}

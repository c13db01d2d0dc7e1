import http from 'node:http'
import { createStaff, type LoginThrottle, type SessionPolicy } from '../../src/access/index.ts'
import { type AppOptions, buildApp } from '../../src/app.ts'
import { BrandDirectory } from '../../src/brands/brand-directory.ts'
import { silentLog } from '../../src/platform/ctx.ts'
import type { Database } from '../../src/platform/db/database.ts'
import { onTeardown } from './teardown.ts'

/** The operator-admin every test server has; `admin: true` requests are signed in as this person. */
export const testAdmin = { email: 'admin@test.invalid', password: 'correct horse battery staple' }

/** A signed-in session: the cookie header and the CSRF token to send with writes. */
export interface TestSession {
  cookie: string
  csrfToken: string
  staffId: string
}

export interface TestResponse<T = any> {
  status: number
  headers: http.IncomingHttpHeaders
  body: T
  text: string
  /** The body's bytes as sent (a compressed response stays compressed here). */
  raw: Buffer
}

export interface RequestOptions {
  /** The Host header: which brand's shop is asked. */
  host?: string
  body?: unknown
  /** A raw body sent as is (malformed JSON, wrong encodings). */
  rawBody?: string | Buffer
  headers?: Record<string, string>
  /** Signed in as the test operator-admin (session cookie + CSRF header). */
  admin?: boolean
  /** Signed in as this session (cookie + CSRF header). */
  session?: TestSession
}

export interface TestServer {
  url: string
  port: number
  brands: BrandDirectory
  app: Awaited<ReturnType<typeof buildApp>>
  adminSession: TestSession
  /** Signs in through POST /api/admin/auth/login. */
  login(email: string, password: string): Promise<TestSession>
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<TestResponse<T>>
  close(): Promise<void>
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })

/** The real application on a real listening socket (127.0.0.1, a free port), closed after the file. */
export async function startTestServer(
  database: Database,
  options: { clock?: () => Date; sessionPolicy?: SessionPolicy; loginThrottle?: LoginThrottle } = {},
): Promise<TestServer> {
  const brands = new BrandDirectory(database, silentLog)
  await brands.start()
  // Admission control off: these tests fire crowds on purpose (test/surge covers admission itself).
  const appOptions: AppOptions = {
    database,
    brands,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    surge: { admission: false },
    ...options,
  }
  const app = await buildApp(appOptions)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const close = async () => {
    await app.close()
    await brands.stop()
  }
  onTeardown(close)
  const login = async (email: string, password: string): Promise<TestSession> => {
    const res = await send<any>(port, 'POST', '/api/admin/auth/login', { body: { email, password } }, null)
    if (res.status !== 200) throw new Error(`login of ${email} failed: ${res.status} ${res.text}`)
    return { cookie: sessionCookieOf(res), csrfToken: res.body.csrfToken, staffId: res.body.staff.id }
  }
  const existing = await database.db
    .selectFrom('staff')
    .select('id')
    .where('email', '=', testAdmin.email)
    .executeTakeFirst()
  if (!existing) {
    await createStaff(
      { db: database.db, now: new Date(), actor: { kind: 'system', name: 'test' }, log: silentLog },
      { ...testAdmin, grants: [{ role: 'operator-admin', brandId: null }] },
    )
  }
  const adminSession = await login(testAdmin.email, testAdmin.password)
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    brands,
    app,
    adminSession,
    login,
    request: (method, path, options = {}) => send(port, method, path, options, adminSession),
    close,
  }
}

/** The `name=value` of the session cookie a response sets. */
export function sessionCookieOf(res: TestResponse): string {
  const set = res.headers['set-cookie'] ?? []
  const cookie = set.find((c) => c.startsWith('vitrine_admin='))
  if (!cookie) throw new Error('no session cookie set')
  return cookie.split(';')[0] ?? ''
}

function send<T>(
  port: number,
  method: string,
  path: string,
  options: RequestOptions,
  adminSession: TestSession | null,
): Promise<TestResponse<T>> {
  const session = options.session ?? (options.admin ? adminSession : null)
  const body =
    options.rawBody !== undefined
      ? options.rawBody
      : options.body !== undefined
        ? JSON.stringify(options.body)
        : undefined
  const headers: Record<string, string> = {
    host: options.host ?? 'unknown.invalid',
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...(session ? { cookie: session.cookie, 'x-csrf-token': session.csrfToken } : {}),
    ...options.headers,
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const raw = Buffer.concat(chunks)
        const text = raw.toString('utf8')
        const type = res.headers['content-type'] ?? ''
        let parsed: unknown = text
        if (type.includes('json') && text.length > 0) parsed = JSON.parse(text)
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed as T, text, raw })
      })
    })
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

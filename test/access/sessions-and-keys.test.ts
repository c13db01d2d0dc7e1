import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { LoginThrottle } from '../../src/access/index.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { createTestBrand } from '../helpers/fixtures.ts'
import { sessionCookieOf, startTestServer, testAdmin } from '../helpers/server.ts'
import { apiKeyFor, signedInStaff, staffPassword } from './fixtures.ts'

const database = await openTestDatabase()
const db = database.db
const brand = await createTestBrand(db)
let now = new Date('2030-01-01T08:00:00Z')
const minutes = (n: number) => {
  now = new Date(now.getTime() + n * 60_000)
}
const server = await startTestServer(database, {
  clock: () => now,
  sessionPolicy: { idleMs: 30 * 60_000, absoluteMs: 8 * 3_600_000 },
  loginThrottle: new LoginThrottle(
    { freeFailures: 3, baseLockMs: 60_000, maxLockMs: 10 * 60_000, forgetAfterMs: 3_600_000 },
    { freeFailures: 1000, baseLockMs: 60_000, maxLockMs: 60_000, forgetAfterMs: 3_600_000 },
  ),
})
const me = (headers: Record<string, string>) => server.request('GET', '/api/admin/auth/me', { headers })
/** The clock moves in these tests: the server's own admin session expires, so sign in again. */
const freshAdmin = () => server.login(testAdmin.email, testAdmin.password)
const brandsPath = `/api/admin/brands/${brand.brand.slug}`

describe('sessions', () => {
  test('login sets an HttpOnly, SameSite=Lax cookie (not Secure over plain http) and returns a CSRF token', async () => {
    const res = await server.request('POST', '/api/admin/auth/login', { body: testAdmin })
    assert.equal(res.status, 200)
    const cookie = (res.headers['set-cookie'] ?? []).find((c) => c.startsWith('vitrine_admin='))!
    assert.match(cookie, /HttpOnly/)
    assert.match(cookie, /SameSite=Lax/)
    assert.match(cookie, /Path=\/api\/admin/)
    assert.doesNotMatch(cookie, /Secure/)
    assert.match(res.body.csrfToken, /^[A-Za-z0-9_-]{43}$/)
    const stored = await db.selectFrom('staff_sessions').select('token_hash').execute()
    const token = sessionCookieOf(res).split('=')[1]!
    assert.ok(
      stored.every((s) => s.token_hash !== token),
      'the raw token is never stored',
    )
    assert.ok(stored.some((s) => /^[0-9a-f]{64}$/.test(s.token_hash)))
  })

  test('session fixation: a token offered before login is neither accepted nor kept', async () => {
    const planted = 'vitrine_admin=planted-by-an-attacker-0123456789abcd'
    assert.equal((await me({ cookie: planted })).status, 401)
    const res = await server.request('POST', '/api/admin/auth/login', { body: testAdmin, headers: { cookie: planted } })
    assert.equal(res.status, 200)
    assert.notEqual(sessionCookieOf(res), planted)
    assert.equal((await me({ cookie: planted })).status, 401)
    // A live session presented at login is ended, and a new one issued.
    const first = await server.login(testAdmin.email, testAdmin.password)
    const again = await server.request('POST', '/api/admin/auth/login', {
      body: testAdmin,
      headers: { cookie: first.cookie },
    })
    assert.notEqual(sessionCookieOf(again), first.cookie)
    assert.equal((await me({ cookie: first.cookie })).status, 401)
    assert.equal((await me({ cookie: sessionCookieOf(again) })).status, 200)
  })

  test('CSRF: a cookie write without (or with a wrong) x-csrf-token is a 403; reads need none', async () => {
    const s = await server.login(testAdmin.email, testAdmin.password)
    const body = { onHand: 1 }
    const path = `${brandsPath}/products`
    assert.equal((await server.request('GET', path, { headers: { cookie: s.cookie } })).status, 200)
    const bare = await server.request('POST', '/api/admin/brands', { headers: { cookie: s.cookie }, body })
    assert.equal(bare.status, 403)
    assert.equal(bare.body.type, '/problems/csrf-token-missing')
    const wrong = await server.request('POST', '/api/admin/auth/logout', {
      headers: { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(43) },
    })
    assert.equal(wrong.status, 403)
    const other = await server.login(testAdmin.email, testAdmin.password)
    const mixed = await server.request('POST', '/api/admin/auth/logout', {
      headers: { cookie: s.cookie, 'x-csrf-token': other.csrfToken },
    })
    assert.equal(mixed.status, 403, "another session's token is refused")
    assert.equal((await server.request('POST', '/api/admin/auth/logout', { session: s })).status, 204)
  })

  test('logout revokes the session server-side', async () => {
    const s = await server.login(testAdmin.email, testAdmin.password)
    assert.equal((await server.request('POST', '/api/admin/auth/logout', { session: s })).status, 204)
    assert.equal((await me({ cookie: s.cookie })).status, 401)
  })

  test('idle expiry: 30 minutes without a request ends a session; activity keeps it going', async () => {
    const s = await server.login(testAdmin.email, testAdmin.password)
    minutes(20)
    assert.equal((await me({ cookie: s.cookie })).status, 200)
    minutes(20)
    assert.equal((await me({ cookie: s.cookie })).status, 200, 'touched 20 minutes ago')
    minutes(31)
    assert.equal((await me({ cookie: s.cookie })).status, 401)
  })

  test('absolute expiry: 8 hours after login, however busy', async () => {
    const s = await server.login(testAdmin.email, testAdmin.password)
    for (let i = 0; i < 16; i++) {
      minutes(29)
      assert.equal((await me({ cookie: s.cookie })).status, 200, `after ${(i + 1) * 29} min`)
    }
    minutes(29)
    assert.equal((await me({ cookie: s.cookie })).status, 401)
  })

  test('a password change revokes the other sessions and keeps this one; the old password stops working', async () => {
    const person = await signedInStaff(server, db, 'merchandiser', brand.brand.id)
    const other = await server.login(person.email, staffPassword)
    const res = await server.request('POST', '/api/admin/auth/password', {
      session: person,
      body: { currentPassword: staffPassword, newPassword: 'a brand new long password' },
    })
    assert.equal(res.status, 204)
    assert.equal((await me({ cookie: person.cookie })).status, 200)
    assert.equal((await me({ cookie: other.cookie })).status, 401)
    const old = await server.request('POST', '/api/admin/auth/login', {
      body: { email: person.email, password: staffPassword },
    })
    assert.equal(old.status, 401)
    assert.ok(await server.login(person.email, 'a brand new long password'))
  })

  test('passwords are stored as argon2id hashes', async () => {
    const rows = await db.selectFrom('staff').select('password_hash').execute()
    assert.ok(rows.length > 0)
    for (const r of rows) assert.match(r.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
  })
})

describe('brute force', () => {
  test('bad passwords: a generic 401, then a lockout (429, growing) that refuses even the right password', async () => {
    const person = await signedInStaff(server, db, 'customer-service', brand.brand.id)
    const attempt = (password: string, email = person.email) =>
      server.request('POST', '/api/admin/auth/login', { body: { email, password } })
    const unknown = await attempt('whatever-password', 'nobody@test.invalid')
    for (let i = 0; i < 3; i++) {
      const res = await attempt(`wrong password ${i}`)
      assert.equal(res.status, 401)
      assert.equal(res.body.detail, 'invalid e-mail or password')
    }
    assert.equal(unknown.body.detail, 'invalid e-mail or password', 'an unknown e-mail reads the same')
    const locked = await attempt(staffPassword)
    assert.equal(locked.status, 429)
    assert.equal(locked.headers['retry-after'], '60')
    minutes(1)
    assert.equal((await attempt('still wrong password')).status, 401)
    const longer = await attempt(staffPassword)
    assert.equal(longer.status, 429)
    assert.equal(longer.headers['retry-after'], '120', 'the lock doubled')
    minutes(2)
    assert.equal((await attempt(staffPassword)).status, 200)
    assert.equal((await attempt('wrong again password')).status, 401, 'a success cleared the count')
  })
})

describe('API keys', () => {
  test('shown once, stored as a SHA-256, last use recorded, revocable (then 401)', async () => {
    const created = await server.request('POST', `${brandsPath}/api-keys`, {
      session: await freshAdmin(),
      body: { name: 'ERP', permissions: ['catalog:read'] },
    })
    assert.equal(created.status, 201)
    const key: string = created.body.key
    assert.match(key, /^vtk_[A-Za-z0-9_-]{32}$/)
    const row = await db.selectFrom('api_keys').selectAll().where('id', '=', created.body.id).executeTakeFirstOrThrow()
    assert.match(row.key_hash, /^[0-9a-f]{64}$/)
    assert.ok(!JSON.stringify(row).includes(key.slice(4)))
    const listed = await server.request('GET', `${brandsPath}/api-keys`, { session: await freshAdmin() })
    assert.ok(!listed.text.includes(key.slice(4)), 'lists never show the key')
    const auth = { authorization: `Bearer ${key}` }
    assert.equal((await server.request('GET', `${brandsPath}/products`, { headers: auth })).status, 200)
    const used = await db
      .selectFrom('api_keys')
      .select('last_used_at')
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow()
    assert.deepEqual(used.last_used_at, now)
    assert.equal(
      (await server.request('DELETE', `${brandsPath}/api-keys/${created.body.id}`, { session: await freshAdmin() }))
        .status,
      204,
    )
    assert.equal((await server.request('GET', `${brandsPath}/products`, { headers: auth })).status, 401)
  })

  test('a key cannot be given permissions its creator lacks, nor operator powers', async () => {
    const merch = await signedInStaff(server, db, 'merchandiser', brand.brand.id)
    const own = await server.request('POST', `${brandsPath}/api-keys`, {
      session: merch,
      body: { name: 'x', permissions: ['catalog:read'] },
    })
    assert.equal(own.status, 403, 'a merchandiser has no api-keys:manage')
    const admin = await server.request('POST', `${brandsPath}/api-keys`, {
      session: await freshAdmin(),
      body: { name: 'x', permissions: ['staff:manage'] },
    })
    assert.equal(admin.status, 400)
  })

  test('a malformed, unknown or revoked bearer is a 401; a key never needs a CSRF header', async () => {
    for (const authorization of ['Bearer nope', `Bearer vtk_${'a'.repeat(32)}`, 'Basic abc']) {
      assert.equal((await server.request('GET', `${brandsPath}/products`, { headers: { authorization } })).status, 401)
    }
    const { key } = await apiKeyFor(brand, ['orders:read'])
    assert.equal(
      (await server.request('GET', `${brandsPath}/orders`, { headers: { authorization: `Bearer ${key}` } })).status,
      200,
    )
  })
})

describe('headers', () => {
  test('security headers on API, docs and shop responses; the shop keeps its own CSP; /docs has none that breaks it', async () => {
    const api = await server.request('GET', '/api/admin/auth/me')
    assert.equal(api.headers['x-content-type-options'], 'nosniff')
    assert.ok(api.headers['strict-transport-security'])
    assert.ok(api.headers['x-frame-options'])
    const docs = await server.request('GET', '/docs/')
    assert.equal(docs.headers['content-security-policy'], undefined)
    const shop = await server.request('GET', '/', { host: `${brand.brand.slug}.localhost` })
    assert.match(String(shop.headers['content-security-policy']), /default-src 'self'/)
  })
})

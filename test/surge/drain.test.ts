import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { onPostgres, openTestDatabase } from '../helpers/database.ts'
import { untilServing } from '../helpers/serve-child.ts'
import { onTeardown } from '../helpers/teardown.ts'

/**
 * `vitrine serve` as a real child process: start-up logged with `startupMs`, graceful drain on
 * SIGTERM (readiness first, then the listener, in-flight requests finish, exit 0) and, on
 * PostgreSQL, the same through a cluster of two workers, with a crashed worker restarted.
 */

const bin = join(import.meta.dirname, '..', '..', 'bin', 'vitrine.js')
const drainDelayMs = 700

interface Served {
  child: ChildProcess
  port: number
  lines: string[]
  exited: Promise<number | null>
}

async function serve(args: string[], env: NodeJS.ProcessEnv): Promise<Served> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', ...args], {
    env: { ...process.env, LOG_LEVEL: 'info', VITRINE_DRAIN_DELAY_MS: String(drainDelayMs), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a failed test can kill the primary and its workers together.
    detached: true,
  })
  onTeardown(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // already gone
    }
  })
  const { port, lines, exited } = await untilServing(child, 120_000)
  return { child, port, lines, exited }
}

function get(
  port: number,
  path: string,
  agent?: http.Agent,
): Promise<{ status: number; text: string; socket: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: agent ?? false }, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => {
        text += c.toString()
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, socket: req.socket }))
    })
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer to GET ${path} in 10 s`)))
    req.on('error', reject)
  })
}

/** A sign-in whose body arrives in two parts: in flight from the first part until `finish()`. */
function slowRequest(port: number) {
  const body = Buffer.from(JSON.stringify({ email: 'nobody@example.org', password: 'not the password at all' }))
  let finish = () => {}
  const answer = new Promise<{ status: number; connection: string | undefined; text: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/admin/auth/login',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
      },
      (res) => {
        let text = ''
        res.on('data', (c: Buffer) => {
          text += c.toString()
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, text }))
      },
    )
    req.on('error', reject)
    req.write(body.subarray(0, 10))
    req.flushHeaders()
    finish = () => req.end(body.subarray(10))
  })
  return { answer, finish: () => finish() }
}

/** Fails, with the child's last log lines, instead of hanging. */
function within<T>(promise: Promise<T>, ms: number, what: string, served: Served): Promise<T> {
  return Promise.race([
    promise,
    delay(ms).then(() => assert.fail(`${what} after ${ms} ms; last lines:\n${served.lines.slice(-20).join('\n')}`)),
  ])
}

const refused = (port: number) =>
  get(port, '/health').then(
    (r) => `answered ${r.status}`,
    (error: NodeJS.ErrnoException) => error.code,
  )

/** The drain, step by step, against a serving node (one process or a cluster). */
async function checkDrain(served: Served) {
  const { child, port } = served
  // An idle keep-alive connection, and a request in flight.
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const idle = await within(get(port, '/health', keepAlive), 10_000, 'no answer', served)
  assert.equal(idle.status, 200)
  const idleClosed = new Promise<void>((resolve) => (idle.socket as NodeJS.EventEmitter).once('close', () => resolve()))
  const slow = slowRequest(port)
  await delay(300)

  child.kill('SIGTERM')
  await delay(150)
  // Readiness turns false first; liveness stays; the listener still accepts during the delay.
  const ready = await within(get(port, '/ready'), 5000, 'no readiness answer while draining', served)
  assert.equal(ready.status, 503)
  assert.match(ready.text, /draining/)
  assert.equal((await get(port, '/health')).status, 200)

  await delay(drainDelayMs + 300)
  assert.equal(await refused(port), 'ECONNREFUSED', 'a new connection is refused once the listener closed')
  await Promise.race([idleClosed, delay(3000).then(() => assert.fail('the idle keep-alive connection was not closed'))])

  slow.finish()
  const answer = await within(slow.answer, 15_000, 'the in-flight request did not complete', served)
  assert.equal(answer.status, 401, `the in-flight request completed: ${answer.text}`)
  assert.equal(answer.connection, 'close')
  const code = await Promise.race([served.exited, delay(15_000).then(() => 'still running')])
  assert.equal(code, 0, served.lines.slice(-15).join('\n'))
  keepAlive.destroy()
}

const logLines = (served: Served, msg: string) =>
  served.lines
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === msg)

describe('vitrine serve: start-up and graceful drain', () => {
  test('one process: logs its start-up time, then drains on SIGTERM and exits 0', async () => {
    let env: NodeJS.ProcessEnv
    let args: string[] = []
    if (onPostgres) {
      const database = await openTestDatabase({ poolSize: 2 })
      env = { DATABASE_URL: String(database.pool!.options.connectionString) }
      args = ['--workers', '1']
    } else {
      const dataDir = mkdtempSync(join(tmpdir(), 'vitrine-drain-'))
      onTeardown(() => rmSync(dataDir, { recursive: true, force: true }))
      env = { DATABASE_URL: '', VITRINE_DATA_DIR: dataDir }
      args = ['--workers', '3'] // the embedded database is single-process: it says so, and serves
    }
    const served = await serve(args, env)
    for (let i = 0; i < 50 && logLines(served, 'ready').length === 0; i++) await delay(100)
    const [ready] = logLines(served, 'ready')
    assert.ok(ready, 'a "ready" log line')
    assert.equal(typeof ready.startupMs, 'number')
    assert.ok((ready.startupMs as number) > 0)
    if (!onPostgres) assert.ok(served.lines.some((l) => l.includes('embedded PGlite is single-process')))
    await checkDrain(served)
  })

  test('a cluster of two workers: metrics of both, a killed worker is replaced, then the node drains', {
    skip: onPostgres ? false : 'PostgreSQL only: embedded PGlite serves from one process',
  }, async () => {
    const database = await openTestDatabase({ poolSize: 2 })
    const served = await serve(['--workers', '2'], {
      DATABASE_URL: String(database.pool!.options.connectionString),
      DATABASE_POOL_SIZE: '4',
    })
    // Both workers up (the banner comes with the first one; log lines may trail it).
    for (let i = 0; i < 300 && logLines(served, 'ready').length < 2; i++) await delay(100)
    assert.ok(logLines(served, 'node ready')[0]?.startupMs, 'the primary logs the node’s start-up time')
    const workers = logLines(served, 'ready')
    assert.equal(workers.length, 2)

    // /metrics answers for the node: each worker's process series, whichever worker is asked.
    for (let i = 0; i < 4; i++) {
      const metrics = await get(served.port, '/metrics')
      assert.equal(metrics.status, 200)
      assert.match(metrics.text, /process_resident_memory_bytes\{worker="1"\}/)
      assert.match(metrics.text, /process_resident_memory_bytes\{worker="2"\}/)
    }

    // A worker killed outright is replaced; the node keeps answering meanwhile. (Connections the
    // primary hands to a worker in the instant it dies are lost with it, as with any crash: the
    // requests are sent once the primary has seen the exit.)
    process.kill(workers[0]!.pid as number, 'SIGKILL')
    for (let i = 0; i < 100 && logLines(served, 'worker exited; restarting it').length === 0; i++) await delay(50)
    assert.equal(logLines(served, 'worker exited; restarting it').length, 1)
    for (let i = 0; i < 10; i++) assert.equal((await get(served.port, '/health')).status, 200)
    for (let i = 0; i < 150 && logLines(served, 'ready').length < 3; i++) await delay(100)
    assert.equal(logLines(served, 'ready').length, 3, 'a new worker started')

    await checkDrain(served)
    assert.equal(logLines(served, 'drained').length, 2, 'both workers drained')
  })
})

import assert from 'node:assert/strict'
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { promisify } from 'node:util'
import { buildBundle } from '../../scripts/build.ts'
import { onPostgres, openTestDatabase } from '../helpers/database.ts'
import { untilServing } from '../helpers/serve-child.ts'
import { onTeardown } from '../helpers/teardown.ts'

/**
 * The bundle (`npm run build`) as an operator runs it: bin/vitrine.js serves from dist/ while it is
 * up to date — assets beside it, cluster workers from dist/worker-entry.mjs — and from the sources
 * as soon as a file it was built from changes. Runs on a copy of the project (src/, bin/, scripts/;
 * node_modules linked) so the real dist/ and src/ are left alone.
 */

const root = join(import.meta.dirname, '..', '..')
const project = mkdtempSync(join(tmpdir(), 'vitrine-bundle-'))
onTeardown(() => rmSync(project, { recursive: true, force: true }))
for (const path of ['src', 'bin', 'scripts', 'package.json', 'tsconfig.json']) {
  cpSync(join(root, path), join(project, path), { recursive: true, preserveTimestamps: true })
}
symlinkSync(join(root, 'node_modules'), join(project, 'node_modules'))
await buildBundle({ root: project })

const database = onPostgres ? await openTestDatabase({ poolSize: 1 }) : null
const dataDir = join(project, 'data')
const env = database
  ? { DATABASE_URL: String(database.pool!.options.connectionString), DATABASE_POOL_SIZE: '4' }
  : { DATABASE_URL: '', VITRINE_DATA_DIR: dataDir }

interface Served {
  port: number
  lines: string[]
  stop(): Promise<number | null>
}

async function serve(args: string[] = []): Promise<Served> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(project, 'bin', 'vitrine.js'), 'serve', '--port', '0', ...args],
    {
      cwd: project,
      env: { ...process.env, LOG_LEVEL: 'info', VITRINE_FROM_SOURCE: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  )
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal)
    } catch {
      // already gone
    }
  }
  onTeardown(() => kill('SIGKILL'))
  const { port, lines, exited } = await untilServing(child, 60_000)
  return {
    port,
    lines,
    // As an orchestrator stops it: SIGTERM to the process started (a cluster primary passes it on).
    stop: () => {
      child.kill('SIGTERM')
      return exited
    },
  }
}

const get = (port: number, path: string) => fetch(`http://127.0.0.1:${port}${path}`)

/** Marks the bundle's /health answer, so a test can tell the bundle from the sources. */
function markBundle() {
  const dist = join(project, 'dist')
  const chunks = readdirSync(dist).filter((name) => name.endsWith('.mjs'))
  const marked = chunks.filter((name) => {
    const code = readFileSync(join(dist, name), 'utf8')
    if (!code.includes('status: "ok"')) return false
    writeFileSync(join(dist, name), code.replace('status: "ok"', 'status: "from-dist"'))
    return true
  })
  assert.equal(marked.length, 1, 'one chunk answers /health')
}

describe('the bundle', () => {
  test('is what serve runs while it is up to date, with its assets beside it', async () => {
    markBundle()
    const served = await serve()
    assert.deepEqual(await (await get(served.port, '/health')).json(), { status: 'from-dist' })
    assert.equal((await get(served.port, '/ready')).status, 200)
    // The storefront's stylesheet, read beside the code (dist/assets/), under its content hash.
    const css = readFileSync(join(project, 'src', 'storefront', 'assets', 'storefront.css'))
    const hash = createHash('sha256').update(css).digest('hex').slice(0, 12)
    const asset = await get(served.port, `/assets/storefront.${hash}.css`)
    assert.equal(asset.status, 200)
    assert.equal(await asset.text(), css.toString())
    assert.equal(await served.stop(), 0, served.lines.slice(-12).join('\n'))
  })

  test('runs the other commands too', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(project, 'bin', 'vitrine.js'), '--help'])
    assert.match(stdout, /^Usage: vitrine <command>/)
  })

  test('serves a cluster: workers start from dist/worker-entry.mjs and drain on SIGTERM', {
    skip: onPostgres ? false : 'PostgreSQL only: embedded PGlite serves from one process',
  }, async () => {
    const served = await serve(['--workers', '2'])
    assert.deepEqual(await (await get(served.port, '/health')).json(), { status: 'from-dist' })
    const workersReady = () => served.lines.filter((l) => l.includes('"msg":"ready"')).length
    for (let i = 0; i < 300 && workersReady() < 2; i++) await new Promise((r) => setTimeout(r, 100))
    assert.equal(workersReady(), 2, served.lines.join('\n'))
    assert.equal(await served.stop(), 0, served.lines.slice(-12).join('\n'))
  })

  test('a copy that moves mtimes but keeps contents (an image layer, a checkout) still runs the bundle', async () => {
    const later = new Date(Date.now() + 60_000)
    utimesSync(join(project, 'src', 'app.ts'), later, later)
    utimesSync(join(project, 'src', 'storefront', 'assets', 'storefront.css'), later, later)
    const served = await serve(['--workers', '1'])
    assert.deepEqual(await (await get(served.port, '/health')).json(), { status: 'from-dist' })
    assert.equal(await served.stop(), 0, served.lines.slice(-12).join('\n'))
  })

  test('an edit to a source file takes effect at once: serve runs the sources, and says so', async () => {
    const app = join(project, 'src', 'app.ts')
    const source = readFileSync(app, 'utf8')
    assert.ok(source.includes("status: 'ok'"))
    writeFileSync(app, source.replace("status: 'ok'", "status: 'edited'"))
    const served = await serve()
    assert.deepEqual(await (await get(served.port, '/health')).json(), { status: 'edited' })
    assert.ok(served.lines.some((l) => l.includes('src/ changed since the last build')))
    assert.equal(await served.stop(), 0, served.lines.slice(-12).join('\n'))
  })
})

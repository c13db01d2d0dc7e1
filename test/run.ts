/**
 * `npm test`: prepares one migrated database per run, then runs every test file with node's test
 * runner. Each test file gets its own database copied from it: on PostgreSQL (DATABASE_URL) a
 * `CREATE DATABASE … TEMPLATE`, on PGlite a loaded snapshot — ~1 s instead of a fresh initdb + migrate.
 *
 *   npm test                         every test file, on embedded PGlite
 *   DATABASE_URL=postgres://… npm test   the same on PostgreSQL (concurrency tests need it)
 *   npm test -- src/checkout         only files under these paths
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { openDatabase } from '../src/platform/db/database.ts'
import { migrateToLatest } from '../src/platform/db/migrate.ts'
import { dropDatabase } from './helpers/postgres-admin.ts'

const root = join(import.meta.dirname, '..')
const filters = process.argv.slice(2)
const files = findTests(['src', 'test'].map((d) => join(root, d))).filter(
  (f) => filters.length === 0 || filters.some((filter) => relative(root, f).startsWith(filter.replace(/^\.\//, ''))),
)
if (files.length === 0) {
  console.error(`No test files match ${filters.join(' ')}`)
  process.exit(1)
}

const env: NodeJS.ProcessEnv = { ...process.env }
let cleanup = async () => {}
const databaseUrl = process.env.DATABASE_URL
if (databaseUrl) {
  const template = `vitrine_tpl_${process.pid}`
  const admin = await openDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 1 })
  await dropDatabase(admin, template)
  await admin.pool?.query(`CREATE DATABASE ${template}`)
  const templateDb = await openDatabase({ kind: 'postgres', url: withDatabase(databaseUrl, template), poolSize: 2 })
  await migrateToLatest(templateDb.db)
  await templateDb.close()
  env.VITRINE_TEST_TEMPLATE = template
  console.log(`Tests run on PostgreSQL (${redact(databaseUrl)}), each file on a copy of ${template}`)
  cleanup = async () => {
    await dropDatabase(admin, template)
    await admin.close()
  }
} else {
  const started = Date.now()
  const pglite = await openDatabase({ kind: 'pglite', dataDir: null })
  await migrateToLatest(pglite.db)
  const snapshot = await pglite.pglite!.dumpDataDir('none')
  await pglite.close()
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-test-'))
  const path = join(dir, 'snapshot.tar')
  writeFileSync(path, Buffer.from(await snapshot.arrayBuffer()))
  env.VITRINE_TEST_SNAPSHOT = path
  console.log(`Tests run on embedded PGlite (migrated snapshot built in ${Date.now() - started} ms)`)
  cleanup = async () => rmSync(dir, { recursive: true, force: true })
}

const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
    ...files,
  ],
  { stdio: 'inherit', env, cwd: root },
)
const code: number = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))))
await cleanup()
process.exit(code)

function findTests(dirs: string[]): string[] {
  const found: string[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules') continue
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (name.endsWith('.test.ts')) found.push(path)
    }
  }
  for (const dir of dirs) walk(dir)
  return found.sort()
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

function redact(url: string): string {
  const parsed = new URL(url)
  if (parsed.password) parsed.password = '***'
  return parsed.toString()
}

/**
 * The application as `vitrine serve` runs it (BrandDirectory, buildApp), in its own process for the
 * bench: DATABASE_URL (+ DATABASE_POOL_SIZE) for PostgreSQL, or BENCH_PGLITE_SNAPSHOT for an
 * in-memory PGlite loaded from a snapshot. Before listening it inserts the carts of BENCH_CARTS_FILE
 * (for BENCH_BRAND_ID), if given. Listens on 127.0.0.1, a free port, and prints {"port": n}.
 */
import { readFileSync } from 'node:fs'
import { buildApp } from '../src/app.ts'
import { BrandDirectory } from '../src/brands/brand-directory.ts'
import { readConfig } from '../src/platform/config.ts'
import { silentLog } from '../src/platform/ctx.ts'
import { openDatabase } from '../src/platform/db/database.ts'
import { type BenchCart, insertCarts } from './seed.ts'

const config = readConfig()
const snapshotPath = process.env.BENCH_PGLITE_SNAPSHOT
const database = config.databaseUrl
  ? await openDatabase({ kind: 'postgres', url: config.databaseUrl, poolSize: config.poolSize })
  : await openDatabase({
      kind: 'pglite',
      dataDir: null,
      ...(snapshotPath ? { snapshot: new Blob([readFileSync(snapshotPath)]) } : {}),
    })
const cartsFile = process.env.BENCH_CARTS_FILE
const brandId = process.env.BENCH_BRAND_ID
if (cartsFile && brandId) {
  await insertCarts(database.db, brandId, JSON.parse(readFileSync(cartsFile, 'utf8')) as BenchCart[])
}
const brands = new BrandDirectory(database, silentLog)
await brands.start()
const app = await buildApp({
  database,
  brands,
  logLevel: 'warn',
  responseCache: config.responseCache,
})
await app.listen({ port: 0, host: '127.0.0.1' })

const address = app.server.address()
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`)

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  const force = setTimeout(() => process.exit(1), 5000)
  force.unref()
  await app.close()
  await brands.stop()
  await database.close()
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())
// The parent holds our stdin: when it dies, however it dies, we go too.
process.stdin.on('end', () => void stop())
process.stdin.resume()

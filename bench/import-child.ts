/**
 * One catalog import in a process of its own, as `vitrine import` runs it (import-bench.ts spawns
 * it): the brand `argv[2]` of the PostgreSQL database at DATABASE_URL, the feed file `argv[3]` read
 * as a stream, full mode. Prints one JSON line: the outcome, the
 * seconds importFeed took, and the process's peak RSS (getrusage), so the memory figure is the
 * import's own and not that of a bench process holding other data.
 */
import { findBrandBySlug } from '../src/brands/queries.ts'
import { silentLog } from '../src/platform/ctx.ts'
import { openDatabase } from '../src/platform/db/database.ts'
import { timedFileImport } from './timed-file-import.ts'

const [slug, feedPath] = process.argv.slice(2)
const url = process.env.DATABASE_URL
if (!slug || !feedPath || !url) {
  console.error('usage: DATABASE_URL=… node --import tsx bench/import-child.ts <brand slug> <feed file>')
  process.exit(2)
}

// The pool the CLI would open (DATABASE_POOL_SIZE, default 20) holds idle sockets only; 4 is plenty.
const database = await openDatabase({ kind: 'postgres', url, poolSize: 4 })
try {
  const brand = await findBrandBySlug(database.db, slug)
  if (!brand) throw new Error(`no brand ${slug}`)
  const rssBefore = process.memoryUsage().rss
  const { result, seconds } = await timedFileImport(
    { db: database.db, now: new Date(), actor: { kind: 'system', name: 'bench' }, log: silentLog, brand },
    feedPath,
  )
  console.log(
    JSON.stringify({
      status: result.status,
      error: result.error,
      itemsRead: result.itemsRead,
      counts: result.counts,
      seconds,
      rssBeforeMb: rssBefore / 2 ** 20,
      // ru_maxrss is in kilobytes on Linux.
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  )
} finally {
  await database.close()
}

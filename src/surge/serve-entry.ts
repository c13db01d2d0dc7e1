/**
 * `vitrine serve` starts here (bin/vitrine.js), not in main.ts: a cluster primary must fork its
 * workers before loading the application — loading it costs ~0.3 s bundled and ~1 s through tsx,
 * which the workers pay anyway. Everything that is not a cluster primary (one process, embedded
 * PGlite, a cluster worker, --help, bad options) goes on to main.ts unchanged.
 */
import cluster from 'node:cluster'
import os from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { readConfig } from '../platform/config.ts'
import { createLogger } from '../platform/logging/logger.ts'
import { parseWorkers, runPrimary } from './cluster.ts'
import { readDrainTiming } from './drain.ts'
import { printServeBanner } from './serve-banner.ts'

/** The options of `vitrine serve`, shared with main.ts so both parse them alike. */
export const serveOptions = {
  demo: { type: 'boolean', default: false },
  port: { type: 'string' },
  host: { type: 'string' },
  workers: { type: 'string' },
} as const

export async function main(argv: string[]): Promise<number> {
  const primary = clusterPlan(argv.slice(1))
  if (!primary) return (await import('../main.ts')).main(argv)

  const config = readConfig()
  const log = createLogger(config.logLevel)
  // Only with --demo does the primary touch the database first (seeding once, not per worker);
  // otherwise each worker migrates on start, serialised by the migrator's lock.
  const prepared = primary.demo ? await (await import('../main.ts')).prepareDemoDatabase(config, log) : null
  const code = await runPrimary({
    workers: primary.workers,
    // Beside this code: src/surge/worker-entry.mjs (the sources, through tsx) or, bundled,
    // dist/worker-entry.mjs. Source maps on, so a bundled worker's stack traces name src/ lines too.
    exec: join(import.meta.dirname, 'worker-entry.mjs'),
    args: argv,
    execArgv: [...process.execArgv, '--enable-source-maps'],
    log,
    drainTimeoutMs: readDrainTiming().timeoutMs,
    onReady: ({ port, shops }) =>
      printServeBanner({
        shops,
        host: primary.host ?? config.host,
        port,
        kind: 'postgres',
        workers: primary.workers,
        demo: primary.demo,
        demoAdminEmail: prepared?.demoAdminEmail ?? '',
        demoAdmin: prepared?.demoAdmin ?? null,
      }),
  })
  process.exit(code)
}

/** A cluster primary is asked for: PostgreSQL, more than one worker, valid options, not a worker. */
function clusterPlan(args: string[]): { workers: number; demo: boolean; host: string | undefined } | null {
  if (cluster.isWorker || args.includes('--help') || args.includes('-h')) return null
  if (!process.env.DATABASE_URL?.trim()) return null
  try {
    const { values } = parseArgs({ args, options: serveOptions })
    const workers = parseWorkers(values.workers, os.availableParallelism())
    return workers > 1 ? { workers, demo: values.demo, host: values.host } : null
  } catch {
    return null // main.ts reports the bad option with the command's help
  }
}

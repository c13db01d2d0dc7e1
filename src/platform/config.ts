import { resolve } from 'node:path'

/** Everything the process reads from its environment, read once at start. */
export interface Config {
  /** postgres://… selects PostgreSQL; absent means embedded PGlite. */
  databaseUrl: string | null
  /** postgres://… of a streaming replica for catalog reads (PostgreSQL only); absent: the primary. */
  databaseReadUrl: string | null
  /** Where embedded PGlite keeps its files (ignored with DATABASE_URL). */
  dataDir: string
  port: number
  host: string
  logLevel: string
  /** Size of the PostgreSQL pool per process. */
  poolSize: number
  /** The in-process cache of rendered pages and listings; off only to measure the cold path. */
  responseCache: boolean
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  if (nonEmpty(env.DATABASE_READ_URL) && !nonEmpty(env.DATABASE_URL)) {
    throw new Error('DATABASE_READ_URL needs DATABASE_URL: a read replica serves a PostgreSQL primary')
  }
  return {
    databaseUrl: nonEmpty(env.DATABASE_URL),
    databaseReadUrl: nonEmpty(env.DATABASE_READ_URL),
    dataDir: resolve(nonEmpty(env.VITRINE_DATA_DIR) ?? './data'),
    port: integer(env.PORT, 3000, 'PORT'),
    host: nonEmpty(env.HOST) ?? '127.0.0.1',
    logLevel: nonEmpty(env.LOG_LEVEL) ?? 'info',
    poolSize: integer(env.DATABASE_POOL_SIZE, 20, 'DATABASE_POOL_SIZE'),
    responseCache: env.VITRINE_RESPONSE_CACHE !== 'off',
  }
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value.trim() === '' ? null : value.trim()
}

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value.trim() === '') return fallback
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`)
  return parsed
}

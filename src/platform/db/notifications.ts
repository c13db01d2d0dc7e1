import pg from 'pg'
import type { Log } from '../ctx.ts'
import type { Database } from './database.ts'

/**
 * Subscribes to a PostgreSQL NOTIFY channel. On PostgreSQL a dedicated connection listens and
 * reconnects after a failure, reporting '*' on reconnect because notifications may have been
 * missed meanwhile. On PGlite, NOTIFY reaches the same process only — which is all embedded mode has.
 */
export async function listen(
  database: Database,
  channel: string,
  onPayload: (payload: string) => void,
  log: Log,
): Promise<() => Promise<void>> {
  if (!/^[a-z_]+$/.test(channel)) throw new Error(`invalid channel name ${channel}`)
  if (database.pglite) {
    return database.pglite.listen(channel, onPayload)
  }
  const pool = database.pool
  if (!pool) throw new Error('database has neither PGlite nor a pool')

  let client: pg.Client | null = null
  let stopped = false
  let retry: NodeJS.Timeout | null = null

  const connect = async (): Promise<void> => {
    const next = new pg.Client(pool.options)
    next.on('notification', (message) => {
      if (message.channel === channel) onPayload(message.payload ?? '')
    })
    next.on('error', (error) => {
      log.warn({ err: error, channel }, 'notification listener lost its connection; reconnecting')
      next.end().catch(() => {})
      scheduleReconnect()
    })
    await next.connect()
    await next.query(`LISTEN ${channel}`)
    client = next
  }
  const scheduleReconnect = (): void => {
    if (stopped || retry) return
    retry = setTimeout(() => {
      retry = null
      connect()
        .then(() => onPayload('*'))
        .catch(scheduleReconnect)
    }, 1000)
    retry.unref()
  }

  await connect()
  return async () => {
    stopped = true
    if (retry) clearTimeout(retry)
    await client?.end().catch(() => {})
  }
}

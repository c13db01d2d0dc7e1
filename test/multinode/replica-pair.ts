import { appendFileSync, chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { freePort, run, waitFor } from './helpers.ts'

export const postgresBin = '/usr/lib/postgresql/15/bin'

export interface ReplicaPair {
  /** postgres://… of the primary's `vitrine` database. */
  primaryUrl: string
  /** postgres://… of the same database on the hot standby. */
  replicaUrl: string
  /** Stops both clusters (immediate) and removes their directories; safe to call twice. */
  stop(): Promise<void>
}

/**
 * A PostgreSQL primary and a streaming hot standby of it, on loopback ports of their own, in a
 * temporary directory: initdb, `wal_level=replica` and a pg_hba replication line, a `vitrine`
 * database created by `prepare` (migrations), then `pg_basebackup -R -X stream` and the standby
 * started. The machine's shared server refuses replication connections, so the test brings its own.
 * PostgreSQL refuses to run as root: as root, every server binary runs as the `postgres` user.
 */
export async function startReplicaPair(prepare: (primaryUrl: string) => Promise<void>): Promise<ReplicaPair> {
  const base = mkdtempSync(join(tmpdir(), 'vitrine-replica-'))
  const asRoot = process.getuid?.() === 0
  if (asRoot) {
    const [uid, gid] = await postgresIds()
    chownSync(base, uid, gid)
  }
  chmodSync(base, 0o700)
  const pgRun = (binary: string, args: string[], timeoutMs = 120_000) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(postgresBin, binary), ...args], timeoutMs)
      : run(join(postgresBin, binary), args, timeoutMs)
  const primaryDir = join(base, 'primary')
  const replicaDir = join(base, 'replica')
  const started: string[] = []
  const stop = async () => {
    for (const dir of started.splice(0).reverse()) {
      await pgRun('pg_ctl', ['-D', dir, '-m', 'immediate', '-w', '-t', '30', 'stop'], 40_000).catch(() => {})
    }
    rmSync(base, { recursive: true, force: true })
  }
  try {
    const [primaryPort, replicaPort] = [await freePort(), await freePort()]
    await pgRun('initdb', [
      '-D',
      primaryDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--no-sync',
      '--no-instructions',
    ])
    appendFileSync(
      join(primaryDir, 'postgresql.conf'),
      [
        '',
        `port = ${primaryPort}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${base}'`,
        'wal_level = replica',
        'max_wal_senders = 4',
        'hot_standby = on',
        // A throw-away cluster: durability buys nothing here and costs time on a busy machine.
        'fsync = off',
        'shared_buffers = 32MB',
        '',
      ].join('\n'),
    )
    appendFileSync(join(primaryDir, 'pg_hba.conf'), '\nhost replication postgres 127.0.0.1/32 trust\n')
    await pgRun('pg_ctl', ['-D', primaryDir, '-l', join(base, 'primary.log'), '-w', '-t', '90', 'start'])
    started.push(primaryDir)
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${primaryPort}/postgres` })
    await admin.connect()
    await admin.query('CREATE DATABASE vitrine')
    await admin.end()
    const primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/vitrine`
    await prepare(primaryUrl)

    await pgRun('pg_basebackup', [
      ...['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', replicaDir],
      ...['-R', '-X', 'stream', '--checkpoint=fast', '--no-sync'],
    ])
    // -R wrote primary_conninfo and standby.signal; the copied postgresql.conf names the primary's port.
    appendFileSync(join(replicaDir, 'postgresql.auto.conf'), `\nport = ${replicaPort}\n`)
    await pgRun('pg_ctl', ['-D', replicaDir, '-l', join(base, 'replica.log'), '-w', '-t', '90', 'start'])
    started.push(replicaDir)
    const replicaUrl = `postgres://postgres@127.0.0.1:${replicaPort}/vitrine`
    await waitFor('the standby to accept connections', () => inRecovery(replicaUrl), 60_000)
    return { primaryUrl, replicaUrl, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

async function postgresIds(): Promise<[number, number]> {
  const uid = Number((await run('id', ['-u', 'postgres'])).trim())
  const gid = Number((await run('id', ['-g', 'postgres'])).trim())
  return [uid, gid]
}

async function inRecovery(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r')
    return rows[0]?.r === true
  } finally {
    await client.end()
  }
}

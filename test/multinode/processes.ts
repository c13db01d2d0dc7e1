import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { call, run, waitFor } from './helpers.ts'

export const root = join(import.meta.dirname, '..', '..')
export const haproxyBin = '/usr/sbin/haproxy'

/**
 * A process started in its own process group (`detached`), so one signal to the group reaches it
 * and every child it forked (a node's cluster workers). Output is kept (the last 64 KB) to explain
 * a failure; nothing is printed while the test runs.
 */
const running = new Set<GroupProcess>()
// Last resort when a test file dies before its teardown (a throw at the top level): no process
// group it started outlives it. `exit` handlers must be synchronous; process.kill is.
process.on('exit', () => {
  for (const p of running) {
    try {
      if (p.child.pid !== undefined) process.kill(-p.child.pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
})

export class GroupProcess {
  readonly child: ChildProcess
  readonly exited: Promise<number | null>
  private output = ''

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn(command, args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-65_536)
    }
    this.child.stdout?.on('data', keep)
    this.child.stderr?.on('data', keep)
    running.add(this)
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code) => resolve(code))
      this.child.on('error', () => resolve(null))
    })
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  /** The last lines it printed (for failure messages). */
  tail(lines = 30): string {
    return this.output.split('\n').slice(-lines).join('\n')
  }

  /** SIGKILL to the whole group (a node's primary and its workers); resolves once the leader is gone. */
  async killGroup(): Promise<void> {
    if (this.child.pid === undefined) return
    try {
      process.kill(-this.child.pid, 'SIGKILL')
    } catch {
      // The group is already gone.
    }
    await this.exited
    running.delete(this)
  }
}

/** `vitrine serve --workers 2` on `port`, against `databaseUrl`; resolves once it answers /ready. */
export async function startNode(name: string, port: number, databaseUrl: string): Promise<GroupProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL === 'error' ? 'error' : 'warn',
    // 2 nodes × 2 workers share the test database server with the other test files.
    DATABASE_POOL_SIZE: '6',
  }
  // Not the test runner's child, nor a replica user: a plain node.
  delete env.NODE_TEST_CONTEXT
  delete env.DATABASE_READ_URL
  const node = new GroupProcess(
    name,
    process.execPath,
    [join(root, 'bin', 'vitrine.js'), 'serve', '--workers', '2'],
    env,
  )
  try {
    await waitFor(
      `${name} to answer /ready on ${port}`,
      async () => {
        if (!node.alive) throw new Error(`${name} exited:\n${node.tail()}`)
        return (await call(port, 'GET', '/ready', { timeoutMs: 5000 })).status === 200
      },
      120_000,
    )
  } catch (error) {
    await node.killGroup()
    throw new Error(`${String(error)}\n${node.tail()}`)
  }
  return node
}

/**
 * HAProxy with deploy/haproxy.cfg, its ports moved to free ones and its two servers pointed at the
 * two nodes; resolves once its health checks see both nodes up.
 */
export async function startHaproxy(
  dir: string,
  ports: { front: number; stats: number; nodes: [number, number] },
): Promise<GroupProcess> {
  const replacements: Array<[string, string]> = [
    ['bind 127.0.0.1:8080', `bind 127.0.0.1:${ports.front}`],
    ['bind 127.0.0.1:8404', `bind 127.0.0.1:${ports.stats}`],
    ['server node1 127.0.0.1:3001', `server node1 127.0.0.1:${ports.nodes[0]}`],
    ['server node2 127.0.0.1:3002', `server node2 127.0.0.1:${ports.nodes[1]}`],
  ]
  const config = replacements.reduce(
    (text, [from, to]) => replaceOnce(text, from, to),
    readFileSync(join(root, 'deploy', 'haproxy.cfg'), 'utf8'),
  )
  const path = join(dir, 'haproxy.cfg')
  writeFileSync(path, config)
  await run(haproxyBin, ['-c', '-q', '-f', path], 30_000)
  const proxy = new GroupProcess('haproxy', haproxyBin, ['-db', '-f', path], process.env)
  try {
    await waitFor(
      'HAProxy to see both nodes up',
      async () => (await serverStates(ports.stats)).every((s) => s === 'UP'),
      30_000,
    )
  } catch (error) {
    await proxy.killGroup()
    throw new Error(`${String(error)}\n${proxy.tail()}`)
  }
  return proxy
}

/** The state (UP, DOWN, …) of each server of the `vitrine` backend, from the stats page's CSV. */
export async function serverStates(statsPort: number): Promise<string[]> {
  const res = await call(statsPort, 'GET', '/;csv', { timeoutMs: 3000 })
  if (res.status !== 200) throw new Error(`stats answered ${res.status}`)
  const header = res.text.split('\n')[0]!.replace(/^# /, '').split(',')
  const status = header.indexOf('status')
  const rows = res.text
    .split('\n')
    .map((line) => line.split(','))
    .filter((cols) => cols[0] === 'vitrine' && /^node\d$/.test(cols[1] ?? ''))
  if (rows.length !== 2) throw new Error(`expected 2 servers in the stats, got ${rows.length}`)
  return rows.map((cols) => cols[status] ?? '')
}

function replaceOnce(text: string, from: string, to: string): string {
  if (text.split(from).length !== 2) throw new Error(`deploy/haproxy.cfg no longer has exactly one "${from}"`)
  return text.replace(from, to)
}

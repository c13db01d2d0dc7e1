import cluster, { type Worker } from 'node:cluster'
import { randomUUID } from 'node:crypto'
import type { Log } from '../platform/ctx.ts'
import { type MetricFamily, type MetricsRegistry, mergeSnapshots } from '../platform/http/metrics.ts'

/**
 * `vitrine serve --workers N` on PostgreSQL: a primary process that only supervises (it loads no
 * application code, so it forks within milliseconds of starting) and N workers that each run the
 * whole server on a shared port. The primary restarts a crashed worker with back-off, forwards
 * SIGTERM/SIGINT so every worker drains, and answers /metrics for the node by summing the
 * workers' snapshots over IPC. Nothing else is shared: caches are per process and invalidated
 * through PostgreSQL NOTIFY, as between nodes.
 */

/** Messages between the primary and its workers; `vitrine` tells ours from anyone else's. */
type Message =
  | { vitrine: 'listening'; port: number; startupMs: number; shops: Array<{ name: string; slug: string }> }
  | { vitrine: 'failed'; message: string }
  | { vitrine: 'metrics-request'; id: string }
  | { vitrine: 'metrics-collect'; id: string }
  | { vitrine: 'metrics-snapshot'; id: string; families: MetricFamily[] }
  | { vitrine: 'metrics-result'; id: string; families: MetricFamily[] }

export interface PrimaryOptions {
  workers: number
  /** The worker's entry script, its arguments (`serve …`) and node's options for it. */
  exec: string
  args: string[]
  execArgv: string[]
  log: Log
  /** Workers get this long to drain after SIGTERM before they are killed. */
  drainTimeoutMs: number
  /** Called once, when the first worker is listening and ready. */
  onReady(info: { port: number; startupMs: number; shops: Array<{ name: string; slug: string }> }): void
}

/** Back-off after a crash: 0.25 s, doubling to 30 s; a worker that lived a minute resets it. */
const firstBackoffMs = 250
const maxBackoffMs = 30_000
const healthyAfterMs = 60_000

export function runPrimary(options: PrimaryOptions): Promise<number> {
  const { log } = options
  // The workers accept connections themselves, from the shared socket. With the default
  // round-robin, the primary accepts and hands each connection to a worker, one per acknowledgement
  // of the last: at a surge's step, hundreds of new connections each waited 110–150 ms for the
  // primary's turn (rehearsal: unaffected brands' p99 153 ms, 67.5 ms so, and 2,338 → 2,624 req/s
  // served). Each worker takes every connection waiting when it wakes, as libuv does by default:
  // with UV_TCP_SINGLE_ACCEPT=1 (one at a time, then a 1-ns sleep to let the other worker take the
  // next), each sleep on a 2-core machine that was busy gave the CPU away for a scheduler slice, and
  // the step's burst of new connections waited seconds in the accept queue (616 of them at once).
  // Same 15× step at ~3,400 req/s asked, `serve --workers 2`: with it, the brands that did not
  // surge had p99 298–620 ms and the node served 62,112–71,069 requests (1,321–1,490 orders); without
  // it, 136–315 ms and 87,269–91,646 (1,958–2,113 orders), the two workers' CPU within 44/56 %.
  // Both can be set otherwise in the environment (NODE_CLUSTER_SCHED_POLICY=rr, UV_TCP_SINGLE_ACCEPT=1).
  if (!process.env.NODE_CLUSTER_SCHED_POLICY) cluster.schedulingPolicy = cluster.SCHED_NONE
  cluster.setupPrimary({ exec: options.exec, args: options.args, execArgv: options.execArgv })
  const startedAt = new Map<number, number>()
  /** Workers that served: one stopped before it did had nothing to drain. */
  const served = new Set<number>()
  let backoffMs = firstBackoffMs
  let ready = false
  let stopping = false
  const pending = new Map<
    string,
    { requester: Worker; expected: number; families: MetricFamily[][]; timer: NodeJS.Timeout }
  >()

  return new Promise<number>((resolve) => {
    let exitCode = 0
    const finishIfDone = () => {
      if (stopping && Object.keys(cluster.workers ?? {}).length === 0) resolve(exitCode)
    }

    const fork = () => {
      const worker = cluster.fork()
      startedAt.set(worker.id, Date.now())
      worker.on('message', (message: Message) => onMessage(worker, message))
    }

    const onMessage = (worker: Worker, message: Message) => {
      switch (message?.vitrine) {
        case 'listening':
          served.add(worker.id)
          if (!ready) {
            ready = true
            const startupMs = Math.round(process.uptime() * 1000)
            log.info({ startupMs, workers: options.workers, port: message.port }, 'node ready')
            options.onReady({ port: message.port, startupMs, shops: message.shops })
            // The first worker alone had every core while it started; now the others start.
            for (let i = 1; i < options.workers && !stopping; i++) fork()
          }
          return
        case 'failed':
          // Before the node ever served, a failing worker (port taken, database unreachable) is a
          // configuration error: stop rather than restart it forever.
          if (!ready && !stopping) {
            log.error({ worker: worker.id, error: message.message }, 'a worker failed to start; stopping')
            exitCode = 1
            stop('startup failure')
          }
          return
        case 'metrics-request':
          collectForWorker(worker, message.id)
          return
        case 'metrics-snapshot':
          addSnapshot(message.id, message.families)
          return
      }
    }

    const collectForWorker = (requester: Worker, id: string) => {
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w?.isConnected()))
      const entry = {
        requester,
        expected: workers.length,
        families: [] as MetricFamily[][],
        // A worker stuck in a long request must not stall the scrape: answer with who replied.
        timer: setTimeout(() => complete(id), 1000),
      }
      pending.set(id, entry)
      for (const w of workers) w.send({ vitrine: 'metrics-collect', id } satisfies Message)
    }
    const addSnapshot = (id: string, families: MetricFamily[]) => {
      const entry = pending.get(id)
      if (!entry) return
      entry.families.push(families)
      if (entry.families.length >= entry.expected) complete(id)
    }
    const complete = (id: string) => {
      const entry = pending.get(id)
      if (!entry) return
      pending.delete(id)
      clearTimeout(entry.timer)
      if (entry.requester.isConnected()) {
        entry.requester.send({
          vitrine: 'metrics-result',
          id,
          families: mergeSnapshots(entry.families),
        } satisfies Message)
      }
    }

    cluster.on('exit', (worker, code, signal) => {
      const lived = Date.now() - (startedAt.get(worker.id) ?? Date.now())
      startedAt.delete(worker.id)
      const servedBefore = served.delete(worker.id)
      if (stopping) {
        // A worker still starting when the node stops dies of the SIGTERM before it can handle it
        // (its handler comes with the application): that is no failed drain.
        const stoppedWhileStarting = !servedBefore && signal === 'SIGTERM'
        if (code !== 0 && !stoppedWhileStarting) exitCode = 1
        finishIfDone()
        return
      }
      if (lived > healthyAfterMs) backoffMs = firstBackoffMs
      log.error({ worker: worker.id, code, signal, restartInMs: backoffMs }, 'worker exited; restarting it')
      setTimeout(() => {
        if (!stopping) fork()
      }, backoffMs).unref()
      backoffMs = Math.min(backoffMs * 2, maxBackoffMs)
    })

    const stop = (reason: string) => {
      if (stopping) return
      stopping = true
      log.info({ reason }, 'stopping: every worker drains')
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM')
      // A worker that does not finish draining in time is killed, and the node exits 1.
      setTimeout(() => {
        for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL')
        exitCode = 1
      }, options.drainTimeoutMs + 5000).unref()
      finishIfDone()
    }
    process.on('SIGTERM', () => stop('SIGTERM'))
    process.on('SIGINT', () => stop('SIGINT'))

    // One worker first: started alone it is ready sooner than N starting together on the same
    // cores, and the node is ready (it answers /ready) as soon as one worker is.
    fork()
  })
}

/** In a cluster worker: tells the primary this worker is up, or that it could not start. */
export function reportToPrimary(message: Extract<Message, { vitrine: 'listening' | 'failed' }>): void {
  if (cluster.isWorker && process.send) process.send(message)
}

/**
 * In a cluster worker: answers the primary's collection rounds with this process's snapshot, and
 * returns the function /metrics calls to get the whole node's (falling back to this process's
 * own if the primary does not answer).
 */
export function clusterMetrics(registry: MetricsRegistry): () => Promise<MetricFamily[]> {
  const waiting = new Map<string, (families: MetricFamily[]) => void>()
  process.on('message', (message: Message) => {
    if (message?.vitrine === 'metrics-collect') {
      process.send?.({ vitrine: 'metrics-snapshot', id: message.id, families: registry.snapshot() } satisfies Message)
    } else if (message?.vitrine === 'metrics-result') {
      waiting.get(message.id)?.(message.families)
    }
  })
  return () =>
    new Promise<MetricFamily[]>((resolve) => {
      const id = randomUUID()
      const timer = setTimeout(() => {
        waiting.delete(id)
        resolve(registry.snapshot())
      }, 2000)
      waiting.set(id, (families) => {
        clearTimeout(timer)
        waiting.delete(id)
        resolve(families)
      })
      process.send?.({ vitrine: 'metrics-request', id } satisfies Message)
    })
}

/** `--workers`: a whole number ≥ 1; absent means one per core. */
export function parseWorkers(value: string | undefined, cores: number): number {
  if (value === undefined) return cores
  const workers = Number(value)
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
    throw new Error(`--workers must be a whole number from 1 to 256, got "${value}"`)
  }
  return workers
}

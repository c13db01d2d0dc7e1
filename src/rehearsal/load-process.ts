import type { DiscoveredBrand } from './discover.ts'
import { type EventLoopDelay, watchEventLoopDelay } from './event-loop-delay.ts'
import { HttpClient } from './http-client.ts'
import { driveLoad, type LoadProfile } from './load-driver.ts'
import { type RecordedCells, Recorder } from './recorder.ts'

/** What the parent sends a load process once it is ready: its share of the run. */
export interface LoadAssignment {
  target: string
  timeoutMs: number
  brands: DiscoveredBrand[]
  profile: Omit<LoadProfile, 'surging'> & { surging: number[]; startedAt: number; share: { index: number; of: number } }
}

/** Messages from a load process, in order: ready, then progress once a second, then done. */
export type LoadMessage =
  | { type: 'ready' }
  | { type: 'progress'; recorded: RecordedCells; visitsInFlight: number }
  | {
      type: 'done'
      recorded: RecordedCells
      visits: number
      droppedVisits: number
      /** Variant ids put in carts, per brand index. */
      touched: Array<[number, string[]]>
      /** CPU time this process spent driving its share (user + system), microseconds. */
      cpuMicros: number
      eventLoopDelay: EventLoopDelay
    }

/**
 * The body of a load process (src/rehearsal/load-process-entry.mjs): waits for its assignment,
 * drives its share, streams every finished second's cells to the parent (so the parent's progress
 * line and report hold every request, exactly), and exits once it has sent the rest.
 */
export function serveLoadProcess(): void {
  const send = (message: LoadMessage) =>
    new Promise<void>((resolve, reject) => process.send?.(message, undefined, {}, (e) => (e ? reject(e) : resolve())))
  process.once('message', (assignment: LoadAssignment) => {
    void run(assignment, send).then(
      () => process.disconnect(),
      (error: unknown) => {
        process.stderr.write(`load process: ${(error as Error).stack ?? error}\n`)
        process.exit(1)
      },
    )
  })
  // The parent gone (killed, crashed) ends the share at once: a load must never outlive its run.
  process.once('disconnect', () => process.exit(0))
  void send({ type: 'ready' })
}

async function run(assignment: LoadAssignment, send: (message: LoadMessage) => Promise<void>): Promise<void> {
  const { profile } = assignment
  const client = new HttpClient(new URL(assignment.target), assignment.timeoutMs)
  const recorder = new Recorder(
    assignment.brands.map((b) => b.slug),
    profile.startedAt,
  )
  const touched = new Map(assignment.brands.map((_, i) => [i, new Set<string>()]))
  const cpuAtStart = process.cpuUsage()
  try {
    const delay = watchEventLoopDelay()
    const { visits, droppedVisits } = await driveLoad(
      client,
      recorder,
      assignment.brands,
      { ...profile, surging: new Set(profile.surging) },
      touched,
      (elapsedMs, visitsInFlight) => {
        // Seconds before the current one are final: no request can end in them any more.
        const recorded = recorder.takeCells(Math.floor(elapsedMs / 1000))
        void send({ type: 'progress', recorded, visitsInFlight })
      },
    )
    const cpu = process.cpuUsage(cpuAtStart)
    await send({
      type: 'done',
      recorded: recorder.takeCells(null),
      visits,
      droppedVisits,
      touched: [...touched].map(([b, ids]) => [b, [...ids]]),
      cpuMicros: cpu.user + cpu.system,
      eventLoopDelay: delay.stop(),
    })
  } finally {
    client.close()
  }
}

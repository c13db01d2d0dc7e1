import { type ChildProcess, fork } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { DiscoveredBrand } from './discover.ts'
import { type EventLoopDelay, noDelay, watchEventLoopDelay, worseDelay } from './event-loop-delay.ts'
import type { HttpClient } from './http-client.ts'
import { driveLoad, type LoadProfile } from './load-driver.ts'
import type { LoadAssignment, LoadMessage } from './load-process.ts'
import type { Recorder } from './recorder.ts'

export interface LoadInput {
  recorder: Recorder
  brands: DiscoveredBrand[]
  profile: LoadProfile & { startedAt: number }
  /** Variant ids put in carts, per brand index: filled by the run. */
  touched: ReadonlyMap<number, Set<string>>
  onTick: (elapsedMs: number, visitsInFlight: number) => void
}

export interface LoadResult {
  visits: number
  droppedVisits: number
  /** CPU the load generator spent while the load ran (every load process and this one), seconds. */
  cpuSeconds: number
  /** The generator's own event-loop delay while the load ran (the worst process's), ms. */
  eventLoopDelay: EventLoopDelay
}

/** Drives a run's load: here, or from load processes whose figures it merges into `input.recorder`. */
export interface LoadGenerator {
  processes: number
  run(input: LoadInput): Promise<LoadResult>
  close(): void
}

/** The whole load from this process's event loop. */
export function inProcessLoad(client: HttpClient): LoadGenerator {
  return {
    processes: 1,
    async run(input) {
      const cpu = process.cpuUsage()
      const delay = watchEventLoopDelay()
      const result = await driveLoad(client, input.recorder, input.brands, input.profile, input.touched, input.onTick)
      const used = process.cpuUsage(cpu)
      return { ...result, cpuSeconds: (used.user + used.system) / 1e6, eventLoopDelay: delay.stop() }
    },
    close() {},
  }
}

/**
 * The load process's entry: beside this file when running the sources; from a bundle (dist/, whose
 * code has no file of its own here) the one in src/, run through tsx.
 */
const entry =
  [
    join(import.meta.dirname, 'load-process-entry.mjs'),
    join(import.meta.dirname, '..', 'src', 'rehearsal', 'load-process-entry.mjs'),
  ].find((path) => existsSync(path)) ?? join(import.meta.dirname, 'load-process-entry.mjs')

/**
 * `count` load processes (node:child_process), each with its own event loop, HTTP agent and share
 * of the arrivals; this process merges what they record, second by second, and keeps sampling the
 * back office. Resolves once every process is ready (the run's start instant is set after that,
 * so nobody starts late). Every process ends with the run, and with this one if it dies.
 */
export async function forkLoadProcesses(count: number, target: URL, timeoutMs: number): Promise<LoadGenerator> {
  const children: ChildProcess[] = []
  const close = () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
  }
  try {
    for (let i = 0; i < count; i++) {
      children.push(
        fork(entry, [], {
          // The entry registers tsx itself; inherited flags (a test runner's --import tsx, --test) would load it twice.
          execArgv: [],
          serialization: 'advanced',
          stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        }),
      )
    }
    await Promise.all(children.map((child, i) => ready(child, i)))
  } catch (error) {
    close()
    throw error
  }
  return {
    processes: count,
    run: (input) => runChildren(children, input, target, timeoutMs),
    close,
  }
}

function ready(child: ChildProcess, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`load process ${index} not ready after 30 s`)), 30_000)
    child.once('message', () => {
      clearTimeout(timer)
      resolve()
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`load process ${index} exited (${signal ?? code}) before it was ready`))
    })
  })
}

function runChildren(children: ChildProcess[], input: LoadInput, target: URL, timeoutMs: number): Promise<LoadResult> {
  const { recorder, profile } = input
  return new Promise<LoadResult>((resolve, reject) => {
    const cpuAtStart = process.cpuUsage()
    const inFlight = children.map(() => 0)
    const finished = children.map(() => false)
    const result: LoadResult = { visits: 0, droppedVisits: 0, cpuSeconds: 0, eventLoopDelay: noDelay }
    let settled = false
    const settle = (error: Error | null) => {
      if (settled) return
      settled = true
      clearInterval(ticker)
      clearTimeout(watchdog)
      if (error) return reject(error)
      const own = process.cpuUsage(cpuAtStart)
      result.cpuSeconds += (own.user + own.system) / 1e6
      resolve(result)
    }
    const ticker = setInterval(() => {
      input.onTick(
        Date.now() - profile.startedAt,
        inFlight.reduce((a, b) => a + b, 0),
      )
    }, 1000)
    // Every request ends within its timeout after the run: a process silent longer than that is stuck.
    const watchdog = setTimeout(
      () => settle(new Error('a load process did not finish in time')),
      Math.max(0, profile.startedAt - Date.now()) + profile.durationMs + timeoutMs + 30_000,
    )
    children.forEach((child, index) => {
      child.on('message', (message: LoadMessage) => {
        if (message.type === 'progress') {
          recorder.add(message.recorded)
          inFlight[index] = message.visitsInFlight
        } else if (message.type === 'done') {
          recorder.add(message.recorded)
          inFlight[index] = 0
          result.visits += message.visits
          result.droppedVisits += message.droppedVisits
          result.cpuSeconds += message.cpuMicros / 1e6
          result.eventLoopDelay = worseDelay(result.eventLoopDelay, message.eventLoopDelay)
          for (const [b, ids] of message.touched) for (const id of ids) input.touched.get(b)?.add(id)
          finished[index] = true
          if (finished.every(Boolean)) settle(null)
        }
      })
      child.once('exit', (code, signal) => {
        if (!finished[index])
          settle(new Error(`load process ${index} exited (${signal ?? code}) before the end of the run`))
      })
      const assignment: LoadAssignment = {
        target: target.href,
        timeoutMs,
        brands: input.brands,
        profile: { ...profile, surging: [...profile.surging], share: { index, of: children.length } },
      }
      child.send(assignment)
    })
  })
}

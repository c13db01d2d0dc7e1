import { writeFile } from 'node:fs/promises'
import { writeCapacity } from '../planning/index.ts'
import { type AdminAccess, adminAccess, checkOversold, erpOutboxDepth, scrapeCounters } from './admin-probe.ts'
import { type DiscoveredBrand, DiscoveryError, discoverBrand, discoverBrandSlugs } from './discover.ts'
import { HttpClient } from './http-client.ts'
import { forkLoadProcesses, inProcessLoad, type LoadGenerator } from './load-processes.ts'
import { capacityFile, measureCapacity } from './measure-capacity.ts'
import { type RehearseOptions, RehearseUsageError } from './options.ts'
import type { RehearsalOutcome } from './outcome.ts'
import { errorRate, quantile, Recorder, shedRate } from './recorder.ts'
import { renderHtmlReport } from './report-html.ts'
import { formatSummary } from './report-text.ts'
import { defaultSlo, evaluateSlo, type Phase, readSlo } from './slo.ts'
import { summarize, waitSummary } from './summarize.ts'
import { countRooms, type RoomCount, restoreRooms, type ScheduledRoom, scheduleRooms } from './waiting-room-scenario.ts'

export interface RehearseIo {
  out: (text: string) => void
  /** Progress and notes; a TTY gets a line redrawn in place. */
  err: (text: string) => void
  tty: boolean
}

/** Counters worth showing from the server's /metrics: what admission control did. */
const admissionCounter = /shed|queue|admit|waiting|overload|reject|retry/i
/** The server's CPU (every process of the node, from its /metrics): to read the capacity against. */
const cpuCounter = 'process_cpu_seconds_total'

/** `vitrine rehearse`, options parsed: returns the exit status (0 every SLO met, 1 one missed). */
export async function runRehearsal(
  options: RehearseOptions,
  io: RehearseIo,
): Promise<{ status: number; outcome: RehearsalOutcome }> {
  const slo = options.sloPath ? await readSlo(options.sloPath) : defaultSlo
  const client = new HttpClient(options.target, options.timeoutMs)
  let load: LoadGenerator | null = null
  let rooms: ScheduledRoom[] = []
  let access: AdminAccess | null = null
  try {
    const slugs = options.brands.length > 0 ? options.brands : await discoverBrandSlugs(client, options.target)
    const brands: DiscoveredBrand[] = []
    for (const slug of slugs) {
      brands.push(await discoverBrand(client, options.target, slug))
      io.err(
        `discovered ${slug}: ${brands.at(-1)?.productIds.length} products, ${brands.at(-1)?.buyable.length} buyable sampled, ${brands.at(-1)?.categories.length} categories\n`,
      )
    }
    const surgingSlugs = options.surgeBrands.length > 0 ? options.surgeBrands : slugs
    const unknown = surgingSlugs.filter((s) => !slugs.includes(s))
    if (unknown.length > 0)
      throw new RehearseUsageError(`--surge-brands ${unknown.join(',')} are not shops of the target`)
    const surging = new Set(surgingSlugs.map((s) => slugs.indexOf(s)))

    access =
      options.adminKeys.length > 0 || options.adminEmail
        ? await adminAccess(client, options.target, slugs, {
            keys: options.adminKeys,
            email: options.adminEmail,
            password: options.adminPassword,
          })
        : null
    const unknownRooms = options.waitingRoomBrands.filter((s) => !slugs.includes(s))
    if (unknownRooms.length > 0)
      throw new RehearseUsageError(`--waiting-room ${unknownRooms.join(',')} are not shops of the target`)

    load =
      options.processes > 1
        ? await forkLoadProcesses(options.processes, options.target, options.timeoutMs)
        : inProcessLoad(client)
    // The start instant is set once every load process is ready, ahead by the time the processes
    // need to get it and the rooms to be scheduled (the rooms open at the step of this instant).
    const lead = options.processes > 1 || options.waitingRoomBrands.length > 0 ? 1000 : 0
    const startedAt = new Date(Date.now() + lead)
    if (access && options.waitingRoomBrands.length > 0) {
      rooms = await scheduleRooms(client, options.target, access, options.waitingRoomBrands, {
        startsAt: new Date(startedAt.getTime() + options.surgeAtMs),
        endsAt: new Date(startedAt.getTime() + options.durationMs + options.erpWaitMs + 10 * 60_000),
        ratePerMinute: options.waitingRoomRate,
      })
      io.err(`scheduled the waiting room of ${options.waitingRoomBrands.join(', ')} at the step\n`)
    }
    const countersBefore = await scrapeCounters(client, options.target)
    const recorder = new Recorder(slugs, startedAt.getTime())
    const erpDepth: Array<{ t: number; depth: number }> = []
    const sampleErp = async () => {
      if (!access) return null
      const depth = await erpOutboxDepth(client, options.target, access)
      if (depth !== null) erpDepth.push({ t: Math.round((Date.now() - startedAt.getTime()) / 1000), depth })
      return depth
    }
    let erpBusy = false
    const erpTimer = setInterval(() => {
      if (erpBusy) return
      erpBusy = true
      void sampleErp().finally(() => {
        erpBusy = false
      })
    }, 2000)

    const touched = new Map(slugs.map((_, i) => [i, new Set<string>()]))
    let lastPrint = 0
    const { visits, droppedVisits, cpuSeconds, eventLoopDelay } = await load.run({
      recorder,
      brands,
      profile: {
        baselineRps: options.baselineRps,
        surge: options.surge,
        surging,
        durationMs: options.durationMs,
        surgeAtMs: options.surgeAtMs,
        profile: options.profile,
        thinkMs: options.thinkMs,
        seed: options.seed,
        startedAt: startedAt.getTime(),
      },
      touched,
      onTick: (elapsedMs, inFlight) => {
        if (!io.tty && elapsedMs - lastPrint < 5000) return
        lastPrint = elapsedMs
        const second = Math.floor(elapsedMs / 1000) - 1
        if (second < 0) return
        const last = recorder.tally({ from: Math.max(0, second - (io.tty ? 0 : 4)), to: second + 1 })
        const span = io.tty ? 1 : Math.min(5, second + 1)
        const p99 = quantile(last.latencies, 0.99)
        const phase = elapsedMs >= options.surgeAtMs ? 'surge' : 'baseline'
        const line =
          `[${Math.round(elapsedMs / 1000)}/${Math.round(options.durationMs / 1000)} s] ${phase} ` +
          `${(last.requests / span).toFixed(0)} req/s, p99 ${p99 === null ? '-' : Math.round(p99)} ms, ` +
          `shed ${(shedRate(last) * 100).toFixed(1)} %, errors ${(errorRate(last) * 100).toFixed(1)} %, ` +
          `orders ${recorder.tally().orders}, ${inFlight} shoppers`
        io.err(io.tty ? `\r${line}\x1b[K` : `${line}\n`)
      },
    })
    const loadWallSeconds = (Date.now() - startedAt.getTime()) / 1000
    // The target's CPU over the load alone, as the generator's (not the ERP wait after it).
    const countersAtLoadEnd = await scrapeCounters(client, options.target)
    clearInterval(erpTimer)
    if (io.tty) io.err('\n')
    const loadEndedS = Math.round((Date.now() - startedAt.getTime()) / 1000)

    // After the load: how long the ERP outbox takes to drain (bounded by --erp-wait).
    let erpCatchUpS: number | null = null
    if (access) {
      const waitUntil = Date.now() + options.erpWaitMs
      for (;;) {
        const depth = await sampleErp()
        if (depth === null) break
        if (depth === 0) {
          erpCatchUpS = Math.max(0, Math.round((Date.now() - startedAt.getTime()) / 1000) - loadEndedS)
          break
        }
        if (Date.now() >= waitUntil) break
        await new Promise((resolve) => setTimeout(resolve, 1000))
      }
    }

    const oversold = access
      ? await checkOversold(
          client,
          options.target,
          access,
          new Map([...touched].map(([i, set]) => [slugs[i] ?? '', set])),
        )
      : null
    const roomCounts: RoomCount[] = access ? await countRooms(client, options.target, access, rooms) : []
    const countersAfter = await scrapeCounters(client, options.target)
    const serverCounters =
      countersBefore && countersAfter
        ? [...countersAfter]
            .map(([name, value]) => ({ name, delta: value - (countersBefore.get(name) ?? 0) }))
            .filter((c) => c.delta > 0 && admissionCounter.test(c.name))
            .slice(0, 20)
        : []
    const serverCpu =
      (countersAtLoadEnd?.get(cpuCounter) ?? Number.NaN) - (countersBefore?.get(cpuCounter) ?? Number.NaN)

    const surgeAtS = Math.round(options.surgeAtMs / 1000)
    const endS = Math.round(options.durationMs / 1000)
    const phases: Phase[] = [
      { name: 'baseline', from: 0, to: surgeAtS },
      { name: 'surge', from: surgeAtS, to: endS + 1 },
    ]
    const oversoldUnits = oversold && oversold.checkedBrands.length > 0 ? oversold.oversoldUnits : null
    const verdicts = evaluateSlo(slo, recorder, phases, surging, oversoldUnits)
    const capacity = measureCapacity(recorder, slo, options.nodes)
    const outcome: RehearsalOutcome = {
      target: options.target.origin,
      startedAt,
      durationS: endS,
      baselineRps: options.baselineRps,
      surge: options.surge,
      profile: options.profile,
      surgeAtS,
      brands: slugs,
      surgingBrands: surgingSlugs,
      visits,
      droppedVisits,
      summary: summarize(recorder, phases),
      ordersPlaced: recorder.tally().orders,
      oversold,
      erpDepth,
      erpCatchUpS,
      serverCounters,
      capacity,
      verdicts,
      loadGenerator: { processes: options.processes, cpuSeconds, wallSeconds: loadWallSeconds, eventLoopDelay },
      serverCpuSeconds: Number.isFinite(serverCpu) ? serverCpu : null,
      waitingRoom:
        rooms.length > 0 || recorder.waitStats().waited > 0
          ? {
              rooms: roomCounts,
              shoppers: slugs
                .map((slug, b) => waitSummary(slug, recorder.waitStats(new Set([b]))))
                .filter((w) => w.waited > 0),
            }
          : null,
    }
    io.out(formatSummary(outcome))
    if (options.reportPath) {
      await writeFile(options.reportPath, renderHtmlReport(outcome, slo))
      io.err(`wrote ${options.reportPath}\n`)
    }
    if (options.jsonPath) {
      await writeFile(options.jsonPath, `${JSON.stringify(outcome, null, 1)}\n`)
      io.err(`wrote ${options.jsonPath}\n`)
    }
    if (options.saveCapacityPath) {
      if (!capacity) {
        io.err('no capacity saved: no 10-s window held the SLO with page views in it\n')
      } else {
        await writeCapacity(
          options.saveCapacityPath,
          capacityFile(capacity, {
            target: options.target.origin,
            nodes: options.nodes,
            slo,
            startupSeconds: options.startupSeconds,
            now: new Date(),
          }),
        )
        io.err(`wrote ${options.saveCapacityPath}\n`)
      }
    }
    return { status: verdicts.every((v) => v.met) ? 0 : 1, outcome }
  } catch (error) {
    if (error instanceof DiscoveryError) throw new RehearseUsageError(`cannot rehearse: ${error.message}`)
    throw error
  } finally {
    load?.close()
    if (access && rooms.length > 0) {
      await restoreRooms(client, options.target, access, rooms).catch((error: unknown) => {
        io.err(`could not restore the waiting rooms: ${(error as Error).message}\n`)
      })
    }
    client.close()
  }
}

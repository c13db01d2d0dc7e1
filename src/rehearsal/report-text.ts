import { table } from '../planning/format-plan.ts'
import type { RehearsalOutcome } from './outcome.ts'
import { fmtMs } from './slo.ts'
import type { Row } from './summarize.ts'

/** The columns of a per-class or per-brand table, in the terminal and in the HTML report. */
export const head = [
  '',
  'req',
  'req/s',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'ok',
  'sold out',
  '4xx',
  'shed 503',
  'waiting 503',
  '5xx',
  'no answer',
  'orders',
]

export function rowCells(r: Row): string[] {
  const ms = (v: number | null) => (v === null ? '-' : fmtMs(v))
  return [
    r.label,
    String(r.requests),
    r.rps.toFixed(1),
    ms(r.p50),
    ms(r.p95),
    ms(r.p99),
    String(r.ok),
    String(r.soldOut),
    String(r.clientError),
    String(r.shed),
    String(r.waiting),
    String(r.serverError),
    String(r.failed),
    String(r.orders),
  ]
}

/** The terminal summary: per phase, per class and per brand; orders, oversold, ERP, capacity, SLOs. */
export function formatSummary(o: RehearsalOutcome): string {
  const out: string[] = []
  out.push(
    `Rehearsal of ${o.target}: ${o.durationS} s, ${o.brands.length} brands, baseline ${o.baselineRps} req/s, ` +
      `${o.profile === 'step' ? `×${o.surge} step` : `ramp to ×${o.surge}`} at ${o.surgeAtS} s on ${o.surgingBrands.join(', ')}`,
    `${o.visits} shoppers${o.droppedVisits > 0 ? ` (${o.droppedVisits} more not started: too many visits in flight)` : ''}, ${o.ordersPlaced} orders placed`,
    '',
  )
  for (const phase of o.summary.phases) {
    out.push(`${phase.name} (${phase.from}–${phase.to} s), per class:`)
    out.push(table(head, [...phase.byClass.map(rowCells), rowCells(phase.total)]))
    out.push('')
    out.push(`${phase.name}, per brand:`)
    out.push(table(head, phase.byBrand.map(rowCells)))
    out.push('')
  }
  if (o.oversold) {
    out.push(
      `Oversold units: ${o.oversold.oversoldUnits} (${o.oversold.variantsChecked} variants read on ${o.oversold.checkedBrands.length} brands` +
        `${o.oversold.uncheckedBrands.length ? `; not readable: ${o.oversold.uncheckedBrands.join(', ')}` : ''}${o.oversold.errors ? `; ${o.oversold.errors} reads failed` : ''})`,
    )
  } else out.push('Oversold units: not checked (pass --admin-key or --admin-email)')
  if (o.erpDepth.length > 0) {
    const max = Math.max(...o.erpDepth.map((d) => d.depth))
    out.push(
      `ERP outbox: max depth ${max}; ${o.erpCatchUpS === null ? 'not drained within --erp-wait' : `caught up ${o.erpCatchUpS} s after the load ended`}`,
    )
  } else out.push('ERP outbox: not readable (needs an operator sign-in and /api/admin/erp/metrics)')
  out.push(...waitingRoomLines(o))
  out.push(costLine(o))
  if (o.serverCounters.length > 0) {
    out.push(
      `Server counters (from /metrics, increase during the run): ${o.serverCounters.map((c) => `${c.name} +${c.delta}`).join(', ')}`,
    )
  }
  if (o.capacity) {
    out.push(
      `Capacity per node: ${o.capacity.pageViewsPerSecond} page views/s, ${o.capacity.ordersPerMinute} orders/min` +
        (o.capacity.saturated
          ? ''
          : ' — at least: the SLO held in every window, push harder (--baseline, --surge, --profile ramp) to find the limit'),
    )
  }
  out.push('', 'SLOs:')
  out.push(
    table(
      ['', 'target', 'measured', ''],
      o.verdicts.map((v) => [v.name, v.target, v.actual, v.met ? 'met' : 'MISSED']),
    ),
  )
  const missed = o.verdicts.filter((v) => !v.met).length
  out.push('', missed === 0 ? 'Every SLO met.' : `${missed} SLO${missed > 1 ? 's' : ''} missed.`)
  return `${out.join('\n')}\n`
}

/** The waiting room's part of the summary: per brand, shoppers who waited and how long; the rooms' counts. */
export function waitingRoomLines(o: RehearsalOutcome): string[] {
  if (!o.waitingRoom) return []
  const s = (v: number | null) => (v === null ? '-' : String(v))
  const lines = ['Waiting room, shoppers who met it:']
  lines.push(
    table(
      ['', 'waited', 'admitted', 'still waiting at the end', 'wait p50 s', 'p95 s', 'max s'],
      o.waitingRoom.shoppers.map((w) => [
        w.slug,
        String(w.waited),
        String(w.admitted),
        String(w.stillWaiting),
        s(w.p50S),
        s(w.p95S),
        s(w.maxS),
      ]),
    ),
  )
  for (const room of o.waitingRoom.rooms) {
    lines.push(
      `Room of ${room.slug} at the end (${room.phase}): ${room.ticketsIssued} tickets, ${room.admitted} admitted, ${room.waiting} waiting`,
    )
  }
  return lines
}

/** Where the machine's CPU went: the load generator's share is CPU the target did not have. */
export function costLine(o: RehearsalOutcome): string {
  const g = o.loadGenerator
  const cores = (cpu: number) => (g.wallSeconds > 0 ? (cpu / g.wallSeconds).toFixed(2) : '-')
  return (
    `Load generator: ${g.processes} process${g.processes > 1 ? 'es' : ''}, ${g.cpuSeconds.toFixed(1)} s CPU over ${g.wallSeconds.toFixed(0)} s ` +
    `(${cores(g.cpuSeconds)} cores), its own event-loop delay p99 ${g.eventLoopDelay.p99Ms.toFixed(0)} ms, ` +
    `max ${g.eventLoopDelay.maxMs.toFixed(0)} ms (time its latencies include)` +
    (o.serverCpuSeconds !== null
      ? `; target: ${o.serverCpuSeconds.toFixed(1)} s CPU (${cores(o.serverCpuSeconds)} cores; its database not included)`
      : '')
  )
}

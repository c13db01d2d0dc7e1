import type { RehearsalOutcome } from './outcome.ts'
import { costLine, head, rowCells, waitingRoomLines } from './report-text.ts'
import { fmtMs, type SloConfig } from './slo.ts'
import type { Row } from './summarize.ts'
import { escapeXml as esc, lineChart } from './svg-chart.ts'

function htmlTable(headCells: string[], rows: string[][], flag?: (row: string[]) => boolean): string {
  return `<table><thead><tr>${headCells.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr${flag?.(r) ? ' class="bad"' : ''}>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`
}

const rowsOf = (rows: Row[]) => rows.map(rowCells)

/** The report as one self-contained HTML page: tables and inline SVG charts, no script, no external asset. */
export function renderHtmlReport(o: RehearsalOutcome, slo: SloConfig): string {
  const markers = [
    { at: o.surgeAtS, label: o.profile === 'step' ? `×${o.surge}` : 'ramp' },
    { at: o.durationS, label: 'end' },
  ]
  const s = o.summary
  const pageSlo = Math.max(slo.p99Ms.home, slo.p99Ms.listing, slo.p99Ms.search, slo.p99Ms.product)
  const charts = [
    lineChart(s.throughputByClass, { title: 'Throughput per class', yLabel: 'requests/s', markers }),
    lineChart(s.p99ByClass, {
      title: 'p99 latency per class (admitted requests)',
      yLabel: 'ms',
      markers,
      threshold: { value: pageSlo, label: `page SLO ${pageSlo} ms` },
    }),
    lineChart(s.throughputByBrand, { title: 'Throughput per brand', yLabel: 'requests/s', markers }),
    lineChart(s.p99ByBrand, {
      title: 'p99 latency per brand',
      yLabel: 'ms',
      markers,
      threshold: { value: pageSlo, label: `page SLO ${pageSlo} ms` },
    }),
    lineChart([s.shedPerSecond, s.errorsPerSecond, s.ordersPerSecond], {
      title: 'Shed, errors and orders',
      yLabel: 'per second',
      markers,
    }),
  ]
  if (o.erpDepth.length > 0) {
    const length = Math.max(...o.erpDepth.map((d) => d.t)) + 1
    const values: Array<number | null> = Array.from({ length }, () => null)
    for (const d of o.erpDepth) values[d.t] = d.depth
    charts.push(
      lineChart([{ name: 'outbox depth', values }], { title: 'ERP outbox depth', yLabel: 'documents', markers }),
    )
  }
  const missed = o.verdicts.filter((v) => !v.met)
  const oversold = o.oversold
    ? `${o.oversold.oversoldUnits} (${o.oversold.variantsChecked} variants read on ${o.oversold.checkedBrands.length} brands${o.oversold.uncheckedBrands.length ? `; not readable: ${o.oversold.uncheckedBrands.join(', ')}` : ''})`
    : 'not checked (no admin credentials)'
  const erp =
    o.erpDepth.length > 0
      ? `max depth ${Math.max(...o.erpDepth.map((d) => d.depth))}; ${o.erpCatchUpS === null ? 'not drained within the wait' : `caught up ${o.erpCatchUpS} s after the load ended`}`
      : 'not readable'
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vitrine rehearsal — ${esc(o.startedAt.toISOString())}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}tr.bad td{background:#fde2e2}
.verdict{font-size:16px;font-weight:bold;color:${missed.length ? '#b00' : '#070'}}
svg{display:block;margin:12px 0;max-width:100%;height:auto}
</style></head><body>
<h1>Sales-day rehearsal of ${esc(o.target)}</h1>
<p>Started ${esc(o.startedAt.toISOString())}, ${o.durationS} s; ${o.brands.length} brands; baseline ${o.baselineRps} req/s,
${o.profile === 'step' ? `×${o.surge} step` : `ramp to ×${o.surge}`} at ${o.surgeAtS} s on ${esc(o.surgingBrands.join(', '))};
${o.visits} shoppers; ${o.ordersPlaced} orders placed.</p>
<p class="verdict">${missed.length === 0 ? 'Every SLO met.' : `${missed.length} SLO${missed.length > 1 ? 's' : ''} missed.`}</p>
${htmlTable(
  ['SLO', 'target', 'measured', ''],
  o.verdicts.map((v) => [v.name, v.target, v.actual, v.met ? 'met' : 'MISSED']),
  (r) => r[3] === 'MISSED',
)}
<p>Oversold units: ${esc(oversold)}.<br>ERP outbox: ${esc(erp)}.${
    o.capacity
      ? `<br>Capacity per node: ${o.capacity.pageViewsPerSecond} page views/s, ${o.capacity.ordersPerMinute} orders/min${o.capacity.saturated ? '' : ' (at least: the SLO held in every window)'}.`
      : ''
  }<br>${esc(costLine(o))}.${o.serverCounters.length ? `<br>Server counters during the run: ${esc(o.serverCounters.map((c) => `${c.name} +${c.delta}`).join(', '))}.` : ''}</p>
${o.waitingRoom ? `<h2>Waiting room</h2><pre>${esc(waitingRoomLines(o).join('\n'))}</pre>` : ''}
<h2>Charts</h2>
${charts.join('\n')}
${s.phases
  .map(
    (p) => `<h2>${esc(p.name)} (${p.from}–${p.to} s)</h2>
<h3>Per class</h3>${htmlTable(head, [...rowsOf(p.byClass), ...rowsOf([p.total])])}
<h3>Per brand</h3>${htmlTable(head, rowsOf(p.byBrand))}`,
  )
  .join('\n')}
<p><small>Latency percentiles count the requests that were answered and not shed (503): what shoppers waited for.
"Sold out" is a 409 out-of-stock on cart or checkout. "No answer" is a timeout or a reset connection.
SLO page bound ${fmtMs(pageSlo)} ms.</small></p>
</body></html>
`
}

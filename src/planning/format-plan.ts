import type { CapacityPlan } from './compute-plan.ts'

/** The plan as text tables for a terminal. */
export function formatPlan(plan: CapacityPlan, context: { headroom: number; capacityLine: string }): string {
  const out: string[] = []
  out.push(context.capacityLine)
  out.push(
    `Planned per node at ${Math.round((1 - context.headroom) * 100)} %: ${n(plan.perNode.pageViewsPerSecond)} page views/s, ${n(plan.perNode.ordersPerMinute)} orders/min`,
    '',
    'Baseline (busiest hour of the history, per brand):',
  )
  const rows = plan.brands.map((b) => [
    b.slug,
    hourLabel(b.peakHour),
    String(b.peakPageViewsPerHour),
    n(b.pageViewsPerSecond),
    String(b.peakOrdersPerHour),
    n(b.ordersPerMinute),
  ])
  rows.push([
    'all brands',
    hourLabel(plan.baseline.peakHour),
    '',
    n(plan.baseline.pageViewsPerSecond),
    '',
    n(plan.baseline.ordersPerMinute),
  ])
  out.push(table(['brand', 'peak hour (UTC)', 'views/h', 'views/s', 'orders/h', 'orders/min'], rows))
  out.push(`Baseline nodes: ${plan.baseline.nodes}`, '')
  if (plan.events.length === 0) {
    out.push('No upcoming sale events.')
  }
  for (const e of plan.events) {
    out.push(
      `Sale event "${e.name.replace(/[\r\n]+/g, ' ')}" ${e.startsAt.toISOString()} → ${e.endsAt.toISOString()} (×${e.surge} on ${e.surgingSlugs.join(', ') || 'no brand'})`,
    )
    out.push(
      table(
        ['brand', '×', 'views/s', 'orders/min'],
        [
          ...e.perBrand.map((b) => [b.slug, String(b.surge), n(b.pageViewsPerSecond), n(b.ordersPerMinute)]),
          ['total', '', n(e.total.pageViewsPerSecond), n(e.total.ordersPerMinute)],
        ],
      ),
    )
    out.push(
      `Nodes needed: ${e.nodes} (baseline ${plan.baseline.nodes}); have them asked for by ${e.scaleUpAt.toISOString()}, back to the baseline floor after ${e.scaleDownAt.toISOString()}.`,
      '',
    )
  }
  out.push('This is a proposal: nothing was changed. Apply the manifests yourself (see deploy/RUNBOOK.md).')
  return `${out.join('\n')}\n`
}

export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

const n = (x: number) => (x >= 100 ? Math.round(x).toString() : (Math.round(x * 100) / 100).toString())

const hourLabel = (hour: Date | null) =>
  hour ? `${hour.toISOString().slice(0, 13).replace('T', ' ')}h` : '(no history)'

import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface Goal {
  /** e.g. "≥ 0.5× bare" */
  label: string
  pass: boolean
}

/** One line of the table: a figure, what it is compared with, and the goals it is held to. */
export interface ResultRow {
  id: string
  name: string
  unit: 'req/s' | 'orders/s' | 'items/s' | 'MB' | 'ms'
  figure: number
  baselineName: string | null
  baseline: number | null
  ratio: number | null
  goals: Goal[]
  p50Ms: number | null
  p99Ms: number | null
  /** A short aside printed at the end of the line. */
  remark?: string
  /** Failures, exhausted carts: anything that makes the figure less than clean. */
  warnings: string[]
  details: Record<string, unknown>
}

export interface Report {
  startedAt: string
  finishedAt: string
  machine: Record<string, string | number>
  settings: Record<string, string | number | boolean>
  notes: string[]
  rows: ResultRow[]
}

const integer = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 })

export function ratioRow(
  row: Omit<ResultRow, 'ratio' | 'goals'>,
  goals: Array<{ label: string; test: (figure: number, ratio: number | null) => boolean }>,
): ResultRow {
  const ratio = row.baseline ? row.figure / row.baseline : null
  return { ...row, ratio, goals: goals.map((g) => ({ label: g.label, pass: g.test(row.figure, ratio) })) }
}

export function formatReport(report: Report): string {
  const header = ['measurement', 'figure', 'baseline', 'ratio', 'p50 / p99', 'goal', 'result', 'notes']
  const lines = report.rows.map((r) => [
    r.name,
    `${integer.format(r.figure)} ${r.unit}`,
    r.baseline === null ? '—' : `${integer.format(r.baseline)} (${r.baselineName})`,
    r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`,
    r.p50Ms === null ? '—' : `${ms(r.p50Ms)} / ${ms(r.p99Ms ?? 0)}`,
    r.goals.length === 0 ? '— (no goal)' : r.goals.map((g) => g.label).join(', '),
    r.goals.length === 0 ? 'info' : r.goals.map((g) => (g.pass ? 'PASS' : 'MISS')).join(', '),
    r.remark ?? '',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]?.length ?? 0)))
  const render = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
  const out = [
    '',
    'Vitrine bench',
    ...Object.entries(report.machine).map(([k, v]) => `  ${`${k}:`.padEnd(12)} ${v}`),
    ...Object.entries(report.settings).map(([k, v]) => `  ${`${k}:`.padEnd(12)} ${v}`),
    '',
    render(header),
    render(widths.map((w) => '-'.repeat(w))),
    ...lines.map(render),
  ]
  const warnings = report.rows.flatMap((r) => r.warnings.map((w) => `  ! ${r.name}: ${w}`))
  if (warnings.length > 0) out.push('', 'Warnings:', ...warnings)
  if (report.notes.length > 0) out.push('', 'Notes:', ...report.notes.map((n) => `  - ${n}`))
  const goals = report.rows.flatMap((r) => r.goals)
  const missed = goals.filter((g) => !g.pass).length
  out.push('', `Goals: ${goals.length - missed} of ${goals.length} met${missed > 0 ? ` (${missed} MISS)` : ''}.`, '')
  return out.join('\n')
}

function ms(value: number): string {
  return value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`
}

/** bench/results/latest.json (git-ignored). */
export function writeReport(report: Report): string {
  const dir = join(import.meta.dirname, 'results')
  mkdirSync(dir, { recursive: true })
  const path = join(dir, 'latest.json')
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`)
  return path
}

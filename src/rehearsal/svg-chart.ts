import type { Series } from './summarize.ts'

export const palette = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#637939',
]

export const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

export interface ChartOptions {
  title: string
  yLabel: string
  /** Vertical markers (seconds), e.g. the surge step and the end of the load. */
  markers?: Array<{ at: number; label: string }>
  /** A horizontal line, e.g. the SLO. */
  threshold?: { value: number; label: string }
  width?: number
  height?: number
}

/**
 * A line chart as inline SVG: one polyline per series over seconds, axes with round ticks, a legend.
 * Gaps (null) break the line. No script, no external asset: the report stays one file.
 */
export function lineChart(series: readonly Series[], options: ChartOptions): string {
  const width = options.width ?? 860
  const height = options.height ?? 260
  const m = { left: 56, right: 150, top: 28, bottom: 34 }
  const plotW = width - m.left - m.right
  const plotH = height - m.top - m.bottom
  const length = Math.max(1, ...series.map((s) => s.values.length))
  const values = series.flatMap((s) => s.values.filter((v): v is number => v !== null))
  const rawMax = Math.max(1e-9, ...values, options.threshold?.value ?? 0)
  // Four gridlines at round values: the step is nice, the top is four steps.
  const yMax = niceCeil(rawMax / 4) * 4
  const x = (i: number) => m.left + (length <= 1 ? 0 : (i / (length - 1)) * plotW)
  const y = (v: number) => m.top + plotH - (v / yMax) * plotH
  const parts: string[] = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(options.title)}">`,
    `<text x="${m.left}" y="16" font-size="13" font-weight="bold">${escapeXml(options.title)}</text>`,
  )
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4
    parts.push(
      `<line x1="${m.left}" x2="${m.left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${m.left - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="10" text-anchor="end">${fmtTick(v)}</text>`,
    )
  }
  const xStep = niceCeil(length / 8)
  for (let s = 0; s < length; s += xStep) {
    parts.push(
      `<text x="${x(s).toFixed(1)}" y="${m.top + plotH + 14}" font-size="10" text-anchor="middle">${s}s</text>`,
    )
  }
  parts.push(
    `<text x="12" y="${m.top + plotH / 2}" font-size="10" transform="rotate(-90 12 ${m.top + plotH / 2})" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
    `<rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
  )
  for (const marker of options.markers ?? []) {
    if (marker.at < 0 || marker.at > length - 1) continue
    parts.push(
      `<line x1="${x(marker.at).toFixed(1)}" x2="${x(marker.at).toFixed(1)}" y1="${m.top}" y2="${m.top + plotH}" stroke="#555" stroke-dasharray="4 3"/>`,
      // Near the right edge the label goes on the line's left, clear of the legend.
      marker.at > (length - 1) * 0.9
        ? `<text x="${(x(marker.at) - 3).toFixed(1)}" y="${m.top + 10}" font-size="10" text-anchor="end">${escapeXml(marker.label)}</text>`
        : `<text x="${(x(marker.at) + 3).toFixed(1)}" y="${m.top + 10}" font-size="10">${escapeXml(marker.label)}</text>`,
    )
  }
  if (options.threshold) {
    const ty = y(options.threshold.value).toFixed(1)
    parts.push(
      `<line x1="${m.left}" x2="${m.left + plotW}" y1="${ty}" y2="${ty}" stroke="#c00" stroke-dasharray="6 3"/>`,
      `<text x="${m.left + plotW - 4}" y="${(Number(ty) - 3).toFixed(1)}" font-size="10" text-anchor="end" fill="#c00">${escapeXml(options.threshold.label)}</text>`,
    )
  }
  series.forEach((s, i) => {
    const colour = palette[i % palette.length]
    const runs: string[][] = [[]]
    s.values.forEach((v, t) => {
      if (v === null) runs.push([])
      else runs[runs.length - 1]?.push(`${x(t).toFixed(1)},${y(v).toFixed(1)}`)
    })
    for (const run of runs) {
      if (run.length === 1)
        parts.push(`<circle cx="${run[0]?.split(',')[0]}" cy="${run[0]?.split(',')[1]}" r="1.5" fill="${colour}"/>`)
      else if (run.length > 1)
        parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${run.join(' ')}"/>`)
    }
    const ly = m.top + 6 + i * 14
    parts.push(
      `<line x1="${width - m.right + 10}" x2="${width - m.right + 28}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${width - m.right + 32}" y="${ly + 4}" font-size="10">${escapeXml(s.name)}</text>`,
    )
  })
  parts.push('</svg>')
  return parts.join('')
}

/** 1, 2, 2.5, 5 × 10^n at or above x. */
export function niceCeil(x: number): number {
  if (x <= 0) return 1
  const p = 10 ** Math.floor(Math.log10(x))
  for (const f of [1, 2, 2.5, 5, 10]) if (f * p >= x) return f * p
  return 10 * p
}

const fmtTick = (v: number) => (v >= 100 ? Math.round(v).toString() : Number(v.toPrecision(3)).toString())

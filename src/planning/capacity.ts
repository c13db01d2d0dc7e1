import { readFile, writeFile } from 'node:fs/promises'

/**
 * What one node sustains, as measured by `vitrine rehearse --save-capacity`: the most page views per
 * second and orders per minute it served, over a sustained window, with every class's p99 under the
 * SLO. Page views are measured under the rehearsal's mix (each page view comes with its share of
 * JSON reads, cart and checkout calls), which is what a plan scales.
 */
export interface NodeCapacity {
  version: 1
  measuredAt: string
  target: string
  /** The deployment measured had this many nodes; the figures below are per node. */
  nodes: number
  pageViewsPerSecond: number
  ordersPerMinute: number
  /** The p99 bound (ms) the figures were held under. */
  p99SloMs: number
  /** Seconds a new node takes to answer /ready, when measured (else the plan's --startup-seconds). */
  startupSeconds: number | null
}

export class CapacityFileError extends Error {}

/** Reads and checks a capacity file; a missing or malformed one is a CapacityFileError that says what to do. */
export async function readCapacity(path: string): Promise<NodeCapacity> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    throw new CapacityFileError(
      `cannot read ${path}: measure a node first with "vitrine rehearse --target URL --save-capacity ${path}"`,
    )
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw new CapacityFileError(`${path} is not JSON`)
  }
  return parseCapacity(data, path)
}

export function parseCapacity(data: unknown, source = 'capacity'): NodeCapacity {
  const d = (data ?? {}) as Record<string, unknown>
  const positive = (name: string) => {
    const v = d[name]
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new CapacityFileError(`${source}: ${name} must be a positive number`)
    }
    return v
  }
  if (d.version !== 1) throw new CapacityFileError(`${source}: unknown version (expected 1)`)
  const startup = d.startupSeconds
  if (startup !== null && startup !== undefined && (typeof startup !== 'number' || !(startup >= 0))) {
    throw new CapacityFileError(`${source}: startupSeconds must be a number ≥ 0 or null`)
  }
  return {
    version: 1,
    measuredAt: typeof d.measuredAt === 'string' ? d.measuredAt : '',
    target: typeof d.target === 'string' ? d.target : '',
    nodes: Number.isInteger(d.nodes) && (d.nodes as number) > 0 ? (d.nodes as number) : 1,
    pageViewsPerSecond: positive('pageViewsPerSecond'),
    ordersPerMinute: positive('ordersPerMinute'),
    p99SloMs: positive('p99SloMs'),
    startupSeconds: typeof startup === 'number' ? startup : null,
  }
}

export async function writeCapacity(path: string, capacity: NodeCapacity): Promise<void> {
  await writeFile(path, `${JSON.stringify(capacity, null, 2)}\n`)
}

import { writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { silentLog } from '../platform/ctx.ts'
import type { Database } from '../platform/db/database.ts'
import { migrateToLatest } from '../platform/db/migrate.ts'
import { CapacityFileError, readCapacity } from './capacity.ts'
import { computePlan } from './compute-plan.ts'
import { formatPlan } from './format-plan.ts'
import { planManifests } from './manifest.ts'
import { planBrands, planHistory, upcomingSaleEvents } from './queries.ts'

export const planHelp = `Usage: vitrine plan [--capacity capacity.json] [--headroom 0.3] [--surge 15] [--manifest out.yaml] …

Proposes the capacity for the coming sale events from the hourly traffic history and the scheduled
sale events in the database, and the capacity of one node measured by "vitrine rehearse
--save-capacity". Prints per brand and in total the expected peak and the nodes needed, and when
to add them; optionally writes Kubernetes manifests. It changes nothing: the operator decides.
  --capacity FILE          one node's measured capacity (default capacity.json)
  --headroom F             fraction of each node kept free (default 0.3: plan nodes at 70 %)
  --surge F                traffic multiplier during an event (default 15)
  --event-surge ID=F       the multiplier of one event, by id or name (repeatable)
  --startup-seconds S      a node's start-up time (default: the capacity file's, else 2)
  --margin-minutes M       have the nodes ready this long before an event starts (default 15)
  --min-nodes N            never plan fewer nodes (default 2: one node may fail)
  --from DATE              history from this instant (default 28 days ago); until now
  --manifest FILE          write the base manifest there, and FILE's name + .event-N.yaml per event
  --image REF              container image in the manifest (default vitrine:latest)
  --workers N              worker processes per pod in the manifest (default 2)
  --json                   print the plan as JSON instead of tables
  --help                   this text

Sizing: nodes = max(min-nodes, ceil(peak page views/s ÷ (capacity × (1 − headroom))),
ceil(peak orders/min ÷ (capacity × (1 − headroom)))). Exit status: 0 done, 2 usage or capacity file.
`

export interface PlanDeps {
  open: () => Promise<Database>
  out?: (text: string) => void
  err?: (text: string) => void
  /** The instant the plan is made at (tests). */
  now?: Date
}

/** `vitrine plan`: returns the exit status. */
export async function planCommand(args: string[], deps: PlanDeps): Promise<number> {
  const out = deps.out ?? ((t) => process.stdout.write(t))
  const err = deps.err ?? ((t) => process.stderr.write(t))
  const usage = (message: string) => {
    err(`${message}\n\n${planHelp}`)
    return 2
  }
  const { values } = parseArgs({
    args,
    options: {
      capacity: { type: 'string', default: 'capacity.json' },
      headroom: { type: 'string', default: '0.3' },
      surge: { type: 'string', default: '15' },
      'event-surge': { type: 'string', multiple: true, default: [] },
      'startup-seconds': { type: 'string' },
      'margin-minutes': { type: 'string', default: '15' },
      'min-nodes': { type: 'string', default: '2' },
      from: { type: 'string' },
      manifest: { type: 'string' },
      image: { type: 'string', default: 'vitrine:latest' },
      workers: { type: 'string', default: '2' },
      json: { type: 'boolean', default: false },
    },
  })
  const now = deps.now ?? new Date()
  const headroom = Number(values.headroom)
  if (!(headroom >= 0 && headroom < 1)) return usage('--headroom is a fraction in [0, 1), e.g. 0.3')
  const surge = Number(values.surge)
  if (!(surge >= 1 && surge <= 1000)) return usage('--surge is a multiplier between 1 and 1000')
  const eventSurge = new Map<string, number>()
  for (const pair of values['event-surge']) {
    const at = pair.lastIndexOf('=')
    const factor = Number(pair.slice(at + 1))
    if (at <= 0 || !(factor >= 1 && factor <= 1000)) return usage(`--event-surge "${pair}": expected ID_OR_NAME=FACTOR`)
    eventSurge.set(pair.slice(0, at), factor)
  }
  const marginMinutes = Number(values['margin-minutes'])
  if (!(marginMinutes >= 0 && marginMinutes <= 24 * 60)) return usage('--margin-minutes is between 0 and 1440')
  const minNodes = Number(values['min-nodes'])
  if (!Number.isInteger(minNodes) || minNodes < 1 || minNodes > 10_000)
    return usage('--min-nodes is a whole number ≥ 1')
  const workers = Number(values.workers)
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) return usage('--workers is a whole number ≥ 1')
  const from = values.from ? new Date(values.from) : new Date(now.getTime() - 28 * 86_400_000)
  if (Number.isNaN(from.getTime()) || from >= now) return usage('--from is an instant in the past (e.g. 2026-01-01)')
  if (values.manifest !== undefined && !/\.ya?ml$/i.test(values.manifest)) return usage('--manifest names a .yaml file')

  let capacity: Awaited<ReturnType<typeof readCapacity>>
  try {
    capacity = await readCapacity(values.capacity)
  } catch (error) {
    if (error instanceof CapacityFileError) {
      err(`${error.message}\n`)
      return 2
    }
    throw error
  }
  const startupSeconds =
    values['startup-seconds'] !== undefined ? Number(values['startup-seconds']) : (capacity.startupSeconds ?? 2)
  if (!(startupSeconds >= 0 && startupSeconds <= 3600)) return usage('--startup-seconds is between 0 and 3600')

  const database = await deps.open()
  try {
    await migrateToLatest(database.db)
    const ctx = { db: database.db, now, actor: { kind: 'system' as const, name: 'plan' }, log: silentLog }
    const [brands, history, events] = await Promise.all([
      planBrands(ctx),
      planHistory(ctx, from, now),
      upcomingSaleEvents(ctx),
    ])
    const plan = computePlan(brands, history, events, {
      capacity,
      headroom,
      surge,
      eventSurge,
      startupSeconds,
      marginMinutes,
      minNodes,
    })
    if (values.json) out(`${JSON.stringify(plan, null, 2)}\n`)
    else {
      const capacityLine = `One node (measured ${capacity.measuredAt || 'at an unknown date'}${capacity.target ? ` on ${capacity.target}` : ''}): ${capacity.pageViewsPerSecond} page views/s, ${capacity.ordersPerMinute} orders/min at p99 < ${capacity.p99SloMs} ms; start-up ${startupSeconds} s`
      out(formatPlan(plan, { headroom, capacityLine }))
    }
    if (values.manifest) {
      const files = planManifests(plan, { image: values.image, workersPerPod: workers })
      for (const file of files) {
        const path = file.suffix ? values.manifest.replace(/\.ya?ml$/i, `.${file.suffix}.yaml`) : values.manifest
        await writeFile(path, file.text)
        err(`wrote ${path}\n`)
      }
    }
    return 0
  } finally {
    await database.close()
  }
}

import { parseArgs } from 'node:util'
import { findBrandBySlug } from '../brands/queries.ts'
import type { Log } from '../platform/ctx.ts'
import type { Database } from '../platform/db/database.ts'
import { migrateToLatest } from '../platform/db/migrate.ts'
import { listDeliveries, replayDeadLetters, replayDelivery } from './deliveries.ts'
import { setPaused } from './settings.ts'
import { startErpSimulator } from './simulator.ts'

export const erpSimHelp = `Usage: vitrine erp-sim [--port N] [--secret KEY] [--fail-rate 0.3] [--down-for 5s]

A stand-in for a brand's ERP: receives UBL documents over HTTP (POST any path), verifies the
X-Vitrine-Signature with KEY (default $ERP_SIM_SECRET or "dev-secret"), dedupes by Idempotency-Key,
answers 503 to a share of requests (--fail-rate) and resets connections for --down-for after start.
Prints the counts every 5 s until SIGINT/SIGTERM.
`

export const deliveriesHelp = `Usage: vitrine deliveries <list|replay|replay-dead|pause|resume> --brand SLUG [options]

  list          --brand SLUG [--state pending|delivered|dead] [--order UUID] [--limit N]
  replay        --brand SLUG --id N     re-send one delivery (dead or delivered)
  replay-dead   --brand SLUG            re-send every dead letter of the brand
  pause|resume  --brand SLUG            stop / restart deliveries to the brand's ERP
`

const duration = (text: string): number => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text)
  if (!m) throw new Error(`invalid duration "${text}"`)
  const n = Number(m[1])
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000
}

export async function erpSimCommand(args: string[], log: Log): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '4010' },
      secret: { type: 'string' },
      'fail-rate': { type: 'string', default: '0' },
      'down-for': { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
    },
  })
  const failRate = Number(values['fail-rate'])
  if (!(failRate >= 0 && failRate <= 1)) throw new Error('--fail-rate is between 0 and 1')
  const sim = await startErpSimulator({
    port: Number(values.port),
    host: values.host,
    secret: values.secret ?? process.env.ERP_SIM_SECRET ?? 'dev-secret',
    failRate,
    ...(values['down-for'] ? { downForMs: duration(values['down-for']) } : {}),
  })
  console.log(`ERP simulator listening on ${sim.url}`)
  const timer = setInterval(() => log.info({ distinct: sim.documents.size, ...sim.counts }, 'erp-sim'), 5000)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  clearInterval(timer)
  await sim.close()
  console.log(JSON.stringify({ distinct: sim.documents.size, ...sim.counts }))
  return 0
}

export async function deliveriesCommand(args: string[], open: () => Promise<Database>): Promise<number> {
  const [action, ...rest] = args
  const { values } = parseArgs({
    args: rest,
    options: {
      brand: { type: 'string' },
      state: { type: 'string' },
      order: { type: 'string' },
      id: { type: 'string' },
      limit: { type: 'string', default: '50' },
    },
  })
  if (!action || !values.brand) {
    console.error(deliveriesHelp)
    return 2
  }
  const database = await open()
  try {
    await migrateToLatest(database.db)
    const brand = await findBrandBySlug(database.db, values.brand)
    if (!brand) {
      console.error(`Unknown brand "${values.brand}"`)
      return 1
    }
    const ctx = {
      db: database.db,
      now: new Date(),
      actor: { kind: 'system' as const, name: 'cli' },
      log: { info() {}, warn() {}, error() {}, debug() {} },
    }
    switch (action) {
      case 'list': {
        const state = values.state as 'pending' | 'delivered' | 'dead' | undefined
        const rows = await listDeliveries(ctx, brand.id, {
          ...(state ? { state } : {}),
          ...(values.order ? { orderId: values.order } : {}),
          limit: Number(values.limit),
        })
        for (const r of rows) {
          console.log(
            [r.id, r.topic, r.orderId, r.state, `attempts=${r.attempts}`, r.lastError ?? ''].join('\t').trimEnd(),
          )
        }
        return 0
      }
      case 'replay':
        console.log((await replayDelivery(ctx, brand.id, Number(values.id))) ? 'replayed' : 'not found or pending')
        return 0
      case 'replay-dead':
        console.log(`replayed ${await replayDeadLetters(ctx, brand.id)} dead letters`)
        return 0
      case 'pause':
      case 'resume':
        await setPaused(ctx, brand.id, action === 'pause')
        console.log(`${brand.slug}: deliveries ${action === 'pause' ? 'paused' : 'resumed'}`)
        return 0
      default:
        console.error(deliveriesHelp)
        return 2
    }
  } finally {
    await database.close()
  }
}

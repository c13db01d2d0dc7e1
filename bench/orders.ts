import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import type { Brand, BrandCtx } from '../src/brands/brand.ts'
import { orderSequenceName } from '../src/brands/queries.ts'
import { type CheckoutInput, computeTotals, createTestProvider, placeOrder, testCards } from '../src/checkout/index.ts'
import { silentLog } from '../src/platform/ctx.ts'
import type { Db } from '../src/platform/db/database.ts'
import { interleave } from './schedule.ts'
import type { BenchCart, BenchVariant, CartQueue } from './seed.ts'
import { percentile } from './stats.ts'

/** Places the order of one cart; throws when it could not. */
export type PlaceOne = (cart: BenchCart) => Promise<void>

export function checkoutInput(cartToken: string): CheckoutInput {
  return {
    cartToken,
    email: 'shopper@example.test',
    shippingAddress: {
      name: 'Alex Martin',
      line1: '12 rue des Lilas',
      postalCode: '75011',
      city: 'Paris',
      country: 'FR',
    },
    shippingMethod: 'standard',
    payment: { provider: 'test', token: testCards.success },
  }
}

/** The use case under test, exactly as the checkout route calls it (minus HTTP). */
export function placeOrderWithApp(db: Db, brand: Brand): PlaceOne {
  const providers = new Map([['test', createTestProvider()]])
  return async (cart) => {
    const ctx: BrandCtx = { db, brand, now: new Date(), actor: { kind: 'shopper' }, log: silentLog }
    await placeOrder(ctx, checkoutInput(cart.token), { idempotencyKey: randomUUID(), providers })
  }
}

/** The driver itself: statements in, rows and affected-row counts out. */
export interface RawSql {
  /** One statement on any free connection (autocommit). */
  query: RawQuery
  transaction(work: (query: RawQuery) => Promise<void>): Promise<void>
  close(): Promise<void>
}
export type RawQuery = (text: string, params: unknown[]) => Promise<{ rows: Record<string, unknown>[]; count: number }>

export function rawSqlOnPg(url: string, connections: number): RawSql {
  const pool = new pg.Pool({ connectionString: url, max: connections })
  pool.on('error', () => {})
  return {
    async query(text, params) {
      const result = await pool.query(text, params)
      return { rows: result.rows, count: result.rowCount ?? 0 }
    },
    async transaction(work) {
      const client = await pool.connect()
      try {
        await client.query('begin')
        await work(async (text, params) => {
          const result = await client.query(text, params)
          return { rows: result.rows, count: result.rowCount ?? 0 }
        })
        await client.query('commit')
      } catch (error) {
        await client.query('rollback').catch(() => {})
        throw error
      } finally {
        client.release()
      }
    },
    close: () => pool.end(),
  }
}

export function rawSqlOnPglite(pglite: PGlite): RawSql {
  return {
    async query(text, params) {
      const result = await pglite.query<Record<string, unknown>>(text, params)
      return { rows: result.rows, count: result.affectedRows ?? 0 }
    },
    async transaction(work) {
      await pglite.transaction(async (tx) => {
        await work(async (text, params) => {
          const result = await tx.query<Record<string, unknown>>(text, params)
          return { rows: result.rows, count: result.affectedRows ?? 0 }
        })
      })
    },
    close: async () => {},
  }
}

// The statements placeOrder's transaction sends, as Kysely compiles them (unnamed, parameterised).
const insertOrderSql =
  'insert into "orders" ("brand_id", "id", "number", "status", "email", "shipping_address", "shipping_method", ' +
  '"currency", "locale", "vat_rate_bp", "subtotal_minor", "shipping_minor", "vat_minor", "total_minor", "payment", ' +
  '"idempotency_key", "request_hash", "placed_at") values ($1, $2, ' +
  "(select $3 || '-' || lpad(n::text, greatest(6, length(n::text)), '0') from nextval($4::regclass) as n), " +
  '$5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) ' +
  'on conflict ("brand_id", "idempotency_key") do nothing returning "number"'
const lineColumns = 14
const insertLinesSql = (count: number) =>
  'insert into "order_lines" ("brand_id", "order_id", "line_no", "variant_id", "product_id", "sku", "gtin", ' +
  '"title", "size", "colour", "quantity", "unit_price_minor", "line_total_minor", "vat_minor") values ' +
  Array.from(
    { length: count },
    (_, row) => `(${Array.from({ length: lineColumns }, (_, col) => `$${row * lineColumns + col + 1}`).join(', ')})`,
  ).join(', ')
const reserveSql =
  'with wanted as (select variant_id, quantity from unnest($1::uuid[], $2::int[]) as w(variant_id, quantity)), ' +
  'locked as materialized (select s.variant_id from stock_levels s where s.brand_id = $3 ' +
  'and s.variant_id in (select variant_id from wanted) order by s.variant_id for update) ' +
  'update stock_levels s set reserved = s.reserved + w.quantity, updated_at = $4 ' +
  'from wanted w join locked l on l.variant_id = w.variant_id ' +
  'where s.brand_id = $3 and s.variant_id = w.variant_id and s.on_hand - s.reserved >= w.quantity ' +
  'returning s.variant_id'
const closeCartSql =
  'update "carts" set "order_id" = $1, "updated_at" = $2 where "brand_id" = $3 and "token" = $4 and "order_id" is null'
const outboxSql =
  'insert into "outbox" ("brand_id", "topic", "aggregate_id", "payload", "created_at", "available_at") ' +
  'values ($1, $2, $3, $4, $5, $6)'

// The read placeOrder makes before its transaction (loadCart; variants come from the in-memory catalog).
const loadCartSql = 'select "lines", "order_id" from "carts" where "brand_id" = $1 and "token" = $2'

/**
 * A diagnostic, not a goal's baseline: the raw transaction preceded by the read placeOrder
 * makes before it, each on any free connection as Kysely sends them. What separates it from
 * placeOrder is the JavaScript (Kysely, validation, pricing); what separates it from the raw
 * transaction is the three round trips.
 */
export function placeOrderWithRawSqlAndReads(
  raw: RawSql,
  brand: Brand,
  variants: ReadonlyMap<string, BenchVariant>,
): PlaceOne {
  const transaction = placeOrderWithRawSql(raw, brand, variants)
  return async (cart) => {
    await raw.query(loadCartSql, [brand.id, cart.token])
    await transaction(cart)
  }
}

/**
 * The baseline: placeOrder's transaction and nothing else — BEGIN, the order row numbered from the
 * brand's sequence and claiming its idempotency key, the 3 lines in one insert, one conditional
 * stock update for all lines (rows locked in variant-id order),
 * closing the cart, the outbox row, COMMIT. The cart's content and prices are known up front, so it
 * makes none of the reads placeOrder makes before its transaction, and no payment call.
 */
export function placeOrderWithRawSql(raw: RawSql, brand: Brand, variants: ReadonlyMap<string, BenchVariant>): PlaceOne {
  const sequence = orderSequenceName(brand.id)
  const shipping = brand.shippingMethods.find((m) => m.code === 'standard') ?? null
  const address = JSON.stringify(checkoutInput('').shippingAddress)
  return async (cart) => {
    const now = new Date()
    const orderId = randomUUID()
    const lines = cart.variantIds.map((id) => {
      const variant = variants.get(id)
      if (!variant) throw new Error(`unknown variant ${id}`)
      return variant
    })
    const totals = computeTotals(
      lines.map((v) => ({ quantity: 1, unitPriceMinor: v.priceMinor })),
      brand.vatRateBp,
      shipping,
    )
    const payment = JSON.stringify({ provider: 'test', reference: `test_${orderId.slice(0, 24)}`, last4: '4242' })
    await raw.transaction(async (query) => {
      const inserted = await query(insertOrderSql, [
        brand.id,
        orderId,
        brand.orderPrefix,
        sequence,
        'placed',
        'shopper@example.test',
        address,
        'standard',
        brand.currency,
        brand.locale,
        brand.vatRateBp,
        totals.subtotalMinor,
        totals.shippingMinor,
        totals.vatMinor,
        totals.totalMinor,
        payment,
        randomUUID(),
        'bench-request-hash',
        now,
      ])
      const number = inserted.rows[0]?.number
      if (number === undefined) throw new Error('idempotency key already used')
      await query(
        insertLinesSql(lines.length),
        lines.flatMap((v, index) => [
          brand.id,
          orderId,
          index + 1,
          v.id,
          v.productId,
          v.sku,
          v.gtin,
          v.title,
          v.size,
          v.colour,
          1,
          v.priceMinor,
          v.priceMinor,
          totals.lineVatMinor[index] ?? 0,
        ]),
      )
      const reserved = await query(reserveSql, [lines.map((v) => v.id), lines.map(() => 1), brand.id, now])
      if (reserved.count !== lines.length) throw new Error('out of stock')
      const closed = await query(closeCartSql, [orderId, now, brand.id, cart.token])
      if (closed.count === 0) throw new Error('cart already checked out')
      await query(outboxSql, [brand.id, 'order.placed', orderId, JSON.stringify({ orderId, number }), now, now])
    })
  }
}

export interface OrderResult {
  perSecond: number
  ok: number
  failed: number
  seconds: number
  p50Ms: number
  p99Ms: number
  firstError: string | null
  /** The run used every prepared cart before its time was up: the figure is then a lower bound. */
  cartsRanOut: boolean
  /** CPU time of this process (user + system) per order placed: the client side's cost. */
  nodeCpuUsPerOrder: number
}

interface Tally {
  ok: number
  failed: number
  seconds: number
  cpuUs: number
  latencies: number[]
  firstError: string | null
  cartsRanOut: boolean
}

const newTally = (): Tally => ({
  ok: 0,
  failed: 0,
  seconds: 0,
  cpuUs: 0,
  latencies: [],
  firstError: null,
  cartsRanOut: false,
})

/** `concurrency` workers placing orders back to back for `seconds`, each order on a fresh cart. */
async function runWorkers(
  placeOne: PlaceOne,
  carts: CartQueue,
  concurrency: number,
  seconds: number,
  tally: Tally,
): Promise<void> {
  const started = performance.now()
  const cpu = process.cpuUsage()
  const deadline = started + seconds * 1000
  const worker = async () => {
    while (performance.now() < deadline) {
      const cart = carts.next()
      if (!cart) {
        tally.cartsRanOut = true
        return
      }
      const t0 = performance.now()
      try {
        await placeOne(cart)
        tally.ok += 1
        tally.latencies.push(performance.now() - t0)
      } catch (error) {
        tally.failed += 1
        tally.firstError ??= (error as Error).message
        // Something is broken, not slow: stop rather than spin for the whole duration.
        if (tally.failed > 500 && tally.ok === 0) return
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  tally.seconds += (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  tally.cpuUs += used.user + used.system
}

function summarise(tally: Tally): OrderResult {
  const sorted = Float64Array.from(tally.latencies).sort()
  return {
    perSecond: tally.seconds > 0 ? tally.ok / tally.seconds : 0,
    ok: tally.ok,
    failed: tally.failed,
    seconds: tally.seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    firstError: tally.firstError,
    cartsRanOut: tally.cartsRanOut,
    nodeCpuUsPerOrder: tally.ok > 0 ? tally.cpuUs / tally.ok : 0,
  }
}

export interface OrderSide {
  name: string
  placeOne: PlaceOne
}

export interface OrderComparison {
  concurrency: number
  warmupS: number
  durationS: number
  /** Refills the cart queue to at least n carts before each timed part (not timed). */
  ensureCarts: (n: number) => Promise<void>
  /** An upper bound of orders/s, to size the carts prepared per part. */
  maxRate: number
}

/** Every side warmed up, then timed in turns (see interleave). Results in the order of `sides`. */
export async function compareOrders(
  sides: readonly OrderSide[],
  carts: CartQueue,
  options: OrderComparison,
): Promise<OrderResult[]> {
  const part = async (placeOne: PlaceOne, seconds: number, tally: Tally) => {
    await options.ensureCarts(Math.ceil(seconds * options.maxRate))
    await runWorkers(placeOne, carts, options.concurrency, seconds, tally)
  }
  for (const side of sides) await part(side.placeOne, options.warmupS, newTally())
  const tallies = sides.map(newTally)
  const { order, turnS } = interleave(sides.length, options.durationS)
  for (const index of order) await part(sides[index]!.placeOne, turnS, tallies[index]!)
  return tallies.map(summarise)
}

import { randomUUID } from 'node:crypto'
import type { SeededRandom } from '../demo/seeded-random.ts'
import type { DiscoveredBrand } from './discover.ts'
import { CookieJar, type HttpClient, type HttpResult } from './http-client.ts'
import type { Outcome, Recorder, StepClass } from './recorder.ts'

/** One step of a shopper's visit; a page step is one GET, cart is create-if-needed + add, checkout one POST. */
export type Step =
  | { cls: 'home' | 'listing' | 'search' | 'product'; path: string }
  | { cls: 'cart' }
  | { cls: 'checkout' }

/** The test provider's success card (src/checkout/payments/test-provider.ts). */
export const successCard = '4242424242424242'

/**
 * A visit: most shoppers land on the home page, look at a few listings, some search, open one to
 * three products; a quarter add to the cart, and of those six in ten pay. About five requests.
 */
export function planVisit(rng: SeededRandom, brand: DiscoveredBrand): Step[] {
  const steps: Step[] = []
  if (rng.chance(0.75)) steps.push({ cls: 'home', path: '/' })
  const listings = rng.int(0, 3)
  for (let i = 0; i < listings; i++) {
    const page = rng.chance(0.2) ? `?page=2` : ''
    steps.push({
      cls: 'listing',
      path:
        brand.categories.length > 0
          ? `${rng.pick(brand.categories)}${page}`
          : `/api/store/products?pageSize=24&page=${rng.int(1, 3)}`,
    })
  }
  if (rng.chance(0.3) && brand.searchWords.length > 0) {
    steps.push({ cls: 'search', path: `/search?q=${encodeURIComponent(rng.pick(brand.searchWords))}` })
  }
  const products = rng.int(1, 3)
  for (let i = 0; i < products; i++) steps.push({ cls: 'product', path: `/p/${rng.pick(brand.productIds)}` })
  if (brand.buyable.length > 0 && rng.chance(0.25)) {
    steps.push({ cls: 'cart' })
    if (rng.chance(0.6)) steps.push({ cls: 'checkout' })
  }
  return steps
}

/** Requests a plan makes when nothing is shed (adding to the cart is two: create the cart, add). */
export const requestsOf = (steps: readonly Step[]) => steps.reduce((n, s) => n + (s.cls === 'cart' ? 2 : 1), 0)

export interface VisitContext {
  client: HttpClient
  recorder: Recorder
  brandIndex: number
  brand: DiscoveredBrand
  shopper: number
  rng: SeededRandom
  thinkMs: number
  /** True once the run's time is up: the visit stops at its next step. */
  stopped: () => boolean
  /** The wall clock (ms) at which the run's time is up: no wait outlasts it. */
  stopAt: number
  /** Variants this run tried to buy, per brand: the oversold check reads their stock afterwards. */
  touched: Set<string>
}

const maxShedRetries = 3

/** Runs a visit to its end (or the run's), with think times between steps. */
export async function runVisit(ctx: VisitContext, steps: readonly Step[]): Promise<void> {
  const jar = new CookieJar()
  const state: VisitState = { cartToken: null, variantInCart: false, waitingSince: null, waitOver: false }
  try {
    for (let i = 0; i < steps.length; i++) {
      if (ctx.stopped()) return
      if (i > 0 && ctx.thinkMs > 0) {
        await sleep(Math.min(ctx.thinkMs * 4, -Math.log(1 - ctx.rng.next()) * ctx.thinkMs))
        if (ctx.stopped()) return
      }
      const step = steps[i] as Step
      const goOn = await runStep(ctx, jar, state, step)
      if (!goOn) return
    }
  } finally {
    // Still in the waiting room when the run ended: counted as waited, not admitted.
    if (state.waitingSince !== null && !state.waitOver) ctx.recorder.recordWait(ctx.brandIndex, null)
  }
}

interface VisitState {
  cartToken: string | null
  variantInCart: boolean
  /** When this shopper first met the waiting room (wall clock), and whether they got in since. */
  waitingSince: number | null
  waitOver: boolean
}

/** false: the shopper leaves (shed too often, the cart failed, …). */
async function runStep(ctx: VisitContext, jar: CookieJar, state: VisitState, step: Step): Promise<boolean> {
  switch (step.cls) {
    case 'home':
    case 'listing':
    case 'search':
    case 'product': {
      const html = !step.path.startsWith('/api/')
      const res = await call(ctx, jar, state, step.cls, {
        method: 'GET',
        path: step.path,
        headers: { accept: html ? 'text/html,application/xhtml+xml' : 'application/json' },
        keep: 'errors',
      })
      return res !== null
    }
    case 'cart': {
      if (!state.cartToken) {
        const created = await call(ctx, jar, state, 'cart', { method: 'POST', path: '/api/store/carts' })
        if (created?.status !== 201) return false
        state.cartToken = (JSON.parse(created.body) as { token: string }).token
      }
      const product = ctx.rng.pick(ctx.brand.buyable)
      const variant = ctx.rng.pick(product.variants)
      ctx.touched.add(variant.id)
      const added = await call(ctx, jar, state, 'cart', {
        method: 'POST',
        path: `/api/store/carts/${state.cartToken}/lines`,
        body: JSON.stringify({ variantId: variant.id, quantity: 1 }),
      })
      state.variantInCart = added?.status === 200
      return added !== null
    }
    case 'checkout': {
      if (!state.cartToken || !state.variantInCart) return false
      const key = randomUUID()
      const body = JSON.stringify({
        cartToken: state.cartToken,
        email: `shopper-${ctx.shopper}@rehearsal.invalid`,
        shippingAddress: {
          name: 'Rehearsal Shopper',
          line1: '1 rue de la Répétition',
          postalCode: '75011',
          city: 'Paris',
          country: 'FR',
        },
        shippingMethod: ctx.brand.shippingMethod,
        payment: { provider: 'test', token: successCard },
      })
      // A checkout that got no answer is retried once with the same Idempotency-Key, as a careful
      // client does: the server must return the same order, never place a second one.
      for (let attempt = 0; attempt < 2; attempt++) {
        const res = await call(ctx, jar, state, 'checkout', {
          method: 'POST',
          path: '/api/store/checkout',
          headers: { 'idempotency-key': key },
          body,
        })
        if (res === null) return false
        // 200 on the retry: the first attempt did place the order, and this is its replay.
        if (res.status === 201 || (attempt > 0 && res.status === 200))
          ctx.recorder.recordOrder(Date.now(), ctx.brandIndex)
        if (res.status !== 0) return true
      }
      return false
    }
  }
}

/**
 * One request of a step, recorded. A shed answer (503 from admission control) is retried after its
 * Retry-After (capped, as the busy page does) up to three times. A waiting-room answer is followed
 * as a browser does, for as long as the run lasts: the waiting page reloads its own URL after its
 * meta refresh; an API caller polls /waiting-room/status every `refreshSeconds` until admitted,
 * then repeats its request. The cookie jar keeps the ticket and then the pass, so an admitted
 * shopper stays admitted through cart and checkout. Returns the last response, a status-0 marker
 * when the request got no answer (timeout, reset), or null when the shopper gave up or the run ended.
 */
async function call(
  ctx: VisitContext,
  jar: CookieJar,
  state: VisitState,
  cls: StepClass,
  request: {
    method: string
    path: string
    headers?: Record<string, string>
    body?: string
    keep?: 'always' | 'errors'
  },
): Promise<{ status: number; body: string } | null> {
  let path = request.path
  for (let shed = 0; ; ) {
    const result = await ctx.client.send({
      ...request,
      path,
      host: ctx.brand.host,
      headers: headersOf(ctx, jar, request),
    })
    const outcome = outcomeOf(cls, result)
    ctx.recorder.record(Date.now(), ctx.brandIndex, cls, outcome, result.ms)
    if (result.kind === 'error') return { status: 0, body: '' }
    jar.store(result.headers['set-cookie'])
    if (outcome === 'waiting') {
      state.waitingSince ??= Date.now()
      const room = waitingRoomAnswer(result)
      if (!room) return null
      if (room.reload !== null) {
        // The waiting page: reload the URL its meta refresh names (a same-site path).
        await pause(ctx, room.refreshMs)
        if (ctx.stopped()) return null
        path = request.method === 'GET' ? room.reload : path
      } else if (!(await pollUntilAdmitted(ctx, jar, room.refreshMs))) return null
      continue
    }
    if (state.waitingSince !== null && !state.waitOver) {
      state.waitOver = true
      ctx.recorder.recordWait(ctx.brandIndex, Date.now() - state.waitingSince)
    }
    if (outcome !== 'shed') return { status: result.status, body: result.body }
    if (shed >= maxShedRetries || ctx.stopped()) return null
    shed += 1
    const retryAfter = Number(result.headers['retry-after'] ?? 1)
    await pause(ctx, Math.min(5, Math.max(0.5, Number.isFinite(retryAfter) ? retryAfter : 1)) * 1000)
    if (ctx.stopped()) return null
  }
}

function headersOf(ctx: VisitContext, jar: CookieJar, request: { headers?: Record<string, string> }) {
  const cookie = jar.header()
  return {
    'user-agent': `VitrineRehearsal/1 (shopper ${ctx.shopper})`,
    ...(cookie ? { cookie } : {}),
    ...request.headers,
  }
}

/**
 * Polls the room's status (not recorded as a step: it is the room's own traffic) until it says
 * admitted, which also sets the pass cookie; false when the run ends first or the status fails.
 */
async function pollUntilAdmitted(ctx: VisitContext, jar: CookieJar, firstWaitMs: number): Promise<boolean> {
  let waitMs = firstWaitMs
  for (;;) {
    await pause(ctx, waitMs)
    if (ctx.stopped()) return false
    const res = await ctx.client.send({
      method: 'GET',
      path: waitingRoomStatusPath,
      host: ctx.brand.host,
      headers: { ...headersOf(ctx, jar, {}), accept: 'application/json' },
    })
    if (res.kind !== 'response' || res.status !== 200) return false
    jar.store(res.headers['set-cookie'])
    const status = JSON.parse(res.body) as { admitted?: boolean; refreshSeconds?: number }
    if (status.admitted) return true
    waitMs = Math.max(1, status.refreshSeconds ?? 5) * 1000
  }
}

const waitingRoomStatusPath = '/waiting-room/status'

/**
 * A 503 from the brand's waiting room, and how a browser goes on from it: the waiting page's meta
 * refresh (`N;url=/path`: reload that path after N s), or the API problem `/problems/waiting-room`
 * (poll the status after Retry-After). Null for any other 503 (admission control's shed answer,
 * whose refresh names no URL, or a problem of another type).
 */
export function waitingRoomAnswer(result: HttpResult): { refreshMs: number; reload: string | null } | null {
  if (result.kind !== 'response' || result.status !== 503) return null
  const type = String(result.headers['content-type'] ?? '')
  if (type.includes('json')) {
    if (!result.body.includes('"/problems/waiting-room"')) return null
    const retryAfter = Number(result.headers['retry-after'])
    return { refreshMs: (Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 5) * 1000, reload: null }
  }
  const m = /<meta http-equiv="refresh" content="(\d+);url=([^"]*)"/i.exec(result.body)
  if (!m) return null
  const url = unescapeHtml(m[2] ?? '')
  const reload = url.startsWith('/') && !url.startsWith('//') ? url : '/'
  return { refreshMs: Math.max(1, Number(m[1])) * 1000, reload }
}

const unescapeHtml = (text: string) =>
  text.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) =>
    e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : "'",
  )

/** Waits `ms`, or until the run's end if that comes first (a waiting page may refresh every 30 s). */
const pause = (ctx: VisitContext, ms: number) => sleep(Math.max(0, Math.min(ms, ctx.stopAt - Date.now())))

export function outcomeOf(cls: StepClass, result: HttpResult): Outcome {
  if (result.kind === 'error') return result.error
  const s = result.status
  if (s === 503) return waitingRoomAnswer(result) ? 'waiting' : 'shed'
  if (s >= 500) return 'serverError'
  if (s === 409 && (cls === 'cart' || cls === 'checkout') && result.body.includes('out-of-stock')) return 'soldOut'
  if (s >= 400) return 'clientError'
  return 'ok'
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

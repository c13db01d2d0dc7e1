import { classPriority, type RequestClass, requestClasses } from './classify-request.ts'

export interface AdmissionConfig {
  /** Requests one process works on at once; beyond it they wait in the queue. */
  maxInflight: number
  /** Requests waiting at most, over all brands; beyond it the least deserving one is shed. */
  queueSize: number
  /** A request waits at most this long before it is shed: a fast 503, never a client timeout. */
  queueTimeoutMs: number
  /**
   * How long a turn of the event loop may take (ms, from its first arrival to its end) before the
   * next turns admit fewer requests. Default 20 (see `adaptTurnBudget`).
   */
  turnTargetMs?: number
}

export type ShedReason = 'queue-full' | 'queue-timeout'

export type Admission =
  | { admitted: true; waitedMs: number; release(): void }
  | { admitted: false; reason: ShedReason | 'aborted' }

export interface QueuedAdmission {
  queued: Promise<Admission>
  cancel(): void
}

interface Waiter {
  tenant: Tenant
  cls: RequestClass
  priority: number
  seq: number
  arrivedAt: number
  timer: NodeJS.Timeout | null
  settle(admission: Admission): void
}

interface Tenant {
  name: string
  inflight: number
  queued: number
  /** The turn of the event loop in which this tenant last had a request admitted, and how many then. */
  turn: number
  admittedInTurn: number
  inflightByClass: Record<RequestClass, number>
  /** One FIFO per class, indexed by priority. */
  queues: Waiter[][]
}

/** What the metrics show per tenant (brand) and class. */
export interface AdmissionGauge {
  tenant: string
  cls: RequestClass
  inflight: number
  queued: number
}

/** Crawlers together may hold at most this share of the slots, even on an idle node. */
const botShare = 0.25
/** Admissions per event-loop turn, at the least (cached pages: ~1 ms each, so a turn stays ~20 ms). */
const minPerTurn = 16
/** However long turns take, a turn still admits this many: the node keeps serving while it sheds. */
const floorPerTurn = 4
const defaultTurnTargetMs = 20
/** Admissions per brand per turn beyond the turn's budget (see withinTurnShare). */
const turnShare = 2

/**
 * Per-process admission: at most `maxInflight` requests run, a short queue holds the next ones, and
 * anything beyond is shed at once (the caller answers 503 + Retry-After).
 *
 * Fairness comes before priority. When a slot frees, the brand (tenant) with the fewest requests
 * in flight goes next, and within it the most important class, oldest first. So while brand A's
 * surge keeps every slot busy, brand B's next request takes the very next free slot: every busy
 * brand converges to an equal share of the limit (max-min fairness on concurrency), and a quiet
 * brand waits at most one request's service time, whatever A sends. When the queue is full, the
 * request pushed out is the least important, newest one of the brand holding the most (in flight +
 * queued) — so A's surge sheds A's own browsing first, never B's checkout.
 */
export class AdmissionController {
  private inflight = 0
  private botInflight = 0
  private queued = 0
  private seq = 0
  private readonly tenants = new Map<string, Tenant>()
  private readonly botCap: number
  /** Admissions in the current turn of the event loop, and at most how many (see nextTurn). */
  private turnAdmitted = 0
  private perTurn: number
  private readonly maxPerTurn: number
  private readonly turnTargetMs: number
  /** When the current turn saw its first request (clock ms); null before it. */
  private turnStartedAt: number | null = null
  private turnEnd: NodeJS.Immediate | null = null
  /** Counts the turns (see nextTurn), so a tenant can tell whether it was admitted in this one. */
  private turn = 1

  constructor(
    readonly config: AdmissionConfig,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.botCap = Math.max(1, Math.floor(config.maxInflight * botShare))
    this.maxPerTurn = Math.max(minPerTurn, config.maxInflight)
    this.perTurn = this.maxPerTurn
    this.turnTargetMs = config.turnTargetMs ?? defaultTurnTargetMs
  }

  /** Admissions the next turn may make (it adapts to how long turns take). */
  get turnBudget(): number {
    return this.perTurn
  }

  /**
   * A request served from memory (a cached page) runs from admission to its response within one
   * turn of the event loop, so it is never "in flight" when the next one arrives: counted by
   * concurrency alone, a worker at 100 % CPU has one or two requests in flight, admits everything,
   * and the real queue is the sockets it has not read yet, where no priority, fair share or timeout
   * applies (the rehearsal measured exactly that: an overloaded node shed nothing and shoppers timed
   * out). So a turn admits at most `perTurn` requests; later arrivals of the same turn wait in the
   * queue, and the next turn (setImmediate: after the sockets already readable have been read)
   * admits from it, fairest brand and most important class first. A turn's work stays bounded, the
   * event loop keeps reading, and an overload shows as a queue that fills and sheds.
   */
  private nextTurn(): void {
    this.turnStartedAt ??= this.clock()
    if (this.turnEnd) return
    this.turnEnd = setImmediate(() => {
      this.turnEnd = null
      this.turn += 1
      this.adaptTurnBudget(this.clock() - (this.turnStartedAt ?? this.clock()))
      this.turnStartedAt = null
      this.turnAdmitted = 0
      this.dispatch()
    })
    // The timer must not keep a process (or a test) alive on its own.
    this.turnEnd.unref()
  }

  /**
   * A fixed budget of admissions per turn does not bound how long a turn takes: what the admitted
   * requests cost varies (a cached page ~0.1 ms of CPU, a listing rebuilt ~5 ms, a checkout's
   * results and a 100-KB page's socket writes land in later turns), and so does the CPU the
   * process gets on a shared machine. A request's wait before the gate even sees it is about one
   * turn, for every brand alike, so long turns break the p99 of brands that are not surging at
   * all (the rehearsal measured turns of 100–270 ms at twice the node's capacity). So the budget
   * adapts, additive increase and multiplicative decrease: halved after a turn longer than the
   * target, one more after a shorter one, between `floorPerTurn` and its configured maximum.
   * Fewer admissions per turn means more requests wait in the queue, where fair share puts the
   * quiet brands first and the timeout sheds the surge's excess cheaply.
   */
  private adaptTurnBudget(tookMs: number): void {
    if (tookMs > this.turnTargetMs) this.perTurn = Math.max(floorPerTurn, Math.floor(this.perTurn / 2))
    else this.perTurn = Math.min(this.maxPerTurn, this.perTurn + 1)
  }

  /**
   * Admits now, sheds now, or queues: then `queued` settles when a slot frees or the request is
   * shed, and `cancel()` (the client went away) takes it out of the queue. Call `release()` on an
   * admission once its response is done.
   */
  acquire(tenantName: string, cls: RequestClass): Admission | QueuedAdmission {
    // The turn is timed from its first arrival, whatever becomes of it.
    this.nextTurn()
    const tenant = this.tenant(tenantName)
    if (
      this.inflight < this.config.maxInflight &&
      (this.turnAdmitted < this.perTurn || (cls !== 'bot' && tenant.queued === 0 && this.withinTurnShare(tenant))) &&
      (cls !== 'bot' || this.botInflight < this.botCap)
    ) {
      return this.admit(tenant, cls, 0)
    }
    const waiter: Waiter = {
      tenant,
      cls,
      priority: classPriority[cls],
      seq: ++this.seq,
      arrivedAt: this.clock(),
      timer: null,
      settle: () => {},
    }
    if (this.queued >= this.config.queueSize) {
      const victim = this.pushOutVictim(waiter)
      if (victim === waiter) return { admitted: false, reason: 'queue-full' }
      this.unqueue(victim)
      victim.settle({ admitted: false, reason: 'queue-full' })
    }
    const queued = new Promise<Admission>((resolve) => {
      waiter.settle = (admission) => {
        if (waiter.timer) clearTimeout(waiter.timer)
        resolve(admission)
      }
    })
    waiter.timer = setTimeout(() => {
      if (this.unqueue(waiter)) waiter.settle({ admitted: false, reason: 'queue-timeout' })
    }, this.config.queueTimeoutMs)
    this.enqueue(waiter)
    this.nextTurn()
    return {
      queued,
      cancel: () => {
        if (this.unqueue(waiter)) waiter.settle({ admitted: false, reason: 'aborted' })
      },
    }
  }

  /** In flight and queued per tenant and class, for the metrics. */
  gauges(): AdmissionGauge[] {
    const rows: AdmissionGauge[] = []
    for (const tenant of this.tenants.values()) {
      for (const cls of requestClasses) {
        rows.push({
          tenant: tenant.name,
          cls,
          inflight: tenant.inflightByClass[cls],
          queued: tenant.queues[classPriority[cls]]!.length,
        })
      }
    }
    return rows
  }

  get inflightCount(): number {
    return this.inflight
  }

  get queuedCount(): number {
    return this.queued
  }

  /**
   * Each brand may have `turnShare` requests admitted per turn whatever the turn's budget: on
   * arrival when none of its requests waits, else from its queue (dispatch), oldest first — given on
   * arrival only, a brand with one request waiting sent every next one to the queue, which drained
   * within the budget alone. The budget halves whenever turns run long, for whatever made them long
   * (garbage collection, checkouts' results, socket writes, the surge's own arrivals read and shed):
   * at its floor it admitted fewer requests per second than the brands that are not surging send,
   * so their requests waited in the queue with the surge's (the rehearsal's unaffected brands missed
   * their p99 that way: a third of their requests over 200 ms had waited there). A turn stays
   * bounded — the budget plus `turnShare` per brand — and a brand that sends more, a surging one,
   * still queues and is shed by its own excess. Crawlers never pass this way.
   */
  private withinTurnShare(tenant: Tenant): boolean {
    return tenant.turn !== this.turn || tenant.admittedInTurn < turnShare
  }

  private admit(tenant: Tenant, cls: RequestClass, waitedMs: number): Admission {
    this.turnAdmitted += 1
    if (tenant.turn !== this.turn) {
      tenant.turn = this.turn
      tenant.admittedInTurn = 0
    }
    tenant.admittedInTurn += 1
    this.nextTurn()
    this.inflight += 1
    tenant.inflight += 1
    tenant.inflightByClass[cls] += 1
    if (cls === 'bot') this.botInflight += 1
    let released = false
    return {
      admitted: true,
      waitedMs,
      release: () => {
        if (released) return
        released = true
        this.inflight -= 1
        tenant.inflight -= 1
        tenant.inflightByClass[cls] -= 1
        if (cls === 'bot') this.botInflight -= 1
        this.dispatch()
      },
    }
  }

  /**
   * Fills free slots from the queue: fairest tenant first, then class priority, then age. Once the
   * turn's budget is spent, a tenant still within its turn share (withinTurnShare) is served from
   * its queue as it would have been on arrival.
   */
  private dispatch(): void {
    while (this.inflight < this.config.maxInflight && this.queued > 0) {
      const overBudget = this.turnAdmitted >= this.perTurn
      let best: Waiter | null = null
      for (const tenant of this.tenants.values()) {
        if (tenant.queued === 0 || (overBudget && !this.withinTurnShare(tenant))) continue
        const head = this.headOf(tenant)
        // Crawlers never pass on a share.
        if (!head || (overBudget && head.cls === 'bot')) continue
        // Between brands with as many in flight (requests served within a turn are never in flight
        // for long), the one with fewer waiting: a quiet brand is not stuck behind a surge's queue.
        const a = tenant
        const b = best?.tenant
        if (
          !best ||
          !b ||
          a.inflight < b.inflight ||
          (a.inflight === b.inflight &&
            (a.queued < b.queued ||
              (a.queued === b.queued &&
                (head.priority < best.priority || (head.priority === best.priority && head.seq < best.seq)))))
        ) {
          best = head
        }
      }
      // Nobody left who may go now: only crawlers at their cap, or the budget and every share spent.
      if (!best) return
      this.unqueue(best)
      best.settle(this.admit(best.tenant, best.cls, this.clock() - best.arrivedAt))
    }
  }

  /** The tenant's most important waiter it may admit now (crawlers only under their cap). */
  private headOf(tenant: Tenant): Waiter | null {
    for (const queue of tenant.queues) {
      const head = queue[0]
      if (!head) continue
      if (head.cls === 'bot' && this.botInflight >= this.botCap) continue
      return head
    }
    return null
  }

  /**
   * Who leaves a full queue for `newcomer`: the least important, newest waiter of the tenant with
   * the most requests in flight and waiting (the newcomer counted in its own tenant) — possibly the
   * newcomer itself.
   */
  private pushOutVictim(newcomer: Waiter): Waiter {
    const load = (tenant: Tenant) => tenant.inflight + tenant.queued + (tenant === newcomer.tenant ? 1 : 0)
    let victim = newcomer
    for (const tenant of this.tenants.values()) {
      if (tenant.queued === 0) continue
      const queue = tenant.queues.findLast((q) => q.length > 0)
      const worst = queue?.[queue.length - 1]
      if (!worst) continue
      const [a, b] = [load(tenant), load(victim.tenant)]
      if (
        a > b ||
        (a === b &&
          (worst.priority > victim.priority || (worst.priority === victim.priority && worst.seq > victim.seq)))
      ) {
        victim = worst
      }
    }
    return victim
  }

  private enqueue(waiter: Waiter): void {
    waiter.tenant.queues[waiter.priority]!.push(waiter)
    waiter.tenant.queued += 1
    this.queued += 1
  }

  /** Removes a waiter from its queue; false if it was no longer there (already settled). */
  private unqueue(waiter: Waiter): boolean {
    const queue = waiter.tenant.queues[waiter.priority]!
    const index = queue.indexOf(waiter)
    if (index < 0) return false
    queue.splice(index, 1)
    waiter.tenant.queued -= 1
    this.queued -= 1
    return true
  }

  private tenant(name: string): Tenant {
    let tenant = this.tenants.get(name)
    if (!tenant) {
      tenant = {
        name,
        inflight: 0,
        queued: 0,
        turn: 0,
        admittedInTurn: 0,
        inflightByClass: { checkout: 0, cart: 0, admin: 0, browse: 0, bot: 0 },
        queues: requestClasses.map(() => []),
      }
      this.tenants.set(name, tenant)
    }
    return tenant
  }
}

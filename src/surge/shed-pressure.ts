/**
 * The share of each brand's requests a process shed recently, for the gate (how long its shed
 * shoppers are told to wait, admission/shed-response.ts) and for `auto` waiting rooms, which
 * switch on when it stays high (waiting-room/pressure.ts).
 *
 * The ratio is taken over the last `windowSeconds` whole seconds, not the last one alone: under a
 * real surge one process's second-by-second ratio swung across the room's 20 % threshold (12–20 %
 * shed over all, single seconds below it), and a room that needs 5 s above it in a row never
 * switched on. A brand with fewer than `minRequests` decisions in the window reads 0: two sheds of
 * three requests do not make a surge.
 */
export interface ShedPressureOptions {
  windowSeconds?: number
  minRequests?: number
}

interface Counts {
  admitted: number
  shed: number
}

export class ShedPressure {
  private current = new Map<string, Counts>()
  /** The last whole seconds, newest first. */
  private seconds: Array<Map<string, Counts>> = []
  private ratios = new Map<string, number>()
  private readonly windowSeconds: number
  private readonly minRequests: number

  constructor(options: ShedPressureOptions = {}) {
    this.windowSeconds = options.windowSeconds ?? 3
    this.minRequests = options.minRequests ?? 20
  }

  /** One admission decision for the brand. */
  count(brandId: string, admitted: boolean): void {
    let counts = this.current.get(brandId)
    if (!counts) {
      counts = { admitted: 0, shed: 0 }
      this.current.set(brandId, counts)
    }
    if (admitted) counts.admitted += 1
    else counts.shed += 1
  }

  /** Closes the current second (called once a second); returns each brand's ratio over the window. */
  tick(): ReadonlyMap<string, number> {
    this.seconds.unshift(this.current)
    this.current = new Map()
    this.seconds.length = Math.min(this.seconds.length, this.windowSeconds)
    const totals = new Map<string, Counts>()
    for (const second of this.seconds) {
      for (const [brandId, { admitted, shed }] of second) {
        const total = totals.get(brandId) ?? { admitted: 0, shed: 0 }
        total.admitted += admitted
        total.shed += shed
        totals.set(brandId, total)
      }
    }
    this.ratios = new Map(
      [...totals].map(([brandId, { admitted, shed }]) => [
        brandId,
        admitted + shed >= this.minRequests ? shed / (admitted + shed) : 0,
      ]),
    )
    return this.ratios
  }

  /** The brand's ratio as of the last tick (0..1). */
  ratio(brandId: string): number {
    return this.ratios.get(brandId) ?? 0
  }
}

/**
 * Where a serving process is in its life, as the probes report it: `/ready` answers 503 once it
 * drains (so a load balancer stops sending before the listener closes), `/health` stays 200 until
 * the process exits (a draining process is alive, not broken).
 */
export class Lifecycle {
  private drainingSince: number | null = null
  /** Process start to the first successful readiness check, once known. */
  startupMs: number | null = null

  get draining(): boolean {
    return this.drainingSince !== null
  }

  beginDrain(): void {
    this.drainingSince ??= Date.now()
  }
}

import type { AdmissionConfig } from './admission-controller.ts'

/**
 * Defaults from the sales-day rehearsal (`npm run bench -- --only rehearsal`, 2 cores shared by
 * the node's 2 workers, PostgreSQL and the load generator). At ~800 requests/s a worker had 6–16
 * requests in flight (its /metrics): cached pages finish within a tick or two, so a limit of 64 was
 * never reached before the event loop itself was the queue, where admission cannot see a request:
 * offered twice that load, the node shed nothing and shoppers timed out (p50 1.7 s, 729 time-outs
 * in 14 s). With 16 in flight the admission queue fills when a worker is busy, and its fair share
 * and priorities decide who waits; a request queued 250 ms has already used the page p99 budget
 * (200 ms), so it is shed then with Retry-After rather than served late: same offered load, 22 %
 * shed (the surging browse first), p50 of the served 0.8 s.
 *
 * The queue is 64, not 256: whatever a node holds (in flight + queued) holds a connection of the
 * load balancer in front (deploy/haproxy.cfg: `maxconn 512` per node) or of the rehearsal's pool
 * (1,024). Two workers with 256 queued each held more than that pool in a 15× step: the pool's
 * own queue, first come first served across every brand, then made the brands that did not surge
 * wait behind the surge (their p99 1.3–1.8 s, the node's own view of them 98.4 % within 200 ms).
 * With 64 at the same ask (~4,000 req/s, `serve --workers 2`): their p99 298–358 ms, the surge's
 * browsing shed on arrival rather than after 250 ms in the queue, served requests' p50 61 ms where
 * it was 198, for 10 % fewer of them served (62,112 vs 69,369) and the same orders (1,321 vs 1,308).
 */
const defaultTurnTargetMs = 20
export const defaultAdmission: AdmissionConfig = {
  maxInflight: 16,
  queueSize: 64,
  queueTimeoutMs: 250,
  turnTargetMs: defaultTurnTargetMs,
}

/**
 * VITRINE_MAX_INFLIGHT, VITRINE_QUEUE_SIZE, VITRINE_QUEUE_TIMEOUT_MS, VITRINE_TURN_TARGET_MS;
 * VITRINE_ADMISSION=off disables it.
 */
export function readAdmissionConfig(env: NodeJS.ProcessEnv = process.env): AdmissionConfig | false {
  if (env.VITRINE_ADMISSION === 'off') return false
  return {
    maxInflight: positive(env.VITRINE_MAX_INFLIGHT, defaultAdmission.maxInflight, 'VITRINE_MAX_INFLIGHT', 1),
    queueSize: positive(env.VITRINE_QUEUE_SIZE, defaultAdmission.queueSize, 'VITRINE_QUEUE_SIZE', 0),
    queueTimeoutMs: positive(
      env.VITRINE_QUEUE_TIMEOUT_MS,
      defaultAdmission.queueTimeoutMs,
      'VITRINE_QUEUE_TIMEOUT_MS',
      1,
    ),
    turnTargetMs: positive(env.VITRINE_TURN_TARGET_MS, defaultTurnTargetMs, 'VITRINE_TURN_TARGET_MS', 1),
  }
}

function positive(value: string | undefined, fallback: number, name: string, min: number): number {
  if (value === undefined || value.trim() === '') return fallback
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < min || parsed > 1_000_000) {
    throw new Error(`${name} must be a whole number from ${min} to 1000000, got "${value}"`)
  }
  return parsed
}

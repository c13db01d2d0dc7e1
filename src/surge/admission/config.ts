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
 * shed (the surging browse first), p50 of the served 0.8 s. 256 queued is still ~0.25 s of work.
 */
const defaultTurnTargetMs = 20
export const defaultAdmission: AdmissionConfig = {
  maxInflight: 16,
  queueSize: 256,
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

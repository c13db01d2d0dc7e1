import type { AdmissionConfig } from './admission-controller.ts'

/**
 * Defaults sized from a measurement on the reference machine (2 cores, PostgreSQL on the same box;
 * README, "Operating under load"): one process serves ~2,000–3,000 shop requests/s when their
 * pages are cached and about 1,000 checkouts/s with its pool of 20 connections. 64 in flight keeps
 * the CPU and the pool busy without queueing inside them (beyond it, throughput stays flat and
 * only latency grows); 256 waiting at that rate is ~0.1–0.25 s of work; a request that waited
 * 1 s is shed, so a queued request never costs more than 1 s plus its own service time.
 */
export const defaultAdmission: AdmissionConfig = { maxInflight: 64, queueSize: 256, queueTimeoutMs: 1000 }

/** VITRINE_MAX_INFLIGHT, VITRINE_QUEUE_SIZE, VITRINE_QUEUE_TIMEOUT_MS; VITRINE_ADMISSION=off disables it. */
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

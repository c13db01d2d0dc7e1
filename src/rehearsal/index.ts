/**
 * Sales-day rehearsal (issue 8): drives a realistic shopper mix against a running deployment at a
 * baseline rate, then a surge step, and reports throughput, latency, shedding, orders, overselling
 * and the ERP outbox; measures one node's capacity for `vitrine plan`.
 */
export { rehearseCommand, rehearseHelp } from './cli.ts'
export { isLoopbackHost, parseDuration, parseRehearseArgs, RehearseUsageError } from './options.ts'
export { runRehearsal } from './run-rehearsal.ts'

/**
 * ERP integration: UBL 2.4 documents for placed and cancelled orders, transports (signed HTTP,
 * file drop, SFTP), the outbox delivery worker with retries, dead letters and per-order
 * ordering, replay and pause, and the ERP simulator.
 */
export { deliveriesCommand, deliveriesHelp, erpSimCommand, erpSimHelp } from './cli.ts'
export { listDeliveries, replayDeadLetters, replayDelivery } from './deliveries.ts'
export {
  backoffMs,
  type DeliveryOptions,
  deliverBatch,
  type RunningWorker,
  startDeliveryWorker,
} from './delivery-worker.ts'
export { type ErpSettings, getErpSettings, saveErpSettings, setPaused } from './settings.ts'
export { sign, verifySignature } from './signature.ts'
export { type ErpSimulator, startErpSimulator } from './simulator.ts'
export { buildCancellationDocument, buildOrderDocument, type UblDocument } from './ubl-order.ts'

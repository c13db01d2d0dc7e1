/**
 * ERP integration: UBL 2.4 documents for placed and cancelled orders, transports (signed HTTP,
 * file drop, SFTP with a pinned host key), the outbox delivery worker with retries, dead letters
 * and per-order ordering, replay and pause, inbound documents (HTTP and a per-brand inbox
 * folder), delivery metrics (`erpMetrics`, for the admin API and any exporter), and the simulator.
 */
export { deliveriesCommand, deliveriesHelp, erpSimCommand, erpSimHelp } from './cli.ts'
export { getDelivery, listDeliveries, replayDeadLetters, replayDelivery } from './deliveries.ts'
export {
  backoffMs,
  type DeliveryOptions,
  deliverBatch,
  type RunningWorker,
  startDeliveryWorker,
} from './delivery-worker.ts'
export { type ErpInboxWorker, pollErpInboxOnce, startErpInboxWorker } from './inbound/inbox.ts'
export { type ErpBrandMetrics, type ErpMetricsOptions, erpMetrics } from './metrics.ts'
export { type OrderErpStatus, orderErpStatus } from './order-erp-status.ts'
export { type ErpSettings, getErpSettings, saveErpSettings, setPaused } from './settings.ts'
export { sign, verifySignature } from './signature.ts'
export { type ErpSimulator, startErpSimulator } from './simulator.ts'
export { buildCancellationDocument, buildOrderDocument, type UblDocument } from './ubl-order.ts'

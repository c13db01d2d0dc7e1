/**
 * Catalog imports: brand feeds (Google Merchant Center XML/TSV, Shopify CSV) streamed through the
 * parsers (./parse), staged, and applied to the catalog in one transaction per run; every run and
 * its rejected lines are recorded. Entry points: the CLI (`vitrine import`), the admin API
 * (routes.ts) and the drop folder (`vitrine worker`).
 */
export { ArchiveRefused } from './apply-import.ts'
export {
  type InboxSightings,
  type InboxWorker,
  type PollResult,
  pollInboxOnce,
  startInboxWorker,
} from './drop-folder.ts'
export { defaultArchiveThresholdPct, type ImportFeedInput, type ImportFeedResult, importFeed } from './import-feed.ts'
export {
  getImportRun,
  type ImportCounts,
  type ImportMode,
  type ImportRejection,
  type ImportRun,
  type ImportSource,
  listImportRejections,
  listImportRuns,
  reapInterruptedRuns,
} from './runs.ts'

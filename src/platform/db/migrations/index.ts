import type { Kysely } from 'kysely'
import * as core from './0001-core.ts'
import * as access from './0002-access.ts'
import * as imports from './0003-imports.ts'
import * as erp from './0004-erp.ts'
import * as importRuns from './0005-import-runs.ts'
import * as erpAdmin from './0006-erp-admin.ts'
import * as searchCollections from './0007-search-collections.ts'
import * as saleEvents from './0008-sale-events.ts'
import * as promotions from './0009-promotions.ts'
import * as trafficHistory from './0011-traffic-history.ts'
import * as waitingRoom from './0012-waiting-room.ts'
import * as orderPartial from './0013-order-partial.ts'
import * as importSpeed from './0014-import-speed.ts'
import * as searchRefreshByKey from './0015-search-refresh-by-key.ts'
import * as searchUpsertOnce from './0016-search-upsert-once.ts'
import * as importStagedVerdicts from './0017-import-staged-verdicts.ts'
import * as stockChanges from './0018-stock-changes.ts'

/**
 * Versioned migrations, applied in name order at start. Listed here rather than read from disk
 * so a bundled build carries them. Never edit a migration that has shipped: add the next one.
 */
export const migrations: Record<string, { up: (db: Kysely<unknown>) => Promise<void> }> = {
  '0001-core': core,
  '0002-access': access,
  '0003-imports': imports,
  '0004-erp': erp,
  '0005-import-runs': importRuns,
  '0006-erp-admin': erpAdmin,
  '0007-search-collections': searchCollections,
  '0008-sale-events': saleEvents,
  '0009-promotions': promotions,
  '0011-traffic-history': trafficHistory,
  '0012-waiting-room': waitingRoom,
  '0013-order-partial': orderPartial,
  '0014-import-speed': importSpeed,
  '0015-search-refresh-by-key': searchRefreshByKey,
  '0016-search-upsert-once': searchUpsertOnce,
  '0017-import-staged-verdicts': importStagedVerdicts,
  '0018-stock-changes': stockChanges,
}

import type { Kysely } from 'kysely'
import * as core from './0001-core.ts'
import * as access from './0002-access.ts'
import * as imports from './0003-imports.ts'
import * as erp from './0004-erp.ts'

/**
 * Versioned migrations, applied in name order at start. Listed here rather than read from disk
 * so a bundled build carries them. Never edit a migration that has shipped: add the next one.
 */
export const migrations: Record<string, { up: (db: Kysely<unknown>) => Promise<void> }> = {
  '0001-core': core,
  '0002-access': access,
  '0003-imports': imports,
  '0004-erp': erp,
}

import type { Ctx } from '../platform/ctx.ts'
import type { Db } from '../platform/db/database.ts'
import { BadRequest } from '../platform/errors.ts'
import { type ErpMapping, toMapping } from './mapping.ts'
import { redactSecret, storeSecret } from './secrets.ts'
import type { TransportConfig } from './transports/index.ts'

export interface ErpSettings {
  brandId: string
  transport: TransportConfig | null
  mapping: ErpMapping
  paused: boolean
  maxAttempts: number
}

export async function getErpSettings(db: Db, brandId: string): Promise<ErpSettings> {
  const row = await db.selectFrom('erp_settings').selectAll().where('brand_id', '=', brandId).executeTakeFirst()
  return row
    ? {
        brandId,
        transport: row.transport as TransportConfig | null,
        mapping: toMapping(row.mapping),
        paused: row.paused,
        maxAttempts: row.max_attempts,
      }
    : { brandId, transport: null, mapping: toMapping(null), paused: false, maxAttempts: 12 }
}

/** Settings of several brands (the worker's batch); brands without a row are absent. */
export async function erpSettingsOf(db: Db, brandIds: readonly string[]): Promise<Map<string, ErpSettings>> {
  const found = new Map<string, ErpSettings>()
  if (brandIds.length === 0) return found
  const rows = await db.selectFrom('erp_settings').selectAll().where('brand_id', 'in', brandIds).execute()
  for (const row of rows) {
    found.set(row.brand_id, {
      brandId: row.brand_id,
      transport: row.transport as TransportConfig | null,
      mapping: toMapping(row.mapping),
      paused: row.paused,
      maxAttempts: row.max_attempts,
    })
  }
  return found
}

export interface ErpSettingsInput {
  transport?: TransportConfig | null
  mapping?: ErpMapping
  maxAttempts?: number
}

/**
 * Writes a brand's settings. Secrets given in plain text are encrypted before they reach the
 * database; `env:NAME` references are kept; a secret left out keeps the stored one.
 */
export async function saveErpSettings(ctx: Ctx, brandId: string, input: ErpSettingsInput): Promise<ErpSettings> {
  const current = await getErpSettings(ctx.db, brandId)
  let transport = current.transport
  if (input.transport !== undefined) transport = input.transport ? protect(input.transport, current.transport) : null
  const mapping = input.mapping ? toMapping(input.mapping as Record<string, unknown>) : current.mapping
  const maxAttempts = input.maxAttempts ?? current.maxAttempts
  await ctx.db
    .insertInto('erp_settings')
    .values({
      brand_id: brandId,
      transport: JSON.stringify(transport),
      mapping: JSON.stringify(mapping),
      max_attempts: maxAttempts,
      updated_at: ctx.now,
    })
    .onConflict((oc) =>
      oc.column('brand_id').doUpdateSet({
        transport: JSON.stringify(transport),
        mapping: JSON.stringify(mapping),
        max_attempts: maxAttempts,
        updated_at: ctx.now,
      }),
    )
    .execute()
  return getErpSettings(ctx.db, brandId)
}

function protect(given: TransportConfig, current: TransportConfig | null): TransportConfig {
  const keep = (field: 'secret' | 'password' | 'privateKey') =>
    current && current.kind === given.kind
      ? ((current as Record<string, unknown>)[field] as string | undefined)
      : undefined
  switch (given.kind) {
    case 'http': {
      const secret = given.secret ? storeSecret(given.secret) : keep('secret')
      if (!secret) throw new BadRequest('validation', 'an HTTP transport needs a secret (the HMAC key)')
      return { ...given, secret }
    }
    case 'sftp': {
      const password = given.password ? storeSecret(given.password) : keep('password')
      const privateKey = given.privateKey ? storeSecret(given.privateKey) : keep('privateKey')
      const { password: _p, privateKey: _k, ...rest } = given
      return { ...rest, ...(password ? { password } : {}), ...(privateKey ? { privateKey } : {}) }
    }
    case 'file':
      return given
  }
}

export async function setPaused(ctx: Ctx, brandId: string, paused: boolean): Promise<void> {
  await ctx.db
    .insertInto('erp_settings')
    .values({ brand_id: brandId, transport: 'null', mapping: '{}', paused, updated_at: ctx.now })
    .onConflict((oc) => oc.column('brand_id').doUpdateSet({ paused, updated_at: ctx.now }))
    .execute()
}

/**
 * Settings as the admin API (and the audit log) show them: never a secret, encrypted or not —
 * only whether each one is set, and where from ('encrypted' at rest, or its `env:NAME`).
 */
export function publicSettings(settings: ErpSettings): PublicErpSettings {
  const t = settings.transport
  let transport: PublicErpSettings['transport'] = null
  const shown = (stored: string | undefined) => ({
    set: stored !== undefined,
    source: stored === undefined ? null : redactSecret(stored) === stored ? stored : 'encrypted',
  })
  if (t?.kind === 'http') {
    const { secret, ...rest } = t
    transport = { ...rest, secret: shown(secret) }
  } else if (t?.kind === 'sftp') {
    const { password, privateKey, ...rest } = t
    transport = { ...rest, password: shown(password), privateKey: shown(privateKey) }
  } else if (t) transport = { ...t }
  return { transport, mapping: settings.mapping, paused: settings.paused, maxAttempts: settings.maxAttempts }
}

// A type alias (not an interface) so it fits Record<string, unknown>, as the audit log takes it.
export type PublicErpSettings = {
  transport: ({ kind: string } & Record<string, unknown>) | null
  mapping: ErpMapping
  paused: boolean
  maxAttempts: number
}

import type { BrandCtx } from '../brands/brand.ts'
import type { Ctx } from '../platform/ctx.ts'
import { BadRequest, NotFound } from '../platform/errors.ts'
import { newId } from '../platform/ids.ts'
import { audited } from './audit/record-audit.ts'
import { apiKeyPermissions, isPermission, type Permission } from './permissions.ts'
import { newApiKey, sha256 } from './secrets.ts'

export interface ApiKeySummary {
  id: string
  name: string
  prefix: string
  permissions: Permission[]
  createdAt: Date
  lastUsedAt: Date | null
  revokedAt: Date | null
}

/** Creates a key of the context's brand. The key itself is returned once and stored only hashed. */
export async function createApiKey(
  ctx: BrandCtx & { createdBy: string | null },
  input: { name: string; permissions: Permission[] },
): Promise<ApiKeySummary & { key: string }> {
  const refused = input.permissions.filter((p) => !apiKeyPermissions.includes(p))
  if (refused.length > 0) throw new BadRequest('validation', `An API key cannot hold ${refused.join(', ')}`)
  const key = newApiKey()
  const id = newId()
  const permissions = [...new Set(input.permissions)].sort()
  return audited(ctx, {
    brandId: ctx.brand.id,
    entityType: 'api-key',
    entityId: id,
    action: 'create',
    write: async (tx) => {
      await tx.db
        .insertInto('api_keys')
        .values({
          brand_id: ctx.brand.id,
          id,
          name: input.name,
          prefix: key.slice(0, 8),
          key_hash: sha256(key),
          permissions: JSON.stringify(permissions),
          created_by: ctx.createdBy,
          created_at: ctx.now,
        })
        .execute()
      return {
        id,
        name: input.name,
        prefix: key.slice(0, 8),
        permissions,
        createdAt: ctx.now,
        lastUsedAt: null,
        revokedAt: null,
        key,
      }
    },
    after: async (_tx, created) => ({ name: created.name, permissions: created.permissions, revokedAt: null }),
  })
}

export async function listApiKeys(ctx: BrandCtx): Promise<ApiKeySummary[]> {
  const rows = await ctx.db
    .selectFrom('api_keys')
    .select(['id', 'name', 'prefix', 'permissions', 'created_at', 'last_used_at', 'revoked_at'])
    .where('brand_id', '=', ctx.brand.id)
    .orderBy('created_at', 'desc')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    permissions: r.permissions.filter(isPermission),
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  }))
}

/** Revokes a key of the context's brand; revoking twice keeps the first instant. */
export async function revokeApiKey(ctx: BrandCtx, keyId: string): Promise<void> {
  const revokedAt = (tx: Ctx) =>
    tx.db
      .selectFrom('api_keys')
      .select('revoked_at')
      .where('brand_id', '=', ctx.brand.id)
      .where('id', '=', keyId)
      .executeTakeFirst()
  await audited(ctx, {
    brandId: ctx.brand.id,
    entityType: 'api-key',
    entityId: keyId,
    action: 'revoke',
    before: async (tx) => {
      const row = await revokedAt(tx)
      if (!row) throw new NotFound('API key')
      return { revokedAt: row.revoked_at }
    },
    write: async (tx) => {
      await tx.db
        .updateTable('api_keys')
        .set({ revoked_at: ctx.now })
        .where('brand_id', '=', ctx.brand.id)
        .where('id', '=', keyId)
        .where('revoked_at', 'is', null)
        .execute()
    },
    after: async (tx) => ({ revokedAt: (await revokedAt(tx))?.revoked_at ?? null }),
  })
}

/** Written at most once a minute per key: "last used" is for humans, not an access log. */
const touchEveryMs = 60_000

/** The live key behind a presented secret, or null (unknown or revoked). */
export async function findLiveApiKey(
  ctx: Ctx,
  key: string,
): Promise<{ id: string; brandId: string; permissions: Permission[] } | null> {
  const row = await ctx.db
    .selectFrom('api_keys')
    .select(['id', 'brand_id', 'permissions', 'last_used_at', 'revoked_at'])
    .where('key_hash', '=', sha256(key))
    .executeTakeFirst()
  if (!row || row.revoked_at) return null
  if (!row.last_used_at || ctx.now.getTime() - row.last_used_at.getTime() >= touchEveryMs) {
    await ctx.db
      .updateTable('api_keys')
      .set({ last_used_at: ctx.now })
      .where('brand_id', '=', row.brand_id)
      .where('id', '=', row.id)
      .execute()
  }
  return { id: row.id, brandId: row.brand_id, permissions: row.permissions.filter(isPermission) }
}

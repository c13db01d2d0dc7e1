import type { Actor } from '../platform/ctx.ts'
import type { Permission, Role } from './permissions.ts'
import { rolePermissions } from './permissions.ts'

/** Permissions held on one brand, or on every brand when brandId is null. */
export interface Scope {
  brandId: string | null
  permissions: ReadonlySet<Permission>
}

/** An authenticated caller of the admin API: who (for the audit log) and what they may do where. */
export interface Principal {
  actor: Extract<Actor, { kind: 'staff' } | { kind: 'api-key' }>
  via: 'session' | 'api-key'
  scopes: readonly Scope[]
  /** The session's token hash, for logout and password change. */
  sessionHash?: string
}

export interface Grant {
  role: Role
  brandId: string | null
}

export function scopesOfGrants(grants: readonly Grant[]): Scope[] {
  return grants.map((g) => ({ brandId: g.brandId, permissions: new Set(rolePermissions[g.role]) }))
}

/** Union of permissions on a brand: its own grants plus the all-brands ones. */
export function permissionsOn(principal: Principal, brandId: string): Set<Permission> {
  const held = new Set<Permission>()
  for (const scope of principal.scopes) {
    if (scope.brandId === null || scope.brandId === brandId) for (const p of scope.permissions) held.add(p)
  }
  return held
}

/** Whether the caller may know the brand exists at all (any grant covering it). */
export const seesBrand = (principal: Principal, brandId: string): boolean =>
  principal.scopes.some((s) => s.brandId === null || s.brandId === brandId)

/** A permission held on every brand (operator-level actions: create brands, manage staff). */
export const holdsEverywhere = (principal: Principal, permission: Permission): boolean =>
  principal.scopes.some((s) => s.brandId === null && s.permissions.has(permission))

/** Brands on which the permission is held; null means every brand. */
export function brandsWith(principal: Principal, permission: Permission): Set<string> | null {
  if (holdsEverywhere(principal, permission)) return null
  const ids = new Set<string>()
  for (const s of principal.scopes) if (s.brandId && s.permissions.has(permission)) ids.add(s.brandId)
  return ids
}

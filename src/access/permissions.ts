/**
 * The permission catalogue and what each role grants. Business rules as data: the matrix test
 * (test/access/permission-matrix.test.ts) checks every admin route against it.
 */
export const permissions = [
  'brands:read',
  'brands:write',
  'catalog:read',
  'catalog:write',
  'stock:write',
  'orders:read',
  'orders:write',
  'staff:manage',
  'audit:read',
  'api-keys:manage',
  // The brand's ERP posting UBL documents (DespatchAdvice, InventoryReport): machines only in practice.
  'erp:inbound',
  // ERP deliveries and settings: read (status, attempts, inbound documents, metrics) and operate
  // (transport settings, replay, pause/resume).
  'erp:read',
  'erp:write',
  // Switching a brand's waiting room on, off, auto or scheduled: sales-day operations, held by
  // operator-admins (a room switched on by mistake holds a whole shop back).
  'waiting-room:manage',
] as const

export type Permission = (typeof permissions)[number]

/** What an admin route declares in `config.permission`: a permission, or no permission check. */
export type RoutePermission = Permission | 'public' | 'authenticated'

export const roles = ['operator-admin', 'merchandiser', 'customer-service', 'brand-viewer'] as const
export type Role = (typeof roles)[number]

export const rolePermissions: Record<Role, readonly Permission[]> = {
  'operator-admin': permissions,
  // Catalog and prices. Stock counts are the ERP's truth (an API key with stock:write) or an admin's.
  merchandiser: ['brands:read', 'catalog:read', 'catalog:write', 'audit:read'],
  'customer-service': ['brands:read', 'catalog:read', 'orders:read', 'orders:write', 'audit:read', 'erp:read'],
  // Brand staff: read-only, their brand only (a grant of this role always names one brand).
  'brand-viewer': ['brands:read', 'catalog:read', 'orders:read', 'audit:read', 'erp:read'],
}

/**
 * What an API key may carry: never the power to create keys, staff or brands, so a leaked
 * machine key cannot mint more access.
 */
export const apiKeyPermissions: readonly Permission[] = [
  'brands:read',
  'catalog:read',
  'catalog:write',
  'stock:write',
  'orders:read',
  'orders:write',
  'audit:read',
  'erp:inbound',
  // Monitoring only: erp:write stays with people, as a key able to change the transport could
  // send a brand's orders elsewhere.
  'erp:read',
]

export const isPermission = (value: string): value is Permission => (permissions as readonly string[]).includes(value)
export const isRole = (value: string): value is Role => (roles as readonly string[]).includes(value)

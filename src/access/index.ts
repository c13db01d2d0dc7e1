/**
 * Access control: staff accounts, roles and grants per brand, sessions, API keys and the audit log.
 * Other modules use the audit helpers below for their writes; HTTP wiring is in app.ts.
 */
export { type AuditedWrite, audited, recordAudit } from './audit/record-audit.ts'
export { accessAdminRoutes } from './http/admin-routes.ts'
export { authRoutes } from './http/auth-routes.ts'
export {
  type AccessDeps,
  type AdminRoute,
  csrfHeader,
  installAccessControl,
  sessionCookie,
  visibleBrandIds,
} from './http/guard.ts'
export { LoginThrottle } from './login-throttle.ts'
export { type Permission, permissions, type Role, rolePermissions, roles } from './permissions.ts'
export { defaultSessionPolicy, type SessionPolicy } from './sessions.ts'
export { type CreateStaffInput, createStaff } from './staff/create-staff.ts'
export { findStaffByEmail } from './staff/queries.ts'

/** PostgreSQL error codes we act on (Appendix A of the PostgreSQL manual). Same on PGlite. */
export function isUniqueViolation(error: unknown): error is { code: string; constraint?: string; detail?: string } {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505'
}

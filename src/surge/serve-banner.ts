/** What `vitrine serve` prints once the node is ready: where each shop is, and the demo admin. */
export interface ServeBanner {
  shops: ReadonlyArray<{ name: string; slug: string }>
  host: string
  port: number
  kind: 'pglite' | 'postgres'
  workers: number
  demo: boolean
  demoAdminEmail: string
  /** Only on the start that created the demo admin: its password is never stored in clear. */
  demoAdmin: { email: string; password: string } | null
}

export function printServeBanner(banner: ServeBanner): void {
  const { host, port } = banner
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host
  const database = banner.kind === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'
  const processes = banner.workers > 1 ? `, ${banner.workers} worker processes` : ''
  const lines = [
    '',
    `Vitrine is serving on http://${shown}:${port} (database: ${database}${processes})`,
    '',
    'Shops:',
    ...banner.shops.map((b) => `  ${b.name.padEnd(24)} http://${b.slug}.localhost:${port}/`),
    '',
    `API docs (OpenAPI): http://${shown}:${port}/docs`,
  ]
  if (banner.demoAdmin) {
    lines.push(
      `Demo admin (shown once, only its hash is stored): ${banner.demoAdmin.email} / ${banner.demoAdmin.password}`,
      `  sign in: POST http://${shown}:${port}/api/admin/auth/login {"email": …, "password": …}`,
    )
  } else if (banner.demo) {
    lines.push(`Demo admin: ${banner.demoAdminEmail} (password printed at the first start; or: vitrine staff create …)`)
  }
  console.log(`${lines.join('\n')}\n`)
}

// Loads the largest packages before tsx registers its loader hooks, when running the TypeScript
// sources (bin/vitrine.js without an up-to-date bundle, and cluster workers' worker-entry.mjs):
// through the hooks every file of a package costs a round trip to the loader thread, and these are
// hundreds of files (kysely, typebox, fastify) — about 0.3 s of a start. The application's own
// imports of them then find them loaded. Not those it loads on first use (PGlite, argon2,
// ssh2-sftp-client) nor type-only ones. Plain JavaScript: it runs before tsx can.
export async function preloadPackages() {
  await Promise.all(
    [
      'kysely',
      'typebox',
      'fastify',
      'pg',
      'pino',
      'ajv',
      'ajv-formats',
      '@fastify/cookie',
      '@fastify/fast-json-stringify-compiler',
      '@fastify/formbody',
      '@fastify/helmet',
      '@fastify/multipart',
      '@fastify/swagger',
      '@fastify/swagger-ui',
      'csv-parse',
      'saxes',
    ].map((name) => import(name)),
  )
}

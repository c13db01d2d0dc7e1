// The entry of a `vitrine serve` cluster worker (forked by src/surge/cluster.ts).
//
// The largest packages are imported before tsx registers its loader hooks: through the hooks every
// file of a package costs a round trip to the loader thread, and these are hundreds of files
// (kysely, typebox, fastify) — about a third of a worker's start-up. The application's own
// imports of them then find them already loaded.
await Promise.all(
  [
    'kysely',
    'typebox',
    'fastify',
    'pg',
    'pino',
    'ajv',
    'ajv-formats',
    '@electric-sql/pglite',
    '@fastify/cookie',
    '@fastify/formbody',
    '@fastify/helmet',
    '@fastify/multipart',
    '@fastify/swagger',
    '@fastify/swagger-ui',
    '@fastify/type-provider-typebox',
    '@node-rs/argon2',
    'csv-parse',
    'saxes',
    'ssh2-sftp-client',
  ].map((name) => import(name)),
)
const { register } = await import('tsx/esm/api')
register()
const { main } = await import('../main.ts')
const code = await main(process.argv.slice(2))
if (code !== 0) {
  // Could not start (the message is on stderr): tell the primary, which stops the node if it
  // never served, rather than restarting a worker that cannot start.
  if (process.send) process.send({ vitrine: 'failed', message: `exit code ${code}` }, () => process.exit(code))
  else process.exit(code)
}

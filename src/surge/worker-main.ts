/**
 * A `vitrine serve` cluster worker (forked by src/surge/cluster.ts): serves like one process, and
 * tells the primary when it cannot start. Entered through worker-entry.mjs when running the
 * sources, and bundled as dist/worker-entry.mjs by scripts/build.ts.
 */
import { main } from '../main.ts'

const code = await main(process.argv.slice(2))
if (code !== 0) {
  // Could not start (the message is on stderr): tell the primary, which stops the node if it
  // never served, rather than restarting a worker that cannot start.
  if (process.send) process.send({ vitrine: 'failed', message: `exit code ${code}` }, () => process.exit(code))
  else process.exit(code)
}

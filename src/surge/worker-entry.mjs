// The entry of a `vitrine serve` cluster worker (forked by src/surge/cluster.ts) when running the
// TypeScript sources; the bundle (scripts/build.ts) has its own dist/worker-entry.mjs, without tsx.
import { preloadPackages } from './preload-packages.mjs'

await preloadPackages()
const { register } = await import('tsx/esm/api')
register()
await import('./worker-main.ts')

#!/usr/bin/env node
// Which code runs — chosen so that a node starts fast and an edit to src/ always takes effect:
//   - dist/, the esbuild bundle of `npm run build` (`npm start` builds first), while every file it
//     was built from still has the content dist/build-manifest.json recorded: ready in ~0.6 s;
//   - otherwise the TypeScript sources through tsx (no dist/, or src/ changed since the build):
//     about a second slower, but never stale, and nothing is written here, so processes started
//     together do not race to rebuild and a read-only install still runs.
// VITRINE_FROM_SOURCE=1 runs the sources whatever dist/ holds.
import { createHash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = join(import.meta.dirname, '..')
const serving = process.argv[2] === 'serve'
const bundle = process.env.VITRINE_FROM_SOURCE === '1' ? null : freshBundle(join(root, 'dist'))

let main
if (bundle) {
  // Stack traces in the logs then name src/ files and lines (the bundle carries linked source maps).
  process.setSourceMapsEnabled(true)
  // `serve` enters through a small chunk, so a cluster primary forks before loading the application.
  ;({ main } = await import(pathToFileURL(join(bundle, serving ? 'serve-entry.mjs' : 'main.mjs')).href))
} else {
  if (serving && bundle === undefined) {
    console.error('vitrine: src/ changed since the last build; running the sources (npm run build starts faster)')
  }
  const { preloadPackages } = await import('../src/surge/preload-packages.mjs')
  await preloadPackages()
  const { register } = await import('tsx/esm/api')
  register()
  ;({ main } = await import(serving ? '../src/surge/serve-entry.ts' : '../src/main.ts'))
}
const code = await main(process.argv.slice(2))
// serve keeps running (its server holds the event loop); other commands end here.
if (code !== 0) process.exit(code)

/**
 * The bundle directory if it is up to date with the sources; undefined if it exists but is stale;
 * null if there is none. A file counts as changed when its size differs, or when its mtime moved and
 * its content hash differs (a copy into an image or a checkout moves mtimes, not contents). Costs
 * one stat per file the bundle was built from (~900, a few ms), and a read of those whose mtime moved.
 */
function freshBundle(dir) {
  let manifest
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'build-manifest.json'), 'utf8'))
  } catch {
    return null
  }
  for (const input of manifest.inputs) {
    const path = join(root, input.path)
    let stat
    try {
      stat = statSync(path)
    } catch {
      return undefined
    }
    if (stat.size !== input.size) return undefined
    if (stat.mtimeMs !== input.mtimeMs && sha256(path) !== input.sha256) return undefined
  }
  return dir
}

function sha256(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

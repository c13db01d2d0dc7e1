/**
 * `npm run build`: bundles the server into dist/ with esbuild, so `vitrine` starts from three
 * JavaScript files instead of ~300 TypeScript modules transpiled through tsx's loader hooks (about
 * 0.7 s of a ~1.7 s start on 2 cores; see the README's *Operating under load*).
 *
 *   dist/serve-entry.mjs   `vitrine serve` (a cluster primary loads only this and a small chunk)
 *   dist/main.mjs          every other command, and serving in one process
 *   dist/worker-entry.mjs  a cluster worker (forked by src/surge/cluster.ts)
 *   dist/assets/           files the code reads beside itself (`new URL('./assets/…', import.meta.url)`)
 *   dist/build-manifest.json  every file the bundle was built from, with its size and mtime
 *
 * Packages stay in node_modules, loaded by node as usual — PGlite, argon2, swagger-ui and pino's
 * transports find their WebAssembly, native and static files beside their own code — except the
 * few in `bundledPackages`: plain JavaScript, no dependencies, no files read at run time, and
 * hundreds of small ES modules each, which node takes ~0.2 s to resolve and link one by one.
 *
 * bin/vitrine.js runs the bundle only while the manifest's files are unchanged (see there).
 */
import { createHash } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { build } from 'esbuild'

/** What bin/vitrine.js reads to decide whether the bundle is up to date. */
export interface BuildManifest {
  builtAt: string
  /**
   * Paths relative to the project root, with the size, mtime and SHA-256 (hex) they had when the
   * build read them. The bin compares size and mtime, and the hash only when the mtime moved (a
   * copy into an image, a checkout) — so a file counts as changed when its content did.
   */
  inputs: Array<{ path: string; size: number; mtimeMs: number; sha256: string }>
}

/**
 * Packages bundled into dist/ (kysely: 560 files, typebox: 700). Any other package must stay
 * external: the build fails if esbuild pulls in a file of one, since it may read files beside itself.
 */
const bundledPackages = ['kysely', 'typebox']

/** Directories copied beside the bundle: [source, destination inside the output directory]. */
const assetDirs: Array<[string, string]> = [['src/storefront/assets', 'assets']]

/** Files that change the output without being bundled: the compiler settings and this script. */
const buildFiles = ['tsconfig.json', 'package.json', 'scripts/build.ts']

export interface BuildOptions {
  /** The project: its src/, tsconfig.json and node_modules. Default: this script's project. */
  root?: string
  /** Where the bundle goes. Default: <root>/dist. */
  outDir?: string
}

export async function buildBundle(options: BuildOptions = {}): Promise<{ outDir: string; ms: number }> {
  const started = performance.now()
  const root = realpathSync(options.root ?? join(import.meta.dirname, '..'))
  const outDir = resolve(options.outDir ?? join(root, 'dist'))
  // Taken before esbuild reads the files: a file saved during the build then differs from its
  // manifest entry, and the bundle counts as stale rather than silently old.
  const before = statTree(root, ['src', ...buildFiles, ...bundledPackages.map((name) => `node_modules/${name}`)])
  const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, object>
  const external = Object.keys({ ...packageJson.dependencies, ...packageJson.devDependencies })
    .filter((name) => !bundledPackages.includes(name))
    .flatMap((name) => [name, `${name}/*`])
  // Written beside the final directory and swapped in at the end, so a process starting meanwhile
  // finds either the old bundle or the new one (or none for an instant, and then runs the sources).
  const staging = `${outDir}.building-${process.pid}`
  rmSync(staging, { recursive: true, force: true })
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: {
        'serve-entry': 'src/surge/serve-entry.ts',
        main: 'src/main.ts',
        'worker-entry': 'src/surge/worker-main.ts',
      },
      outdir: staging,
      // .mjs: the bundle runs as ESM wherever it is copied, with or without a package.json beside it.
      outExtension: { '.js': '.mjs' },
      bundle: true,
      // Shared code goes to chunks, so the three entries load each module once, and the demo seed
      // (a dynamic import) stays out of the serving path.
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external,
      // Stack traces in logs point at src/ when node runs with source maps (bin/vitrine.js turns them on).
      sourcemap: 'linked',
      metafile: true,
      logLevel: 'warning',
    })
    for (const [from, to] of assetDirs) cpSync(join(root, from), join(staging, to), { recursive: true })

    const unexpected = Object.keys(result.metafile.inputs).find((path) => {
      const name = packageOf(path)
      return name !== null && !bundledPackages.includes(name)
    })
    if (unexpected) throw new Error(`bundled ${unexpected}: list its package in package.json, so it stays external`)
    // Absolute real paths of everything the bundle depends on; the manifest keeps them relative to
    // the project, so the bin checks them wherever the project is.
    const read = new Set([
      ...Object.keys(result.metafile.inputs).map((path) => resolve(root, path)),
      ...[...before.keys()].filter((path) => assetDirs.some(([from]) => path.startsWith(join(root, from, '/')))),
      ...buildFiles.map((path) => join(root, path)),
    ])
    const inputs = [...read].sort().map((path) => {
      const stat = before.get(path)
      if (!stat) throw new Error(`the build read ${path}, outside the files it watches`)
      return { path: relative(root, path), ...stat }
    })
    const manifest: BuildManifest = { builtAt: new Date().toISOString(), inputs }
    writeFileSync(join(staging, 'build-manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`)

    const previous = `${outDir}.previous-${process.pid}`
    if (existsSync(outDir)) renameSync(outDir, previous)
    mkdirSync(join(outDir, '..'), { recursive: true })
    renameSync(staging, outDir)
    rmSync(previous, { recursive: true, force: true })
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
  return { outDir, ms: Math.round(performance.now() - started) }
}

/** The package a path belongs to (the innermost node_modules/<name>), or null for the project's own files. */
function packageOf(path: string): string | null {
  const at = path.lastIndexOf('node_modules/')
  if (at < 0) return null
  const parts = path.slice(at + 'node_modules/'.length).split('/')
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!
}

/**
 * Size, mtime and content hash of each file under the given paths (files or directories), keyed by
 * real path: esbuild names the files it read by their real paths (node_modules may be a link).
 */
function statTree(root: string, paths: string[]): Map<string, { size: number; mtimeMs: number; sha256: string }> {
  const stats = new Map<string, { size: number; mtimeMs: number; sha256: string }>()
  const visit = (path: string) => {
    const stat = statSync(path)
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name))
    } else {
      const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex')
      stats.set(path, { size: stat.size, mtimeMs: stat.mtimeMs, sha256 })
    }
  }
  for (const path of paths) visit(realpathSync(join(root, path)))
  return stats
}

if (process.argv[1] === import.meta.filename) {
  try {
    const { outDir, ms } = await buildBundle()
    console.log(`Built ${relative(process.cwd(), outDir) || '.'} in ${ms} ms`)
  } catch (error) {
    // esbuild has already printed its errors with their source lines; the stack would add nothing.
    console.error(`vitrine build failed: ${(error as Error).message.split('\n')[0]}`)
    process.exit(1)
  }
}

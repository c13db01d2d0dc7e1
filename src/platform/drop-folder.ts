import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Ctx } from './ctx.ts'

/**
 * What is shared by the folders partners drop files into — the catalog feed drop folder and the
 * ERP inbox: the layout `<root>/<brand slug>/incoming/`, the rule that a file is taken only once
 * two polls see the same size and mtime (a sender still writing it is left alone), free names in
 * the destination folders, and a poll loop that runs one poll at a time until stopped.
 */

/** What a poll saw of each file still in incoming/: a file is taken once two polls agree. */
export type InboxSightings = Map<string, { size: number; mtimeMs: number }>

export interface StableFile<B> {
  brand: B
  /** `<root>/<slug>`: incoming/, processing/, processed/ and failed/ live under it. */
  brandDir: string
  name: string
  size: number
}

/**
 * One pass over `<root>/<slug>/incoming/`: calls `take` for every accepted file whose size and
 * mtime have not changed since the previous pass, in name order per brand; returns the paths seen
 * for the first time or still changing. Folders of unknown brands are left alone (logged).
 */
export async function scanDropFolder<B>(
  ctx: Ctx,
  root: string,
  options: {
    sightings: InboxSightings
    accept: (name: string) => boolean
    findBrand: (slug: string) => Promise<B | null>
    take: (file: StableFile<B>) => Promise<void>
    what: string
  },
): Promise<string[]> {
  const { sightings } = options
  const waiting: string[] = []
  const seenNow = new Set<string>()
  for (const slug of await listDirectories(root)) {
    const incoming = join(root, slug, 'incoming')
    const names = await readdir(incoming).catch(() => [] as string[])
    const candidates = names.filter((n) => !n.startsWith('.') && !/\.(part|tmp)$/i.test(n) && options.accept(n))
    if (candidates.length === 0) continue
    const brand = await options.findBrand(slug)
    if (!brand) {
      ctx.log.warn({ inbox: root, slug }, `${options.what} of an unknown brand: files left as they are`)
      continue
    }
    for (const name of candidates.sort()) {
      const path = join(incoming, name)
      const st = await stat(path).catch(() => null)
      if (!st?.isFile()) continue
      seenNow.add(path)
      const before = sightings.get(path)
      if (!before || before.size !== st.size || before.mtimeMs !== st.mtimeMs) {
        sightings.set(path, { size: st.size, mtimeMs: st.mtimeMs })
        waiting.push(path)
        continue
      }
      sightings.delete(path)
      seenNow.delete(path)
      await options.take({ brand, brandDir: join(root, slug), name, size: st.size })
    }
  }
  // Forget files that disappeared (taken by another worker, or removed by the sender).
  for (const path of sightings.keys()) if (path.startsWith(root) && !seenNow.has(path)) sightings.delete(path)
  return waiting
}

/** The name itself, or with a numeric suffix when an earlier file of that name is already there. */
export async function freeName(dir: string, name: string): Promise<string> {
  const taken = new Set(await readdir(dir))
  if (!taken.has(name)) return name
  for (let n = 2; ; n++) {
    const candidate = `${name}.${n}`
    if (!taken.has(candidate)) return candidate
  }
}

async function listDirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name)
}

export interface PollingWorker {
  stop(): Promise<void>
}

/**
 * Runs `poll` every `intervalMs`, one poll at a time (the next is scheduled when the previous
 * ends), each with a fresh context (its own "now"), until stopped; a failed poll is logged and the
 * next one still runs. `stop` waits for the poll in progress.
 */
export function startPolling(
  makeCtx: () => Ctx,
  intervalMs: number,
  poll: (ctx: Ctx) => Promise<unknown>,
  failure: { message: string; fields: Record<string, unknown> },
): PollingWorker {
  let stopped = false
  let timer: NodeJS.Timeout | null = null
  let current: Promise<unknown> = Promise.resolve()
  const tick = () => {
    const ctx = makeCtx()
    current = poll(ctx)
      .catch((error: unknown) => ctx.log.error({ err: error, ...failure.fields }, failure.message))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs)
      })
  }
  tick()
  return {
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await current
    },
  }
}

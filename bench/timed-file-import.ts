import { createReadStream } from 'node:fs'
import type { BrandCtx } from '../src/brands/brand.ts'
import { type ImportFeedResult, importFeed } from '../src/catalog/import/index.ts'

/**
 * One full import of a feed file, streamed as `vitrine import FILE` streams it, and the seconds it
 * took (import-bench.ts runs it in process on PGlite, import-child.ts in a child on PostgreSQL).
 */
export async function timedFileImport(
  ctx: BrandCtx,
  feedPath: string,
): Promise<{ result: ImportFeedResult; seconds: number }> {
  const started = performance.now()
  const result = await importFeed(ctx, {
    source: 'cli',
    fileName: 'generated.xml',
    input: createReadStream(feedPath),
    reopen: () => createReadStream(feedPath),
    mode: 'full',
    maxBytes: 64 * 1024 ** 3,
  })
  return { result, seconds: (performance.now() - started) / 1000 }
}

import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import multipart from '@fastify/multipart'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { BrandCtx } from '../../brands/brand.ts'
import type { BrandDirectory } from '../../brands/brand-directory.ts'
import { adminBrandCtx } from '../../brands/http.ts'
import type { Db } from '../../platform/db/database.ts'
import { BadRequest, NotFound } from '../../platform/errors.ts'
import { DateTime, Nullable, problems, Slug, Uuid } from '../../platform/http/schemas.ts'
import { newId } from '../../platform/ids.ts'
import { importFeed } from './import-feed.ts'
import { getImportRun, insertRun, listImportRejections, listImportRuns } from './runs.ts'

/** Uploads beyond this are refused (413) while streaming; the parser has its own limit too. */
const maxUploadBytes = 1024 * 1024 * 1024

const Counts = {
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  archived: Type.Integer(),
  rejected: Type.Integer(),
  variantsCreated: Type.Integer(),
  variantsUpdated: Type.Integer(),
  variantsDelisted: Type.Integer({
    description: 'Variants of products the full feed still lists that it no longer lists: delisted, stock off sale',
  }),
  stockUpdated: Type.Integer(),
}
const ImportRunSchema = Type.Object({
  id: Uuid,
  source: Type.String(),
  fileName: Type.String(),
  format: Nullable(Type.String()),
  mode: Type.Union([Type.Literal('full'), Type.Literal('delta')]),
  dryRun: Type.Boolean(),
  force: Type.Boolean(),
  startedBy: Type.String(),
  startedAt: DateTime,
  finishedAt: Nullable(DateTime),
  status: Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')]),
  itemsRead: Type.Integer({ description: 'Items read so far (progress while running)' }),
  ...Counts,
  error: Type.Union([
    Type.Object({
      reason: Type.String(),
      line: Nullable(Type.Integer()),
      column: Nullable(Type.Integer()),
    }),
    Type.Null(),
  ]),
  heartbeatAt: Nullable(DateTime),
})
const Page = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
  },
  { additionalProperties: false },
)
const RejectionSchema = Type.Object({
  line: Nullable(Type.Integer()),
  itemId: Nullable(Type.String()),
  reason: Type.String(),
})

/**
 * Catalog imports over HTTP. An upload is streamed to a temporary file (memory stays flat whatever
 * its size), the run is recorded, and the answer is 202 with the run's id while the import goes on
 * in the background; GET …/imports/:id shows its progress and outcome.
 */
export const importAdminRoutes: FastifyPluginAsyncTypebox<{ db: Db; brands: BrandDirectory }> = async (
  app,
  { db, brands },
) => {
  // The one place that builds an admin context for these routes (its signature belongs to access).
  const ctxFor = (request: FastifyRequest, slug: string): BrandCtx => adminBrandCtx(request, db, brands, slug)
  const running = new Set<Promise<void>>()
  app.addHook('onClose', async () => {
    await Promise.allSettled([...running])
  })
  await app.register(multipart, { limits: { fileSize: maxUploadBytes, files: 1, fields: 10, parts: 12 } })

  app.post(
    '/brands/:slug/imports',
    {
      config: { permission: 'catalog:write' },
      schema: {
        tags: ['admin'],
        summary: 'Upload a feed (multipart: file field `feed`; fields mode=full|delta, dryRun, force)',
        description:
          'Answers 202 with the run as soon as the file is received; the import continues in the background. ' +
          'Poll GET /brands/{slug}/imports/{id}.',
        consumes: ['multipart/form-data'],
        params: Type.Object({ slug: Slug }),
        response: { 202: ImportRunSchema, ...problems(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request, reply) => {
      const ctx = ctxFor(request, request.params.slug)
      if (!request.isMultipart()) throw new BadRequest('validation', 'Send the feed as multipart/form-data')
      const dir = await mkdtemp(join(tmpdir(), 'vitrine-upload-'))
      const path = join(dir, 'feed')
      const fields: Record<string, string> = {}
      let fileName: string | null = null
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            if (part.fieldname !== 'feed' || fileName !== null) {
              part.file.resume()
              throw new BadRequest('validation', `Unexpected file field "${part.fieldname}"; send one file as "feed"`)
            }
            fileName = basename(part.filename || 'feed').slice(0, 200) || 'feed'
            await pipeline(part.file, createWriteStream(path))
          } else {
            fields[part.fieldname] = String(part.value)
          }
        }
        if (fileName === null) throw new BadRequest('validation', 'The file field "feed" is missing')
        const options = readUploadFields(fields)
        const runId = newId()
        await insertRun(ctx, { id: runId, source: 'api', fileName, format: null, ...options })
        const work = importFeed(ctx, {
          source: 'api',
          fileName,
          input: createReadStream(path),
          reopen: () => createReadStream(path),
          runId,
          ...options,
        })
          .then(() => brands.refresh())
          .catch((error: unknown) => ctx.log.error({ err: error, runId }, 'background import failed'))
          .finally(() => {
            running.delete(work)
            return rm(dir, { recursive: true, force: true })
          })
        running.add(work)
        const run = await getImportRun(ctx, runId)
        return reply
          .code(202)
          .header('location', `${request.url.replace(/\/$/, '')}/${runId}`)
          .send(run!)
      } catch (error) {
        await rm(dir, { recursive: true, force: true })
        throw error
      }
    },
  )

  app.get(
    '/brands/:slug/imports',
    {
      config: { permission: 'catalog:read' },
      schema: {
        tags: ['admin'],
        summary: 'Import runs of a brand, newest first',
        params: Type.Object({ slug: Slug }),
        querystring: Page,
        response: { 200: Type.Object({ items: Type.Array(ImportRunSchema) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const ctx = ctxFor(request, request.params.slug)
      return { items: await listImportRuns(ctx, request.query) }
    },
  )

  app.get(
    '/brands/:slug/imports/:id',
    {
      config: { permission: 'catalog:read' },
      schema: {
        tags: ['admin'],
        summary: 'One import run: status, progress (items read) and counts',
        params: Type.Object({ slug: Slug, id: Uuid }),
        response: { 200: ImportRunSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const ctx = ctxFor(request, request.params.slug)
      const run = await getImportRun(ctx, request.params.id)
      if (!run) throw new NotFound('Import run')
      return run
    },
  )

  app.get(
    '/brands/:slug/imports/:id/rejections',
    {
      config: { permission: 'catalog:read' },
      schema: {
        tags: ['admin'],
        summary: 'Rejected lines of an import run, in file order',
        params: Type.Object({ slug: Slug, id: Uuid }),
        querystring: Page,
        response: { 200: Type.Object({ items: Type.Array(RejectionSchema) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const ctx = ctxFor(request, request.params.slug)
      const run = await getImportRun(ctx, request.params.id)
      if (!run) throw new NotFound('Import run')
      return { items: await listImportRejections(ctx, run.id, request.query) }
    },
  )
}

function readUploadFields(fields: Record<string, string>): { mode: 'full' | 'delta'; dryRun: boolean; force: boolean } {
  for (const name of Object.keys(fields)) {
    if (!['mode', 'dryRun', 'force'].includes(name)) throw new BadRequest('validation', `Unknown field "${name}"`)
  }
  const mode = fields.mode ?? 'full'
  if (mode !== 'full' && mode !== 'delta') throw new BadRequest('validation', 'mode must be "full" or "delta"')
  return { mode, dryRun: flag(fields.dryRun, 'dryRun'), force: flag(fields.force, 'force') }
}

function flag(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false
  if (value === 'true' || value === '1') return true
  throw new BadRequest('validation', `${name} must be true or false`)
}

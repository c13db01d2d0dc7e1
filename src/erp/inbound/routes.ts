import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { BrandDirectory } from '../../brands/brand-directory.ts'
import { adminBrandCtx } from '../../brands/http.ts'
import type { Db } from '../../platform/db/database.ts'
import { Nullable, problems, Slug } from '../../platform/http/schemas.ts'
import { changesCatalog, receiveDocument } from './receive-document.ts'

/** Larger bodies are refused by Fastify (413 payload-too-large) before they are read. */
const maxDocumentBytes = 5 * 1024 * 1024

const ReceiptSchema = Type.Object({
  status: Type.Union([
    Type.Literal('applied'),
    Type.Literal('partially-applied'),
    Type.Literal('rejected'),
    Type.Literal('duplicate'),
  ]),
  documentType: Type.String(),
  documentId: Type.String(),
  inboundId: Nullable(Type.String()),
  summary: Type.Record(Type.String(), Type.Unknown()),
  errors: Type.Array(Type.Object({ line: Nullable(Type.Integer()), reason: Type.String() })),
})

/**
 * Inbound ERP documents (UBL 2.4 DespatchAdvice, InventoryReport, StockAvailabilityReport, OrderResponse). In the admin scope so the
 * access guard authenticates the brand's API key and checks `erp:inbound` on the :slug brand
 * (another brand's key gets a 404).
 */
export const erpInboundAdminRoutes: FastifyPluginAsyncTypebox<{ db: Db; brands: BrandDirectory }> = async (
  app,
  { db, brands },
) => {
  // Encapsulated: only this plugin's routes accept XML.
  app.addContentTypeParser(
    ['application/xml', 'text/xml'],
    { parseAs: 'string', bodyLimit: maxDocumentBytes },
    (_request, body, done) => done(null, body),
  )

  app.post(
    '/brands/:slug/erp/documents',
    {
      bodyLimit: maxDocumentBytes,
      config: { permission: 'erp:inbound' },
      schema: {
        tags: ['admin'],
        summary:
          'Receive a UBL DespatchAdvice (shipped lines), InventoryReport or StockAvailabilityReport (absolute stock) or OrderResponse (accepted/rejected) from the ERP',
        description:
          'Body: application/xml, at most 5 MB, no DOCTYPE. A document is identified by its type and cbc:ID; ' +
          'a re-send answers {"status":"duplicate"} and changes nothing.',
        consumes: ['application/xml'],
        params: Type.Object({ slug: Slug }),
        response: { 200: ReceiptSchema, ...problems(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request) => {
      const ctx = adminBrandCtx(request, db, brands, request.params.slug)
      const receipt = await receiveDocument(ctx, request.body as string)
      // A stock report changed the catalog version: refresh the directory as the stock route does.
      if (changesCatalog(receipt)) await brands.refresh()
      return receipt
    },
  )
}

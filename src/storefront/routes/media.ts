import type { FastifyInstance, FastifyReply } from 'fastify'
import { renderLogoSvg, renderPlaceholderSvg } from '../../demo/placeholder-image.ts'
import { NotFound } from '../../platform/errors.ts'
import { assetsByUrl, immutable } from '../assets.ts'

const svgType = 'image/svg+xml; charset=utf-8'
// An SVG opened directly is a document: no script, no external loads, only its own styles.
const svgPolicy = "default-src 'none'; style-src 'unsafe-inline'"

/** Fingerprinted CSS/JS and the demo's SVG images, all cacheable forever (their content never changes). */
export async function mediaRoutes(app: FastifyInstance): Promise<void> {
  app.get('/assets/:file', async (request, reply) => {
    const asset = assetsByUrl.get(request.url.split('?')[0] ?? '')
    if (!asset) throw new NotFound('Asset')
    reply.header('cache-control', immutable).header('etag', asset.etag)
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send()
    return reply.type(asset.contentType).send(asset.body)
  })

  app.get('/media/demo/:kind/:file', async (request, reply) => {
    const { kind, file } = request.params as { kind: string; file: string }
    const match = /^([0-9a-fA-F]{6})\.svg$/.exec(file)
    const svg = match?.[1] ? renderPlaceholderSvg(kind, match[1]) : null
    if (!svg) throw new NotFound('Image')
    return sendSvg(reply, svg)
  })

  app.get('/media/logo/:file', async (request, reply) => {
    const { file } = request.params as { file: string }
    // A brand's logo is served at its own shop only.
    if (!request.brand || file !== `${request.brand.slug}.svg`) throw new NotFound('Logo')
    const { name, theme } = request.brand
    const c = theme.colours
    const colours = {
      primary: c.primary ?? '#1a1a1a',
      onPrimary: c.onPrimary ?? '#ffffff',
      background: c.background ?? '#ffffff',
      surface: c.surface ?? '#ffffff',
      text: c.text ?? '#1a1a1a',
      muted: c.muted ?? '#595959',
      accent: c.accent ?? '#1a1a1a',
    }
    return sendSvg(reply, renderLogoSvg({ name, theme: { ...theme, colours } }))
  })
}

function sendSvg(reply: FastifyReply, svg: string): FastifyReply {
  return reply.header('cache-control', immutable).header('content-security-policy', svgPolicy).type(svgType).send(svg)
}

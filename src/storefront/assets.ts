import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'

export interface Asset {
  /** "/assets/storefront.3f9a1c2b7d.css": the content hash in the name makes it cacheable forever. */
  url: string
  body: Buffer
  contentType: string
  etag: string
}

function load(file: string, contentType: string): Asset {
  const body = readFileSync(new URL(`./assets/${file}`, import.meta.url))
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12)
  const dot = file.lastIndexOf('.')
  return {
    url: `/assets/${file.slice(0, dot)}.${hash}${file.slice(dot)}`,
    body,
    contentType,
    etag: `"${hash}"`,
  }
}

/** The storefront's only stylesheet and script, read once at start. */
export const storefrontAssets = {
  css: load('storefront.css', 'text/css; charset=utf-8'),
  js: load('storefront.js', 'text/javascript; charset=utf-8'),
} as const

export const assetsByUrl = new Map<string, Asset>(Object.values(storefrontAssets).map((a) => [a.url, a]))

export const immutable = 'public, max-age=31536000, immutable'

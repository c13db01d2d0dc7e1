import type { Brand } from '../../brands/brand.ts'
import { html, type SafeHtml } from '../html.ts'
import { englishLabels, type Labels } from '../labels.ts'
import { renderPage, type Shop } from '../layout.ts'

export type ErrorKind = 'not-found' | 'bad-request' | 'too-large' | 'forbidden' | 'internal'

/** Friendly error pages in the brand's theme; the 500 quotes the request id, never a cause. */
export function errorPage(shop: Shop, kind: ErrorKind, requestId?: string): string {
  const { title, text } = errorText(shop.t, kind)
  return renderPage(
    shop,
    { title, canonicalPath: null },
    html`<h1>${title}</h1><p>${text}</p>${
      kind === 'internal' && requestId ? html`<p class="muted">${shop.t.errorReference} ${requestId}</p>` : ''
    }<p><a class="btn" href="/">${shop.t.backHome}</a></p>`,
  )
}

function errorText(t: Labels, kind: ErrorKind): { title: string; text: string } {
  switch (kind) {
    case 'not-found':
      return { title: t.notFoundTitle, text: t.notFoundText }
    case 'bad-request':
      return { title: t.badRequestTitle, text: t.badRequestText }
    case 'too-large':
      return { title: t.badRequestTitle, text: t.tooLargeText }
    case 'forbidden':
      return { title: t.badRequestTitle, text: t.forbiddenText }
    case 'internal':
      return { title: t.errorTitle, text: t.errorText }
  }
}

/** A page outside any brand (an unknown host): plain, unthemed, English. */
export function plainPage(title: string, main: SafeHtml): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;background:#fff}a{color:#0b57d0}li{margin:.4rem 0}</style>
</head><body><main>${main}</main></body></html>
`.value
}

export function plainErrorPage(kind: ErrorKind): string {
  const { title, text } = errorText(englishLabels, kind)
  return plainPage(title, html`<h1>${title}</h1><p>${text}</p>`)
}

/** The operator's index at a host that is no brand: every shop with its demo address. */
export function operatorIndexPage(brands: readonly Brand[], port: string): string {
  const suffix = port ? `:${port}` : ''
  return plainPage(
    'Vitrine',
    html`<h1>Vitrine</h1><p>Each brand's shop answers at its own host name.</p>
<ul>${brands.map(
      (b) =>
        html`<li><a href="${`http://${b.slug}.localhost${suffix}/`}">${b.name}</a> <small>${b.slug}.localhost${suffix}</small></li>`,
    )}</ul>
<p><a href="/docs">API documentation</a></p>`,
  )
}

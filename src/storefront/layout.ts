import type { Brand } from '../brands/brand.ts'
import { storefrontAssets } from './assets.ts'
import type { CategoryTree } from './categories.ts'
import { html, raw, type SafeHtml, safeUrl } from './html.ts'
import type { Labels } from './labels.ts'
import { themeCss } from './theme.ts'

/** What every page of one brand's shop is drawn with. */
export interface Shop {
  brand: Brand
  t: Labels
  /** "https://shop.example" or "http://ardoisine.localhost:3000": for canonical and sitemap URLs. */
  origin: string
  categories: CategoryTree
}

export interface PageMeta {
  title: string
  description?: string
  /** Path of the canonical URL (with its query when it matters); null for pages not to index. */
  canonicalPath: string | null
  /** Personal pages (cart, checkout) print the count; shared-cached pages leave it to the script. */
  cartCount?: number
  /** The current category URL, marked in the navigation. */
  currentUrl?: string
  image?: string | null
  extraHead?: SafeHtml
}

/** The page shell: head with SEO links and the theme, header with logo, search, cart and categories. */
export function renderPage(shop: Shop, meta: PageMeta, main: SafeHtml): string {
  const { brand, t } = shop
  const canonical = meta.canonicalPath === null ? null : `${shop.origin}${meta.canonicalPath}`
  const description = (meta.description ?? brand.tagline[t.lang] ?? brand.name).slice(0, 300)
  const fullTitle = meta.title === brand.name ? brand.name : `${meta.title} | ${brand.name}`
  const image = safeUrl(meta.image)
  return html`<!doctype html>
<html lang="${brand.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${fullTitle}</title>
<meta name="description" content="${description}">
${
  canonical
    ? html`<link rel="canonical" href="${canonical}">
<link rel="alternate" hreflang="${brand.locale}" href="${canonical}">
<link rel="alternate" hreflang="x-default" href="${canonical}">
<meta property="og:url" content="${canonical}">`
    : html`<meta name="robots" content="noindex">`
}
<meta property="og:title" content="${meta.title}">
<meta property="og:site_name" content="${brand.name}">
<meta property="og:description" content="${description}">
${image ? html`<meta property="og:image" content="${image.startsWith('/') ? shop.origin + image : image}">` : ''}
<link rel="stylesheet" href="${storefrontAssets.css.url}">
<style>${raw(themeCss(brand.theme))}</style>
<script src="${storefrontAssets.js.url}" defer></script>
${meta.extraHead}
</head>
<body>
<a class="skip" href="#main">${t.skipToContent}</a>
<header class="top">
<div class="wrap">
<div class="bar">
<a class="logo" href="/"><img src="${safeUrl(brand.theme.logoUrl)}" alt="${brand.name}" width="160" height="40"></a>
<form class="search" role="search" action="/search" method="get">
<label class="vh" for="q">${t.searchLabel}</label>
<input id="q" name="q" type="search" maxlength="100" placeholder="${t.searchPlaceholder}">
<button type="submit">${t.search}</button>
</form>
<a class="cart-link" href="/cart">${t.cart} <span data-cart-count>${meta.cartCount ? `(${meta.cartCount})` : ''}</span></a>
</div>
${navigation(shop, meta.currentUrl)}
</div>
</header>
<main id="main" tabindex="-1">
<div class="wrap">
${main}
</div>
</main>
<footer class="foot">
<div class="wrap">
<p><strong>${brand.name}</strong>${brand.tagline[t.lang] ? html` — ${brand.tagline[t.lang]}` : ''}</p>
<p><a href="/orders/lookup">${t.orderLookup}</a></p>
</div>
</footer>
</body>
</html>
`.value
}

function navigation(shop: Shop, currentUrl: string | undefined): SafeHtml | '' {
  const roots = shop.categories.roots
  if (roots.length === 0) return ''
  return html`<nav class="nav" aria-label="${shop.t.mainNav}"><ul>${roots.map(
    (c) =>
      html`<li><a href="${c.url}"${isWithin(currentUrl, c.url) ? raw(' aria-current="true"') : ''}>${c.name}</a></li>`,
  )}</ul></nav>`
}

const isWithin = (url: string | undefined, base: string): boolean =>
  url !== undefined && (url === base || url.startsWith(`${base}/`))

import type { Brand } from '../brands/brand.ts'
import type { ProductDetail, ProductLink } from '../catalog/index.ts'
import { minorUnitDigits } from '../platform/money.ts'
import type { CategoryTree } from './categories.ts'
import { escapeHtml, safeUrl } from './html.ts'
import { productPath } from './urls.ts'

/** "8900" EUR → "89.00": schema.org wants a plain decimal; integer arithmetic, no float rounding. */
export function decimalPrice(minor: number, currency: string): string {
  const digits = minorUnitDigits(currency)
  if (digits === 0) return String(minor)
  const text = String(Math.abs(minor)).padStart(digits + 1, '0')
  return `${minor < 0 ? '-' : ''}${text.slice(0, -digits)}.${text.slice(-digits)}`
}

/** schema.org Product with one Offer per variant (Google's merchant listing rich result). */
export function productJsonLd(
  brand: Brand,
  origin: string,
  product: ProductDetail,
  text: { title: string; description: string },
): Record<string, unknown> {
  const url = `${origin}${productPath({ id: product.id, title: text.title })}`
  return {
    '@context': 'https://schema.org',
    '@type': 'Product',
    name: text.title,
    description: text.description.slice(0, 5000),
    sku: product.reference,
    url,
    ...(product.categoryPath ? { category: product.categoryPath } : {}),
    image: product.images.map((i) => absolute(origin, i.url)).filter((u) => u !== ''),
    brand: { '@type': 'Brand', name: brand.name },
    offers: product.variants.map((v) => ({
      '@type': 'Offer',
      sku: v.sku,
      ...(v.gtin ? { gtin: v.gtin } : {}),
      price: decimalPrice(v.priceMinor, brand.currency),
      priceCurrency: brand.currency,
      availability: v.available > 0 ? 'https://schema.org/InStock' : 'https://schema.org/OutOfStock',
      itemCondition: 'https://schema.org/NewCondition',
      url,
    })),
  }
}

export function breadcrumbJsonLd(origin: string, crumbs: ReadonlyArray<{ name: string; url: string }>) {
  return {
    '@context': 'https://schema.org',
    '@type': 'BreadcrumbList',
    itemListElement: crumbs.map((c, i) => ({
      '@type': 'ListItem',
      position: i + 1,
      name: c.name,
      item: `${origin}${c.url}`,
    })),
  }
}

/** sitemap.xml (sitemaps.org 0.9): home, every category, every active product of the brand. */
export function sitemapXml(origin: string, categories: CategoryTree, products: readonly ProductLink[]): string {
  const entry = (path: string, lastmod?: Date) =>
    `<url><loc>${escapeHtml(origin + path)}</loc>${lastmod ? `<lastmod>${lastmod.toISOString()}</lastmod>` : ''}</url>`
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    entry('/'),
    ...[...categories.byUrl.keys()].map((url) => entry(url)),
    ...products.map((p) => entry(productPath(p), p.updatedAt)),
    '</urlset>',
    '',
  ].join('\n')
}

/** Personal and transactional pages are of no use in a search index. */
export function robotsTxt(origin: string): string {
  return [
    'User-agent: *',
    'Disallow: /cart',
    'Disallow: /checkout',
    'Disallow: /orders',
    'Disallow: /search',
    '',
    `Sitemap: ${origin}/sitemap.xml`,
    '',
  ].join('\n')
}

function absolute(origin: string, url: string): string {
  const safe = safeUrl(url)
  return safe.startsWith('/') ? origin + safe : safe
}

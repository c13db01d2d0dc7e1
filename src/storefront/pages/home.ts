import type { ProductCard } from '../../catalog/index.ts'
import { productGrid } from '../components.ts'
import { html } from '../html.ts'
import { renderPage, type Shop } from '../layout.ts'

export interface HomeCollection {
  slug: string
  title: string
  items: readonly ProductCard[]
}

/**
 * Home: the brand's tagline, its categories (two levels), its newest products in stock, then its
 * featured collections (by position) with their first cards.
 */
export function homePage(
  shop: Shop,
  featured: readonly ProductCard[],
  collections: readonly HomeCollection[] = [],
): string {
  const { brand, t } = shop
  const tiles = shop.categories.roots.flatMap((root) => [root, ...root.children])
  return renderPage(
    shop,
    { title: brand.name, canonicalPath: '/' },
    html`<section class="hero"><h1>${brand.name}</h1>${brand.tagline[t.lang] ? html`<p>${brand.tagline[t.lang]}</p>` : ''}</section>
${
  tiles.length > 0
    ? html`<section aria-labelledby="cats"><h2 id="cats">${t.shopCategories}</h2><ul class="tiles">${tiles.map(
        (c) => html`<li><a href="${c.url}">${c.name}</a></li>`,
      )}</ul></section>`
    : ''
}
${featured.length > 0 ? html`<section aria-labelledby="new"><h2 id="new">${t.featured}</h2>${productGrid(shop, featured)}</section>` : ''}
${collections
  .filter((c) => c.items.length > 0)
  .map(
    (c) =>
      html`<section class="collection" aria-labelledby="col-${c.slug}"><h2 id="col-${c.slug}"><a href="/collections/${c.slug}">${c.title}</a></h2>${productGrid(shop, c.items)}<p><a href="/collections/${c.slug}">${t.seeAll}</a></p></section>`,
  )}`,
  )
}

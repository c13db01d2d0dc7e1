import type { ProductCard } from '../../catalog/index.ts'
import { productGrid } from '../components.ts'
import { html } from '../html.ts'
import { renderPage, type Shop } from '../layout.ts'

/** Home: the brand's tagline, its categories (two levels) and its newest products in stock. */
export function homePage(shop: Shop, featured: readonly ProductCard[]): string {
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
${featured.length > 0 ? html`<section aria-labelledby="new"><h2 id="new">${t.featured}</h2>${productGrid(shop, featured)}</section>` : ''}`,
  )
}

import type { ProductFacets, SearchProductsResult } from '../../catalog/index.ts'
import { minorUnitDigits } from '../../platform/money.ts'
import type { CategoryNode } from '../categories.ts'
import { breadcrumbs, productGrid, swatch } from '../components.ts'
import { html, type SafeHtml } from '../html.ts'
import { renderPage, type Shop } from '../layout.ts'
import { hasFilters, type ListingParams, listingPairs } from '../listing-params.ts'
import { queryString } from '../urls.ts'

export interface ListingView {
  /** The category listed, or null for search results. */
  category: CategoryNode | null
  /** The category's ancestors, root first. */
  ancestors: CategoryNode[]
  basePath: string
  params: ListingParams
  result: SearchProductsResult
  facets: ProductFacets
}

/** A category listing or search results: filters, sort, the cards, pagination. */
export function listingPage(shop: Shop, view: ListingView): string {
  const { t } = shop
  const { category, params, result } = view
  const heading = category ? category.name : params.q ? t.searchResultsFor(params.q) : t.searchTitle
  const pages = Math.max(1, Math.ceil(result.total / result.pageSize))
  // Filtered variants of a listing are the same page to a search engine: the canonical URL keeps
  // only the page number. Search results are not indexed.
  const canonicalPath = category
    ? `${view.basePath}${queryString([['page', params.page > 1 ? params.page : '']])}`
    : null
  const crumbs = category
    ? breadcrumbs(shop, [
        { name: t.home, url: '/' },
        ...view.ancestors.map((a) => ({ name: a.name, url: a.url })),
        { name: category.name, url: null },
      ])
    : ''
  const body = html`${crumbs}<h1>${heading}</h1>
${
  category && category.children.length > 0
    ? html`<nav aria-label="${t.subcategories}"><ul class="tiles">${category.children.map(
        (c) => html`<li><a href="${c.url}">${c.name}</a></li>`,
      )}</ul></nav>`
    : ''
}
<div class="listing">
${filtersForm(shop, view)}
<section aria-labelledby="count">
<p id="count" role="status">${t.results(result.total)}</p>
${
  result.items.length > 0
    ? productGrid(shop, result.items)
    : html`<p>${!category && !params.q ? t.searchEmpty : t.noResults}</p>`
}
${pagination(shop, view, pages)}
</section>
</div>`
  return renderPage(
    shop,
    {
      title: params.page > 1 ? `${heading} – ${t.page(params.page)}` : heading,
      canonicalPath,
      ...(category ? { currentUrl: category.url } : {}),
    },
    body,
  )
}

function filtersForm(shop: Shop, view: ListingView): SafeHtml {
  const { t } = shop
  const { params, facets } = view
  const checked = (on: boolean) => (on ? html` checked` : '')
  const sortOption = (value: ListingParams['sort'], label: string) =>
    html`<option value="${value}"${params.sort === value ? html` selected` : ''}>${label}</option>`
  return html`<details class="filters" open><summary>${t.filters}</summary>
<form method="get" action="${view.basePath}">
${params.q ? html`<input type="hidden" name="q" value="${params.q}">` : ''}
<div class="field"><label for="sort">${t.sortBy}</label><select id="sort" name="sort">${sortOption('newest', t.sortNewest)}${sortOption('price-asc', t.sortPriceAsc)}${sortOption('price-desc', t.sortPriceDesc)}</select></div>
${
  facets.sizes.length > 0
    ? html`<fieldset><legend>${t.size}</legend><div class="checks">${facets.sizes.map(
        (s) =>
          html`<label><input type="checkbox" name="size" value="${s}"${checked(params.sizes.includes(s))}>${s}</label>`,
      )}</div></fieldset>`
    : ''
}
${
  facets.colours.length > 0
    ? html`<fieldset><legend>${t.colour}</legend><div class="checks">${facets.colours.map(
        (c) =>
          html`<label><input type="checkbox" name="colour" value="${c.name}"${checked(params.colours.includes(c.name))}>${swatch(
            c.hex,
          )}${c.name}</label>`,
      )}</div></fieldset>`
    : ''
}
<fieldset><legend>${t.price}</legend><div class="range">
<div class="field"><label for="min">${t.priceMin}</label><input id="min" name="min" type="text" inputmode="decimal" maxlength="15" value="${params.minText}" placeholder="${amount(shop, facets.priceMinMinor, 'floor')}"></div>
<div class="field"><label for="max">${t.priceMax}</label><input id="max" name="max" type="text" inputmode="decimal" maxlength="15" value="${params.maxText}" placeholder="${amount(shop, facets.priceMaxMinor, 'ceil')}"></div>
</div></fieldset>
<label class="check"><input type="checkbox" name="stock" value="1"${checked(params.inStock)}>${t.inStockOnly}</label>
<p><button type="submit">${t.apply}</button></p>
${hasFilters(params) ? html`<p><a href="${view.basePath}${queryString([['q', params.q]])}">${t.clearFilters}</a></p>` : ''}
</form></details>`
}

function pagination(shop: Shop, view: ListingView, pages: number): SafeHtml | '' {
  if (pages <= 1) return ''
  const { t } = shop
  const current = view.params.page
  const link = (page: number) => `${view.basePath}${queryString(listingPairs(view.params, { page }))}`
  const shown = [...new Set([1, current - 2, current - 1, current, current + 1, current + 2, pages])]
    .filter((p) => p >= 1 && p <= pages)
    .sort((a, b) => a - b)
  return html`<nav class="pages" aria-label="${t.pagination}"><ul>
${current > 1 ? html`<li><a href="${link(current - 1)}" rel="prev">${t.previous}</a></li>` : ''}
${shown.map((p) =>
  p === current
    ? html`<li><span aria-current="page"><span class="vh">${t.page(p)}</span><span aria-hidden="true">${p}</span></span></li>`
    : html`<li><a href="${link(p)}" aria-label="${t.page(p)}">${p}</a></li>`,
)}
${current < pages ? html`<li><a href="${link(current + 1)}" rel="next">${t.next}</a></li>` : ''}
</ul></nav>`
}

/** A price bound as a whole number the filter accepts back ("49", "200"). */
function amount(shop: Shop, minor: number | null, round: 'floor' | 'ceil'): string {
  if (minor === null) return ''
  return String(Math[round](minor / 10 ** minorUnitDigits(shop.brand.currency)))
}

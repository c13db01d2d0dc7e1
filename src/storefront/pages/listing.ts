import type { ProductFacets, ProductSort, SearchProductsResult } from '../../catalog/index.ts'
import { minorUnitDigits } from '../../platform/money.ts'
import type { CategoryNode } from '../categories.ts'
import { breadcrumbs, money, productGrid, swatch } from '../components.ts'
import { html, type SafeHtml } from '../html.ts'
import { renderPage, type Shop } from '../layout.ts'
import { hasFilters, type ListingParams, listingPairs } from '../listing-params.ts'
import { queryString } from '../urls.ts'

export interface ListingView {
  /** The category listed, or null for search results and collections. */
  category: CategoryNode | null
  /** The collection listed, if it is one. */
  collection?: { title: string; description: string } | null
  /** Collections offered on a category page (rule-based collections of that category). */
  collections?: ReadonlyArray<{ slug: string; title: string }>
  /** The category's ancestors, root first. */
  ancestors: CategoryNode[]
  basePath: string
  params: ListingParams
  result: SearchProductsResult
  facets: ProductFacets
}

/** A category or collection listing, or search results: filters and facet counts, sort, the cards, pagination. */
export function listingPage(shop: Shop, view: ListingView): string {
  const { t } = shop
  const { category, params, result } = view
  const collection = view.collection ?? null
  const heading = category
    ? category.name
    : collection
      ? collection.title
      : params.q
        ? t.searchResultsFor(params.q)
        : t.searchTitle
  const pages = Math.max(1, Math.ceil(result.total / result.pageSize))
  // Filtered variants of a listing are the same page to a search engine: the canonical URL keeps
  // only the page number (a cursor page is the numbered page it starts). Search results are not indexed.
  const canonicalPath =
    category || collection ? `${view.basePath}${queryString([['page', result.page > 1 ? result.page : '']])}` : null
  const crumbs = category
    ? breadcrumbs(shop, [
        { name: t.home, url: '/' },
        ...view.ancestors.map((a) => ({ name: a.name, url: a.url })),
        { name: category.name, url: null },
      ])
    : ''
  const body = html`${crumbs}<h1>${heading}</h1>
${collection?.description ? html`<p>${collection.description}</p>` : ''}
${
  category && category.children.length > 0
    ? html`<nav aria-label="${t.subcategories}"><ul class="tiles">${category.children.map(
        (c) => html`<li><a href="${c.url}">${c.name}</a></li>`,
      )}</ul></nav>`
    : ''
}
${
  view.collections && view.collections.length > 0
    ? html`<nav aria-label="${t.collections}"><ul class="tiles">${view.collections.map(
        (c) => html`<li><a href="/collections/${c.slug}">${c.title}</a></li>`,
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
    : html`<p>${!category && !collection && !params.q ? t.searchEmpty : t.noResults}</p>`
}
${pagination(shop, view, pages)}
</section>
</div>`
  return renderPage(
    shop,
    {
      title: result.page > 1 ? `${heading} – ${t.page(result.page)}` : heading,
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
  const sortOption = (value: ProductSort, label: string) =>
    html`<option value="${value}"${view.result.sort === value ? html` selected` : ''}>${label}</option>`
  const count = (n: number) => html` <span class="count">(${n})</span>`
  return html`<details class="filters" open><summary>${t.filters}</summary>
<form method="get" action="${view.basePath}">
${params.q ? html`<input type="hidden" name="q" value="${params.q}">` : ''}
<div class="field"><label for="sort">${t.sortBy}</label><select id="sort" name="sort">${view.collection ? sortOption('manual', t.sortMerchandised) : ''}${params.q ? sortOption('relevance', t.sortRelevance) : ''}${sortOption('newest', t.sortNewest)}${sortOption('price-asc', t.sortPriceAsc)}${sortOption('price-desc', t.sortPriceDesc)}${sortOption('best-selling', t.sortBestSelling)}</select></div>
${
  facets.sizes.length > 0
    ? html`<fieldset><legend>${t.size}</legend><div class="checks">${facets.sizes.map(
        (s) =>
          html`<label><input type="checkbox" name="size" value="${s.value}"${checked(params.sizes.includes(s.value))}>${s.value}${count(s.count)}</label>`,
      )}</div></fieldset>`
    : ''
}
${
  facets.colours.length > 0
    ? html`<fieldset><legend>${t.colour}</legend><div class="checks">${facets.colours.map(
        (c) =>
          html`<label><input type="checkbox" name="colour" value="${c.name}"${checked(params.colours.includes(c.name))}>${swatch(
            c.hex,
          )}${c.name}${count(c.count)}</label>`,
      )}</div></fieldset>`
    : ''
}
<fieldset><legend>${t.price}</legend><div class="range">
<div class="field"><label for="min">${t.priceMin}</label><input id="min" name="min" type="text" inputmode="decimal" maxlength="15" value="${params.minText}" placeholder="${amount(shop, facets.priceMinMinor, 'floor')}"></div>
<div class="field"><label for="max">${t.priceMax}</label><input id="max" name="max" type="text" inputmode="decimal" maxlength="15" value="${params.maxText}" placeholder="${amount(shop, facets.priceMaxMinor, 'ceil')}"></div>
</div>${priceBands(shop, view)}</fieldset>
<label class="check"><input type="checkbox" name="stock" value="1"${checked(params.inStock)}>${t.inStockOnly}${count(facets.inStock)}</label>
<p><button type="submit">${t.apply}</button></p>
${hasFilters(params) ? html`<p><a href="${view.basePath}${queryString([['q', params.q]])}">${t.clearFilters}</a></p>` : ''}
</form></details>`
}

/** Numbered pages (offsets) for jumping; "next" is a keyset cursor, stable while the shopper browses. */
function pagination(shop: Shop, view: ListingView, pages: number): SafeHtml | '' {
  if (pages <= 1) return ''
  const { t } = shop
  const current = view.result.page
  const link = (page: number) => `${view.basePath}${queryString(listingPairs(view.params, { page }))}`
  const next = view.result.nextCursor
    ? `${view.basePath}${queryString(listingPairs(view.params, { cursor: view.result.nextCursor }))}`
    : null
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
${next ? html`<li><a href="${next}" rel="next">${t.next}</a></li>` : ''}
</ul></nav>`
}

/** Links to the price bands with their counts (they keep every other filter). */
function priceBands(shop: Shop, view: ListingView): SafeHtml | '' {
  const bands = view.facets.priceBands
  if (bands.length === 0) return ''
  const digits = minorUnitDigits(shop.brand.currency)
  const text = (minor: number) => (minor / 10 ** digits).toFixed(digits)
  return html`<ul class="bands" aria-label="${shop.t.priceBands}">${bands.map((b) => {
    const pairs = listingPairs(
      { ...view.params, minText: text(b.minMinor), maxText: b.maxMinor === null ? '' : text(b.maxMinor) },
      { page: 1 },
    )
    const label =
      b.maxMinor === null ? `${money(shop, b.minMinor)} +` : `${money(shop, b.minMinor)} – ${money(shop, b.maxMinor)}`
    return html`<li><a href="${view.basePath}${queryString(pairs)}">${label}</a> <span class="count">(${b.count})</span></li>`
  })}</ul>`
}

/** A price bound as a whole number the filter accepts back ("49", "200"). */
function amount(shop: Shop, minor: number | null, round: 'floor' | 'ceil'): string {
  if (minor === null) return ''
  return String(Math[round](minor / 10 ** minorUnitDigits(shop.brand.currency)))
}

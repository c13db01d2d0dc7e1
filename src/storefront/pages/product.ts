import type { ProductDetail, Variant } from '../../catalog/index.ts'
import { breadcrumbs, price, swatch } from '../components.ts'
import { html, jsonForScript, type SafeHtml, safeUrl } from '../html.ts'
import { renderPage, type Shop } from '../layout.ts'
import { breadcrumbJsonLd, productJsonLd } from '../seo.ts'
import { categorySegments, categoryUrl, productPath, queryString } from '../urls.ts'

type StockedVariant = Variant & { available: number }

export interface ColourGroup {
  name: string | null
  hex: string | null
  variants: StockedVariant[]
  available: number
}

export interface ProductView {
  product: ProductDetail
  title: string
  description: string
  groups: ColourGroup[]
  selected: ColourGroup
  /** An add-to-cart error to show (the page is then personal, not cached). */
  error?: string
}

/** The product in the brand's language, its variants grouped by colour, one colour selected. */
export function productView(product: ProductDetail, language: string, colour: string | undefined): ProductView | null {
  const text = product.translations[language]
  const groups: ColourGroup[] = []
  for (const v of product.variants) {
    let group = groups.find((g) => g.name === v.colour)
    if (!group) {
      group = { name: v.colour, hex: v.colourHex, variants: [], available: 0 }
      groups.push(group)
    }
    group.variants.push(v)
    group.available += v.available
  }
  const selected =
    groups.find((g) => g.name !== null && g.name === colour) ?? groups.find((g) => g.available > 0) ?? groups[0]
  if (!selected) return null
  return {
    product,
    title: text?.title || product.title,
    description: text?.description || product.description,
    groups,
    selected,
  }
}

/** At or below this many units a size says "only N left". */
const fewLeft = 3

/**
 * A variant's stock as this page shows it: sold out, "only 1, 2 or 3 left", or in stock (4 for any
 * more). A cached product page keys on these values, so every use of `available` here must depend
 * on it only through them.
 */
export function stockAsShown(available: number): number {
  return Math.min(Math.max(available, 0), fewLeft + 1)
}

export function productPage(shop: Shop, view: ProductView): string {
  const { t, brand, origin } = shop
  const { product, selected } = view
  const path = productPath({ id: product.id, title: view.title })
  const segments = categorySegments(product.categoryPath)
  const crumbs = [
    { name: t.home, url: '/' },
    ...segments.map((name, i) => ({ name, url: categoryUrl(segments.slice(0, i + 1).join(' > ')) })),
    { name: view.title, url: path },
  ]
  const soldOut = view.groups.every((g) => g.available === 0)
  const cheapest = [...selected.variants].sort((a, b) => a.priceMinor - b.priceMinor)[0]
  const images = imagesFor(product, selected)
  const head = html`<script type="application/ld+json">${jsonForScript(productJsonLd(brand, origin, product, view))}</script>
<script type="application/ld+json">${jsonForScript(breadcrumbJsonLd(origin, crumbs))}</script>`
  const body = html`${breadcrumbs(shop, crumbs)}
<div class="product">
<div class="gallery">${images.map(
    (img, i) =>
      html`<img src="${safeUrl(img.url)}" alt="${img.alt || view.title}" width="600" height="800"${i > 0 ? html` loading="lazy"` : ''}>`,
  )}</div>
<div>
<h1>${view.title}</h1>
<p>${cheapest ? price(shop, cheapest.priceMinor, cheapest.compareAtMinor) : ''}</p>
${soldOut ? html`<div class="alert" role="status"><p><strong>${t.soldOut}</strong></p><p>${t.soldOutText}</p></div>` : ''}
${view.error ? html`<p class="alert" role="alert">${view.error}</p>` : ''}
<form class="picker" method="post" action="/cart/add" data-once>
<input type="hidden" name="productId" value="${product.id}">
${colourPicker(shop, view, path)}
${sizePicker(shop, selected, cheapest?.priceMinor ?? 0)}
<button type="submit"${selected.available === 0 ? html` disabled` : ''}>${selected.available === 0 ? t.soldOut : t.addToCart}</button>
</form>
${view.description ? html`<h2>${t.description}</h2><p>${view.description}</p>` : ''}
${attributes(shop, product)}
</div>
</div>`
  return renderPage(
    shop,
    {
      title: view.title,
      description: view.description.slice(0, 160),
      canonicalPath: path,
      currentUrl: product.categoryPath ? categoryUrl(product.categoryPath) : '',
      image: images[0]?.url ?? null,
      extraHead: head,
    },
    body,
  )
}

function colourPicker(shop: Shop, view: ProductView, path: string): SafeHtml {
  const { t } = shop
  const named = view.groups.filter((g) => g.name !== null)
  if (named.length === 0) return html``
  if (named.length === 1) {
    return html`<p><strong>${t.chooseColour}</strong> ${swatch(view.selected.hex)} ${view.selected.name}</p>`
  }
  // Colours are links, not inputs: each colour is its own cacheable page, and it works without script.
  return html`<fieldset><legend>${t.chooseColour}</legend><div class="options">${named.map(
    (g) =>
      html`<a href="${path}${queryString([['colour', g.name]])}"${g === view.selected ? html` aria-current="true"` : ''}>${swatch(g.hex)}${g.name}${
        g.available === 0 ? html` <small>(${t.soldOut})</small>` : ''
      }</a>`,
  )}</div></fieldset>`
}

function sizePicker(shop: Shop, group: ColourGroup, basePrice: number): SafeHtml {
  const { t } = shop
  const only = group.variants.length === 1 ? group.variants[0] : undefined
  if (only) {
    return html`<p><strong>${t.chooseSize}</strong> ${only.size ?? t.oneSize} ${stockNote(shop, only.available)}</p>
<input type="hidden" name="variantId" value="${only.id}">`
  }
  return html`<fieldset><legend>${t.chooseSize}</legend><div class="options">${group.variants.map(
    (v) =>
      html`<input type="radio" name="variantId" id="v-${v.id}" value="${v.id}" required${v.available === 0 ? html` disabled` : ''}><label for="v-${v.id}">${v.size ?? t.oneSize}${
        v.priceMinor !== basePrice ? html` <small>${price(shop, v.priceMinor, v.compareAtMinor)}</small>` : ''
      }${v.available === 0 ? html` <small>(${t.soldOut})</small>` : v.available <= fewLeft ? html` <small>(${t.onlyLeft(v.available)})</small>` : ''}</label>`,
  )}</div></fieldset>`
}

function stockNote(shop: Shop, available: number): SafeHtml {
  const { t } = shop
  if (available === 0) return html`<small>(${t.soldOut})</small>`
  if (available <= fewLeft) return html`<small>(${t.onlyLeft(available)})</small>`
  return html`<small>(${t.inStock})</small>`
}

function attributes(shop: Shop, product: ProductDetail): SafeHtml | '' {
  const entries = Object.entries(product.attributes)
  if (entries.length === 0) return ''
  return html`<h2>${shop.t.details}</h2><div class="order"><dl>${entries.map(([k, v]) => html`<dt>${Object.hasOwn(shop.t.attributeNames, k) ? shop.t.attributeNames[k] : k}</dt><dd>${v}</dd>`)}</dl></div>`
}

/** The selected colour's images when the catalog tells them apart (their URL carries the colour), else all. */
function imagesFor(product: ProductDetail, group: ColourGroup): Array<{ url: string; alt: string }> {
  const hex = group.hex?.replace('#', '').toLowerCase()
  const own = hex ? product.images.filter((i) => i.url.toLowerCase().includes(hex)) : []
  return own.length > 0 ? own : product.images
}

import type { ProductCard } from '../catalog/index.ts'
import { formatMoney } from '../platform/money.ts'
import { html, type SafeHtml, safeUrl } from './html.ts'
import type { Shop } from './layout.ts'
import { productPath } from './urls.ts'

export const money = (shop: Shop, minor: number): string => formatMoney(minor, shop.brand.currency, shop.brand.locale)

/** A price, with the compare-at price struck through and both named for screen readers. */
export function price(shop: Shop, priceMinor: number, compareAtMinor: number | null, from = false): SafeHtml {
  const { t } = shop
  const now = money(shop, priceMinor)
  if (compareAtMinor !== null && compareAtMinor > priceMinor) {
    return html`<span class="price"><span class="vh">${t.wasPrice}</span><s>${money(shop, compareAtMinor)}</s><span class="vh">${t.nowPrice}</span><span class="sale">${from ? `${t.from} ` : ''}${now}</span></span>`
  }
  return html`<span class="price">${from ? `${t.from} ` : ''}${now}</span>`
}

export function productCard(shop: Shop, card: ProductCard): SafeHtml {
  const url = productPath(card)
  return html`<li class="card"><a href="${url}">${
    card.image ? html`<img src="${safeUrl(card.image.url)}" alt="" width="300" height="400" loading="lazy">` : ''
  }<h3>${card.title}</h3></a>${price(shop, card.priceMinor, card.compareAtMinor)}${
    card.inStock ? '' : html` <span class="badge">${shop.t.soldOut}</span>`
  }</li>`
}

export function productGrid(shop: Shop, cards: readonly ProductCard[]): SafeHtml {
  return html`<ul class="grid">${cards.map((c) => productCard(shop, c))}</ul>`
}

export interface Crumb {
  name: string
  url: string | null
}

export function breadcrumbs(shop: Shop, crumbs: readonly Crumb[]): SafeHtml {
  return html`<nav class="crumbs" aria-label="${shop.t.breadcrumb}"><ol>${crumbs.map((c, i) =>
    c.url && i < crumbs.length - 1
      ? html`<li><a href="${c.url}">${c.name}</a></li>`
      : html`<li><span aria-current="page">${c.name}</span></li>`,
  )}</ol></nav>`
}

/** A colour dot; the colour comes from catalog data, so only a plain '#rrggbb' reaches the style. */
export function swatch(hex: string | null): SafeHtml | '' {
  return hex && /^#[0-9a-fA-F]{6}$/.test(hex) ? html`<span class="swatch" style="background:${hex}"></span>` : ''
}

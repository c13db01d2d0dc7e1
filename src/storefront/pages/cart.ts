import type { PromotedCartView } from '../../checkout/cart-promotion.ts'
import type { CartLineView } from '../../checkout/index.ts'
import { money, price } from '../components.ts'
import { html, type SafeHtml, safeUrl } from '../html.ts'
import { renderPage, type Shop } from '../layout.ts'
import { productPath } from '../urls.ts'
import { changedCartLines, pricesChangedText } from './price-changes.ts'
import { promotionBox, promotionLabels } from './promotion.ts'

export interface CartPageOptions {
  notice?: string
  error?: string
  /** What was wrong with the promotion code just entered (shown at its field). */
  promotionError?: string
}

/** The cart: each line with its quantity form and remove button, the totals, the way to checkout. */
export function cartPage(shop: Shop, cart: PromotedCartView | null, options: CartPageOptions = {}): string {
  const { t } = shop
  const lines = cart?.lines ?? []
  const body = html`<div class="narrow"><h1>${t.yourCart}</h1>
${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
${options.error ? html`<p class="alert" role="alert">${options.error}</p>` : ''}
${cart?.priceChanged ? html`<p class="notice" role="status" data-price-changed>${pricesChangedText(shop, changedCartLines(lines))}</p>` : ''}
${
  cart && lines.length > 0
    ? html`<ul class="lines">${lines.map((l) => cartLine(shop, l))}</ul>
${promotionBox(shop, cart.promotion, '/cart', options.promotionError)}
${totals(shop, { ...cart, promotionCode: cart.promotion?.code ?? null })}
<p><a class="btn" href="/checkout">${t.goToCheckout}</a></p>`
    : html`<p>${t.emptyCart}</p>`
}
<p><a href="/">${t.continueShopping}</a></p></div>`
  return renderPage(shop, { title: t.yourCart, canonicalPath: null, cartCount: cart?.itemCount ?? 0 }, body)
}

function cartLine(shop: Shop, line: CartLineView): SafeHtml {
  const { t } = shop
  const id = line.variantId
  return html`<li class="line">${lineImage(line)}<div>
<p><a href="${productPath({ id: line.productId, title: line.title })}">${line.title}</a></p>
${variantText(line)}
<p>${price(shop, line.unitPriceMinor, line.compareAtMinor)}</p>
${line.available < line.quantity ? html`<p class="alert">${t.onlyLeftInCart(line.available)}</p>` : ''}
<div class="line-actions">
<form method="post" action="/cart/update">
<input type="hidden" name="variantId" value="${id}">
<div class="field"><label for="qty-${id}">${t.quantity}<span class="vh"> – ${line.title}</span></label>
<input id="qty-${id}" name="quantity" type="number" min="0" max="99" value="${line.quantity}" inputmode="numeric"></div>
<button type="submit" class="btn-quiet">${t.update}</button>
</form>
<form method="post" action="/cart/remove">
<input type="hidden" name="variantId" value="${id}">
<button type="submit" class="btn-quiet" aria-label="${t.removeItem(line.title)}">${t.remove}</button>
</form>
</div>
<p><strong>${money(shop, line.lineTotalMinor)}</strong></p>
</div></li>`
}

export function lineImage(line: { image: { url: string } | null }): SafeHtml | '' {
  return line.image ? html`<img src="${safeUrl(line.image.url)}" alt="" width="72" height="96">` : ''
}

export function variantText(line: { size: string | null; colour: string | null }): SafeHtml | '' {
  const parts = [line.colour, line.size].filter((p): p is string => !!p)
  return parts.length > 0 ? html`<p class="muted">${parts.join(' · ')}</p>` : ''
}

/** Subtotal, shipping, total and the VAT it includes, as a definition list. */
export function totals(
  shop: Shop,
  amounts: {
    subtotalMinor: number
    shippingMinor: number
    totalMinor: number
    vatMinor: number
    /** A promotion code's discount on the goods, shown as its own line. */
    discountMinor?: number
    promotionCode?: string | null
  },
  shippingNote?: string,
): SafeHtml {
  const { t } = shop
  const discount = amounts.discountMinor ?? 0
  return html`<dl class="totals">
<dt>${t.subtotal}</dt><dd>${money(shop, amounts.subtotalMinor)}</dd>
${
  discount > 0
    ? html`<dt>${promotionLabels(shop).discount(amounts.promotionCode ?? '')}</dt><dd data-discount>−${money(shop, discount)}</dd>`
    : ''
}
<dt>${t.shipping}${shippingNote ? html` <span class="muted">(${shippingNote})</span>` : ''}</dt><dd>${
    amounts.shippingMinor === 0 ? t.shippingFree : money(shop, amounts.shippingMinor)
  }</dd>
<dt class="grand">${t.total}</dt><dd class="grand">${money(shop, amounts.totalMinor)}</dd>
<dt class="muted">${t.vatIncluded}</dt><dd class="muted">${money(shop, amounts.vatMinor)}</dd>
</dl>`
}

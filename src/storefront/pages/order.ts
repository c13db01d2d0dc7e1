import type { Order } from '../../orders/index.ts'
import { money } from '../components.ts'
import { html, type SafeHtml } from '../html.ts'
import { renderPage, type Shop } from '../layout.ts'
import { totals, variantText } from './cart.ts'

export function confirmationPage(shop: Shop, order: Order): string {
  const { t } = shop
  const body = html`<div class="narrow"><h1>${t.thankYou}</h1>
<p class="notice" role="status">${t.orderNumber} <strong data-order-number>${order.number}</strong></p>
<p>${t.confirmationText(order.email)}</p>
<p>${t.keepNumber} <a href="/orders/lookup">${t.orderLookup}</a></p>
${orderDetails(shop, order)}
<p><a href="/">${t.continueShopping}</a></p></div>`
  return renderPage(shop, { title: t.thankYou, canonicalPath: null, cartCount: 0 }, body)
}

export interface LookupPageOptions {
  number?: string
  email?: string
  errors?: { number?: string; email?: string }
  notFound?: boolean
  order?: Order | null
}

export function lookupPage(shop: Shop, options: LookupPageOptions = {}): string {
  const { t } = shop
  const errors = options.errors ?? {}
  const input = (name: 'number' | 'email', label: string, type: string, autocomplete: string, max: number) => {
    const error = errors[name]
    return html`<div class="field"><label for="lookup-${name}">${label}</label>
${error ? html`<span class="error" id="lookup-${name}-error">${error}</span>` : ''}
<input id="lookup-${name}" name="${name}" type="${type}" autocomplete="${autocomplete}" maxlength="${max}" required value="${options[name] ?? ''}"${
      error ? html` aria-invalid="true" aria-describedby="lookup-${name}-error"` : ''
    }></div>`
  }
  const body = html`<div class="narrow"><h1>${t.lookupTitle}</h1>
${options.order ? html`<section aria-labelledby="found"><h2 id="found">${t.orderNumber} ${options.order.number}</h2>${orderDetails(shop, options.order)}</section>` : ''}
${options.notFound ? html`<p class="alert" role="alert">${t.lookupNotFound}</p>` : ''}
<p>${t.lookupIntro}</p>
<form class="form" method="post" action="/orders/lookup" novalidate>
${input('number', t.orderNumber, 'text', 'off', 30)}
${input('email', t.email, 'email', 'email', 254)}
<button type="submit">${t.lookupButton}</button>
</form></div>`
  return renderPage(shop, { title: t.lookupTitle, canonicalPath: null }, body)
}

/** An order as a shopper reads it: status, date in the brand's time zone, lines, totals, address. */
const statusLabel: Record<Order['status'], (t: Shop['t']) => string> = {
  placed: (t) => t.statusPlaced,
  partially_shipped: (t) => t.statusPartiallyShipped,
  shipped: (t) => t.statusShipped,
  cancelled: (t) => t.statusCancelled,
}

export function orderDetails(shop: Shop, order: Order): SafeHtml {
  const { t, brand } = shop
  const placed = new Intl.DateTimeFormat(brand.locale, {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: brand.timeZone,
  }).format(order.placedAt)
  const method = brand.shippingMethods.find((m) => m.code === order.shippingMethod)
  const a = order.shippingAddress
  return html`<div class="order">
<dl>
<dt>${t.orderNumber}</dt><dd>${order.number}</dd>
<dt>${t.placedAt}</dt><dd><time datetime="${order.placedAt.toISOString()}">${placed}</time></dd>
<dt>${t.status}</dt><dd>${statusLabel[order.status](t)}</dd>
<dt>${t.deliverTo}</dt><dd>${a.name}<br>${a.line1}<br>${a.line2 ? html`${a.line2}<br>` : ''}${a.postalCode} ${a.city}<br>${a.country}</dd>
<dt>${t.shippingMethod}</dt><dd>${method?.labels[t.lang] ?? order.shippingMethod}</dd>
</dl>
<ul class="lines">${order.lines.map(
    (l) =>
      html`<li class="line"><span></span><div><p>${l.title}</p>${variantText(l)}<p>${l.quantity} × ${money(shop, l.unitPriceMinor)} = <strong>${money(shop, l.lineTotalMinor)}</strong></p></div></li>`,
  )}</ul>
${totals(shop, order)}
</div>`
}

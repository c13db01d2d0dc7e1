import type { PromotedCartView } from '../../checkout/cart-promotion.ts'
import { money } from '../components.ts'
import { html, type SafeHtml } from '../html.ts'
import { renderPage, type Shop } from '../layout.ts'
import { lineImage, totals, variantText } from './cart.ts'
import { promotionBox } from './promotion.ts'

export interface CheckoutFields {
  email: string
  name: string
  line1: string
  line2: string
  postalCode: string
  city: string
  country: string
  phone: string
  shippingMethod: string
}

export type CheckoutField = keyof CheckoutFields | 'cardNumber'
export type FieldErrors = Partial<Record<CheckoutField, string>>

export interface CheckoutPageOptions {
  values: CheckoutFields
  errors: FieldErrors
  /** A whole-form message: declined payment, an item sold out meanwhile. */
  alert?: string
  /** A fresh key per rendered form: a double submit of this form places one order. */
  idempotencyKey: string
  /** Totals with the chosen shipping method (and the cart's promotion code). */
  amounts: {
    subtotalMinor: number
    shippingMinor: number
    totalMinor: number
    vatMinor: number
    discountMinor?: number
  }
}

/** Countries the shops deliver to; the brand's own country comes first. */
export const deliveryCountries = ['FR', 'BE', 'LU', 'MC', 'CH', 'DE', 'NL', 'ES', 'IT', 'PT', 'AT', 'IE', 'GB']

export function checkoutPage(shop: Shop, cart: PromotedCartView, options: CheckoutPageOptions): string {
  const { t, brand } = shop
  const { values, errors } = options
  const field = (
    name: keyof CheckoutFields | 'cardNumber',
    label: string,
    attrs: { type?: string; autocomplete: string; max: number; required?: boolean; hint?: string; inputmode?: string },
  ) => {
    const error = errors[name]
    const value = name === 'cardNumber' ? '' : values[name]
    const described = [attrs.hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ')
    return html`<div class="field"><label for="${name}">${label}</label>
${attrs.hint ? html`<span class="hint" id="${name}-hint">${attrs.hint}</span>` : ''}
${error ? html`<span class="error" id="${name}-error">${error}</span>` : ''}
<input id="${name}" name="${name}" type="${attrs.type ?? 'text'}" autocomplete="${attrs.autocomplete}" maxlength="${attrs.max}" value="${value}"${
      attrs.required === false ? '' : html` required`
    }${attrs.inputmode ? html` inputmode="${attrs.inputmode}"` : ''}${described ? html` aria-describedby="${described}"` : ''}${
      error ? html` aria-invalid="true"` : ''
    }></div>`
  }
  const regionNames = new Intl.DisplayNames([brand.locale], { type: 'region' })
  const home = brand.locale.split('-')[1]
  const countries = [...deliveryCountries].sort((a, b) => Number(b === home) - Number(a === home))
  const errorList = Object.entries(errors) as Array<[CheckoutField, string]>
  const body = html`<h1>${t.checkout}</h1>
${options.alert ? html`<div class="alert" role="alert" tabindex="-1" id="alert"><p>${options.alert}</p></div>` : ''}
${
  errorList.length > 0
    ? html`<div class="alert" role="alert"><p>${t.fixErrors}</p><ul>${errorList.map(
        ([name, message]) => html`<li><a href="#${name}">${message}</a></li>`,
      )}</ul></div>`
    : ''
}
<div class="checkout">
<form class="form" method="post" action="/checkout" novalidate data-once>
<input type="hidden" name="idempotencyKey" value="${options.idempotencyKey}">
<fieldset><legend>${t.contact}</legend>
${field('email', t.email, { type: 'email', autocomplete: 'email', max: 254 })}
</fieldset>
<fieldset><legend>${t.shippingAddress}</legend>
${field('name', t.name, { autocomplete: 'name', max: 200 })}
${field('line1', t.line1, { autocomplete: 'address-line1', max: 200 })}
${field('line2', t.line2, { autocomplete: 'address-line2', max: 200, required: false })}
${field('postalCode', t.postalCode, { autocomplete: 'postal-code', max: 20 })}
${field('city', t.city, { autocomplete: 'address-level2', max: 100 })}
<div class="field"><label for="country">${t.country}</label>
${errors.country ? html`<span class="error" id="country-error">${errors.country}</span>` : ''}
<select id="country" name="country" autocomplete="country" required${errors.country ? html` aria-invalid="true" aria-describedby="country-error"` : ''}>${countries.map(
    (code) =>
      html`<option value="${code}"${(values.country || home) === code ? html` selected` : ''}>${regionNames.of(code) ?? code}</option>`,
  )}</select></div>
${field('phone', t.phone, { type: 'tel', autocomplete: 'tel', max: 30, required: false })}
</fieldset>
<fieldset><legend>${t.shippingMethod}</legend>
${errors.shippingMethod ? html`<p class="error" id="shippingMethod">${errors.shippingMethod}</p>` : ''}
${brand.shippingMethods.map((m, i) => {
  const goods = cart.subtotalMinor - cart.discountMinor
  const waived = cart.promotion?.applies === true && cart.promotion.freeShipping
  const fee = waived || (m.freeFromMinor !== null && goods >= m.freeFromMinor) ? 0 : m.feeMinor
  const chosen = values.shippingMethod ? values.shippingMethod === m.code : i === 0
  return html`<div class="choice"><input type="radio" name="shippingMethod" id="ship-${m.code}" value="${m.code}"${chosen ? html` checked` : ''}>
<label for="ship-${m.code}">${m.labels[t.lang] ?? m.code} — ${fee === 0 ? t.shippingFree : money(shop, fee)}${
    m.freeFromMinor !== null && fee !== 0
      ? html` <span class="muted">(${t.freeFrom(money(shop, m.freeFromMinor))})</span>`
      : ''
  }</label></div>`
})}
</fieldset>
<fieldset><legend>${t.payment}</legend>
${field('cardNumber', t.cardNumber, { autocomplete: 'cc-number', max: 23, inputmode: 'numeric', hint: t.testCardHint })}
</fieldset>
<button type="submit">${t.pay(money(shop, options.amounts.totalMinor))}</button>
</form>
${summary(shop, cart, options.amounts)}
</div>`
  return renderPage(shop, { title: t.checkout, canonicalPath: null, cartCount: cart.itemCount }, body)
}

function summary(shop: Shop, cart: PromotedCartView, amounts: CheckoutPageOptions['amounts']): SafeHtml {
  const { t } = shop
  return html`<aside class="summary" aria-labelledby="summary"><h2 id="summary">${t.orderSummary}</h2>
<ul class="lines">${cart.lines.map(
    (l) =>
      html`<li class="line">${lineImage(l)}<div><p>${l.title}</p>${variantText(l)}<p>${l.quantity} × ${money(shop, l.unitPriceMinor)}</p></div></li>`,
  )}</ul>
${totals(shop, { ...amounts, promotionCode: cart.promotion?.code ?? null })}
${promotionBox(shop, cart.promotion, '/checkout')}
<p><a href="/cart">${t.yourCart}</a></p>
</aside>`
}

import type { CartPromotionView } from '../../checkout/cart-promotion.ts'
import type { RejectionReason } from '../../promotions/index.ts'
import { money } from '../components.ts'
import { html, type SafeHtml } from '../html.ts'
import type { Shop } from '../layout.ts'

/** The words of the promotion-code form and its outcomes, per shop language. */
const en = {
  promoCode: 'Promotion code',
  applyCode: 'Apply',
  removeCode: 'Remove code',
  discount: (code: string) => `Discount (${code})`,
  freeShipping: 'free shipping',
  applied: (code: string) => `Code ${code} applied.`,
  removed: 'The promotion code was removed.',
  enterCode: 'Enter a code first.',
  removedAtCheckout: (reason: string, total: string) =>
    `${reason} The code was taken off your order, nothing was charged: the total is now ${total}. Check and pay again.`,
  reasons: {
    unknown: 'This code does not exist.',
    inactive: 'This code is no longer valid.',
    'not-yet-valid': 'This code is not valid yet.',
    expired: 'This code has expired.',
    'used-up': 'This code has been used up.',
    'already-used': 'You have already used this code.',
    'minimum-spend': 'Your order does not reach the minimum spend for this code.',
  } as Record<RejectionReason, string>,
  minimumSpend: (amount: string) => `Spend at least ${amount} on items to use it.`,
}

type PromotionLabels = typeof en

const fr: PromotionLabels = {
  promoCode: 'Code promo',
  applyCode: 'Appliquer',
  removeCode: 'Retirer le code',
  discount: (code: string) => `Remise (${code})`,
  freeShipping: 'livraison offerte',
  applied: (code: string) => `Code ${code} appliqué.`,
  removed: 'Le code promo a été retiré.',
  enterCode: 'Saisissez d’abord un code.',
  removedAtCheckout: (reason: string, total: string) =>
    `${reason} Le code a été retiré de votre commande, rien n’a été débité : le total est maintenant de ${total}. Vérifiez et payez à nouveau.`,
  reasons: {
    unknown: 'Ce code n’existe pas.',
    inactive: 'Ce code n’est plus valable.',
    'not-yet-valid': 'Ce code n’est pas encore valable.',
    expired: 'Ce code a expiré.',
    'used-up': 'Ce code a été épuisé.',
    'already-used': 'Vous avez déjà utilisé ce code.',
    'minimum-spend': 'Votre commande n’atteint pas le montant minimum de ce code.',
  },
  minimumSpend: (amount: string) => `Dès ${amount} d’articles.`,
}

export function promotionLabels(shop: Shop): PromotionLabels {
  return shop.t.lang === 'fr' ? fr : en
}

/** Why a code does not apply, in the shop's language (with the amount to reach, when that is why). */
export function rejectionText(shop: Shop, reason: string, minimumSpendMinor: number | null = null): string {
  const p = promotionLabels(shop)
  const text = (p.reasons as Record<string, string>)[reason] ?? p.reasons.unknown
  return reason === 'minimum-spend' && minimumSpendMinor !== null
    ? `${text} ${p.minimumSpend(money(shop, minimumSpendMinor))}`
    : text
}

/**
 * The code on the cart (its discount, or why it does not apply, with a remove button) and the
 * form to enter one. Plain POST forms; `returnTo` brings the shopper back where they were.
 */
export function promotionBox(
  shop: Shop,
  promotion: CartPromotionView | null,
  returnTo: '/cart' | '/checkout',
  error?: string,
): SafeHtml {
  const p = promotionLabels(shop)
  const status = promotion
    ? promotion.applies
      ? html`<p class="notice" role="status" data-promotion="applied">${p.applied(promotion.code)}${
          promotion.freeShipping ? ` (${p.freeShipping})` : ''
        }</p>`
      : html`<p class="alert" role="alert" data-promotion="${promotion.reason ?? ''}">${promotion.code} — ${rejectionText(
          shop,
          promotion.reason ?? 'unknown',
          promotion.minimumSpendMinor,
        )}</p>`
    : ''
  return html`<section class="promotion" aria-labelledby="promo-title"><h2 id="promo-title" class="vh">${p.promoCode}</h2>
${status}
${
  promotion
    ? html`<form method="post" action="/cart/promotion/remove"><input type="hidden" name="returnTo" value="${returnTo}">
<button type="submit" class="btn-quiet">${p.removeCode} ${promotion.code}</button></form>`
    : ''
}
<form method="post" action="/cart/promotion" class="form">
<input type="hidden" name="returnTo" value="${returnTo}">
<div class="field"><label for="promo-code">${p.promoCode}</label>
${error ? html`<span class="error" id="promo-code-error">${error}</span>` : ''}
<input id="promo-code" name="code" type="text" autocomplete="off" autocapitalize="characters" maxlength="40" required${
    error ? html` aria-invalid="true" aria-describedby="promo-code-error"` : ''
  }></div>
<button type="submit" class="btn-quiet">${p.applyCode}</button>
</form></section>`
}

import type { Brand } from '../brands/brand.ts'
import { brandLanguage } from '../brands/brand.ts'
import { contrastRatio } from '../platform/contrast.ts'

/** What the waiting page shows; the same facts as GET /waiting-room/status. */
export interface WaitingView {
  phase: 'pre-queue' | 'admitting'
  /** 1 = next to be admitted; null in the pre-queue (places are drawn at the start) or without a ticket. */
  position: number | null
  estimatedWaitSeconds: number | null
  startsAt: Date | null
  soldOut: boolean
  refreshSeconds: number
}

const labels = {
  en: {
    title: 'Waiting room',
    queued: 'You are in the queue',
    queuedText: 'So many people want in right now that we let shoppers into the shop in turn, in order of arrival.',
    place: 'Your place in the queue',
    wait: 'Estimated wait',
    lessThanAMinute: 'less than a minute',
    minutes: (n: string) => `about ${n} min`,
    preQueue: 'The sale has not started yet',
    preQueueText: (at: string) =>
      `It opens at ${at}. Everyone who arrives before then gets a place drawn at random at the opening, so there is no need to rush.`,
    soldOut: 'The sale items are sold out',
    soldOutText:
      'Every item of this sale has been sold. Thank you for your patience. You keep your place if you want to visit the rest of the shop.',
    keepOpen: (s: number) =>
      `This page updates itself every ${s} seconds and lets you in when it is your turn. Reloading it does not lose your place.`,
    refresh: 'Check now',
  },
  fr: {
    title: "File d'attente",
    queued: "Vous êtes dans la file d'attente",
    queuedText:
      "Beaucoup de monde veut entrer en ce moment : nous faisons entrer les visiteurs à tour de rôle, dans l'ordre d'arrivée.",
    place: 'Votre place dans la file',
    wait: 'Attente estimée',
    lessThanAMinute: "moins d'une minute",
    minutes: (n: string) => `environ ${n} min`,
    preQueue: "Les soldes n'ont pas encore commencé",
    preQueueText: (at: string) =>
      `Ouverture à ${at}. Toutes les personnes arrivées avant recevront une place tirée au sort à l'ouverture : inutile de se presser.`,
    soldOut: 'Les articles en solde sont épuisés',
    soldOutText:
      'Tous les articles de cette vente ont été vendus. Merci de votre patience. Vous gardez votre place si vous souhaitez visiter le reste de la boutique.',
    keepOpen: (s: number) =>
      `Cette page se met à jour toute seule toutes les ${s} secondes et vous fait entrer à votre tour. La recharger ne vous fait pas perdre votre place.`,
    refresh: 'Vérifier maintenant',
  },
}

/**
 * The waiting page: self-contained (one inline style, no script, no image: it must stay cheap to
 * serve to a crowd), reloading itself with a meta refresh on the URL the shopper asked for (a
 * same-site path; '/' after a form post), so the reload that finds the shopper admitted serves the
 * page they wanted. The main text is a
 * live status region; the brand's colours are used when they keep WCAG AA contrast.
 */
export function waitingPage(brand: Brand, view: WaitingView, selfUrl: string): string {
  const t = brandLanguage(brand) === 'fr' ? labels.fr : labels.en
  const numbers = new Intl.NumberFormat(brand.locale)
  const colours = pageColours(brand)
  let heading: string
  let body: string
  if (view.soldOut) {
    heading = t.soldOut
    body = `<p>${escapeText(t.soldOutText)}</p>`
  } else if (view.phase === 'pre-queue' && view.startsAt) {
    heading = t.preQueue
    body = `<p>${escapeText(t.preQueueText(localTime(brand, view.startsAt)))}</p>`
  } else {
    heading = t.queued
    body = `<p>${escapeText(t.queuedText)}</p>`
    if (view.position !== null && view.estimatedWaitSeconds !== null) {
      const minutes = Math.ceil(view.estimatedWaitSeconds / 60)
      const wait = view.estimatedWaitSeconds < 60 ? t.lessThanAMinute : t.minutes(numbers.format(minutes))
      body += `<dl><dt>${escapeText(t.place)}</dt><dd>${escapeText(numbers.format(view.position))}</dd><dt>${escapeText(t.wait)}</dt><dd>${escapeText(wait)}</dd></dl>`
    }
  }
  return `<!doctype html>
<html lang="${escapeText(brand.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="${view.refreshSeconds};url=${escapeText(selfUrl)}">
<title>${escapeText(t.title)} | ${escapeText(brand.name)}</title>
<style>body{margin:0;font:1.0625rem/1.55 system-ui,sans-serif;background:${colours.background};color:${colours.text}}
main{max-width:34rem;margin:12vh auto;padding:0 1.25rem}
.brand{font-weight:700;letter-spacing:.04em;text-transform:uppercase;color:${colours.accent}}
h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 1rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.4rem 1rem;margin:1.5rem 0}dt{font-weight:600}dd{margin:0;font-variant-numeric:tabular-nums}
a{color:${colours.accent}}small{display:block;margin-top:2rem;opacity:.9}</style>
</head>
<body>
<main>
<p class="brand">${escapeText(brand.name)}</p>
<div role="status" aria-live="polite">
<h1>${escapeText(heading)}</h1>
${body}
</div>
<p><a href="${escapeText(selfUrl)}">${escapeText(t.refresh)}</a></p>
<small>${escapeText(t.keepOpen(view.refreshSeconds))}</small>
</main>
</body>
</html>
`
}

function localTime(brand: Brand, at: Date): string {
  try {
    return new Intl.DateTimeFormat(brand.locale, {
      timeZone: brand.timeZone,
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(at)
  } catch {
    return at.toISOString()
  }
}

const hex = /^#[0-9a-fA-F]{6}$/

/** Background and text from the theme when valid and readable (AA, 4.5:1); safe defaults otherwise. */
function pageColours(brand: Brand): { background: string; text: string; accent: string } {
  const colours = brand.theme?.colours ?? {}
  const pick = (name: string, fallback: string): string => {
    const value = colours[name]
    return value && hex.test(value) ? value.toLowerCase() : fallback
  }
  const background = pick('background', '#ffffff')
  const blackOrWhite =
    contrastRatio('#1a1a1a', background) >= contrastRatio('#ffffff', background) ? '#1a1a1a' : '#ffffff'
  const text = contrastRatio(pick('text', blackOrWhite), background) >= 4.5 ? pick('text', blackOrWhite) : blackOrWhite
  const primary = pick('primary', text)
  const accent = contrastRatio(primary, background) >= 4.5 ? primary : text
  return { background, text, accent }
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * Text into HTML. The storefront has the same helper (src/storefront/html.ts); modules do not
 * import the storefront (DESIGN.md), and this page is the room's own.
 */
function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c)
}

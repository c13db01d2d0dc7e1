import type { Theme } from '../brands/brand.ts'
import { contrastRatio } from '../platform/contrast.ts'

const hex = /^#[0-9a-fA-F]{6}$/
const aa = 4.5

const defaults = {
  primary: '#1f2937',
  background: '#ffffff',
  text: '#1a1a1a',
  muted: '#595959',
} as const

const cssByTheme = new WeakMap<Theme, string>()

/**
 * The theme's CSS, computed once per theme object: a brand's theme object is replaced whenever the
 * brand directory reloads, so a changed theme is picked up, and each page render is a map lookup.
 */
export function themeCss(theme: Theme): string {
  let css = cssByTheme.get(theme)
  if (css === undefined) {
    css = buildThemeCss(theme)
    cssByTheme.set(theme, css)
  }
  return css
}

/**
 * The brand's theme as CSS custom properties. Colours come from brand data, so each is checked:
 * a malformed value falls back to a default, and a colour that would fail WCAG AA (4.5:1) against
 * the backgrounds it is drawn on is replaced by the text colour, or black/white for button text.
 * Every brand's shop is thus readable, whatever its theme says.
 */
function buildThemeCss(theme: Theme): string {
  const c = theme.colours ?? {}
  const pick = (name: string, fallback: string): string => {
    const value = c[name]
    return value && hex.test(value) ? value.toLowerCase() : fallback
  }
  const background = pick('background', defaults.background)
  const surface = pick('surface', background)
  const grounds = [background, surface]
  const text = readable(pick('text', defaults.text), grounds, bestOf(['#000000', '#ffffff'], grounds))
  const primary = pick('primary', defaults.primary)
  const onPrimary = readable(pick('onPrimary', '#ffffff'), [primary], bestOf(['#ffffff', '#000000'], [primary]))
  const vars = {
    '--bg': background,
    '--surface': surface,
    '--text': text,
    '--muted': readable(pick('muted', defaults.muted), grounds, text),
    '--primary': primary,
    '--on-primary': onPrimary,
    '--link': readable(primary, grounds, text),
    '--accent': readable(pick('accent', primary), grounds, text),
    '--font': safeFontFamily(theme.fontFamily),
  }
  return `:root{${Object.entries(vars)
    .map(([k, v]) => `${k}:${v}`)
    .join(';')}}`
}

function readable(colour: string, grounds: string[], fallback: string): string {
  return grounds.every((g) => contrastRatio(colour, g) >= aa) ? colour : fallback
}

function bestOf(candidates: string[], grounds: string[]): string {
  const worst = (c: string) => Math.min(...grounds.map((g) => contrastRatio(c, g)))
  return candidates.reduce((best, c) => (worst(c) > worst(best) ? c : best))
}

/** A font stack as CSS: letters, digits, spaces, commas, hyphens and quotes only (no `;` or `}`). */
function safeFontFamily(value: string | undefined): string {
  const cleaned = (value ?? '').replace(/[^A-Za-z0-9 ,"'-]/g, '').slice(0, 200)
  return cleaned.trim() || 'system-ui, sans-serif'
}

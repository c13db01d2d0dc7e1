/**
 * The one way storefront pages are written: `html` escapes every interpolation unless it is
 * already SafeHtml (the result of another `html` or an explicit `raw()`), so catalog, brand and
 * shopper text can never become markup by accident.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
}

export type HtmlValue = SafeHtml | string | number | null | undefined | false | readonly HtmlValue[]

/** Marks trusted markup (built by our own code, never from input) as safe to insert as is. */
export const raw = (markup: string): SafeHtml => new SafeHtml(markup)

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? ''
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '')
  return new SafeHtml(out)
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return ''
  if (value instanceof SafeHtml) return value.value
  if (Array.isArray(value)) return value.map(render).join('')
  return escapeHtml(String(value))
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for element content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c)
}

/**
 * A URL from data (image, logo) as an attribute value: only http(s) and same-site paths pass,
 * so a `javascript:` or `data:` URL stored in a catalog cannot run in a shopper's page.
 */
export function safeUrl(url: string | null | undefined): string {
  if (!url) return ''
  if (/^\/(?!\/)/.test(url) || /^https?:\/\//i.test(url)) return url
  return ''
}

/**
 * JSON for a `<script type="application/ld+json">` block: `<`, `>` and `&` are escaped as JSON
 * unicode escapes so no value can close the script element (HTML §4.12.1.3).
 */
export function jsonForScript(value: unknown): SafeHtml {
  return raw(
    JSON.stringify(value)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029'),
  )
}

/**
 * A tiny XML writer for the outbound documents, built for the delivery worker's hot path (thousands
 * of documents a second): an element is written straight to a string, one per line, indented two
 * spaces per level. Element and attribute names are literals of the builder; every text and
 * attribute value passes through `escapeText`/`escapeAttribute`, so no value is ever concatenated
 * raw. Optional parts are `null`/`undefined`/`false`/'' and simply vanish.
 */
export type XmlPart = string | null | undefined | false

export const xmlDeclaration = '<?xml version="1.0" encoding="UTF-8"?>\n'

// Indentation by depth, computed once (documents nest about eight levels deep).
const pads = Array.from({ length: 16 }, (_, depth) => '  '.repeat(depth))
const pad = (depth: number): string => pads[depth] ?? '  '.repeat(depth)

// XML 1.0 allows these characters only; anything else (C0 controls, lone surrogates) is dropped
// rather than produce a document no parser accepts.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the forbidden control characters is the point
const invalidXmlChars = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu
// One test decides whether a value needs any work: almost every value (amounts, ids, dates, most
// names) is returned as it is, without the four replaces.
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above
const needsTextWork = /[&<>]|[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above, plus the attribute-only escapes
const needsAttributeWork = /[&<>"\t\n\r]|[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u

export function escapeText(value: string): string {
  if (!needsTextWork.test(value)) return value
  return value.replace(invalidXmlChars, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

export function escapeAttribute(value: string): string {
  if (!needsAttributeWork.test(value)) return value
  return escapeText(value)
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
}

/** ` name="value"` for an element's start tag (value escaped; '' when the value is undefined). */
export function attr(name: string, value: string | undefined): string {
  return value === undefined ? '' : ` ${name}="${escapeAttribute(value)}"`
}

/** `<name attrs>text</name>` on its own line at `depth`; `attributes` is a string of `attr()`s. */
export function leaf(depth: number, name: string, text: string, attributes = ''): string {
  return `${pad(depth)}<${name}${attributes}>${escapeText(text)}</${name}>\n`
}

/**
 * An element whose children were written at `depth + 1`: `<name>`, the children, `</name>`, or
 * `<name/>` when no child is left.
 */
export function block(depth: number, name: string, children: readonly XmlPart[], attributes = ''): string {
  let inner = ''
  for (const child of children) if (child) inner += child
  const p = pad(depth)
  return inner === '' ? `${p}<${name}${attributes}/>\n` : `${p}<${name}${attributes}>\n${inner}${p}</${name}>\n`
}

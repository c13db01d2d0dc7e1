/**
 * A tiny XML writer: documents are built as element trees and serialised once, so every text
 * and attribute value passes through one escaping function (no string-concatenated values).
 */
export interface XmlElement {
  name: string
  attributes?: Record<string, string | undefined>
  children?: XmlNode[]
}

export type XmlNode = XmlElement | string

/** An element; `null`/`undefined`/`false` children are dropped, so optional parts read inline. */
export function el(
  name: string,
  attributes: Record<string, string | undefined> | null,
  ...children: Array<XmlNode | XmlNode[] | null | undefined | false>
): XmlElement {
  const kept: XmlNode[] = []
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) kept.push(child)
  return { name, ...(attributes ? { attributes } : {}), children: kept }
}

// XML 1.0 allows these characters only; anything else (C0 controls, lone surrogates) is dropped
// rather than produce a document no parser accepts.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the forbidden control characters is the point
const invalidXmlChars = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

export function escapeText(value: string): string {
  return value.replace(invalidXmlChars, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

export function escapeAttribute(value: string): string {
  return escapeText(value)
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
}

const namePattern = /^[A-Za-z_][A-Za-z0-9_.:-]*$/

export function serialize(root: XmlElement, indent = '  '): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n']
  write(root, 0)
  return out.join('')

  function write(node: XmlElement, depth: number): void {
    if (!namePattern.test(node.name)) throw new Error(`invalid XML element name "${node.name}"`)
    const pad = indent.repeat(depth)
    out.push(pad, '<', node.name)
    for (const [key, value] of Object.entries(node.attributes ?? {})) {
      if (value === undefined) continue
      if (!namePattern.test(key)) throw new Error(`invalid XML attribute name "${key}"`)
      out.push(' ', key, '="', escapeAttribute(value), '"')
    }
    const children = node.children ?? []
    if (children.length === 0) {
      out.push('/>\n')
      return
    }
    if (children.every((c) => typeof c === 'string')) {
      out.push('>', escapeText(children.join('')), '</', node.name, '>\n')
      return
    }
    out.push('>\n')
    for (const child of children) {
      if (typeof child === 'string') out.push(pad, indent, escapeText(child), '\n')
      else write(child, depth + 1)
    }
    out.push(pad, '</', node.name, '>\n')
  }
}

import type { FeedFormat } from './feed-item.ts'

export const googleNamespace = 'http://base.google.com/ns/1.0'
export const atomNamespace = 'http://www.w3.org/2005/Atom'

// Everything that may come before an XML root element: declaration, processing instructions,
// comments, a DOCTYPE (refused later, but it must not make the format unknown) and whitespace.
const prologPart = /^\s*(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>)/
const rootTag = /^\s*<([A-Za-z_][\w.:-]*)([^>]*)>?/

/**
 * The feed format, from its first bytes (a few KiB are plenty): an XML root `<rss>` with Google's
 * namespace, an Atom `<feed>`, a tab-separated header naming `id` and `title`, or a comma-separated
 * header naming `Handle`. null when it is none of these.
 */
export function detectFormat(head: Buffer): FeedFormat | null {
  // latin1 maps each byte to one character: enough to read ASCII markup whatever the real encoding.
  let text = head.toString('latin1').replace(/^\u00ef\u00bb\u00bf/, '')
  if (/^\s*</.test(text)) {
    for (let part = prologPart.exec(text); part; part = prologPart.exec(text)) text = text.slice(part[0].length)
    const root = rootTag.exec(text)
    if (!root) return null
    const [name, attributes] = [root[1] as string, root[2] as string]
    if (name === 'rss' && head.includes(googleNamespace)) return 'google-rss'
    if (name === 'feed' && attributes.includes(atomNamespace)) return 'google-atom'
    return null
  }
  const firstLine = text.split('\n', 1)[0]?.replace(/\r$/, '') ?? ''
  if (firstLine.includes('\t')) {
    const names = firstLine.split('\t').map(googleColumnName)
    return names.includes('id') && names.includes('title') ? 'google-tsv' : null
  }
  const columns = firstLine.split(',').map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase())
  return columns.includes('handle') ? 'shopify-csv' : null
}

/** 'g:Item Group ID' → 'item_group_id': Google's own sheet templates use spaces and capitals. */
export function googleColumnName(header: string): string {
  return header.trim().replace(/^"|"$/g, '').toLowerCase().replace(/^g:/, '').replace(/\s+/g, '_')
}

/** The encoding an XML declaration names, lower-cased; 'utf-8' when there is none. */
export function declaredXmlEncoding(head: Buffer): string {
  const declaration = /^(?:\u00ef\u00bb\u00bf)?\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(
    head.toString('latin1'),
  )
  return declaration ? (declaration[1] as string).toLowerCase() : 'utf-8'
}

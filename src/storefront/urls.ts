import { isUuid } from '../platform/ids.ts'

const maxSlugLength = 60

/** "Robe portefeuille en lin" → "robe-portefeuille-en-lin": readable URL words, accents dropped. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, maxSlugLength)
    .replace(/^-+|-+$/g, '')
}

/** "/p/robe-portefeuille-en-lin-<uuid>": words for people and search engines, the id for us. */
export function productPath(product: { id: string; title: string }): string {
  const slug = slugify(product.title)
  return `/p/${slug ? `${slug}-` : ''}${product.id}`
}

/** The product id at the end of a product handle, or null when there is none. */
export function productIdFromHandle(handle: string): string | null {
  const id = handle.slice(-36)
  return isUuid(id) ? id.toLowerCase() : null
}

/** "Femme > Robes" → "/c/femme/robes". */
export function categoryUrl(path: string): string {
  return `/c/${categorySegments(path).map(slugify).join('/')}`
}

export function categorySegments(path: string): string[] {
  return path
    .split('>')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}

/** A query string from pairs, leaving out empty values; '' when nothing is left. */
export function queryString(pairs: ReadonlyArray<readonly [string, string | number | null | undefined]>): string {
  const params = new URLSearchParams()
  for (const [k, v] of pairs) if (v !== null && v !== undefined && v !== '') params.append(k, String(v))
  const text = params.toString()
  return text ? `?${text}` : ''
}

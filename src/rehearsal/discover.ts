import type { HttpClient } from './http-client.ts'

export interface DiscoveredVariant {
  id: string
  available: number
}

export interface DiscoveredProduct {
  id: string
  title: string
  variants: DiscoveredVariant[]
}

export interface DiscoveredBrand {
  slug: string
  host: string
  shippingMethod: string
  /** Category page paths linked from the home page (/c/…). */
  categories: string[]
  /** Product ids of the listing's first pages (product pages are /p/<id>). */
  productIds: string[]
  /** Products with sellable variants, for cart and checkout. */
  buyable: DiscoveredProduct[]
  searchWords: string[]
}

export class DiscoveryError extends Error {}

/** The Host header a brand's shop answers at on the target: `<slug>.localhost[:port]`. */
export function brandHost(slug: string, target: URL): string {
  return `${slug}.localhost${target.port ? `:${target.port}` : ''}`
}

/** The shops the target lists on its operator index page (the page served at a host that is no brand). */
export async function discoverBrandSlugs(client: HttpClient, target: URL): Promise<string[]> {
  const res = await client.send({ method: 'GET', path: '/', host: target.host, headers: { accept: 'text/html' } })
  if (res.kind !== 'response' || res.status !== 200) {
    throw new DiscoveryError(`the target's index page did not answer (${describe(res)}); name the brands with --brands`)
  }
  const slugs = new Set<string>()
  for (const m of res.body.matchAll(/href="https?:\/\/([a-z0-9][a-z0-9-]*)\.localhost(?::\d+)?\/"/g)) {
    if (m[1]) slugs.add(m[1])
  }
  if (slugs.size === 0) throw new DiscoveryError('the target lists no shops; name the brands with --brands')
  return [...slugs]
}

/**
 * What shoppers of one brand can do, learnt as a shopper would: the shop's settings, the category
 * links on its home page, the listing, and the variants in stock of a sample of products.
 */
export async function discoverBrand(client: HttpClient, target: URL, slug: string): Promise<DiscoveredBrand> {
  const host = brandHost(slug, target)
  const json = async (path: string) => {
    const res = await client.send({ method: 'GET', path, host, headers: { accept: 'application/json' } })
    if (res.kind !== 'response' || res.status !== 200) {
      throw new DiscoveryError(`${slug}: GET ${path} answered ${describe(res)}`)
    }
    return JSON.parse(res.body) as Record<string, unknown>
  }
  const brand = (await json('/api/store/brand')) as { shippingMethods?: Array<{ code: string }> }
  const shippingMethod = brand.shippingMethods?.[0]?.code
  if (!shippingMethod) throw new DiscoveryError(`${slug}: the shop has no shipping method`)

  const home = await client.send({ method: 'GET', path: '/', host, headers: { accept: 'text/html' } })
  const categories = new Set<string>()
  if (home.kind === 'response' && home.status === 200) {
    for (const m of home.body.matchAll(/href="(\/c\/[a-z0-9/-]+)"/g)) if (m[1]) categories.add(m[1])
  }

  const cards: Array<{ id: string; title: string; inStock: boolean }> = []
  for (let page = 1; page <= 3; page++) {
    const listing = (await json(`/api/store/products?pageSize=100&page=${page}`)) as {
      items: Array<{ id: string; title: string; inStock: boolean }>
      total: number
    }
    cards.push(...listing.items)
    if (cards.length >= listing.total || listing.items.length === 0) break
  }
  if (cards.length === 0) throw new DiscoveryError(`${slug}: the shop lists no products`)

  // A spread sample of in-stock products (every k-th), so shoppers do not all buy the newest ones.
  const inStock = cards.filter((c) => c.inStock)
  const step = Math.max(1, Math.floor(inStock.length / 40))
  const sample = inStock.filter((_, i) => i % step === 0).slice(0, 40)
  const buyable: DiscoveredProduct[] = []
  for (let i = 0; i < sample.length; i += 4) {
    const details = await Promise.all(
      sample.slice(i, i + 4).map((c) => json(`/api/store/products/${c.id}`) as Promise<unknown>),
    )
    for (const d of details as Array<{ id: string; title: string; variants: DiscoveredVariant[] }>) {
      const variants = d.variants.filter((v) => v.available > 0).map((v) => ({ id: v.id, available: v.available }))
      if (variants.length > 0) buyable.push({ id: d.id, title: d.title, variants })
    }
  }

  const words = new Set<string>()
  for (const c of cards) {
    for (const w of c.title.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (w.length >= 4) words.add(w)
    if (words.size >= 50) break
  }
  return {
    slug,
    host,
    shippingMethod,
    categories: [...categories],
    productIds: cards.map((c) => c.id),
    buyable,
    searchWords: [...words],
  }
}

function describe(res: Awaited<ReturnType<HttpClient['send']>>): string {
  return res.kind === 'response' ? `HTTP ${res.status}` : `${res.error}: ${res.message}`
}

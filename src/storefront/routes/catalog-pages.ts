import type { FastifyInstance } from 'fastify'
import { type BrandCtx, brandLanguage } from '../../brands/brand.ts'
import { productAvailability, stockGeneration } from '../../catalog/catalog-snapshot.ts'
import { brandCollections, collectionBySlug, searchCollection } from '../../catalog/collections/index.ts'
import {
  getProductDetail,
  listProductLinks,
  type SearchProductsQuery,
  type SearchProductsResult,
  searchProducts,
} from '../../catalog/index.ts'
import { NotFound } from '../../platform/errors.ts'
import type { CategoryNode } from '../categories.ts'
import {
  htmlType,
  type StorefrontDeps,
  sendCachedPage,
  sendPrivatePage,
  settingsStamp,
  shopFor,
  stockFreshnessMs,
  stockKeyedPageMaxAgeMs,
} from '../http.ts'
import { first, type ListingParams, listingPairs, parseListingParams, type Query } from '../listing-params.ts'
import { operatorIndexPage } from '../pages/errors.ts'
import { homePage } from '../pages/home.ts'
import { listingPage } from '../pages/listing.ts'
import { productPage, productView, stockAsShown } from '../pages/product.ts'
import { robotsTxt, sitemapXml } from '../seo.ts'
import { productIdFromHandle, queryString } from '../urls.ts'

const pageSize = 24
const featuredCount = 8
/** Featured collections shown on the home page, each with its first cards. */
const homeCollections = 4
const collectionCardCount = 4

/** Pages anyone may cache: home, categories, search, products, sitemap and robots. */
export async function catalogPages(app: FastifyInstance, deps: StorefrontDeps): Promise<void> {
  app.get('/', async (request, reply) => {
    // At a host that is no brand (localhost, 127.0.0.1): the operator's list of shops.
    if (!request.brand) {
      return sendPrivatePage(reply, operatorIndexPage(deps.brands.all(), portOf(request.headers.host)))
    }
    const { ctx, shop } = await shopFor(request, deps)
    return sendCachedPage(request, reply, deps, shop, 'home', async () => {
      const [featured, collections] = await Promise.all([
        searchProducts(ctx, { page: 1, pageSize: featuredCount, inStock: true, sort: 'newest' }),
        brandCollections(ctx),
      ])
      const shown = await Promise.all(
        collections
          .filter((c) => c.featured)
          .slice(0, homeCollections)
          .map(async (c) => ({
            slug: c.slug,
            title: c.title,
            items: (await searchCollection(ctx, c, { page: 1, pageSize: collectionCardCount })).items,
          })),
      )
      return homePage(shop, featured.items, shown)
    })
  })

  app.get('/c/*', async (request, reply) => {
    const { ctx, shop } = await shopFor(request, deps)
    const url = request.url.split('?')[0]?.replace(/\/+$/, '') ?? ''
    const category = shop.categories.byUrl.get(url.toLowerCase())
    if (!category) throw new NotFound('Category')
    const params = parseListingParams(request.query as Query, ctx.brand.currency)
    const { stock, maxAgeMs } = await listingStock(ctx, params)
    const key = `category:${category.url}${queryString(listingPairs(params))}:${stock}`
    const build = async () => {
      const [result, collections] = await Promise.all([
        searchProducts(ctx, { ...listingQuery(params), category: category.path }),
        brandCollections(ctx),
      ])
      // Rule-based collections of this category or one below it are offered on its page.
      const below = `${category.path} > `
      const related = collections.filter(
        (c) =>
          c.kind === 'rule' &&
          c.rules.categoryPath !== undefined &&
          (c.rules.categoryPath === category.path || c.rules.categoryPath.startsWith(below)),
      )
      const view = { category, ancestors: ancestorsOf(shop.categories.byUrl, category), basePath: category.url }
      return listingPage(shop, { ...view, params, result, facets: result.facets!, collections: related })
    }
    return sendCachedPage(request, reply, deps, shop, key, build, htmlType, maxAgeMs)
  })

  app.get('/search', async (request, reply) => {
    const { ctx, shop } = await shopFor(request, deps)
    const params = parseListingParams(request.query as Query, ctx.brand.currency)
    const { stock, maxAgeMs } = await listingStock(ctx, params)
    const key = `search${queryString(listingPairs(params))}:${stock}`
    const build = async () => {
      const result: SearchProductsResult = params.q
        ? await searchProducts(ctx, listingQuery(params))
        : { items: [], total: 0, page: 1, pageSize, sort: 'relevance', nextCursor: null }
      const facets = result.facets ?? noFacets
      return listingPage(shop, { category: null, ancestors: [], basePath: '/search', params, result, facets })
    }
    return sendCachedPage(request, reply, deps, shop, key, build, htmlType, maxAgeMs)
  })

  app.get('/collections/:slug', async (request, reply) => {
    const { ctx, shop } = await shopFor(request, deps)
    const slug = (request.params as { slug: string }).slug.slice(0, 80)
    const params = parseListingParams(request.query as Query, ctx.brand.currency)
    const key = `collection:${slug}${queryString(listingPairs(params))}`
    return sendCachedPage(request, reply, deps, shop, key, async () => {
      const collection = await collectionBySlug(ctx, slug)
      const result = await searchCollection(ctx, collection, listingQuery(params))
      const view = { category: null, collection, ancestors: [], basePath: `/collections/${collection.slug}` }
      return listingPage(shop, { ...view, params, result, facets: result.facets! })
    })
  })

  app.get('/p/:handle', async (request, reply) => {
    const { ctx, shop } = await shopFor(request, deps)
    const id = productIdFromHandle((request.params as { handle: string }).handle)
    if (!id) throw new NotFound('Product')
    const colour = first((request.query as Query).colour).slice(0, 100)
    // Keyed on the stock it shows, a product page is rebuilt when that moves, not every 2 s.
    const available = await productAvailability(ctx, id)
    const stock = available?.map(stockAsShown).join('') ?? '-'
    const key = `product:${id}:${colour}:${stock}:${settingsStamp(ctx.brand)}`
    const maxAgeMs = available === null ? stockFreshnessMs : stockKeyedPageMaxAgeMs
    const build = async () => {
      const product = await getProductDetail(ctx, id)
      const view = product ? productView(product, brandLanguage(ctx.brand), colour || undefined) : null
      if (!view) throw new NotFound('Product')
      return productPage(shop, view)
    }
    return sendCachedPage(request, reply, deps, shop, key, build, htmlType, maxAgeMs)
  })

  app.get('/sitemap.xml', async (request, reply) => {
    const { ctx, shop } = await shopFor(request, deps)
    return sendCachedPage(
      request,
      reply,
      deps,
      shop,
      'sitemap',
      async () => sitemapXml(shop.origin, shop.categories, await listProductLinks(ctx)),
      'application/xml; charset=utf-8',
    )
  })

  app.get('/robots.txt', async (request, reply) => {
    const { shop } = await shopFor(request, deps)
    return sendCachedPage(
      request,
      reply,
      deps,
      shop,
      'robots',
      async () => robotsTxt(shop.origin),
      'text/plain; charset=utf-8',
    )
  })
}

/**
 * What a category or search page keys its stock on, and how long it may then be kept. It shows
 * stock only as "in stock or not" (cards, the in-stock filter and its facet), so it keys on the
 * brand's stock generation and the settings stamp, and is rebuilt when either moves rather than
 * every 2 s. Sorted by best-selling it also follows the sales ranking, which the key does not
 * hold: that order keeps the 2 s lifetime.
 */
async function listingStock(ctx: BrandCtx, params: ListingParams): Promise<{ stock: string; maxAgeMs: number }> {
  if (params.sort === 'best-selling') return { stock: '', maxAgeMs: stockFreshnessMs }
  const generation = await stockGeneration(ctx)
  return { stock: `${generation}:${settingsStamp(ctx.brand)}`, maxAgeMs: stockKeyedPageMaxAgeMs }
}

const noFacets = { sizes: [], colours: [], priceBands: [], inStock: 0, priceMinMinor: null, priceMaxMinor: null }

/** A storefront listing's parameters as a search query, facets counted in the same pass. */
function listingQuery(params: ListingParams): SearchProductsQuery {
  return {
    ...(params.q ? { text: params.q } : {}),
    sizes: params.sizes,
    colours: params.colours,
    inStock: params.inStock,
    ...(params.minPriceMinor !== undefined ? { minPriceMinor: params.minPriceMinor } : {}),
    ...(params.maxPriceMinor !== undefined ? { maxPriceMinor: params.maxPriceMinor } : {}),
    ...(params.sort ? { sort: params.sort } : {}),
    ...(params.cursor ? { cursor: params.cursor } : {}),
    page: params.page,
    pageSize,
    facets: true,
  }
}

function ancestorsOf(byUrl: Map<string, CategoryNode>, category: CategoryNode): CategoryNode[] {
  const parts = category.url.split('/').slice(2)
  const found: CategoryNode[] = []
  for (let i = 1; i < parts.length; i++) {
    const node = byUrl.get(`/c/${parts.slice(0, i).join('/')}`)
    if (node) found.push(node)
  }
  return found
}

function portOf(host: string | undefined): string {
  return /:(\d{1,5})$/.exec(host ?? '')?.[1] ?? ''
}

import type { FastifyInstance } from 'fastify'
import { brandLanguage } from '../../brands/brand.ts'
import { getProductDetail, listProductLinks, productFacets, searchProducts } from '../../catalog/index.ts'
import { NotFound } from '../../platform/errors.ts'
import type { CategoryNode } from '../categories.ts'
import { type StorefrontDeps, sendCachedPage, sendPrivatePage, shopFor } from '../http.ts'
import { first, listingPairs, parseListingParams, type Query } from '../listing-params.ts'
import { operatorIndexPage } from '../pages/errors.ts'
import { homePage } from '../pages/home.ts'
import { listingPage } from '../pages/listing.ts'
import { productPage, productView } from '../pages/product.ts'
import { robotsTxt, sitemapXml } from '../seo.ts'
import { productIdFromHandle, queryString } from '../urls.ts'

const pageSize = 24
const featuredCount = 8

/** Pages anyone may cache: home, categories, search, products, sitemap and robots. */
export async function catalogPages(app: FastifyInstance, deps: StorefrontDeps): Promise<void> {
  app.get('/', async (request, reply) => {
    // At a host that is no brand (localhost, 127.0.0.1): the operator's list of shops.
    if (!request.brand) {
      return sendPrivatePage(reply, operatorIndexPage(deps.brands.all(), portOf(request.headers.host)))
    }
    const { ctx, shop } = await shopFor(request, deps)
    return sendCachedPage(request, reply, deps, shop, 'home', async () => {
      const featured = await searchProducts(ctx, { page: 1, pageSize: featuredCount, inStock: true, sort: 'newest' })
      return homePage(shop, featured.items)
    })
  })

  app.get('/c/*', async (request, reply) => {
    const { ctx, shop } = await shopFor(request, deps)
    const url = request.url.split('?')[0]?.replace(/\/+$/, '') ?? ''
    const category = shop.categories.byUrl.get(url.toLowerCase())
    if (!category) throw new NotFound('Category')
    const params = parseListingParams(request.query as Query, ctx.brand.currency)
    const key = `category:${category.url}${queryString(listingPairs(params))}`
    return sendCachedPage(request, reply, deps, shop, key, async () => {
      const [result, facets] = await Promise.all([
        searchProducts(ctx, { ...params, pageSize, category: category.path }),
        productFacets(ctx, { category: category.path }),
      ])
      const view = { category, ancestors: ancestorsOf(shop.categories.byUrl, category), basePath: category.url }
      return listingPage(shop, { ...view, params, result, facets })
    })
  })

  app.get('/search', async (request, reply) => {
    const { ctx, shop } = await shopFor(request, deps)
    const params = parseListingParams(request.query as Query, ctx.brand.currency)
    const key = `search${queryString(listingPairs(params))}`
    return sendCachedPage(request, reply, deps, shop, key, async () => {
      const scope = params.q ? { text: params.q } : null
      const [result, facets] = scope
        ? await Promise.all([
            searchProducts(ctx, { ...params, ...scope, pageSize, sort: params.sort }),
            productFacets(ctx, scope),
          ])
        : [
            { items: [], total: 0, page: 1, pageSize },
            { sizes: [], colours: [], priceMinMinor: null, priceMaxMinor: null },
          ]
      return listingPage(shop, { category: null, ancestors: [], basePath: '/search', params, result, facets })
    })
  })

  app.get('/p/:handle', async (request, reply) => {
    const { ctx, shop } = await shopFor(request, deps)
    const id = productIdFromHandle((request.params as { handle: string }).handle)
    if (!id) throw new NotFound('Product')
    const colour = first((request.query as Query).colour).slice(0, 100)
    return sendCachedPage(request, reply, deps, shop, `product:${id}:${colour}`, async () => {
      const product = await getProductDetail(ctx, id)
      const view = product ? productView(product, brandLanguage(ctx.brand), colour || undefined) : null
      if (!view) throw new NotFound('Product')
      return productPage(shop, view)
    })
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

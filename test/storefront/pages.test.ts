import assert from 'node:assert/strict'
import net from 'node:net'
import { describe, test } from 'node:test'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { openTestDatabase } from '../helpers/database.ts'
import { startTestServer } from '../helpers/server.ts'
import { cardTitles, createStorefrontFixture, decode, form } from './fixtures.ts'

const database = await openTestDatabase()
const { fr, en, products } = await createStorefrontFixture(database.db)
const server = await startTestServer(database)
const frHost = `${fr.brand.slug}.localhost:3000`
const enHost = `${en.brand.slug}.localhost:3000`
const get = (path: string, host = frHost, headers: Record<string, string> = {}) =>
  server.request('GET', path, { host, headers })
const productUrl = (p: { id: string }) => `/p/x-${p.id}`

/** Sends a raw request on its own socket; the status line, or '' when the server hung up first. */
function rawStatusLine(request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(server.port, '127.0.0.1')
    let received = ''
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1')
    })
    socket.on('error', () => {})
    socket.on('close', () => resolve(received.split('\r\n')[0] ?? ''))
    socket.end(request)
  })
}

describe('storefront pages', () => {
  test('the home page is in the brand’s theme and language, for a French and an English brand', async () => {
    const frHome = await get('/')
    assert.equal(frHome.status, 200)
    assert.equal(frHome.headers['content-type'], 'text/html; charset=utf-8')
    assert.match(frHome.text, /<html lang="fr-FR">/)
    assert.match(frHome.text, /<title>Maison Ardoise<\/title>/)
    assert.match(frHome.text, /--primary:#3d4a5c/)
    assert.match(frHome.text, /--font:Georgia, "Times New Roman", serif/)
    assert.match(frHome.text, />Nouveautés</)
    assert.match(frHome.text, />Panier </)
    assert.match(frHome.text, /Aller au contenu/)
    assert.match(frHome.text, /<a href="\/c\/femme">Femme<\/a>/)
    // The eight newest products in stock: the sold-out shirt and the draft are left out.
    assert.deepEqual(cardTitles(frHome.text), [
      'Robe de soirée',
      'Pantalon large en laine',
      'Robe courte en coton',
      'Robe longue en lin',
      'Foulard 01',
      'Foulard 02',
      'Foulard 03',
      'Foulard 04',
    ])

    const enHome = await get('/', enHost)
    assert.equal(enHome.status, 200)
    assert.match(enHome.text, /<html lang="en-GB">/)
    assert.match(enHome.text, /--primary:#1d5b4f/)
    assert.match(enHome.text, />New in</)
    assert.match(enHome.text, />Cart </)
    assert.match(enHome.text, /Island wool, made to last\./)
    assert.deepEqual(cardTitles(enHome.text), ['Wool coat', 'Linen midi dress', 'Canvas sneakers'])
    assert.doesNotMatch(enHome.text, /Robe/)
  })

  test('a category lists its products and those of its subcategories, newest first, drafts never', async () => {
    const res = await get('/c/femme/robes')
    assert.equal(res.status, 200)
    assert.match(res.text, /<h1>Robes<\/h1>/)
    assert.match(res.text, /<link rel="canonical" href="http:\/\/[^"]+\/c\/femme\/robes">/)
    assert.deepEqual(cardTitles(res.text), ['Robe de soirée', 'Robe courte en coton', 'Robe longue en lin'])
    assert.match(res.text, /3 produits/)
    const enRes = await get('/c/women', enHost)
    assert.deepEqual(cardTitles(enRes.text), ['Wool coat', 'Linen midi dress'])
    assert.match(enRes.text, /2 products/)
  })

  test('filters by size, colour, stock and price, and sorts by price', async () => {
    const titles = async (query: string) => cardTitles((await get(`/c/femme/robes?${query}`)).text)
    assert.deepEqual(await titles('size=S'), ['Robe longue en lin'])
    assert.deepEqual(await titles('colour=Noir'), ['Robe de soirée', 'Robe courte en coton'])
    assert.deepEqual(await titles('size=M'), ['Robe courte en coton', 'Robe longue en lin'])
    // The long dress has an M only in Bleu, sold out: "M in stock" is the short dress alone.
    assert.deepEqual(await titles('size=M&stock=1'), ['Robe courte en coton'])
    // One variant must match every variant filter: the long dress is S in Rouge but M only in Bleu.
    assert.deepEqual(await titles('size=M&colour=Rouge'), [])
    assert.deepEqual(await titles('min=50&max=100'), ['Robe longue en lin'])
    assert.deepEqual(await titles('max=89'), ['Robe courte en coton', 'Robe longue en lin'])
    assert.deepEqual(await titles('sort=price-asc'), ['Robe courte en coton', 'Robe longue en lin', 'Robe de soirée'])
    assert.deepEqual(await titles('sort=price-desc'), ['Robe de soirée', 'Robe longue en lin', 'Robe courte en coton'])
    assert.deepEqual(await titles('sort=bogus&size=nope&page=-3'), [])
    const page = (await get('/c/femme/robes?size=S&colour=Bleu&stock=1')).text
    assert.match(page, /<input type="checkbox" name="size" value="S" checked>/)
    assert.match(page, /<input type="checkbox" name="colour" value="Bleu" checked>/)
    assert.match(page, /name="stock" value="1" checked/)
  })

  test('paginates 24 products per page with previous and next links', async () => {
    const first = await get('/c/accessoires/foulards')
    const titles = cardTitles(first.text)
    assert.equal(titles.length, 24)
    assert.match(first.text, /26 produits/)
    // Numbered pages are offsets; "next" is a keyset cursor (stable while the shopper browses).
    assert.match(first.text, /<a href="\/c\/accessoires\/foulards\?page=2" aria-label="Page 2">2<\/a>/)
    const next = /<a href="([^"]+)" rel="next">Suivante<\/a>/.exec(first.text)?.[1]?.replaceAll('&amp;', '&') ?? ''
    assert.match(next, /^\/c\/accessoires\/foulards\?cursor=[\w.-]+$/)
    assert.deepEqual(cardTitles((await get(next)).text), ['Foulard 24', 'Foulard 25'])
    const second = await get('/c/accessoires/foulards?page=2')
    assert.deepEqual(cardTitles(second.text), ['Foulard 24', 'Foulard 25'])
    assert.match(second.text, /<link rel="canonical" href="[^"]+\/c\/accessoires\/foulards\?page=2">/)
    assert.match(second.text, /rel="prev">Précédente/)
    const sorted = await get('/c/accessoires/foulards?sort=price-desc&page=2')
    assert.deepEqual(cardTitles(sorted.text), ['Foulard 01', 'Foulard <script>alert("title")</script>'])
  })

  test('search matches every word in titles, descriptions and categories', async () => {
    const titles = async (q: string, host = frHost) =>
      cardTitles((await get(`/search?q=${encodeURIComponent(q)}`, host)).text)
    assert.deepEqual(await titles('lin'), ['Robe longue en lin', 'Chemise en lin'])
    assert.deepEqual(await titles('robe lin'), ['Robe longue en lin'])
    assert.deepEqual(await titles('LAINE'), ['Pantalon large en laine'])
    assert.deepEqual(await titles('pantalons'), ['Pantalon large en laine'])
    // Attribute values are searched too ("Matière: 100 % lin"); punctuation alone finds nothing.
    assert.deepEqual(await titles('100%'), ['Robe longue en lin'])
    assert.deepEqual(await titles('%_'), [])
    assert.deepEqual(await titles('linen', enHost), ['Linen midi dress'])
    const res = await get('/search?q=lin&sort=price-asc')
    assert.deepEqual(cardTitles(res.text), ['Chemise en lin', 'Robe longue en lin'])
    assert.match(res.text, /Résultats pour « lin »/)
    assert.match(res.text, /<meta name="robots" content="noindex">/)
    const empty = await get('/search')
    assert.equal(empty.status, 200)
    assert.match(empty.text, /Saisissez un mot/)
  })

  test('the product page shows variants with stock and price, the compare-at price struck through', async () => {
    const res = await get(productUrl(products.longDress!))
    assert.equal(res.status, 200)
    assert.match(res.text, /<h1>Robe longue en lin<\/h1>/)
    assert.match(res.text, /<s>120,00\s€<\/s><span class="vh">Prix actuel<\/span><span class="sale">89,00\s€<\/span>/)
    const bleuS = products.longDress!.variants.find((v) => v.sku === 'LD-BLEU-S')!
    const bleuM = products.longDress!.variants.find((v) => v.sku === 'LD-BLEU-M')!
    assert.match(res.text, new RegExp(`value="${bleuS.id}" required>`))
    assert.match(res.text, new RegExp(`value="${bleuM.id}" required disabled>`))
    assert.match(res.text, /M <small>\(Épuisé\)<\/small>/)
    assert.match(res.text, /aria-current="true"><span class="swatch" style="background:#1f3a93"><\/span>Bleu/)
    assert.match(res.text, /<link rel="canonical" href="http:\/\/[^"]+\/p\/robe-longue-en-lin-[0-9a-f-]{36}">/)
    assert.match(res.text, /<link rel="alternate" hreflang="fr-FR" href=/)
    assert.match(res.text, /<link rel="alternate" hreflang="x-default" href=/)
    assert.match(res.text, /<meta name="description" content="Une robe fluide, coupée dans un lin lavé.">/)

    const red = await get(`${productUrl(products.longDress!)}?colour=Rouge`)
    assert.match(red.text, /<span class="price">99,00\s€<\/span>/)
    assert.match(red.text, /Plus que 2/)
    assert.match(red.text, /src="\/media\/demo\/dress\/c0272d.svg"/)

    const enCoat = await get(productUrl(products.coat!), enHost)
    assert.match(enCoat.text, /<s>£240.00<\/s>/)
    assert.match(enCoat.text, /£180.00/)
    assert.match(enCoat.text, /Only 2 left/)
    assert.match(enCoat.text, />Add to cart</)
  })

  test('a sold-out product says so and cannot be added', async () => {
    const res = await get(productUrl(products.shirt!))
    assert.equal(res.status, 200)
    assert.match(res.text, /<strong>Épuisé<\/strong>/)
    assert.match(res.text, /<button type="submit" disabled>Épuisé<\/button>/)
  })

  test('the product page carries JSON-LD Product, Offers and BreadcrumbList', async () => {
    const res = await get(productUrl(products.longDress!))
    const blocks = [...res.text.matchAll(/<script type="application\/ld\+json">(.*?)<\/script>/gs)].map((m) =>
      JSON.parse(m[1]!),
    )
    const product = blocks.find((b) => b['@type'] === 'Product')
    assert.equal(product.name, 'Robe longue en lin')
    assert.equal(product.brand.name, 'Maison Ardoise')
    assert.deepEqual(
      product.offers.map((o: any) => [o['@type'], o.sku, o.price, o.priceCurrency, o.availability]),
      [
        ['Offer', 'LD-BLEU-S', '89.00', 'EUR', 'https://schema.org/InStock'],
        ['Offer', 'LD-BLEU-M', '89.00', 'EUR', 'https://schema.org/OutOfStock'],
        ['Offer', 'LD-ROUGE-S', '99.00', 'EUR', 'https://schema.org/InStock'],
      ],
    )
    const crumbs = blocks.find((b) => b['@type'] === 'BreadcrumbList')
    assert.deepEqual(
      crumbs.itemListElement.map((i: any) => i.name),
      ['Accueil', 'Femme', 'Robes', 'Robes longues', 'Robe longue en lin'],
    )
    const enRes = await get(productUrl(products.coat!), enHost)
    const enProduct = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(enRes.text)![1]!)
    assert.deepEqual([enProduct.offers[0].price, enProduct.offers[0].priceCurrency], ['180.00', 'GBP'])
  })

  test('brand isolation: another brand’s product, a draft or an unknown page is a 404 page in the shop’s theme', async () => {
    for (const [path, host] of [
      [productUrl(products.coat!), frHost],
      [productUrl(products.longDress!), enHost],
      [productUrl(products.draft!), frHost],
      ['/c/women', frHost],
      ['/nowhere', frHost],
      ['/p/not-a-product', frHost],
    ] as const) {
      const res = await get(path, host)
      assert.equal(res.status, 404, path)
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8')
      assert.match(res.text, host === frHost ? /Page introuvable/ : /Page not found/)
      assert.match(res.text, /--primary:/)
    }
    const api = await get('/api/store/nowhere')
    assert.equal(api.status, 404)
    assert.equal(api.headers['content-type'], 'application/problem+json; charset=utf-8')
  })

  test('a host that is no brand shows the operator’s index of shops', async () => {
    const res = await get('/', `127.0.0.1:${server.port}`)
    assert.equal(res.status, 200)
    assert.match(res.text, new RegExp(`<a href="http://${fr.brand.slug}.localhost:${server.port}/">Maison Ardoise</a>`))
    assert.match(
      res.text,
      new RegExp(`<a href="http://${en.brand.slug}.localhost:${server.port}/">Harbour &amp; Wool</a>`),
    )
    const other = await get('/c/femme', 'localhost:3000')
    assert.equal(other.status, 404)
    assert.match(other.text, /Page not found/)
  })

  test('pages are shared-cacheable with a strong ETag and answer 304', async () => {
    const res = await get('/c/femme/robes')
    assert.equal(res.headers['cache-control'], 'public, max-age=0, s-maxage=2, stale-while-revalidate=30')
    assert.match(res.headers.etag ?? '', /^"[A-Za-z0-9_-]+"$/)
    assert.equal(res.headers.vary, 'Host, Accept-Encoding')
    assert.equal(res.headers['content-encoding'], undefined, 'a client that asks for no coding gets the page as is')
    const again = await get('/c/femme/robes', frHost, { 'if-none-match': res.headers.etag! })
    assert.equal(again.status, 304)
    assert.equal(again.text, '')
  })

  test('a cached page comes compressed as the client accepts it, each coding with its own ETag', async () => {
    const plain = await get('/c/femme/robes')
    const br = await get('/c/femme/robes', frHost, { 'accept-encoding': 'gzip, deflate, br, zstd' })
    assert.equal(br.headers['content-encoding'], 'br')
    assert.equal(brotliDecompressSync(br.raw).toString('utf8'), plain.text)
    assert.ok(br.raw.length * 2 < plain.raw.length, `${br.raw.length} bytes of ${plain.raw.length}`)
    assert.equal(br.headers.etag, `${plain.headers.etag!.slice(0, -1)}-br"`)

    const gzip = await get('/c/femme/robes', frHost, { 'accept-encoding': 'br;q=0, gzip' })
    assert.equal(gzip.headers['content-encoding'], 'gzip')
    assert.equal(gunzipSync(gzip.raw).toString('utf8'), plain.text)
    assert.equal(gzip.headers.etag, `${plain.headers.etag!.slice(0, -1)}-gzip"`)

    // A validator matches its own representation only: the plain page's ETag does not stand for the brotli one.
    const revalidated = await get('/c/femme/robes', frHost, {
      'accept-encoding': 'br',
      'if-none-match': br.headers.etag!,
    })
    assert.equal(revalidated.status, 304)
    assert.equal(revalidated.headers.etag, br.headers.etag)
    const other = await get('/c/femme/robes', frHost, { 'accept-encoding': 'br', 'if-none-match': plain.headers.etag! })
    assert.equal(other.status, 200)

    for (const refused of ['identity', '*;q=0', 'gzip;q=0, br;q=0', 'compress', ',,;;q=', 'x'.repeat(4000)]) {
      const res = await get('/c/femme/robes', frHost, { 'accept-encoding': refused })
      assert.equal(res.status, 200, refused)
      assert.equal(res.headers['content-encoding'], undefined, refused)
      assert.equal(res.text, plain.text)
    }
  })

  test('a price change through the admin API is visible on the next request', async () => {
    const url = productUrl(products.trousers!)
    const before = await get(url)
    assert.match(before.text, /129,00\s€/)
    const variant = products.trousers!.variants[0]!
    const patch = await server.request('PATCH', `/api/admin/brands/${fr.brand.slug}/variants/${variant.id}`, {
      admin: true,
      body: { priceMinor: 11900 },
    })
    assert.equal(patch.status, 204)
    const after = await get(url)
    assert.match(after.text, /119,00\s€/)
    assert.notEqual(after.headers.etag, before.headers.etag)
    const stale = await get(url, frHost, { 'if-none-match': before.headers.etag! })
    assert.equal(stale.status, 200)
    assert.match(cardTitles((await get('/c/femme/pantalons?max=120')).text).join(), /Pantalon large en laine/)
  })

  test('fingerprinted assets are immutable; the page links them', async () => {
    const home = (await get('/')).text
    const css = /<link rel="stylesheet" href="(\/assets\/storefront\.[0-9a-f]{12}\.css)">/.exec(home)?.[1]
    const js = /<script src="(\/assets\/storefront\.[0-9a-f]{12}\.js)" defer>/.exec(home)?.[1]
    assert.ok(css && js)
    for (const [url, type] of [
      [css, 'text/css; charset=utf-8'],
      [js, 'text/javascript; charset=utf-8'],
    ] as const) {
      const res = await get(url)
      assert.equal(res.status, 200)
      assert.equal(res.headers['content-type'], type)
      assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable')
    }
    assert.equal((await get('/assets/storefront.000000000000.css')).status, 404)
  })

  test('demo images and the brand’s logo are immutable SVGs under a no-script policy', async () => {
    const image = await get('/media/demo/dress/1f3a93.svg')
    assert.equal(image.status, 200)
    assert.equal(image.headers['content-type'], 'image/svg+xml; charset=utf-8')
    assert.equal(image.headers['cache-control'], 'public, max-age=31536000, immutable')
    assert.equal(image.headers['content-security-policy'], "default-src 'none'; style-src 'unsafe-inline'")
    assert.match(image.text, /^<svg /)
    assert.equal((await get('/media/demo/constructor/1f3a93.svg')).status, 404)
    assert.equal((await get('/media/demo/dress/zzzzzz.svg')).status, 404)
    const logo = await get(`/media/logo/${fr.brand.slug}.svg`)
    assert.equal(logo.status, 200)
    assert.match(logo.text, /aria-label="Maison Ardoise"/)
    assert.match(logo.text, /fill="#3d4a5c"/)
    assert.equal((await get(`/media/logo/${en.brand.slug}.svg`)).status, 404)
  })

  test('sitemap.xml lists the brand’s categories and active products; robots.txt keeps crawlers off personal pages', async () => {
    const sitemap = await get('/sitemap.xml')
    assert.equal(sitemap.status, 200)
    assert.equal(sitemap.headers['content-type'], 'application/xml; charset=utf-8')
    const locs = [...sitemap.text.matchAll(/<loc>(.*?)<\/loc>/g)].map((m) => m[1]!)
    const origin = `http://${frHost}`
    assert.ok(locs.includes(`${origin}/`))
    assert.ok(locs.includes(`${origin}/c/femme/robes/robes-longues`))
    assert.ok(locs.includes(`${origin}/c/homme`))
    assert.ok(locs.includes(`${origin}/p/robe-longue-en-lin-${products.longDress!.id}`))
    assert.ok(locs.includes(`${origin}/p/chemise-en-lin-${products.shirt!.id}`))
    assert.ok(!locs.some((l) => l.includes(products.draft!.id)))
    assert.ok(!locs.some((l) => l.includes(products.coat!.id)))
    assert.equal(locs.filter((l) => l.includes('/p/')).length, 31)

    const robots = await get('/robots.txt', enHost)
    assert.equal(robots.headers['content-type'], 'text/plain; charset=utf-8')
    for (const line of ['User-agent: *', 'Disallow: /cart', 'Disallow: /checkout', 'Disallow: /orders']) {
      assert.ok(robots.text.split('\n').includes(line), line)
    }
    assert.match(robots.text, new RegExp(`Sitemap: http://${enHost.replace('.', '\\.')}/sitemap.xml`))
  })

  test('hostile text in query strings and catalog data is escaped, never markup', async () => {
    const payloads = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'><svg onload=alert(1)>"]
    for (const payload of payloads) {
      const q = encodeURIComponent(payload)
      for (const path of [
        `/search?q=${q}`,
        `/search?q=robe&size=${q}&colour=${q}&min=${q}&sort=${q}`,
        `/c/femme?size=${q}&page=${q}`,
        `${productUrl(products.longDress!)}?colour=${q}`,
        `/nowhere/${q}`,
      ]) {
        const res = await get(path)
        assert.ok(!res.text.includes(payload), `${path} echoes the payload`)
        assert.ok(
          !/<(script|img|svg)[^>]*(alert|onerror|onload)/i.test(
            res.text.replace(/<script type="application\/ld\+json">.*?<\/script>/gs, ''),
          ),
          path,
        )
      }
    }
    const search = await get(`/search?q=${encodeURIComponent(payloads[0]!)}`)
    assert.match(search.text, /Résultats pour « &lt;script&gt;alert\(1\)&lt;\/script&gt; »/)

    const listing = await get('/c/accessoires/foulards?sort=price-desc&page=2')
    assert.match(listing.text, /<h3>Foulard &lt;script&gt;alert\(&quot;title&quot;\)&lt;\/script&gt;<\/h3>/)
    const page = await get(productUrl(products.hostile!))
    assert.ok(!page.text.includes('<script>alert("title")</script>'))
    assert.ok(!page.text.includes('<img src=x onerror=alert(2)>'))
    assert.match(page.text, /\\u003cscript\\u003ealert/)
  })

  test('overlong input is refused or cut, never echoed whole', async () => {
    const huge = 'a'.repeat(100 * 1024)
    // Node refuses a 100 KB request line itself (431), often closing before the client has written it all.
    const status = await rawStatusLine(`GET /search?q=${huge} HTTP/1.1\r\nHost: ${frHost}\r\n\r\n`)
    assert.ok(status === '' || status.startsWith('HTTP/1.1 431'), status)
    const long = await get(`/search?q=${'b'.repeat(5000)}`)
    assert.equal(long.status, 200)
    assert.ok(!long.text.includes('b'.repeat(101)))
    const lookup = await server.request('POST', '/orders/lookup', {
      host: frHost,
      rawBody: form({ number: huge, email: `<script>alert(1)</script>${huge}@example.org` }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    assert.equal(lookup.status, 422)
    assert.equal(lookup.headers['content-type'], 'text/html; charset=utf-8')
    assert.ok(!lookup.text.includes('a'.repeat(300)))
    assert.ok(!lookup.text.includes('<script>alert(1)'))
    assert.match(lookup.text, /value="&lt;script&gt;alert\(1\)&lt;\/script&gt;a+"/)
  })

  test('decodes entities in the test helper the same way browsers do', () => {
    assert.equal(decode('&lt;a href=&quot;x&quot;&gt;&amp;&#39;'), '<a href="x">&\'')
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isValidGtin } from '../catalog/gtin.ts'
import { assortmentOf, coloursFor, priceRangeMinor } from './assortments/index.ts'
import { type DemoBrand, type DemoProduct, demoBrands, generateCatalog } from './generate-catalog.ts'
import { garmentKinds, renderPlaceholderSvg } from './placeholder-image.ts'

const brands = demoBrands()
const catalogs = new Map<string, DemoProduct[]>(brands.map((brand) => [brand.slug, [...generateCatalog(brand)]]))
const catalogOf = (brand: DemoBrand) => catalogs.get(brand.slug) ?? []
const languageOf = (brand: DemoBrand) => (brand.locale.startsWith('fr') ? 'fr' : 'en')
const imageUrl = /^\/media\/demo\/([a-z-]+)\/([0-9a-f]{6})\.svg$/

describe('demoBrands', () => {
  it('lists twelve brands with distinct slugs, names and order prefixes', () => {
    assert.equal(brands.length, 12)
    for (const key of ['slug', 'name', 'orderPrefix'] as const) {
      assert.equal(new Set(brands.map((b) => b[key])).size, 12, key)
    }
    for (const brand of brands) assert.match(brand.orderPrefix, /^[A-Z]{3}$/)
  })
})

describe('generateCatalog', () => {
  it('generates exactly productCount products, 300 to 3,000 per brand', () => {
    for (const brand of brands) {
      assert.ok(brand.productCount >= 300 && brand.productCount <= 3000, brand.slug)
      assert.equal(catalogOf(brand).length, brand.productCount, brand.slug)
    }
  })

  it('gives unique references and SKUs within a brand, each SKU built on its reference', () => {
    for (const brand of brands) {
      const references = new Set<string>()
      const skus = new Set<string>()
      for (const product of catalogOf(brand)) {
        assert.match(product.reference, new RegExp(`^${brand.orderPrefix}-\\d{5}$`))
        assert.ok(!references.has(product.reference), product.reference)
        references.add(product.reference)
        for (const variant of product.variants) {
          assert.match(variant.sku, /^[A-Z]{3}-\d{5}-[A-Z]{3}-[0-9A-Z-]+$/)
          assert.ok(variant.sku.startsWith(`${product.reference}-`), variant.sku)
          assert.ok(!skus.has(variant.sku), variant.sku)
          skus.add(variant.sku)
        }
      }
    }
  })

  it('gives every variant a valid EAN-13, unique across all brands', () => {
    const gtins = new Set<string>()
    let variants = 0
    for (const products of catalogs.values()) {
      for (const variant of products.flatMap((p) => p.variants)) {
        variants += 1
        assert.equal(variant.gtin.length, 13)
        assert.ok(isValidGtin(variant.gtin), variant.gtin)
        // GS1 restricted-circulation prefixes 20-29: never a real product's code.
        assert.match(variant.gtin, /^2/)
        gtins.add(variant.gtin)
      }
    }
    assert.equal(gtins.size, variants)
  })

  it('prices every variant within its category range, in whole shop price points', () => {
    for (const brand of brands) {
      const types = assortmentOf(brand.slug).types
      for (const product of catalogOf(brand)) {
        const kind = imageUrl.exec(product.images[0]?.url ?? '')?.[1]
        const rows = types.filter((t) => t.category === product.categoryPath && t.kind === kind)
        assert.ok(rows.length > 0, `${product.reference}: no row for ${product.categoryPath} (${kind})`)
        const ranges = rows.map((t) => priceRangeMinor(t, brand.currency))
        const lo = Math.min(...ranges.map((r) => r[0]))
        const hi = Math.max(...ranges.map((r) => r[1]))
        for (const v of product.variants) {
          assert.ok(Number.isInteger(v.priceMinor) && v.priceMinor > 0, v.sku)
          assert.ok(v.priceMinor >= lo && v.priceMinor <= hi, `${v.sku}: ${v.priceMinor} outside ${lo}..${hi}`)
          assert.ok([0, 50, 90].includes(v.priceMinor % 100), `${v.sku}: ${v.priceMinor}`)
        }
      }
    }
  })

  it('keeps prices in the ranges a shopper expects, converted for francs and pounds', () => {
    const range = (slug: string, category: string) => {
      const brand = brands.find((b) => b.slug === slug) as DemoBrand
      const prices = catalogOf(brand)
        .filter((p) => p.categoryPath === category)
        .flatMap((p) => p.variants.map((v) => v.priceMinor))
      return [Math.min(...prices), Math.max(...prices)]
    }
    const within = ([lo, hi]: number[], min: number, max: number) => lo! >= min && hi! <= max
    assert.ok(within(range('ardoisine', 'Femme > Hauts > T-shirts'), 1900, 5500))
    assert.ok(within(range('ardoisine', 'Femme > Manteaux & vestes > Manteaux'), 15000, 49000))
    assert.ok(within(range('semelle-vive', 'Baskets > Baskets basses'), 8000, 22000))
    // 1.05 CHF and 0.86 GBP to the euro, at shelf prices.
    assert.ok(within(range('arete-blanche', 'Homme > Vestes > Doudounes'), 23100, 51450))
    assert.ok(within(range('purl-thistle', 'Women > Knitwear > Jumpers'), 8170, 20640))
  })

  it('sets a compare-at price on about 15% of products, 20% to 50% above the price', () => {
    for (const brand of brands) {
      const products = catalogOf(brand)
      const marked = products.filter((p) => p.variants[0]?.compareAtMinor !== null)
      const share = marked.length / products.length
      assert.ok(share > 0.1 && share < 0.2, `${brand.slug}: ${share}`)
      for (const product of products) {
        const hasMarkdown = product.variants[0]?.compareAtMinor !== null
        for (const v of product.variants) {
          assert.equal(v.compareAtMinor !== null, hasMarkdown, `${v.sku}: all variants or none`)
          if (v.compareAtMinor === null) continue
          assert.ok(Number.isInteger(v.compareAtMinor) && v.compareAtMinor > v.priceMinor, v.sku)
          const ratio = v.compareAtMinor / v.priceMinor
          assert.ok(ratio >= 1.19 && ratio <= 1.56, `${v.sku}: ${ratio}`)
        }
      }
    }
  })

  it('sells out about 3% of products entirely and leaves some sizes low or out', () => {
    for (const brand of brands) {
      const products = catalogOf(brand)
      const soldOut = products.filter((p) => p.variants.every((v) => v.onHand === 0)).length / products.length
      assert.ok(soldOut >= 0.01 && soldOut <= 0.06, `${brand.slug}: ${soldOut}`)
      const variants = products.flatMap((p) => p.variants)
      for (const v of variants) assert.ok(Number.isInteger(v.onHand) && v.onHand >= 0 && v.onHand <= 60, v.sku)
      const low = variants.filter((v) => v.onHand > 0 && v.onHand <= 2).length / variants.length
      assert.ok(low > 0.05 && low < 0.15, `${brand.slug}: ${low} of variants at 1 or 2`)
    }
  })

  it('publishes about 96% of products, leaves about 3% in draft and 1% archived', () => {
    const all = [...catalogs.values()].flat()
    const share = (status: string) => all.filter((p) => p.status === status).length / all.length
    assert.ok(share('active') > 0.94 && share('active') < 0.98, `active ${share('active')}`)
    assert.ok(share('draft') > 0.02 && share('draft') < 0.04, `draft ${share('draft')}`)
    assert.ok(share('archived') > 0.005 && share('archived') < 0.015, `archived ${share('archived')}`)
    for (const brand of brands) {
      const products = catalogOf(brand)
      assert.ok(products.filter((p) => p.status === 'active').length / products.length > 0.92, brand.slug)
      for (const p of products) {
        assert.ok(Number.isInteger(p.createdDaysAgo) && p.createdDaysAgo >= 0 && p.createdDaysAgo <= 400)
        if (p.status === 'draft') assert.ok(p.createdDaysAgo <= 30, `${p.reference}: an old draft`)
      }
    }
  })

  it('shows one to three images per product, each of its kind in one of its colours', () => {
    const kinds = new Set<string>(garmentKinds)
    for (const product of [...catalogs.values()].flat()) {
      assert.ok(product.images.length >= 1 && product.images.length <= 3, product.reference)
      const hexes = new Set(product.variants.map((v) => v.colourHex.slice(1)))
      for (const image of product.images) {
        const [, kind = '', hex = ''] = imageUrl.exec(image.url) ?? []
        assert.ok(kinds.has(kind), image.url)
        assert.ok(hexes.has(hex), `${image.url}: not a colour of ${product.reference}`)
        assert.notEqual(renderPlaceholderSvg(kind, hex), null, image.url)
        assert.ok(image.alt.length > 10 && image.alt.length <= 500, image.alt)
      }
      assert.equal(new Set(product.images.map((i) => i.url)).size, product.images.length, product.reference)
    }
  })

  it('writes title, description and attributes in the brand language, with both translations', () => {
    for (const brand of brands) {
      const lang = languageOf(brand)
      for (const p of catalogOf(brand)) {
        assert.equal(p.title, p.translations[lang].title)
        assert.equal(p.description, p.translations[lang].description)
        // French titles end "… en <material>" (possibly followed by a colour); English ones never say "en".
        assert.match(p.translations.fr.title, / en /, p.reference)
        assert.doesNotMatch(p.translations.en.title, / en /, p.reference)
        assert.notEqual(p.translations.fr.description, p.translations.en.description)
        for (const text of [p.translations.fr.description, p.translations.en.description]) {
          const sentences = text.split(/(?<=\.) /)
          assert.ok(sentences.length >= 2 && sentences.length <= 3, text)
        }
        for (const t of [p.translations.fr.title, p.translations.en.title]) {
          assert.ok(t.length > 0 && t.length <= 300 && t === t.trim() && !t.includes('  ') && !/[*@]/.test(t), t)
          assert.equal(t[0], t[0]?.toUpperCase(), t)
        }
        assert.deepEqual(
          Object.keys(p.attributes).filter((k) => k !== 'fit'),
          ['material', 'gender', 'season'],
        )
        assert.ok(p.categoryPath.split(' > ').length >= 2 && p.categoryPath.split(' > ').length <= 3, p.categoryPath)
        for (const v of p.variants) assert.match(v.colourHex, /^#[0-9a-f]{6}$/)
      }
    }
    const attrs = (slug: string) => catalogOf(brands.find((b) => b.slug === slug) as DemoBrand)[0]?.attributes
    assert.ok(['Femme', 'Homme', 'Mixte'].includes(attrs('ardoisine')?.gender ?? ''))
    assert.ok(['Women', 'Men', 'Unisex'].includes(attrs('purl-thistle')?.gender ?? ''))
  })

  it('keeps titles diverse, and most products in several colours', () => {
    for (const brand of brands) {
      const products = catalogOf(brand)
      const distinct = new Set(products.map((p) => p.title)).size
      assert.ok(distinct / products.length >= 0.95, `${brand.slug}: ${distinct} distinct of ${products.length}`)
      const styles = new Set(products.map((p) => p.title.replace(/ – .*$/, ''))).size
      assert.ok(styles / products.length >= 0.9, `${brand.slug}: ${styles} styles for ${products.length} products`)
      const multicolour = products.filter((p) => new Set(p.variants.map((v) => v.colour)).size > 1).length
      // Bags and shoes are one size or long size runs, so fewer colours fit; the rest average ~2.
      assert.ok(multicolour / products.length >= 0.4, `${brand.slug}: ${multicolour} multicolour`)
    }
  })

  it('gives one to 24 variants per product, one per colour and size, with plausible weights', () => {
    for (const product of [...catalogs.values()].flat()) {
      assert.ok(product.variants.length >= 1 && product.variants.length <= 24, product.reference)
      const pairs = new Set(product.variants.map((v) => `${v.colour}|${v.size}`))
      assert.equal(pairs.size, product.variants.length, product.reference)
      const colours = new Set(product.variants.map((v) => v.colourHex))
      assert.ok(colours.size >= 1 && colours.size <= 4, product.reference)
      for (const v of product.variants) {
        assert.ok(
          Number.isInteger(v.weightGrams) && v.weightGrams >= 10 && v.weightGrams <= 3000,
          `${v.sku}: ${v.weightGrams} g`,
        )
      }
    }
  })

  it('is deterministic: the same products on every call and every iteration', () => {
    for (const brand of brands) {
      const again = generateCatalog(brand)
      assert.deepEqual([...again], catalogOf(brand), brand.slug)
      assert.deepEqual([...again], catalogOf(brand), `${brand.slug}, iterated twice`)
    }
  })

  it('starts Ardoisine with the same product on every machine', () => {
    const first = catalogs.get('ardoisine')?.[0]
    // A change here changes every demo shop: regenerate screenshots and tell whoever demos them.
    assert.equal(first?.reference, 'ARD-10001')
    assert.equal(first?.title, 'Blouse à col rond Pénélope en satin de soie')
    assert.equal(first?.translations.en.title, 'Pénélope round-neck silk satin blouse')
    assert.equal(first?.variants.length, 10)
    assert.equal(first?.variants[0]?.sku, 'ARD-10001-KHK-XS')
    // '2' + 'ARD' in base 26 (00445) + variant 000001 + check digit.
    assert.equal(first?.variants[0]?.gtin, '2004450000014')
    assert.equal(first?.variants[0]?.priceMinor, 15500)
  })

  it('generates all twelve catalogs in under 2 seconds', () => {
    const started = performance.now()
    let variants = 0
    for (const brand of demoBrands()) for (const product of generateCatalog(brand)) variants += product.variants.length
    const elapsed = performance.now() - started
    assert.ok(variants > 50_000)
    assert.ok(elapsed < 2000, `${Math.round(elapsed)} ms`)
  })

  it('refuses a brand that has no assortment', () => {
    assert.throws(() => generateCatalog({ ...brands[0]!, slug: 'unknown' }), RangeError)
  })
})

describe('assortments', () => {
  it('offer every material of every row in at least one colour, with no repeated colour or size', () => {
    for (const brand of brands) {
      for (const row of assortmentOf(brand.slug).types) {
        const what = `${brand.slug} ${row.category} ${row.noun[0]}`
        assert.equal(new Set(row.colours).size, row.colours.length, `${what}: repeated colour`)
        assert.equal(new Set(row.sizes).size, row.sizes.length, `${what}: repeated size`)
        assert.equal(new Set(row.materials).size, row.materials.length, `${what}: repeated material`)
        for (const material of row.materials) assert.ok(coloursFor(row, material).length > 0, `${what}: ${material}`)
        assert.ok(row.priceEur[0] < row.priceEur[1] && row.weightGrams[0] < row.weightGrams[1], what)
        assert.ok(row.descriptors.length > 0 && row.share > 0, what)
      }
    }
  })

  it('use every silhouette there is', () => {
    const used = new Set(brands.flatMap((b) => assortmentOf(b.slug).types.map((t) => t.kind)))
    assert.deepEqual(
      [...garmentKinds].filter((k) => !used.has(k)),
      [],
    )
  })
})

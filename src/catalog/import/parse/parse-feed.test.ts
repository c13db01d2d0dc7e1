import assert from 'node:assert/strict'
import { createReadStream, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import {
  detectFormat,
  type FeedEvent,
  type FeedItem,
  type FeedRejection,
  FeedStructureError,
  generateGoogleFeed,
  type ParseOptions,
  parseFeed,
} from './index.ts'

const googleNamespace = 'http://base.google.com/ns/1.0'
const fixtures = join(import.meta.dirname, '../../../../test/fixtures/feeds')
const eur: ParseOptions = { defaultCurrency: 'EUR' }

async function collect(input: AsyncIterable<Buffer> | NodeJS.ReadableStream, options: ParseOptions = eur) {
  const items: FeedItem[] = []
  const rejections: FeedRejection[] = []
  const events: FeedEvent[] = []
  for await (const event of parseFeed(input, options)) {
    events.push(event)
    if (event.kind === 'item') items.push(event.item)
    else rejections.push(event.rejection)
  }
  return { items, rejections, events }
}
const fixture = (name: string) => createReadStream(join(fixtures, name))
async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
}
async function structureError(input: AsyncIterable<Buffer> | NodeJS.ReadableStream, options: ParseOptions = eur) {
  const seen: FeedEvent[] = []
  try {
    for await (const event of parseFeed(input, options)) seen.push(event)
  } catch (error) {
    assert.ok(error instanceof FeedStructureError, `expected FeedStructureError, got ${error}`)
    return { error, seen }
  }
  assert.fail(`expected a FeedStructureError, got ${seen.length} events`)
}
const pick = (item: FeedItem, keys: (keyof FeedItem)[]) => Object.fromEntries(keys.map((k) => [k, item[k]]))
const at = (iso: string) => new Date(iso)

describe('parseFeed: Google RSS', () => {
  it('reads every item of the basic feed with its exact fields', async () => {
    const { items, rejections } = await collect(fixture('google-rss-basic.xml'))
    assert.deepEqual(rejections, [])
    assert.deepEqual(
      items.map((i) => pick(i, ['line', 'id', 'groupId', 'title', 'description', 'categoryPath', 'link', 'images'])),
      [
        {
          line: 7,
          id: 'VESTE-1-S',
          groupId: 'VESTE-1',
          title: 'Veste en laine & cachemire – taille S',
          description: '<p>Une veste <b>chaude</b> &amp; légère.</p>',
          categoryPath: 'Femme > Vestes > Laine',
          link: 'https://maison.example/p/veste-1?size=S&ref=feed',
          images: [
            'https://cdn.maison.example/veste-1/front.jpg',
            'https://cdn.maison.example/veste-1/back.jpg',
            'https://cdn.maison.example/w_200,h_300/veste-1/side.jpg',
          ],
        },
        {
          line: 36,
          id: 'TEE-2-M',
          groupId: 'TEE-2',
          title: 'T-shirt été <bio>',
          description: 'Coton bio, coupe droite.',
          categoryPath: 'Homme > T-shirts',
          link: 'https://maison.example/p/tee-2',
          images: ['https://cdn.maison.example/tee-2.jpg'],
        },
        {
          line: 52,
          id: 'VESTE-1-M',
          groupId: 'VESTE-1',
          title: 'Veste en laine & cachemire – taille M',
          description: '<p>Une veste <b>chaude</b> &amp; légère.</p>',
          categoryPath: 'Femme > Vestes > Laine',
          link: 'https://maison.example/p/veste-1?size=M',
          images: ['https://cdn.maison.example/veste-1/front.jpg'],
        },
        {
          line: 68,
          id: 'KIMONO-3',
          groupId: 'KIMONO-3',
          title: '着物 — 桜 (Kimono sakura)',
          description: '絹の着物。Soie naturelle.',
          categoryPath: null,
          link: 'https://maison.example/p/kimono',
          images: [
            'https://cdn.maison.example/kimono.jpg',
            'https://cdn.maison.example/kimono-2.jpg',
            'https://cdn.maison.example/kimono-3.jpg',
          ],
        },
        {
          line: 78,
          id: 'TEE-2-L',
          groupId: 'TEE-2',
          title: 'T-shirt été <bio>',
          description: null,
          categoryPath: null,
          link: null,
          images: [],
        },
      ],
    )
    assert.deepEqual(
      items.map((i) =>
        pick(i, [
          'size',
          'colour',
          'gtin',
          'mpn',
          'brandName',
          'priceMinor',
          'currency',
          'salePriceMinor',
          'saleStartsAt',
          'saleEndsAt',
          'availability',
          'availabilityDate',
          'weightGrams',
          'quantity',
          'status',
          'compareAtMinor',
          'attributes',
        ]),
      ),
      [
        {
          size: 'S',
          colour: 'Écru',
          gtin: '4006381333931',
          mpn: 'VE1-S',
          brandName: 'Maison Exemple',
          priceMinor: 28900,
          currency: 'EUR',
          salePriceMinor: 23120,
          saleStartsAt: at('2026-01-07T07:00:00Z'),
          saleEndsAt: at('2026-02-03T18:00:00Z'),
          availability: 'in_stock',
          availabilityDate: null,
          weightGrams: 1200,
          quantity: null,
          status: null,
          compareAtMinor: null,
          attributes: {
            google_product_category: 'Apparel & Accessories > Clothing > Outerwear',
            gender: 'female',
            material: 'laine',
            shipping: '[{"country":"FR","service":"Standard","price":"4.90 EUR"}]',
          },
        },
        {
          size: 'M',
          colour: 'Blanc',
          gtin: null,
          mpn: null,
          brandName: 'Maison Exemple',
          priceMinor: 3500,
          currency: 'EUR',
          salePriceMinor: null,
          saleStartsAt: null,
          saleEndsAt: null,
          availability: 'out_of_stock',
          availabilityDate: null,
          weightGrams: 350,
          quantity: null,
          status: null,
          compareAtMinor: null,
          attributes: { custom_label_0: 'été' },
        },
        {
          size: 'M',
          colour: 'Écru',
          gtin: '5901234123457',
          mpn: null,
          brandName: 'Maison Exemple',
          priceMinor: 28900,
          currency: 'EUR',
          salePriceMinor: null,
          saleStartsAt: null,
          saleEndsAt: null,
          availability: 'preorder',
          availabilityDate: at('2026-03-01T09:00:00Z'),
          weightGrams: null,
          quantity: null,
          status: null,
          compareAtMinor: null,
          attributes: {},
        },
        {
          size: null,
          colour: null,
          gtin: null,
          mpn: null,
          brandName: null,
          priceMinor: 125000,
          currency: 'EUR',
          salePriceMinor: null,
          saleStartsAt: null,
          saleEndsAt: null,
          availability: 'backorder',
          availabilityDate: null,
          weightGrams: null,
          quantity: null,
          status: null,
          compareAtMinor: null,
          attributes: {},
        },
        {
          size: 'L',
          colour: 'Blanc',
          gtin: null,
          mpn: null,
          brandName: null,
          priceMinor: 3500,
          currency: 'EUR',
          salePriceMinor: null,
          saleStartsAt: null,
          saleEndsAt: null,
          availability: 'in_stock',
          availabilityDate: null,
          weightGrams: null,
          quantity: null,
          status: null,
          compareAtMinor: null,
          attributes: { custom_label_0: '["été","soldes"]' },
        },
      ],
    )
  })

  it('gives the same events whatever the chunk size, even with characters split between chunks', async () => {
    const bytes = readFileSync(join(fixtures, 'google-rss-basic.xml'))
    const whole = await collect(chunked(bytes, bytes.length))
    for (const size of [1, 2, 3, 7, 64]) assert.deepEqual((await collect(chunked(bytes, size))).events, whole.events)
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes])
    assert.deepEqual((await collect(chunked(withBom, 1))).events, whole.events)
  })

  it('reads g: fields by namespace, whatever its prefix, and follows a prefix bound elsewhere', async () => {
    const xml = `<?xml version="1.0"?>
<rss version="2.0" xmlns:g="${googleNamespace}">
<channel>
<item><g:id>A</g:id><g:title>T</g:title><g:price>1.00 EUR</g:price></item>
<item><g:id>B</g:id><g:title xmlns:g="urn:other">not Google's</g:title><g:title>U</g:title><g:price>1.00 EUR</g:price></item>
<item xmlns:g="urn:other" xmlns:p="${googleNamespace}"><p:id>C</p:id><g:id>ignored</g:id><p:title>V</p:title><p:price>2.00 EUR</p:price></item>
<item xmlns="${googleNamespace}"><id>D</id><title>W</title><price>3.00 EUR</price></item>
<item><g:id>E</g:id><title>plain title</title><g:price>4.00 EUR</g:price></item>
</channel>
</rss>
`
    for (const size of [7, xml.length]) {
      const { items, rejections } = await collect(chunked(Buffer.from(xml), size))
      assert.deepEqual(rejections, [])
      assert.deepEqual(
        items.map((i) => [i.line, i.id, i.title]),
        [
          [4, 'A', 'T'],
          [5, 'B', 'U'],
          [6, 'C', 'V'],
          // line 7: an <item> in Google's namespace is not an RSS item
          [8, 'E', 'plain title'],
        ],
      )
    }
  })

  it('writes nested groups as JSON text item by item, and reads repeated prices and weights afresh for each field', async () => {
    const shipping = (country: string, price: string) =>
      `<g:shipping><g:country>${country}</g:country><g:price>${price}</g:price></g:shipping>`
    const item = (id: string, price: string, rest: string) =>
      `<item><g:id>${id}</g:id><g:title>T</g:title><g:price>${price}</g:price>${rest}</item>`
    const xml = `<?xml version="1.0"?>
<rss version="2.0" xmlns:g="${googleNamespace}">
<channel>
${item('A', '10.00 EUR', `${shipping('FR', '4.90 EUR')}<g:shipping_weight>1 kg</g:shipping_weight>`)}
${item('B', '10.00 EUR', `${shipping('FR', '4.90 EUR')}<g:shipping_weight>1 kg</g:shipping_weight>`)}
${item('C', '10.00 EUR', `${shipping('FR', '4.90 EUR')}${shipping('BE', '6.00 EUR')}<g:sale_price>10.00 EUR</g:sale_price>`)}
${item('D', '12.00 EUR', '<g:shipping><g:country>FR</g:country><g:price>1 EUR</g:price><g:country>"DE"</g:country></g:shipping>')}
${item('E', '10.00 USD', `${shipping('FR', '4.90 EUR')}<g:shipping_weight>1 kg</g:shipping_weight>`)}
${item('F', '10.00 EUR', `${shipping('FR', '4.90 EUR')}<g:shipping_weight>2 lb</g:shipping_weight>`)}
</channel>
</rss>
`
    const { items, rejections } = await collect(chunked(Buffer.from(xml), 64))
    assert.deepEqual(
      items.map((i) => [i.id, i.priceMinor, i.weightGrams, i.attributes.shipping]),
      [
        ['A', 1000, 1000, '[{"country":"FR","price":"4.90 EUR"}]'],
        ['B', 1000, 1000, '[{"country":"FR","price":"4.90 EUR"}]'],
        // A sub-field given twice keeps its first place and its last value, as JSON.stringify of an object would.
        ['D', 1200, null, '[{"country":"\\"DE\\"","price":"1 EUR"}]'],
        ['F', 1000, 907, '[{"country":"FR","price":"4.90 EUR"}]'],
      ],
    )
    assert.deepEqual(
      rejections.map((r) => [r.itemId, r.reason]),
      [
        ['C', 'sale_price "10.00 EUR" is not below the price "10.00 EUR"'],
        ['E', 'price in USD but the brand sells in EUR'],
      ],
    )
  })

  it('reads a Latin-1 feed as declared', async () => {
    const { items } = await collect(fixture('latin1.xml'))
    assert.deepEqual(
      items.map((i) => pick(i, ['line', 'id', 'title', 'description', 'priceMinor'])),
      [
        {
          line: 4,
          id: 'CAFE-8',
          title: "Café à l'été, crème brûlée",
          description: 'Torréfié à Lyon.',
          priceMinor: 1250,
        },
      ],
    )
  })

  it('rejects each invalid item with its line, id and reason, and keeps the valid one', async () => {
    const { items, rejections } = await collect(fixture('invalid-items.xml'))
    const expected: [number, string | null, string][] = [
      [4, null, 'missing id'],
      [8, 'NO-TITLE', 'missing title'],
      [12, 'NO-PRICE', 'missing price'],
      [16, 'BAD-PRICE', 'unparsable price "ten EUR"'],
      [21, 'NEGATIVE', 'negative price'],
      [26, 'XYZ', 'unknown currency "XYZ"'],
      [31, 'DOLLARS', 'price in USD but the brand sells in EUR'],
      [36, 'BAD-GTIN', 'invalid GTIN "4006381333932"'],
      [42, 'LONG-TITLE', 'title is longer than 300 characters'],
      [47, 'SALE-TOO-HIGH', 'sale_price "10.00 EUR" is not below the price "10.00 EUR"'],
      [53, 'BAD-PERIOD', 'malformed sale_price_effective_date "2026-01-07 until February"'],
    ]
    assert.equal(rejections.length, expected.length)
    rejections.forEach((rejection, index) => {
      const [line, itemId, reason] = expected[index]!
      assert.equal(rejection.line, line)
      assert.equal(rejection.itemId, itemId)
      assert.ok(rejection.reason.includes(reason), `${rejection.reason} should include ${reason}`)
    })
    assert.deepEqual(
      items.map((i) => [i.line, i.id]),
      [[60, 'VALID']],
    )
  })

  it('applies maxFieldLength to every field when given', async () => {
    const { items, rejections } = await collect(fixture('google-atom.xml'), { ...eur, maxFieldLength: 20 })
    assert.deepEqual(
      items.map((i) => i.id),
      [],
    )
    assert.deepEqual(
      rejections.map((r) => [r.line, r.itemId, r.reason]),
      [
        [
          6,
          'SAC-4',
          'image_link is longer than 20 characters; link is longer than 20 characters; description is longer than 20 characters',
        ],
        [19, 'CEINTURE-5-90', 'link is longer than 20 characters'],
      ],
    )
  })
})

describe('parseFeed: Google Atom and TSV', () => {
  it('reads Atom entries, with plain Atom title/link/summary when there is no g: field', async () => {
    const { items, rejections } = await collect(fixture('google-atom.xml'))
    assert.deepEqual(rejections, [])
    assert.deepEqual(
      items.map((i) =>
        pick(i, ['line', 'id', 'groupId', 'title', 'description', 'link', 'images', 'priceMinor', 'availability']),
      ),
      [
        {
          line: 6,
          id: 'SAC-4',
          groupId: 'SAC-4',
          title: 'Sac cabas en cuir',
          description: 'Cuir pleine fleur, tanné végétal.',
          link: 'https://maison.example/p/sac-4',
          images: ['https://cdn.maison.example/sac-4.jpg'],
          priceMinor: 14990,
          availability: 'in_stock',
        },
        {
          line: 19,
          id: 'CEINTURE-5-90',
          groupId: 'CEINTURE-5',
          title: 'Ceinture tressée',
          description: 'Longueur 90 cm',
          link: 'https://maison.example/p/ceinture-5',
          images: [],
          priceMinor: 5900,
          availability: 'out_of_stock',
        },
      ],
    )
    assert.deepEqual(items[0]!.attributes, { condition: 'new' })
    assert.equal(items[1]!.weightGrams, 250)
  })

  it('reads TSV rows, repeated and comma-separated image columns, "g:" and spaced headers', async () => {
    const { items, rejections } = await collect(fixture('google.tsv'))
    assert.deepEqual(rejections, [])
    assert.deepEqual(
      items.map((i) =>
        pick(i, [
          'line',
          'id',
          'groupId',
          'title',
          'images',
          'priceMinor',
          'salePriceMinor',
          'gtin',
          'categoryPath',
          'availability',
          'attributes',
        ]),
      ),
      [
        {
          line: 2,
          id: 'CHEM-6-S',
          groupId: 'CHEM-6',
          title: 'Chemise "Oxford" bleue',
          images: [
            'https://cdn.maison.example/chem-6/1.jpg',
            'https://cdn.maison.example/chem-6/2.jpg',
            'https://cdn.maison.example/chem-6/3.jpg',
          ],
          priceMinor: 7900,
          salePriceMinor: 5900,
          gtin: '4006381333931',
          categoryPath: 'Homme > Chemises',
          availability: 'in_stock',
          attributes: { shipping: 'FR::Standard:4.90 EUR', gender: 'male' },
        },
        {
          line: 3,
          id: 'CHEM-6-M',
          groupId: 'CHEM-6',
          title: 'Chemise "Oxford" bleue',
          images: [
            'https://cdn.maison.example/chem-6/1.jpg',
            'https://cdn.maison.example/chem-6/2.jpg',
            'https://cdn.maison.example/chem-6/4.jpg',
          ],
          priceMinor: 7900,
          salePriceMinor: null,
          gtin: null,
          categoryPath: 'Homme > Chemises',
          availability: 'out_of_stock',
          attributes: { gender: 'male' },
        },
        {
          line: 5,
          id: 'BONNET-7',
          groupId: 'BONNET-7',
          title: 'Bonnet côtelé',
          images: [],
          priceMinor: 2500,
          salePriceMinor: null,
          gtin: null,
          categoryPath: null,
          availability: null,
          attributes: {},
        },
      ],
    )
  })

  it('lets no invalid GTIN through in any format (validateItem does not check it again)', async () => {
    const rss = `<rss xmlns:g="${googleNamespace}"><channel><item><g:id>A</g:id><g:title>T</g:title><g:price>1 EUR</g:price><g:gtin>4006381333932</g:gtin></item><item><g:id>B</g:id><g:title>T</g:title><g:price>1 EUR</g:price><g:gtin>400638133393A</g:gtin></item><item><g:id>C</g:id><g:title>T</g:title><g:price>1 EUR</g:price><g:gtin>4006381333931</g:gtin></item></channel></rss>`
    const tsv =
      'id\ttitle\tprice\tgtin\nA\tT\t1 EUR\t4006381333932\nB\tT\t1 EUR\t400638133393A\nC\tT\t1 EUR\t4006381333931\n'
    const csv =
      'Handle,Title,Variant SKU,Variant Price,Variant Barcode\nh,T,A,1.00,4006381333932\nh,,B,1.00,SHOP-CODE-1\nh,,C,1.00,4006381333931\n'
    for (const text of [rss, tsv]) {
      const { items, rejections } = await collect(chunked(Buffer.from(text), 64))
      assert.deepEqual(
        rejections.map((r) => [r.itemId, r.reason]),
        [
          ['A', 'invalid GTIN "4006381333932" (wrong length, not digits or bad check digit)'],
          ['B', 'invalid GTIN "400638133393A" (wrong length, not digits or bad check digit)'],
        ],
      )
      assert.deepEqual(
        items.map((i) => [i.id, i.gtin]),
        [['C', '4006381333931']],
      )
    }
    const { items, rejections } = await collect(chunked(Buffer.from(csv), 64))
    assert.deepEqual(
      rejections.map((r) => [r.itemId, r.reason]),
      [['A', 'invalid GTIN "4006381333932" in Variant Barcode (bad check digit)']],
    )
    // A barcode without a GTIN's shape is a shop's own code: an attribute, never a GTIN.
    assert.deepEqual(
      items.map((i) => [i.id, i.gtin, i.attributes['Variant Barcode'] ?? null]),
      [
        ['B', null, 'SHOP-CODE-1'],
        ['C', '4006381333931', null],
      ],
    )
  })

  it('refuses a TSV header without the required columns', async () => {
    const { error } = await structureError(chunked(Buffer.from('id\ttitle\tlink\nA\tB\thttps://x\n'), 64))
    assert.equal(error.reason, 'the header is missing required columns: price')
    assert.equal(error.line, 1)
  })

  it('rejects a TSV row with more values than columns', async () => {
    const { rejections } = await collect(chunked(Buffer.from('id\ttitle\tprice\nA\tB\t1 EUR\textra\n'), 64))
    assert.deepEqual(rejections, [
      { line: 2, itemId: null, reason: 'the row has 4 values but the header names 3 columns' },
    ])
  })
})

describe('parseFeed: Shopify CSV', () => {
  it('reads variants, options, multi-line and doubled-quote fields, and attaches image-only rows', async () => {
    const { items, rejections } = await collect(fixture('shopify.csv'))
    assert.deepEqual(rejections, [])
    assert.deepEqual(
      items.map((i) =>
        pick(i, [
          'line',
          'id',
          'groupId',
          'title',
          'description',
          'categoryPath',
          'images',
          'size',
          'colour',
          'gtin',
          'brandName',
          'priceMinor',
          'currency',
          'compareAtMinor',
          'quantity',
          'weightGrams',
          'status',
        ]),
      ),
      [
        {
          line: 2,
          id: 'PULL-S',
          groupId: 'pull-marin',
          title: 'Pull marin "Breton"',
          description: '<p>Le pull "Breton", en laine.</p>\n<ul>\n<li>Col rond, 100 % laine</li>\n</ul>',
          categoryPath: 'Pulls',
          images: [
            'https://cdn.shopify.example/pull-1.jpg',
            'https://cdn.shopify.example/pull-2.jpg',
            'https://cdn.shopify.example/pull-3.jpg',
          ],
          size: 'S',
          colour: 'Marine',
          gtin: '4006381333931',
          brandName: 'Maison Exemple',
          priceMinor: 8900,
          currency: 'EUR',
          compareAtMinor: 12000,
          quantity: 12,
          weightGrams: 450,
          status: 'active',
        },
        {
          line: 6,
          id: 'PULL-M',
          groupId: 'pull-marin',
          title: null,
          description: null,
          categoryPath: null,
          images: [],
          size: 'M',
          colour: 'Marine',
          gtin: null,
          brandName: null,
          priceMinor: 8900,
          currency: 'EUR',
          compareAtMinor: null,
          quantity: 0,
          weightGrams: 480,
          status: null,
        },
        {
          line: 7,
          id: 'PULL-L',
          groupId: 'pull-marin',
          title: null,
          description: null,
          categoryPath: null,
          images: [],
          size: 'L',
          colour: 'Marine',
          gtin: null,
          brandName: null,
          priceMinor: 9250,
          currency: 'EUR',
          compareAtMinor: null,
          quantity: -2,
          weightGrams: 510,
          status: null,
        },
        {
          line: 10,
          id: 'sac-toile/Natural/Coton',
          groupId: 'sac-toile',
          title: 'Sac en toile',
          description: 'Toile épaisse,\n"coton bio"',
          categoryPath: 'Apparel & Accessories > Handbags',
          images: ['https://cdn.shopify.example/sac-1.jpg', 'https://cdn.shopify.example/sac-noir.jpg'],
          size: null,
          colour: 'Natural',
          gtin: null,
          brandName: 'Atelier Toile',
          priceMinor: 2500,
          currency: 'EUR',
          compareAtMinor: null,
          quantity: null,
          weightGrams: null,
          status: 'draft',
        },
        {
          line: 12,
          id: 'SAC-NOIR',
          groupId: 'sac-toile',
          title: null,
          description: null,
          categoryPath: null,
          images: ['https://cdn.shopify.example/sac-noir.jpg'],
          size: null,
          colour: 'Noir',
          gtin: null,
          brandName: null,
          priceMinor: 2700,
          currency: 'EUR',
          compareAtMinor: 3000,
          quantity: null,
          weightGrams: null,
          status: null,
        },
        {
          line: 14,
          id: 'GIFT-50',
          groupId: 'carte-cadeau',
          title: 'Carte cadeau',
          description: null,
          categoryPath: null,
          images: [],
          size: null,
          colour: null,
          gtin: null,
          brandName: 'Maison Exemple',
          priceMinor: 5000,
          currency: 'EUR',
          compareAtMinor: null,
          quantity: null,
          weightGrams: null,
          status: 'active',
        },
      ],
    )
    assert.deepEqual(items[0]!.attributes, {
      'Product Category': 'Apparel & Accessories > Clothing',
      Tags: 'laine, hiver',
      Published: 'true',
      'Variant Inventory Tracker': 'shopify',
      'Variant Inventory Policy': 'deny',
      'Variant Fulfillment Service': 'manual',
      'Variant Requires Shipping': 'true',
      'Variant Taxable': 'true',
    })
    assert.deepEqual(items[3]!.attributes, {
      Matière: 'Coton',
      'Product Category': 'Apparel & Accessories > Handbags',
      'Variant Barcode': 'INT-0042',
    })
  })

  it('counts lines the same in a CRLF file', async () => {
    const crlf = readFileSync(join(fixtures, 'shopify.csv'), 'utf8').replace(/\n/g, '\r\n')
    const { items } = await collect(chunked(Buffer.from(crlf), 5))
    assert.deepEqual(
      items.map((i) => [i.line, i.id, i.description]),
      [
        [2, 'PULL-S', '<p>Le pull "Breton", en laine.</p>\r\n<ul>\r\n<li>Col rond, 100 % laine</li>\r\n</ul>'],
        [6, 'PULL-M', null],
        [7, 'PULL-L', null],
        [10, 'sac-toile/Natural/Coton', 'Toile épaisse,\r\n"coton bio"'],
        [12, 'SAC-NOIR', null],
        [14, 'GIFT-50', null],
      ],
    )
  })

  it('rejects rows without a Handle, bad prices and bad GTIN-shaped barcodes, and carries on', async () => {
    const csv = [
      'Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Barcode',
      ',Orphan,,,ORPHAN,10.00,',
      'a,Product A,Size,S,A-S,abc,',
      'a,,,M,A-M,-1.00,',
      'a,,,L,A-L,10.00,4006381333932',
      'a,,,XL,A-XL,10.00,',
    ].join('\n')
    const { items, rejections } = await collect(chunked(Buffer.from(csv), 1024))
    assert.deepEqual(rejections, [
      { line: 2, itemId: 'ORPHAN', reason: 'missing Handle' },
      { line: 3, itemId: 'A-S', reason: 'unparsable price "abc"' },
      { line: 4, itemId: 'A-M', reason: 'negative price "-1.00"' },
      { line: 5, itemId: 'A-L', reason: 'invalid GTIN "4006381333932" in Variant Barcode (bad check digit)' },
    ])
    assert.deepEqual(
      items.map((i) => [i.line, i.id, i.size]),
      [[6, 'A-XL', 'XL']],
    )
  })

  it('refuses a CSV that ends inside a quoted field, at the line where the field starts', async () => {
    const csv = 'Handle,Title,Variant Price\na,A,1.00\nb,"B is\nnever closed,2.00\n'
    const { error } = await structureError(chunked(Buffer.from(csv), 1024))
    assert.equal(error.reason, 'truncated file: a quoted field is never closed')
    assert.equal(error.line, 3)
  })

  it('refuses a Shopify header without Variant Price', async () => {
    const { error } = await structureError(chunked(Buffer.from('Handle,Title\na,A\n'), 1024))
    assert.equal(error.reason, 'the header is missing required columns: Variant Price')
  })
})

describe('parseFeed: structural failures', () => {
  it('refuses a truncated XML file at its end', async () => {
    const { error, seen } = await structureError(fixture('truncated.xml'))
    assert.match(error.reason, /^truncated file: 4 element\(s\) still open/)
    assert.equal(error.line, 12)
    assert.equal(seen.length, 1) // the pipeline stages it, then discards the run
  })

  it('refuses a DOCTYPE with an external entity and never shows the file it names', async () => {
    const { error, seen } = await structureError(fixture('xxe.xml'))
    assert.equal(error.reason, 'DOCTYPE is not allowed (XXE/entity-expansion protection)')
    assert.deepEqual([error.line, error.column], [2, 1])
    assert.deepEqual(seen, [])
    assert.ok(!error.message.includes('root:'), 'no /etc/passwd content in the error')
  })

  it('refuses billion laughs before expanding anything', async () => {
    const started = process.hrtime.bigint()
    const { error, seen } = await structureError(fixture('billion-laughs.xml'))
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    assert.equal(error.reason, 'DOCTYPE is not allowed (XXE/entity-expansion protection)')
    assert.deepEqual(seen, [])
    assert.ok(ms < 500, `took ${ms} ms`)
  })

  it('refuses a DOCTYPE on a document whose root is not a feed at all', async () => {
    const xml = '<?xml version="1.0"?>\n<!DOCTYPE foo [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<foo>&x;</foo>\n'
    const { error } = await structureError(chunked(Buffer.from(xml), 1024))
    assert.equal(error.reason, 'DOCTYPE is not allowed (XXE/entity-expansion protection)')
  })

  it('refuses undefined entities instead of expanding or dropping them', async () => {
    const xml =
      '<rss xmlns:g="http://base.google.com/ns/1.0"><channel><item>\n<g:id>A</g:id><g:title>&nbsp;</g:title></item></channel></rss>'
    const { error } = await structureError(chunked(Buffer.from(xml), 1024))
    assert.match(error.reason, /^not well-formed XML: undefined entity/)
    assert.equal(error.line, 2)
  })

  it('refuses XML that is not well-formed with its line and column', async () => {
    const xml = '<rss xmlns:g="http://base.google.com/ns/1.0">\n<channel>\n  <item><g:id>A</g:title></item>\n'
    const { error } = await structureError(chunked(Buffer.from(xml), 1024))
    assert.match(error.reason, /^not well-formed XML: unexpected close tag/)
    assert.deepEqual([error.line, error.column], [3, 26]) // where the parser stands: the end of </g:title>
  })

  it('refuses elements nested deeper than maxDepth', async () => {
    const { error } = await structureError(fixture('google-rss-basic.xml'), { ...eur, maxDepth: 4 })
    assert.equal(error.reason, 'elements nested deeper than 4 levels')
    assert.equal(error.line, 31) // <g:country> inside <g:shipping>
  })

  it('refuses a file over maxBytes', async () => {
    const { error } = await structureError(fixture('google-rss-basic.xml'), { ...eur, maxBytes: 1000 })
    assert.equal(error.reason, 'file too large: more than 1000 bytes')
  })

  it('refuses invalid UTF-8 with its byte offset and line', async () => {
    const good = Buffer.from('id\ttitle\tprice\nA\tCafé\t1 EUR\n')
    const bad = Buffer.concat([good, Buffer.from('B\tCaf'), Buffer.from([0xe9]), Buffer.from('\t2 EUR\n')])
    const { error } = await structureError(chunked(bad, 4))
    assert.equal(error.reason, `not valid UTF-8 at byte ${good.length + 5}`)
    assert.equal(error.line, 3)
  })

  it('refuses invalid UTF-8 in an XML feed at its line, whichever chunk it comes in', async () => {
    // The XML decoder leaves line counting to the scanner: the line must not depend on where the
    // chunks end (inside a text the scanner still holds, inside a tag, at a line end).
    const good = Buffer.from(
      `<?xml version="1.0"?>\n<rss xmlns:g="${googleNamespace}"><channel>\n<item>\n<g:id>A</g:id>\n<g:title>Caf`,
    )
    const bad = Buffer.concat([good, Buffer.from([0xe9]), Buffer.from('</g:title>\n</item>\n</channel></rss>\n')])
    for (const size of [1, 3, 7, 16, 64, 4096]) {
      const { error } = await structureError(chunked(bad, size))
      assert.equal(error.reason, `not valid UTF-8 at byte ${good.length}`, `chunks of ${size}`)
      assert.equal(error.line, 5, `chunks of ${size}`)
    }
    const { error } = await structureError(chunked(Buffer.concat([good, Buffer.from([0xc3])]), 5))
    assert.equal(error.reason, `not valid UTF-8 at byte ${good.length}: the file ends inside a character`)
    assert.equal(error.line, 5)
  })

  it('refuses a file that is not a feed, and an empty one', async () => {
    assert.match((await structureError(fixture('not-a-feed.txt'))).error.reason, /^unknown format/)
    assert.match((await structureError(chunked(Buffer.alloc(0), 1))).error.reason, /^unknown format/)
    const rssWithoutGoogle = '<rss version="2.0"><channel></channel></rss>'
    assert.match((await structureError(chunked(Buffer.from(rssWithoutGoogle), 64))).error.reason, /^unknown format/)
  })
})

describe('detectFormat', () => {
  it('recognises each format from its first bytes', () => {
    const head = (name: string) => readFileSync(join(fixtures, name)).subarray(0, 2048)
    assert.equal(detectFormat(head('google-rss-basic.xml')), 'google-rss')
    assert.equal(detectFormat(head('google-atom.xml')), 'google-atom')
    assert.equal(detectFormat(head('google.tsv')), 'google-tsv')
    assert.equal(detectFormat(head('shopify.csv')), 'shopify-csv')
    assert.equal(detectFormat(head('latin1.xml')), 'google-rss')
    assert.equal(detectFormat(head('xxe.xml')), 'google-rss') // refused later, by the parser
    assert.equal(detectFormat(head('not-a-feed.txt')), null)
    assert.equal(detectFormat(Buffer.from('\ufeffg:id\tg:title\tg:price\n')), 'google-tsv')
  })
})

describe('generateGoogleFeed', () => {
  it('parses 100,000 generated items with flat memory', async () => {
    // Garbage is not growth: collect it before each measurement, so what is measured is what the parser keeps.
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    gc()
    const baseline = process.memoryUsage().heapUsed
    let peak = baseline
    let count = 0
    let rejected = 0
    const started = process.hrtime.bigint()
    for await (const event of parseFeed(generateGoogleFeed({ products: 20_000, sizes: 5, currency: 'EUR' }), eur)) {
      if (event.kind === 'item') count++
      else rejected++
      if (count % 20_000 === 0) {
        gc()
        peak = Math.max(peak, process.memoryUsage().heapUsed)
      }
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const growth = (peak - baseline) / 1024 / 1024
    console.log(
      `100k-item feed: ${Math.round(count / seconds)} items/s (${seconds.toFixed(2)} s), retained heap growth ${growth.toFixed(1)} MB`,
    )
    assert.equal(count, 100_000)
    assert.equal(rejected, 0)
    assert.ok(growth < 50, `heap grew by ${growth.toFixed(1)} MB`)
  })
})

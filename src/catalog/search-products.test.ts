import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { openTestDatabase } from '../../test/helpers/database.ts'
import { createTestBrand, createTestProduct } from '../../test/helpers/fixtures.ts'
import { listCategoryPaths, productFacets } from './facets.ts'
import { listProductLinks, searchProducts } from './search-products.ts'

const database = await openTestDatabase()
const brand = await createTestBrand(database.db, { locale: 'en-GB' })
const other = await createTestBrand(database.db)
const day = 24 * 3600 * 1000
const at = (daysAgo: number) => new Date(Date.now() - daysAgo * day)
const variant = (sku: string, size: string, colour: string, priceMinor: number, onHand: number) => ({
  sku,
  size,
  colour,
  colourHex: '#123456',
  priceMinor,
  onHand,
})

await createTestProduct(brand, {
  title: 'Robe en lin',
  translations: { en: { title: 'Linen dress', description: 'Washed linen.' } },
  description: 'Lin lavé à 100% naturel.',
  categoryPath: 'Femme > Robes',
  createdAt: at(3),
  variants: [variant('A-S', 'S', 'Blue', 9000, 0), variant('A-M', 'M', 'Blue', 8000, 4)],
})
await createTestProduct(brand, {
  title: 'Jupe',
  categoryPath: 'Femmes enceintes > Jupes',
  createdAt: at(2),
  variants: [variant('B-S', 'S', 'Red', 5000, 2)],
})
await createTestProduct(brand, {
  title: 'Archived dress',
  status: 'archived',
  categoryPath: 'Femme > Robes',
  variants: [variant('C-S', 'S', 'Blue', 100, 5)],
})
await createTestProduct(other, {
  title: 'Other brand linen dress',
  categoryPath: 'Femme > Robes',
  variants: [variant('D-S', 'S', 'Blue', 100, 5)],
})

const titles = async (query: Partial<Parameters<typeof searchProducts>[1]>) =>
  (await searchProducts(brand, { page: 1, pageSize: 10, ...query })).items.map((c) => c.title)

describe('searchProducts', () => {
  test('a category is itself and what is under it, not a sibling that shares its first letters', async () => {
    assert.deepEqual(await titles({ category: 'Femme' }), ['Linen dress'])
    assert.deepEqual(await titles({ category: 'Femmes enceintes' }), ['Jupe'])
    assert.deepEqual(await titles({}), ['Jupe', 'Linen dress'])
  })

  test('cards are in the brand’s language, priced at the lowest variant', async () => {
    const [card] = (await searchProducts(brand, { page: 1, pageSize: 10, category: 'Femme' })).items
    assert.deepEqual(
      [card?.title, card?.priceMinor, card?.inStock, card?.sizes],
      ['Linen dress', 8000, true, ['S', 'M']],
    )
  })

  test('one variant must match size, colour and stock together', async () => {
    assert.deepEqual(await titles({ sizes: ['S'], inStock: true }), ['Jupe'])
    assert.deepEqual(await titles({ sizes: ['M'], colours: ['Blue'], inStock: true }), ['Linen dress'])
    assert.deepEqual(await titles({ sizes: ['M'], colours: ['Red'] }), [])
  })

  test('price bounds apply to the lowest variant price; sorts by it', async () => {
    assert.deepEqual(await titles({ minPriceMinor: 6000 }), ['Linen dress'])
    assert.deepEqual(await titles({ maxPriceMinor: 8000, sort: 'price-desc' }), ['Linen dress', 'Jupe'])
    assert.deepEqual(await titles({ sort: 'price-asc' }), ['Jupe', 'Linen dress'])
  })

  test('text matches every word, with LIKE wildcards taken literally', async () => {
    assert.deepEqual(await titles({ text: 'linen' }), ['Linen dress'])
    assert.deepEqual(await titles({ text: 'lin 100%' }), ['Linen dress'])
    assert.deepEqual(await titles({ text: '_' }), [])
    assert.deepEqual(await titles({ text: 'enceintes jupe' }), ['Jupe'])
  })

  test('counts all matches and pages through them', async () => {
    const page = await searchProducts(brand, { page: 2, pageSize: 1 })
    assert.deepEqual([page.total, page.items.map((c) => c.title)], [2, ['Linen dress']])
  })
})

describe('facets and links', () => {
  test('sizes, colours and price bounds of a scope', async () => {
    assert.deepEqual(await productFacets(brand, { category: 'Femme' }), {
      sizes: [
        { value: 'S', count: 1 },
        { value: 'M', count: 1 },
      ],
      colours: [{ name: 'Blue', hex: '#123456', count: 1 }],
      priceBands: [{ minMinor: 5000, maxMinor: 9999, count: 1 }],
      inStock: 1,
      priceMinMinor: 8000,
      priceMaxMinor: 8000,
    })
    const all = await productFacets(brand, {})
    assert.deepEqual(
      [all.colours.map((c) => c.name), all.priceMinMinor, all.priceMaxMinor],
      [['Blue', 'Red'], 5000, 8000],
    )
  })

  test('category paths and product links of active products of the brand only', async () => {
    assert.deepEqual(await listCategoryPaths(brand), ['Femme > Robes', 'Femmes enceintes > Jupes'])
    assert.deepEqual(
      (await listProductLinks(brand)).map((l) => l.title),
      ['Jupe', 'Linen dress'],
    )
  })
})

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { hashVersion, itemContent, md5Hex } from '../../src/catalog/import/content-hash.ts'
import type { StagedItem } from '../../src/catalog/import/validate-item.ts'

const bare: StagedItem = {
  line: 3,
  itemId: 'A-S',
  groupId: 'A',
  title: null,
  description: null,
  categoryPath: null,
  images: [],
  attributes: {},
  brandName: null,
  status: null,
  size: null,
  colour: null,
  gtin: null,
  priceMinor: 0,
  compareAtMinor: null,
  salePriceMinor: null,
  saleStartsAt: null,
  saleEndsAt: null,
  onHand: null,
  weightGrams: null,
  link: null,
  mpn: null,
  availability: null,
  availabilityDate: null,
}

describe('item content', () => {
  test('leaves out the null fields (json_to_record reads a missing key as null) and keeps every other', () => {
    assert.equal(hashVersion, 'v3:')
    assert.equal(itemContent(bare), '{"i":"A-S","im":[],"a":{},"p":0}')
    const full: StagedItem = {
      ...bare,
      title: 'Pull "doux"',
      description: '<p>Laine</p>',
      categoryPath: 'Mode > Pulls',
      images: ['https://cdn.example/a.jpg'],
      attributes: { material: 'laine', shipping: '[{"country":"FR"}]' },
      brandName: 'Marque',
      status: 'active',
      size: 'S',
      colour: 'Écru',
      gtin: '4006381333931',
      priceMinor: 8900,
      compareAtMinor: 9900,
      salePriceMinor: 7900,
      saleStartsAt: new Date('2026-01-07T07:00:00Z'),
      saleEndsAt: new Date('2026-02-03T18:00:00Z'),
      onHand: 0,
      weightGrams: 350,
      link: 'https://shop.example/a',
      mpn: 'M-1',
      availability: 'out_of_stock',
      availabilityDate: new Date('2026-03-01T00:00:00Z'),
    }
    const content = itemContent(full)
    assert.deepEqual(JSON.parse(content), {
      i: 'A-S',
      t: 'Pull "doux"',
      d: '<p>Laine</p>',
      c: 'Mode > Pulls',
      im: ['https://cdn.example/a.jpg'],
      a: { material: 'laine', shipping: '[{"country":"FR"}]' },
      b: 'Marque',
      st: 'active',
      z: 'S',
      co: 'Écru',
      gt: '4006381333931',
      p: 8900,
      ca: 9900,
      sp: 7900,
      ss: '2026-01-07T07:00:00.000Z',
      se: '2026-02-03T18:00:00.000Z',
      oh: 0,
      w: 350,
      li: 'https://shop.example/a',
      m: 'M-1',
      av: 'out_of_stock',
      ad: '2026-03-01T00:00:00.000Z',
    })
    assert.match(md5Hex(content), /^[0-9a-f]{32}$/)
  })
})

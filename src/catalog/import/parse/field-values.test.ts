import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { normaliseCategoryPath, parseAvailability } from './field-values.ts'
import { splitImageLinks } from './google-item.ts'

describe('normaliseCategoryPath', () => {
  it('returns a path already in shape as it is, and reshapes every other', () => {
    const cases: Array<[string, string | null]> = [
      ['Apparel > Tops > T-shirts', 'Apparel > Tops > T-shirts'],
      ['Maison', 'Maison'],
      ['a > b', 'a > b'],
      ['Apparel>Tops', 'Apparel > Tops'],
      ['A>B >  C', 'A > B > C'],
      [' Apparel > Tops', 'Apparel > Tops'],
      ['Apparel > Tops ', 'Apparel > Tops'],
      ['Apparel >  Tops', 'Apparel > Tops'],
      ['Apparel\u00a0> Tops', 'Apparel > Tops'], // trim() removes every white space, not only ASCII
      ['Apparel >\tTops', 'Apparel > Tops'],
      ['Apparel > > Tops', 'Apparel > Tops'],
      ['> Apparel', 'Apparel'],
      ['Apparel >', 'Apparel'],
      ['Bain & douche > Serviettes éponge', 'Bain & douche > Serviettes éponge'],
      ['', null],
      [' ', null],
      ['>', null],
      [' > > ', null],
    ]
    for (const [text, expected] of cases) assert.equal(normaliseCategoryPath(text), expected, JSON.stringify(text))
  })
})

describe('parseAvailability', () => {
  it('reads each spelling the same the first time and every time after', () => {
    const cases: Array<[string, string | null]> = [
      ['in stock', 'in_stock'],
      ['In Stock', 'in_stock'],
      [' out-of-stock ', 'out_of_stock'],
      ['preorder', 'preorder'],
      ['available for order', 'in_stock'],
      ['soon', null],
    ]
    for (let round = 0; round < 3; round++) {
      for (const [text, expected] of cases) {
        const parsed = parseAvailability(text)
        assert.deepEqual(
          parsed,
          expected === null
            ? { ok: false, reason: `unknown availability ${JSON.stringify(text)}` }
            : { ok: true, value: expected },
        )
      }
    }
  })
})

describe('splitImageLinks', () => {
  it('keeps a single link whole and splits only at a comma that starts another URL', () => {
    assert.deepEqual(splitImageLinks(' https://cdn.example/a.jpg '), ['https://cdn.example/a.jpg'])
    assert.deepEqual(splitImageLinks('   '), [])
    assert.deepEqual(splitImageLinks('https://a/1.jpg, https://b/w_200,h_300/2.jpg,HTTP://c/3.jpg'), [
      'https://a/1.jpg',
      'https://b/w_200,h_300/2.jpg',
      'HTTP://c/3.jpg',
    ])
  })
})

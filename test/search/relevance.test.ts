import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { openTestDatabase } from '../helpers/database.ts'
import { startTestServer } from '../helpers/server.ts'
import { cardTitles } from '../storefront/fixtures.ts'
import { createSearchFixture } from './fixtures.ts'

const database = await openTestDatabase()
const { fr, other } = await createSearchFixture(database.db)
const server = await startTestServer(database)
const host = `${fr.brand.slug}.localhost`

const search = async (q: string, extra = '') => {
  const res = await server.request('GET', `/api/store/search?q=${encodeURIComponent(q)}${extra}`, { host })
  assert.equal(res.status, 200, res.text)
  return res.body
}
const titles = async (q: string, extra = '') => (await search(q, extra)).items.map((c: { title: string }) => c.title)

describe('search relevance on a French catalog', () => {
  test('title matches rank above category/attribute matches, which rank above description matches', async () => {
    // "lin": in the title and the attribute (A+B) for the shirt and the dress (the shorter
    // document first: cover density); only in the attribute and the description (B+C) for the trousers.
    assert.deepEqual(await titles('lin'), ['Chemise en lin', 'Robe d’été en lin', 'Pantalon large'])
    // "été": the dress has it in its title, the shorts only in their description.
    assert.deepEqual(await titles('été'), ['Robe d’été en lin', 'Short de plage'])
  })

  test('accents and case do not matter, in the query or the catalog', async () => {
    for (const q of ['ete', 'ÉTÉ', 'Ete']) assert.deepEqual(await titles(q), ['Robe d’été en lin', 'Short de plage'], q)
    assert.deepEqual(await titles('ROBE ÉTÉ'), ['Robe d’été en lin'])
  })

  test('French plurals and singulars meet through the stemmer', async () => {
    const dresses = ['Robe d’été en lin', 'Robe longue fleurie']
    assert.deepEqual(await titles('robe'), dresses)
    assert.deepEqual(await titles('robes'), dresses)
    assert.deepEqual(await titles('pulls'), ['Pull en laine'])
    assert.deepEqual(await titles('sandale'), ['Sandales en cuir'])
  })

  test('a typo finds the word meant, through the brand’s vocabulary (trigrams)', async () => {
    // Trigram candidates include "chemisier"; the fewest edits (one transposition) pick "chemise".
    assert.deepEqual(await titles('chemsie'), ['Chemise en lin'])
    assert.deepEqual(await titles('chemisiet'), ['Chemisier en soie'])
    assert.deepEqual(await titles('sandalles'), ['Sandales en cuir'])
    assert.deepEqual(await titles('robe fleurei'), ['Robe longue fleurie'])
    // A correct word is never diluted by look-alikes: "chemise" does not bring the "chemisier".
    assert.deepEqual(await titles('chemise'), ['Chemise en lin'])
    assert.deepEqual(await titles('xylophone'), [])
  })

  test('every word must match (AND), other brands never show', async () => {
    assert.deepEqual(await titles('robe lin'), ['Robe d’été en lin'])
    assert.deepEqual(await titles('robe cuir'), [])
    const elsewhere = await server.request('GET', `/api/store/search?q=ailleurs`, { host })
    assert.deepEqual(elsewhere.body.items, [])
    const theirs = await server.request('GET', `/api/store/search?q=ailleurs`, {
      host: `${other.brand.slug}.localhost`,
    })
    assert.deepEqual(
      theirs.body.items.map((c: { title: string }) => c.title),
      ['Robe d’été ailleurs'],
    )
  })

  test('relevance is the default sort with text; other sorts and filters apply to the matches', async () => {
    assert.equal((await search('lin')).sort, 'relevance')
    assert.deepEqual(await titles('lin', '&sort=price-asc'), ['Chemise en lin', 'Pantalon large', 'Robe d’été en lin'])
    assert.deepEqual(await titles('lin', '&sort=price-desc'), ['Robe d’été en lin', 'Pantalon large', 'Chemise en lin'])
    assert.deepEqual(await titles('lin', '&sort=newest'), ['Pantalon large', 'Chemise en lin', 'Robe d’été en lin'])
    assert.deepEqual(await titles('lin', '&category=Femme'), ['Robe d’été en lin', 'Pantalon large'])
    // "ailleurs" is 3 edits from "fleurs": no correction, no match.
    assert.deepEqual(await titles('ailleurs'), [])
    assert.deepEqual(await titles('lin', '&size=L'), ['Chemise en lin'])
  })

  test('the storefront search page ranks the same way', async () => {
    const res = await server.request('GET', '/search?q=ete', { host })
    assert.equal(res.status, 200)
    assert.deepEqual(cardTitles(res.text), ['Robe d’été en lin', 'Short de plage'])
    assert.match(res.text, /<option value="relevance" selected>Pertinence<\/option>/)
  })
})

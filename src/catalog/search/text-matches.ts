import { type RawBuilder, sql } from 'kysely'
import type { BrandCtx } from '../../brands/brand.ts'
import type { Db } from '../../platform/db/database.ts'
import { catalogReader } from '../catalog-reader.ts'
import type { CatalogSnapshot, SnapshotProduct } from '../catalog-snapshot.ts'
import { searchWords } from './search-words.ts'
import { WeightedLru } from './weighted-lru.ts'

/** Words shorter than this are never "corrected": trigrams of a 3-letter word match half the vocabulary. */
const minFuzzyWordLength = 4
/** Vocabulary candidates per misspelt word (closest by trigram distance), then kept by edit distance. */
const candidatesPerWord = 6
/** Matches (best by rank) whose trigram similarity is computed as the tie-break. */
const similarityLimit = 500
/** Beyond this many edits a "correction" is another word ("ailleurs" is not "fleurs"). */
const maxEdits = 2

/**
 * Which of the snapshot's products match a shopper's text, best first. PostgreSQL answers
 * (migration 0007: a weighted tsvector per product in the brand's language, over unaccented
 * text), the snapshot keeps only its active products. Relevance is ts_rank_cd (title weighs A,
 * category and attributes B, description C), then the trigram similarity of the folded title and
 * category to the text (among the 500 best by rank), then newest first.
 *
 * Typos: when every word together matches nothing, each word of 4+ letters is widened to itself
 * or its closest vocabulary words: candidates by pg_trgm similarity (≥ 0.3, the `%` operator's
 * default, through the trigram index), kept when fewest edits away (Damerau–Levenshtein, at
 * most 2; 1 for words of 5 letters or fewer) — trigrams find candidates fast but rank a
 * transposition ("chemsie") below a longer word ("chemisier"). The search then runs again. So
 * "chemsie" finds "chemise", and a correctly spelt search is never diluted by look-alike words.
 *
 * Results are cached per brand, catalog version and normalised words, as places in the snapshot
 * (4 bytes each), in an LRU bounded by the places held (4 million: 16 MB); results of a brand's
 * older versions are dropped. Text that has no word (only punctuation) matches nothing.
 */
export async function textMatches(
  ctx: BrandCtx,
  catalog: CatalogSnapshot,
  text: string,
): Promise<readonly SnapshotProduct[]> {
  const words = searchWords(text)
  if (words.length === 0) return text.trim() === '' ? catalog.products : []
  // Places in the snapshot's newest-first order, not product objects: a snapshot priced for
  // another sale period (src/pricing) shares the places but holds other objects.
  const places = await matchPlaces(ctx, catalog, words)
  const products: SnapshotProduct[] = []
  for (const place of places) {
    const product = catalog.products[place]
    if (product) products.push(product)
  }
  return products
}

function matchPlaces(ctx: BrandCtx, catalog: CatalogSnapshot, words: readonly string[]): Promise<Int32Array> {
  const cache = ctx.db.isTransaction ? null : cacheFor(ctx.db)
  const key = `${catalog.brandId}:${catalog.version}:${words.join(' ')}`
  const held = cache?.results.get(key)
  if (held) return held
  const found = queryMatches(ctx, catalog, words)
  if (!cache) return found
  cache.forget(catalog.brandId, catalog.version)
  cache.results.set(key, found, 1)
  found.then(
    (places) => {
      if (cache.results.get(key) === found) cache.results.set(key, found, Math.max(1, places.length))
    },
    () => cache.results.delete(key),
  )
  return found
}

interface MatchRow {
  product_id: string
  rank: number
  similarity: number
}

async function queryMatches(ctx: BrandCtx, catalog: CatalogSnapshot, words: readonly string[]): Promise<Int32Array> {
  const text = words.join(' ')
  // The read replica once it has this catalog version (results are cached per version).
  const read = { ...ctx, db: await catalogReader(ctx.db, catalog.brandId, catalog.version) }
  const exact = sql`plainto_tsquery(vitrine_search_config(${ctx.brand.locale}), vitrine_unaccent(${text}))`
  let rows = await ranked(read, exact, text)
  if (rows.length === 0) {
    const widened = await widenedQuery(read, words)
    if (widened) rows = await ranked(read, widened, text)
  }
  const scored: Array<{ product: SnapshotProduct; rank: number; similarity: number }> = []
  for (const row of rows) {
    const product = catalog.byId.get(row.product_id)
    if (product) scored.push({ product, rank: Number(row.rank), similarity: Number(row.similarity) })
  }
  scored.sort((a, b) => b.rank - a.rank || b.similarity - a.similarity || a.product.rank - b.product.rank)
  return Int32Array.from(scored, (s) => s.product.rank)
}

/**
 * Matches with their rank; the trigram similarity (the tie-break) only for the best
 * `similarityLimit` by rank: computing it costs ~15 µs a row, which on a 50,000-match word
 * ("coupe") would be most of the query, and deeper ties then fall back to newest first.
 */
function ranked(ctx: BrandCtx, query: RawBuilder<unknown>, text: string): Promise<MatchRow[]> {
  // One row holding every match ("id rank similarity,…"): a broad word matches every product,
  // and parsing 50,000 result rows costs several times more than splitting one string.
  return sql<{ packed: string | null }>`
    WITH m AS MATERIALIZED (
      SELECT s.product_id, s.folded, ts_rank_cd(s.document, q.query) AS rank
      FROM product_search s, (SELECT ${query} AS query) q
      WHERE s.brand_id = ${ctx.brand.id} AND s.document @@ q.query
    ), best AS (
      SELECT product_id FROM m ORDER BY rank DESC LIMIT ${similarityLimit}
    )
    SELECT string_agg(m.product_id::text || ' ' || m.rank::text || ' '
             || (CASE WHEN best.product_id IS NULL THEN 0 ELSE similarity(m.folded, vitrine_fold(${text})) END)::text, ',') AS packed
    FROM m LEFT JOIN best ON best.product_id = m.product_id`
    .execute(ctx.db)
    .then((r) => {
      const packed = r.rows[0]?.packed
      if (!packed) return []
      return packed.split(',').map((item) => {
        const [id = '', rank = '0', similarity = '0'] = item.split(' ')
        return { product_id: id, rank: Number(rank), similarity: Number(similarity) }
      })
    })
}

/** Each word OR its closest vocabulary words, the groups ANDed; null when no word can be widened. */
async function widenedQuery(ctx: BrandCtx, words: readonly string[]): Promise<RawBuilder<unknown> | null> {
  const fuzzy = words.filter((w) => w.length >= minFuzzyWordLength)
  if (fuzzy.length === 0) return null
  const { rows } = await sql<{ typed: string; word: string }>`
    SELECT q.typed, w.word
    FROM unnest(${fuzzy}::text[]) AS q (typed)
    CROSS JOIN LATERAL (
      SELECT word FROM search_words
      WHERE brand_id = ${ctx.brand.id} AND word % vitrine_fold(q.typed)
      ORDER BY word <-> vitrine_fold(q.typed), word
      LIMIT ${candidatesPerWord}
    ) w`.execute(ctx.db)
  const corrections = new Map(
    fuzzy.map((typed) => [
      typed,
      closest(
        typed,
        rows.filter((r) => r.typed === typed).map((r) => r.word),
      ),
    ]),
  )
  if ([...corrections.values()].every((c) => c.length === 0)) return null
  const config = sql`vitrine_search_config(${ctx.brand.locale})`
  const groups = words.map((typed) => {
    const alternatives = [typed, ...(corrections.get(typed) ?? [])]
    return sql`(${sql.join(
      alternatives.map((a) => sql`plainto_tsquery(${config}, vitrine_unaccent(${a}))`),
      sql` || `,
    )})`
  })
  return sql`(${sql.join(groups, sql` && `)})`
}

/** The candidates fewest edits away from the typed word, within the allowed number of edits. */
function closest(typed: string, candidates: readonly string[]): string[] {
  const folded = typed.normalize('NFD').replace(/\p{M}/gu, '')
  const allowed = folded.length <= 5 ? 1 : maxEdits
  let best = allowed
  let found: string[] = []
  for (const word of candidates) {
    const d = editDistance(folded, word)
    if (d > allowed) continue
    if (d < best || found.length === 0) {
      best = d
      found = [word]
    } else if (d === best) {
      found.push(word)
    }
  }
  return found
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const d = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0)
    row[0] = i
    return row
  })
  for (let j = 0; j < cols; j++) d[0]![j] = j
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1)
      d[i]![j] = v
    }
  }
  return d[a.length]![b.length]!
}

class TextMatchCache {
  readonly results = new WeightedLru<Promise<Int32Array>>(5_000, 4_000_000)
  private readonly versions = new Map<string, number>()

  /** Results of a brand's older snapshot versions are dead weight once a newer one is asked for. */
  forget(brandId: string, version: number): void {
    const known = this.versions.get(brandId)
    if (known !== undefined && known >= version) return
    this.versions.set(brandId, version)
    if (known !== undefined)
      this.results.deleteWhere((key) => key.startsWith(`${brandId}:`) && !key.startsWith(`${brandId}:${version}:`))
  }
}

const caches = new WeakMap<Db, TextMatchCache>()

function cacheFor(db: Db): TextMatchCache {
  let cache = caches.get(db)
  if (!cache) {
    cache = new TextMatchCache()
    caches.set(db, cache)
  }
  return cache
}

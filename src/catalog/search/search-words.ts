/** How many words of a search are used, and how long each may be: a pasted essay stays a small query. */
export const maxSearchWords = 8
export const maxSearchWordLength = 40

/**
 * The words of a shopper's search: split on anything that is not a letter or a digit (quotes,
 * operators, control characters and SQL-ish punctuation never reach a query), lowercased,
 * de-duplicated, bounded. Accents are kept: PostgreSQL's unaccent folds them with the document.
 */
export function searchWords(text: string | undefined): string[] {
  if (!text) return []
  const words: string[] = []
  for (const raw of text.slice(0, 4 * maxSearchWords * maxSearchWordLength).split(/[^\p{L}\p{N}]+/u)) {
    const word = raw.toLowerCase().slice(0, maxSearchWordLength)
    if (word.length === 0 || words.includes(word)) continue
    words.push(word)
    if (words.length === maxSearchWords) break
  }
  return words
}

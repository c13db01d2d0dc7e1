/** Slices of at most `size` items, for multi-row INSERTs that must stay under PostgreSQL's 65,535 parameters. */
export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size)
}

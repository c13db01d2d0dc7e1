// Records of a delimited text file (Shopify CSV, Google TSV) through csv-parse's streaming parser,
// each with the 1-based line it starts on. Stream piping gives backpressure: csv-parse holds at most
// its high-water mark of records while the consumer is busy.
import { Readable } from 'node:stream'
import { CsvError, parse } from 'csv-parse'
import { FeedStructureError } from './feed-item.ts'

export interface CsvRecord {
  line: number
  fields: string[]
}

// A Shopify product description is at most a few hundred KiB; beyond this a "record" is a broken file
// (an unbalanced quote swallowing the rest of it), and csv-parse would otherwise hold all of it in memory.
const maxRecordSize = 4_000_000

export async function* csvRecords(
  text: AsyncIterable<string>,
  delimiter: ',' | '\t',
  relaxQuotes: boolean,
): AsyncGenerator<CsvRecord> {
  // csv-parse guesses the record delimiter too, but counts lines wrongly for CRLF files; the header
  // line tells us which one the file uses.
  const chunks = text[Symbol.asyncIterator]()
  let start = ''
  while (!start.includes('\n')) {
    const next = await chunks.next()
    if (next.done) break
    start += next.value
  }
  const newline = start.indexOf('\n')
  const recordDelimiter = newline > 0 && start[newline - 1] === '\r' ? '\r\n' : '\n'
  const source = Readable.from(
    (async function* () {
      if (start !== '') yield start
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value
    })(),
  )
  // Lines are counted as csv-parse produces records (on_record runs synchronously, in order), not as
  // we consume them: when csv-parse fails, the records it still held are dropped, but the count is right.
  let line = 1
  const parser = parse({
    delimiter,
    record_delimiter: recordDelimiter,
    relax_column_count: true,
    relax_quotes: relaxQuotes,
    max_record_size: maxRecordSize,
    bom: false, // decodeText already dropped it
    // csv-parse's types say on_record returns a record of the same type; at run time it may be anything.
    on_record: ((fields: string[]): CsvRecord => {
      const record = { line, fields }
      line += 1
      for (const field of fields) line += countNewlines(field)
      return record
    }) as unknown as (fields: string[]) => string[],
  })
  source.on('error', (error) => parser.destroy(error))
  source.pipe(parser)

  try {
    for await (const record of parser as AsyncIterable<CsvRecord>) yield record
  } catch (error) {
    if (error instanceof CsvError) {
      if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
        throw new FeedStructureError('truncated file: a quoted field is never closed', line, null)
      }
      if (error.code === 'CSV_MAX_RECORD_SIZE') {
        throw new FeedStructureError(`a record is longer than ${maxRecordSize} characters`, line, null)
      }
      const at = (error as CsvError & { lines?: number }).lines
      throw new FeedStructureError(`not well-formed CSV: ${error.message}`, at ?? line, null)
    }
    throw error
  } finally {
    source.destroy()
    parser.destroy()
  }
}

function countNewlines(text: string): number {
  let count = 0
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++
  return count
}

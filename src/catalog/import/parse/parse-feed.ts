import { type ByteInput, decodeText, peek } from './decode-text.ts'
import { declaredXmlEncoding, detectFormat } from './detect-format.ts'
import { type FeedEvent, FeedStructureError, type ParseOptions } from './feed-item.ts'
import { fieldLimits, knownCurrencies } from './field-values.ts'
import { parseGoogleTsv } from './parse-google-tsv.ts'
import { googleXmlReader } from './parse-google-xml.ts'
import { parseShopifyCsv } from './parse-shopify-csv.ts'

const headSize = 16 * 1024

/**
 * Reads a product feed as a stream and yields one event per item or rejected item, in file order.
 * Throws FeedStructureError when the file as a whole cannot be trusted (not well-formed, truncated,
 * DOCTYPE, too deep, too large, unknown format, header without required columns, broken encoding);
 * the caller must then discard everything it has staged from this run.
 */
export async function* parseFeed(input: ByteInput, options: ParseOptions): AsyncGenerator<FeedEvent> {
  if (!knownCurrencies.has(options.defaultCurrency)) {
    throw new RangeError(`defaultCurrency ${JSON.stringify(options.defaultCurrency)} is not an ISO 4217 currency`)
  }
  const maxBytes = options.maxBytes ?? 512 * 1024 * 1024
  const limits = fieldLimits(options.maxFieldLength)
  const peeked = await peek(input, headSize)
  if (peeked.head.length === 0) throw new FeedStructureError('unknown format: the file is empty', null, null)
  const format = options.format ?? detectFormat(peeked.head)
  if (format === null) {
    if (/^(\xef\xbb\xbf)?\s*<[\s\S]*<!DOCTYPE/.test(peeked.head.toString('latin1'))) {
      throw new FeedStructureError('DOCTYPE is not allowed (XXE/entity-expansion protection)', null, null)
    }
    throw new FeedStructureError(
      'unknown format: expected a Google RSS/Atom XML feed, a Google TSV feed or a Shopify product CSV',
      null,
      null,
    )
  }

  if (format === 'google-rss' || format === 'google-atom') {
    const encoding = textEncoding(declaredXmlEncoding(peeked.head))
    const reader = googleXmlReader({
      format,
      defaultCurrency: options.defaultCurrency,
      limits,
      maxDepth: options.maxDepth ?? 16,
    })
    // Loops rather than yield*, which would wrap each array in an async iterator.
    for await (const chunk of decodeText(peeked, encoding, maxBytes, reader.linesRead)) {
      for (const event of reader.read(chunk)) yield event
    }
    for (const event of reader.end()) yield event
    return
  }
  const text = decodeText(peeked, 'utf-8', maxBytes)
  const csvOptions = { defaultCurrency: options.defaultCurrency, limits }
  yield* format === 'google-tsv' ? parseGoogleTsv(text, csvOptions) : parseShopifyCsv(text, csvOptions)
}

/** The WHATWG encoding for an XML declaration's label; single-byte encodings and UTF-8 only. */
function textEncoding(label: string): string {
  let encoding: string
  try {
    encoding = new TextDecoder(label).encoding
  } catch {
    throw new FeedStructureError(`unsupported encoding ${JSON.stringify(label)}`, 1, null)
  }
  // A UTF-16 file would not have been recognised as XML from its bytes in the first place.
  if (encoding.startsWith('utf-16'))
    throw new FeedStructureError(`unsupported encoding ${JSON.stringify(label)}`, 1, null)
  return encoding
}

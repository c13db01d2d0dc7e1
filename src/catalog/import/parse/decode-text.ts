// Bytes → text, incrementally, so that memory stays flat whatever the feed size. UTF-8 is validated
// (a feed with broken bytes would otherwise import "Ã©" or U+FFFD into product titles); single-byte
// encodings declared by an XML declaration (ISO-8859-1, windows-1252) go through TextDecoder.
import { isUtf8 } from 'node:buffer'
import { FeedStructureError } from './feed-item.ts'

export type ByteInput = NodeJS.ReadableStream | AsyncIterable<Buffer | Uint8Array | string>

/** The first bytes of a feed (for detection) and the rest, not yet read. */
export interface PeekedInput {
  head: Buffer
  rest: AsyncIterator<Buffer>
}

async function* asBuffers(input: ByteInput): AsyncGenerator<Buffer> {
  for await (const chunk of input as AsyncIterable<Buffer | Uint8Array | string>) {
    if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8')
    else if (Buffer.isBuffer(chunk)) yield chunk
    else yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  }
}

/** Reads at least `size` bytes (fewer only when the feed is shorter) without consuming the rest. */
export async function peek(input: ByteInput, size: number): Promise<PeekedInput> {
  const rest = asBuffers(input)
  const chunks: Buffer[] = []
  let length = 0
  while (length < size) {
    const next = await rest.next()
    if (next.done) break
    chunks.push(next.value)
    length += next.value.length
  }
  return { head: Buffer.concat(chunks), rest }
}

const bom = Buffer.from([0xef, 0xbb, 0xbf])

/**
 * The line the consumer of decodeText's chunks has reached: each chunk read whole before it asks for
 * the next, it is the line the next chunk starts on.
 */
export type LinesRead = () => number

/**
 * Text chunks of the feed; `encoding` is a WHATWG label, 'utf-8' by default. The UTF-8 BOM is dropped.
 * `linesRead`, when the consumer counts lines itself (the XML scanner does), places a UTF-8 error
 * without the decoder counting every line a second time; a consumer that reads ahead (csv-parse) gives none.
 */
export async function* decodeText(
  input: PeekedInput,
  encoding: string,
  maxBytes: number,
  linesRead?: LinesRead,
): AsyncGenerator<string> {
  let total = 0
  const chunks = (async function* () {
    if (input.head.length > 0) yield input.head
    for (let next = await input.rest.next(); !next.done; next = await input.rest.next()) yield next.value
  })()
  const counted = (async function* () {
    for await (const chunk of chunks) {
      total += chunk.length
      if (total > maxBytes) throw new FeedStructureError(`file too large: more than ${maxBytes} bytes`, null, null)
      yield chunk
    }
  })()
  if (encoding === 'utf-8') yield* decodeUtf8(counted, linesRead)
  else {
    const decoder = new TextDecoder(encoding)
    for await (const chunk of counted) {
      const text = decoder.decode(chunk, { stream: true })
      if (text !== '') yield text
    }
    const tail = decoder.decode()
    if (tail !== '') yield tail
  }
}

async function* decodeUtf8(chunks: AsyncIterable<Buffer>, linesRead: LinesRead | undefined): AsyncGenerator<string> {
  // Each piece decoded holds whole, validated characters, so this decoder keeps no state between
  // them; in streaming mode it is faster than Buffer#toString. ignoreBOM: a BOM left is text.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
  let offset = 0 // bytes of the file before `carry`
  let lines = 1 // counted here only without linesRead
  let carry: Buffer | null = null
  let first = true
  for await (const chunk of chunks) {
    let bytes: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk
    if (first && bytes.length < 3 && bom.subarray(0, bytes.length).equals(bytes)) {
      carry = bytes // too short to tell whether it is a BOM
      continue
    }
    if (first) {
      first = false
      if (bytes.subarray(0, 3).equals(bom)) {
        bytes = bytes.subarray(3)
        offset = 3
      }
    }
    // A character may be split between two chunks: keep its first bytes for the next round.
    const end = completeLength(bytes)
    const complete = bytes.subarray(0, end)
    carry = end < bytes.length ? Buffer.from(bytes.subarray(end)) : null
    if (!isUtf8(complete)) {
      const bad = firstInvalidByte(complete)
      throw new FeedStructureError(
        `not valid UTF-8 at byte ${offset + bad}`,
        (linesRead?.() ?? lines) + countNewlines(complete.subarray(0, bad)),
        null,
      )
    }
    offset += end
    if (complete.length > 0) {
      const text = decoder.decode(complete, { stream: true })
      // Counted in the text: String#indexOf is a cheaper call than Buffer#indexOf.
      if (linesRead === undefined) for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) lines++
      yield text
    }
  }
  if (carry && carry.length > 0) {
    if (first && bom.subarray(0, carry.length).equals(carry)) return // a file holding only part of a BOM
    throw new FeedStructureError(
      `not valid UTF-8 at byte ${offset}: the file ends inside a character`,
      linesRead?.() ?? lines,
      null,
    )
  }
}

/** Length of `bytes` without a trailing, incomplete multi-byte sequence. */
function completeLength(bytes: Buffer): number {
  for (let i = bytes.length - 1; i >= 0 && i >= bytes.length - 4; i--) {
    const byte = bytes[i] as number
    if ((byte & 0xc0) === 0x80) continue // continuation byte: look further back for the lead byte
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1
    return bytes.length - i < needed ? i : bytes.length
  }
  return bytes.length
}

/** Index of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629 §4). */
function firstInvalidByte(bytes: Buffer): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i] as number
    if (b < 0x80) {
      i++
      continue
    }
    let needed: number
    let min: number
    if (b >= 0xc2 && b <= 0xdf) [needed, min] = [1, 0x80]
    else if (b >= 0xe0 && b <= 0xef) [needed, min] = [2, 0x800]
    else if (b >= 0xf0 && b <= 0xf4) [needed, min] = [3, 0x10000]
    else return i
    let code = b & (0x3f >> needed)
    for (let k = 1; k <= needed; k++) {
      const c = bytes[i + k]
      if (c === undefined || (c & 0xc0) !== 0x80) return i
      code = (code << 6) | (c & 0x3f)
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i
    i += needed + 1
  }
  return bytes.length
}

function countNewlines(bytes: Buffer): number {
  let count = 0
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) count++
  return count
}

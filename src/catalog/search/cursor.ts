import { createHash } from 'node:crypto'
import { BadRequest } from '../../platform/errors.ts'
import { uuidPattern } from '../../platform/ids.ts'

/**
 * Where a keyset page ends: the sort, the last item's sort key and id, and a fingerprint of the
 * query it belongs to. Opaque to clients (base64url JSON with a checksum). It is not secret and
 * grants nothing: it only positions a listing of public data; the checksum and the strict shape
 * make an edited or foreign cursor a 400 rather than a silently different page.
 */
export interface ListingCursor {
  sort: string
  /** The sort's primary key of the last item (price, units sold, relevance place, creation ms). */
  key: number
  /** Creation instant (ms) of the last item: the tie-break after the primary key. */
  createdAt: number
  id: string
}

const version = 1
const maxCursorLength = 400
const uuid = new RegExp(uuidPattern)

export class InvalidCursor extends BadRequest {
  constructor() {
    super('invalid-cursor', 'The cursor is not one this listing gave out (tampered, or from another query)')
  }
}

export function encodeCursor(cursor: ListingCursor, queryFingerprint: string): string {
  const payload = JSON.stringify([version, cursor.sort, cursor.key, cursor.createdAt, cursor.id])
  return `${Buffer.from(payload).toString('base64url')}.${checksum(payload, queryFingerprint)}`
}

/** The cursor, or InvalidCursor (400) when it was edited, is malformed or belongs to another query. */
export function decodeCursor(text: string, queryFingerprint: string, sort: string): ListingCursor {
  if (text.length > maxCursorLength || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16}$/.test(text)) throw new InvalidCursor()
  const [body = '', sum] = text.split('.')
  const payload = Buffer.from(body, 'base64url').toString('utf8')
  if (sum !== checksum(payload, queryFingerprint)) throw new InvalidCursor()
  let parsed: unknown
  try {
    parsed = JSON.parse(payload)
  } catch {
    throw new InvalidCursor()
  }
  if (!Array.isArray(parsed) || parsed.length !== 5) throw new InvalidCursor()
  const [v, s, key, createdAt, id] = parsed as unknown[]
  if (
    v !== version ||
    s !== sort ||
    typeof key !== 'number' ||
    !Number.isFinite(key) ||
    typeof createdAt !== 'number' ||
    !Number.isFinite(createdAt) ||
    typeof id !== 'string' ||
    !uuid.test(id)
  )
    throw new InvalidCursor()
  return { sort: s, key, createdAt, id }
}

function checksum(payload: string, queryFingerprint: string): string {
  return createHash('sha256').update(queryFingerprint).update('\0').update(payload).digest('base64url').slice(0, 16)
}

import { itemContent, md5Hex } from './content-hash.ts'
import type { StagedItem } from './validate-item.ts'

/**
 * What staging keeps of a validated item until its batch is written: its keys, the fields the
 * thin form stages (title, status), its content text and hash (content-hash.ts), and for a first
 * import the item itself (it settles its products from it: apply-fresh.ts). Nothing is copied, and a
 * batch is garbage once written.
 */
export interface StagingItem {
  itemId: string
  groupId: string
  /** File order. */
  seq: number
  line: number
  title: string | null
  status: string | null
  content: string
  hash: string
  /** Kept for a first import only (apply-fresh.ts): held for a batch, the items outlive the young generation and cost GC time. */
  item: StagedItem | null
}

export function stagingItem(item: StagedItem, seq: number, keepItem = false): StagingItem {
  const content = itemContent(item)
  return {
    itemId: item.itemId,
    groupId: item.groupId,
    seq,
    line: item.line,
    title: item.title,
    status: item.status,
    content,
    hash: md5Hex(content),
    item: keepItem ? item : null,
  }
}

/**
 * One staging batch as a JSON array of objects, taken apart by json_to_recordset in the INSERT
 * (stage-items.ts): the content text each item already has for its hash (content-hash.ts) is
 * spliced in as is, so staging serialises nothing twice. Keys: s seq, l line, g group, h hash,
 * then either every content key (a full row) or the item id, title and status and `k`, the
 * item's place in `contents` (its product looked unchanged: the other columns stay null).
 *
 * The contents of those items go apart, joined by U+001F, which JSON.stringify never leaves raw
 * (it escapes every control character): the server splits them instead of lexing them as JSON,
 * since it only stores them (they are read again only for a product applied after all).
 */
export class StagingDocument {
  private readonly entries: string[] = []
  private readonly thinContents: string[] = []
  readonly items: StagingItem[] = []

  get length(): number {
    return this.items.length
  }

  add(item: StagingItem, full: boolean): void {
    this.items.push(item)
    const head = `{"s":${item.seq},"l":${item.line},"g":${JSON.stringify(item.groupId)},"h":"${item.hash}",`
    if (full) {
      this.entries.push(head + item.content.slice(1))
      return
    }
    this.thinContents.push(item.content)
    this.entries.push(
      `${head}"i":${JSON.stringify(item.itemId)},"t":${JSON.stringify(item.title)},"st":${JSON.stringify(item.status)},"k":${this.thinContents.length}}`,
    )
  }

  text(): string {
    return `[${this.entries.join(',')}]`
  }

  /** The contents of the items staged without their columns, in order (`k` is 1-based). */
  contents(): string {
    return this.thinContents.join('\x1f')
  }
}

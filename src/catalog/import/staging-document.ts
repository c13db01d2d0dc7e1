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
 * then either every content key (a full row) or only the item id, title and status (its product
 * looked unchanged: the other columns stay null, and the apply never reads them for a product it
 * skips).
 */
export class StagingDocument {
  private readonly entries: string[] = []
  readonly items: StagingItem[] = []

  get length(): number {
    return this.items.length
  }

  add(item: StagingItem, full: boolean): void {
    this.items.push(item)
    const head = `{"s":${item.seq},"l":${item.line},"g":${JSON.stringify(item.groupId)},"h":"${item.hash}",`
    this.entries.push(
      full
        ? head + item.content.slice(1)
        : `${head}"i":${JSON.stringify(item.itemId)},"t":${JSON.stringify(item.title)},"st":${JSON.stringify(item.status)}}`,
    )
  }

  text(): string {
    return `[${this.entries.join(',')}]`
  }
}

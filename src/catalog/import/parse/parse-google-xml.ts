// Google Merchant XML feeds: RSS 2.0 (channel/item) and Atom (feed/entry), product fields in the g:
// namespace. The scanner is fed chunk by chunk; the events one chunk produces are yielded (by
// parseFeed) before the next chunk is read, so memory holds one chunk and one item at most.
import { atomNamespace, googleNamespace } from './detect-format.ts'
import { type FeedEvent, type FeedFormat, FeedStructureError } from './feed-item.ts'
import type { FieldLimits } from './field-values.ts'
import {
  addGroup,
  addValue,
  emptyFields,
  firstGivenValue,
  firstValue,
  type GoogleFields,
  googleItemEvent,
  setValue,
} from './google-item.ts'
import { XmlDoctypeError, XmlScanner, XmlSyntaxError } from './xml-scanner.ts'

export interface XmlOptions {
  format: Extract<FeedFormat, 'google-rss' | 'google-atom'>
  defaultCurrency: string
  limits: FieldLimits
  maxDepth: number
}

// Fields read from plain RSS/Atom elements when the item has no g: version of them.
const plainFields: Record<string, string> = {
  title: 'title',
  link: 'link',
  description: 'description',
  summary: 'description',
  content: 'description',
}
// One item may not make memory grow without bound: past this many fields it is rejected.
const maxFieldsPerItem = 500

interface ItemState {
  line: number
  depth: number
  fields: GoogleFields
  /** Plain RSS/Atom fields (null until one comes). */
  plain: Map<string, string> | null
  fieldCount: number
}
interface FieldState {
  name: string
  plain: boolean
  depth: number
  text: string
  cap: number
  /** Sub-field names and values (`[name, value, …]`) when the field is a group (g:shipping). */
  group: string[] | null
  subName: string | null
  subText: string
}

/** A Google XML feed read chunk by chunk: each call returns the events of what it was given, valid until the next call. */
export interface GoogleXmlReader {
  read(chunk: string): readonly FeedEvent[]
  /** The end of the text: throws when the feed is truncated or has no root. */
  end(): readonly FeedEvent[]
  /** The line the text read so far ends on (see decodeText). */
  linesRead(): number
}

/**
 * A reader rather than an async generator of its own: parseFeed yields its events directly, one
 * async generator per event fewer (each costs promises and a trip through the microtask queue).
 */
export function googleXmlReader(options: XmlOptions): GoogleXmlReader {
  const events: FeedEvent[] = []
  const itemName = options.format === 'google-rss' ? 'item' : 'entry'
  const itemUri = options.format === 'google-rss' ? '' : atomNamespace
  let depth = 0
  let item: ItemState | null = null
  // The field being read, or null. One object serves every field in turn (one is open at a time,
  // and closeField takes what it needs from it): a new one per field was garbage to collect.
  let field: FieldState | null = null
  const fieldState: FieldState = {
    name: '',
    plain: false,
    depth: 0,
    text: '',
    cap: 0,
    group: null,
    subName: null,
    subText: '',
  }
  let sawRoot = false
  const fail = (reason: string, line?: number): never => {
    const at = scanner.position()
    throw new FeedStructureError(reason, line ?? at.line, line === undefined ? at.column : null)
  }

  const scanner: XmlScanner = new XmlScanner({
    openTag(local, uri, attributes) {
      depth++
      if (depth > options.maxDepth)
        fail(`elements nested deeper than ${options.maxDepth} levels`, scanner.currentTagLine())
      if (!sawRoot) {
        sawRoot = true
        const expected = options.format === 'google-rss' ? 'rss' : 'feed'
        if (local !== expected)
          fail(`expected a <${expected}> root element, found <${local}>`, scanner.currentTagLine())
        return
      }
      if (item === null) {
        if (local === itemName && uri === itemUri) {
          item = {
            line: scanner.currentTagLine(),
            depth,
            fields: emptyFields(),
            plain: null,
            fieldCount: 0,
          }
        }
        return
      }
      if (depth === item.depth + 1) {
        field = openField(fieldState, local, uri, attributes, depth, options.limits) ? fieldState : null
      } else if (field !== null && depth === field.depth + 1) {
        field.group ??= []
        field.subName = local
        field.subText = ''
      }
    },
    text(chunk) {
      if (field === null) return
      if (depth === field.depth) {
        if (field.text.length <= field.cap) {
          field.text =
            field.text === ''
              ? chunk.slice(0, field.cap + 1)
              : field.text + chunk.slice(0, field.cap + 1 - field.text.length)
        }
      } else if (field.subName !== null && field.subText.length <= field.cap) {
        field.subText += chunk.slice(0, field.cap + 1 - field.subText.length)
      }
    },
    closeTag() {
      if (item !== null && field !== null) {
        if (depth === field.depth + 1 && field.group !== null && field.subName !== null) {
          setSubField(field.group, field.subName, field.subText.trim())
          field.subName = null
        } else if (depth === field.depth) {
          item.fieldCount++
          if (item.fieldCount <= maxFieldsPerItem) closeField(item, field)
          field = null
        }
      }
      if (item !== null && depth === item.depth) {
        events.push(finishItem(item, options))
        item = null
      }
      depth--
    },
  })

  const write = (chunk: string | null) => {
    try {
      if (chunk === null) scanner.end()
      else scanner.write(chunk)
    } catch (error) {
      if (error instanceof XmlDoctypeError) {
        throw new FeedStructureError(
          'DOCTYPE is not allowed (XXE/entity-expansion protection)',
          error.line,
          error.column,
        )
      }
      if (error instanceof XmlSyntaxError) {
        const reason = error.reason.startsWith('truncated file') ? error.reason : `not well-formed XML: ${error.reason}`
        throw new FeedStructureError(reason, error.line, error.column)
      }
      throw error
    }
  }
  return {
    read(chunk) {
      events.length = 0
      write(chunk)
      return events
    },
    end() {
      events.length = 0
      write(null)
      if (!sawRoot) {
        throw new FeedStructureError('not well-formed XML: the file has no root element', scanner.position().line, null)
      }
      if (depth > 0) fail(`truncated file: ${depth} element(s) still open at the end`)
      return events
    },
    linesRead: () => scanner.linesRead(),
  }
}

/** Sets `state` up for an item's child element; false when it is not a product field. */
function openField(
  state: FieldState,
  local: string,
  uri: string,
  attributes: Readonly<Record<string, string>>,
  depth: number,
  limits: FieldLimits,
): boolean {
  let name: string
  let plain = false
  // The scanner hands over names and namespaces as V8's unique copies: these compare by pointer.
  if (uri === googleNamespace) name = local
  else if ((uri === '' || uri === atomNamespace) && plainFields[local] !== undefined) {
    name = plainFields[local] as string
    plain = true
  } else return false // Atom's own id/updated/author, other namespaces: not product data
  state.name = name
  state.plain = plain
  state.depth = depth
  state.text = ''
  state.cap = name === 'title' ? limits.title : name === 'description' ? limits.description : limits.other
  state.group = null
  state.subName = null
  state.subText = ''
  // Atom links are <link href="…"/>; only the alternate (default) one is the product page.
  if (plain && name === 'link') {
    const href = attributes.href
    if (href !== undefined) state.text = (attributes.rel ?? 'alternate') === 'alternate' ? href : ''
  }
  return true
}

function closeField(item: ItemState, field: FieldState): void {
  if (field.plain) {
    // <summary> and <content> both map to description: the first one given wins.
    item.plain ??= new Map()
    if (!item.plain.has(field.name)) item.plain.set(field.name, field.text.trim())
    return
  }
  if (field.group !== null) {
    addGroup(item.fields, field.name, field.group)
    return
  }
  addValue(item.fields, field.name, field.text.trim())
}

/** A sub-field given twice keeps its first place and its last value (as an object's key would). */
function setSubField(group: string[], name: string, value: string): void {
  for (let k = 0; k < group.length; k += 2) {
    if (group[k] === name) {
      group[k + 1] = value
      return
    }
  }
  group.push(name, value)
}

function finishItem(item: ItemState, options: XmlOptions): FeedEvent {
  if (item.fieldCount > maxFieldsPerItem) {
    const id = firstGivenValue(item.fields, 'id')
    return {
      kind: 'rejection',
      rejection: {
        line: item.line,
        itemId: id,
        reason: `item has ${item.fieldCount} fields; the limit is ${maxFieldsPerItem}`,
      },
    }
  }
  for (const [name, value] of item.plain ?? []) {
    if (firstValue(item.fields, name) === null) setValue(item.fields, name, value)
  }
  return googleItemEvent(item.line, item.fields, options.defaultCurrency, options.limits)
}

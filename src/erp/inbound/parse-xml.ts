import { SaxesParser } from 'saxes'
import { BadRequest } from '../../platform/errors.ts'

/** An element as the inbound documents need it: local name, namespace, trimmed text, children. */
export interface XmlTree {
  name: string
  uri: string
  text: string
  children: XmlTree[]
}

/** Refused before any effect: the ERP gets a 400 problem document with the reason. */
export class MalformedDocument extends BadRequest {
  constructor(reason: string) {
    super('malformed-request', reason)
  }
}

// A UBL document is a dozen levels deep; anything far deeper is an attack or a mistake.
const maxDepth = 64
const maxElements = 200_000

/**
 * Parses a whole (size-limited) body into a plain tree with saxes, which never fetches external
 * entities and expands no entity beyond XML's five. Any DOCTYPE is refused outright, whatever it
 * holds (XXE and entity-expansion protection): UBL documents never need one.
 */
export function parseXml(body: string): XmlTree {
  const parser = new SaxesParser({ xmlns: true, position: true })
  const stack: XmlTree[] = []
  let root: XmlTree | null = null
  let elements = 0
  let failure: string | null = null
  const fail = (reason: string) => {
    failure ??= reason
  }

  parser.on('doctype', () => fail('DOCTYPE is not allowed (XXE/entity-expansion protection)'))
  parser.on('error', (e) => fail(`not well-formed XML: ${e.message}`))
  parser.on('opentag', (tag) => {
    elements++
    if (stack.length >= maxDepth) fail(`elements nested deeper than ${maxDepth}`)
    if (elements > maxElements) fail(`more than ${maxElements} elements`)
    const node: XmlTree = { name: tag.local, uri: tag.uri, text: '', children: [] }
    const parent = stack.at(-1)
    if (parent) parent.children.push(node)
    else root ??= node
    stack.push(node)
  })
  const onText = (text: string) => {
    const top = stack.at(-1)
    if (top) top.text += text
  }
  parser.on('text', onText)
  parser.on('cdata', onText)
  parser.on('closetag', () => {
    const node = stack.pop()
    if (node) node.text = node.text.trim()
  })

  // Look for a DOCTYPE before feeding saxes: it reports one only after reading all of it.
  const firstTag = body.search(/<[A-Za-z_]/)
  const prolog = firstTag === -1 ? body : body.slice(0, firstTag)
  if (/<!DOCTYPE/i.test(prolog)) throw new MalformedDocument('DOCTYPE is not allowed (XXE/entity-expansion protection)')
  try {
    parser.write(body).close()
  } catch (e) {
    fail(`not well-formed XML: ${(e as Error).message}`)
  }
  if (failure !== null) throw new MalformedDocument(failure)
  if (root === null) throw new MalformedDocument('not well-formed XML: no root element')
  return root
}

/** The first descendant along a path of local names (`child(tree, 'Shipment', 'Delivery')`). */
export function child(tree: XmlTree | undefined, ...path: string[]): XmlTree | undefined {
  let node = tree
  for (const name of path) node = node?.children.find((c) => c.name === name)
  return node
}

/** The text at a path, or null when absent or empty. */
export function textAt(tree: XmlTree | undefined, ...path: string[]): string | null {
  const text = child(tree, ...path)?.text
  return text ? text : null
}

export function childrenNamed(tree: XmlTree, name: string): XmlTree[] {
  return tree.children.filter((c) => c.name === name)
}

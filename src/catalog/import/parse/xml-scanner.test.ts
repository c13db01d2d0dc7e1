import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { XmlDoctypeError, XmlScanner, XmlSyntaxError } from './xml-scanner.ts'

type Event = ['open', string, string, Record<string, string>] | ['close'] | ['text', string]

/** Every event of `xml` fed in chunks of `size` characters, adjacent texts joined. */
function scan(xml: string, size = xml.length): Event[] {
  const events: Event[] = []
  const scanner = new XmlScanner({
    openTag: (local, uri, attributes) => events.push(['open', local, uri, { ...attributes }]),
    closeTag: () => events.push(['close']),
    text: (text) => {
      const last = events[events.length - 1]
      if (last?.[0] === 'text') last[1] += text
      else events.push(['text', text])
    },
  })
  for (let i = 0; i < xml.length; i += size) scanner.write(xml.slice(i, i + size))
  scanner.end()
  return events
}

function refused(xml: string, size?: number): XmlSyntaxError {
  try {
    scan(xml, size)
  } catch (error) {
    assert.ok(error instanceof XmlSyntaxError, `expected XmlSyntaxError, got ${error}`)
    return error
  }
  return assert.fail(`accepted: ${xml}`)
}

const g = 'http://base.google.com/ns/1.0'

describe('XmlScanner', () => {
  it('reads namespaces, attributes, entities, character references, CDATA and comments, in any chunking', () => {
    const xml =
      '<?xml version="1.0"?>\r\n<!-- a feed -->\r\n<rss xmlns:g="http://base.google.com/ns/1.0" v=\'2.0\'>' +
      '<x:id xmlns:x="http://base.google.com/ns/1.0">A&amp;B &#233;&#x1F600;</x:id>' +
      '<g:d><![CDATA[<p>x &amp; y]]></g:d><link href="a?b=1&amp;c=2" rel="alternate"/>\r\n</rss>\n'
    const expected: Event[] = [
      ['open', 'rss', '', { 'xmlns:g': g, v: '2.0' }],
      ['open', 'id', g, { 'xmlns:x': g }],
      ['text', 'A&B é😀'],
      ['close'],
      ['open', 'd', g, {}],
      ['text', '<p>x &amp; y'],
      ['close'],
      ['open', 'link', '', { href: 'a?b=1&c=2', rel: 'alternate' }],
      ['close'],
      ['text', '\n'],
      ['close'],
    ]
    for (const size of [1, 2, 3, 7, 64, 10_000]) assert.deepEqual(scan(xml, size), expected, `chunks of ${size}`)
  })

  it('passes a huge text on in pieces without holding it whole, and keeps entities intact across cuts', () => {
    const body = 'é&amp;'.repeat(40_000)
    const events = scan(`<r>${body}</r>`, 50_000)
    assert.deepEqual(events, [['open', 'r', '', {}], ['text', 'é&'.repeat(40_000)], ['close']])
    const lines = 'ligne\r\n'.repeat(20_000)
    for (const size of [49_999, 50_000, 50_001]) {
      assert.deepEqual(scan(`<r>${lines}</r>`, size)[1], ['text', 'ligne\n'.repeat(20_000)], `chunks of ${size}`)
    }
  })

  it('refuses every kind of broken markup with the place of the fault', () => {
    const cases: Array<[string, RegExp, number, number]> = [
      ['<r><a></b></r>', /^unexpected close tag <\/b>: expected <\/a>/, 1, 11],
      ['<r a=1/>', /^the value of attribute a is not quoted/, 1, 6],
      ['<r a="1" a="2"/>', /^duplicate attribute a/, 1, 12],
      ['<r a="1"b="2"/>', /^expected whitespace between attributes/, 1, 9],
      ['<r a="<"/>', /^"<" in the value of attribute a/, 1, 6],
      ['<r>\n<x:a/></r>', /^unbound namespace prefix in <x:a>/, 2, 1],
      ['<r>&nbsp;</r>', /^undefined entity: nbsp/, 1, 4],
      ['<r>a & b</r>', /^"&" must start an entity/, 1, 6],
      ['<r>&#0;</r>', /^character reference &#0; is not an XML character/, 1, 4],
      ['<r>\u0001</r>', /^character not allowed in XML/, 1, 4],
      ['<r>]]></r>', /^"]]>" is not allowed in text/, 1, 4],
      ['<r><!-- a -- b --></r>', /^"--" is not allowed inside a comment/, 1, 4],
      ['<r/>text', /^text outside the root element/, 1, 5],
      ['<r/><s/>', /^a second root element/, 1, 5],
      ['<r><1a/></r>', /^invalid element name/, 1, 5],
      ['<r>\n<?xml version="1.0"?></r>', /^the XML declaration is allowed only at the start/, 2, 1],
      ['<r><!FOO></r>', /^unexpected "<!"/, 1, 4],
      ['<r><a>', /^truncated file: 2 element\(s\) still open at the end/, 1, 7],
      ['<r><a', /^truncated file: 1 element\(s\) still open/, 1, 6],
      ['<r/><!-- never closed', /^unfinished markup at the end of the file/, 1, 5],
      ['<r xmlns:p=""/>', /^the prefix p cannot be undeclared/, 1, 1],
    ]
    for (const [xml, reason, line, column] of cases) {
      for (const size of [1, xml.length]) {
        const error = refused(xml, size)
        assert.match(error.reason, reason, xml)
        assert.deepEqual([error.line, error.column], [line, column], `${xml} in chunks of ${size}`)
      }
    }
  })

  it('refuses a DOCTYPE as soon as it starts, before reading what it declares', () => {
    let error: unknown
    try {
      scan('<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<r>&x;</r>', 4)
    } catch (e) {
      error = e
    }
    assert.ok(error instanceof XmlDoctypeError)
    assert.deepEqual([error.line, error.column], [2, 1])
  })
})

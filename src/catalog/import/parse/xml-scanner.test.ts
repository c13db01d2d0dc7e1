import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { XmlDoctypeError, XmlScanner, XmlSyntaxError } from './xml-scanner.ts'

type Event = ['open', string, string, Record<string, string>] | ['close'] | ['text', string]

/** A scanner that records its events into `events`, adjacent texts joined. */
function recordingScanner(events: Event[]): XmlScanner {
  return new XmlScanner({
    openTag: (local, uri, attributes) => events.push(['open', local, uri, { ...attributes }]),
    closeTag: () => events.push(['close']),
    text: (text) => {
      const last = events[events.length - 1]
      if (last?.[0] === 'text') last[1] += text
      else events.push(['text', text])
    },
  })
}

/** Every event of `xml` fed in chunks of `size` characters, adjacent texts joined. */
function scan(xml: string, size = xml.length): Event[] {
  const events: Event[] = []
  const scanner = recordingScanner(events)
  for (let i = 0; i < xml.length; i += size) scanner.write(xml.slice(i, i + size))
  scanner.end()
  return events
}

/** The events of `xml` written as the given pieces, or the error it ends with (line, column, reason). */
function outcome(pieces: string[]): { events: Event[] } | { error: [number, number, string] } {
  const events: Event[] = []
  const scanner = recordingScanner(events)
  try {
    for (const piece of pieces) scanner.write(piece)
    scanner.end()
  } catch (error) {
    assert.ok(error instanceof XmlSyntaxError, `expected XmlSyntaxError, got ${error}`)
    return { error: [error.line, error.column, error.reason] }
  }
  return { events }
}

/** Asserts that `xml` reads the same whatever character the first of two chunks ends before. */
function sameWherever(xml: string, from = 0, to = xml.length): void {
  const whole = outcome([xml])
  for (let at = from; at <= to; at++) {
    assert.deepEqual(
      outcome([xml.slice(0, at), xml.slice(at)]),
      whole,
      `chunks end before ${at}: ${xml.slice(at, at + 20)}`,
    )
  }
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

  it('reads the same wherever a chunk ends: in a tag, a name, an entity, a CDATA end, a comment', () => {
    // The second chunk is longer than what is first joined to a held token (1,024 characters), so
    // both the joined start and the rest of the chunk read alone are exercised.
    const tail = `${'<g:x a="1">text &amp; more</g:x>\n'.repeat(60)}</r>`
    const head =
      '<r xmlns:g="http://base.google.com/ns/1.0"><g:id a="x&lt;y" b=\'2\'>A&#233;&amp;B</g:id><g:description><![CDATA[<p>a ]] b]]]]>' +
      '<!-- c --><?pi x?><g:titlé>é😀\r\n</g:titlé><g:title/></g:description><é:a xmlns:é="urn:e">x</é:a>\r\n'
    sameWherever(head + tail, 0, head.length + 40)
    // Errors too keep their place: a bad entity, "]]>" in text, a mismatched end tag, a bad name.
    for (const fault of ['&nope;', ']]>', '</g:y>', '<1a/>', '<a b="1"c="2"/>']) {
      const xml = `${head}\n<g:x>before ${fault} after</g:x>\n${tail}`
      const at = xml.indexOf(fault)
      sameWherever(xml, at - 12, at + fault.length + 2)
    }
    // A chunk that ends in text across line breaks, and a fault far into the next chunk: the lines
    // held at the end of the first chunk still count.
    const lines = '<r>\n<a>x</a>\n<b>\n\n text\r\n\n</b>\n'
    sameWherever(`${lines}${'<c/>\n'.repeat(400)}<d></e></r>`, 0, lines.length)
  })

  it('reads a token longer than what is first joined to it, and never splits a surrogate pair', () => {
    const cdata = `<![CDATA[${'x'.repeat(5_000)}]]>`
    const xml = `<r><a>${cdata}</a>${'<b>y</b>'.repeat(400)}</r>`
    sameWherever(xml, 0, 12)
    sameWherever(xml, 5_000, 5_030)
    // A held "<a" joined to 1,024 characters of a chunk whose 1,024th is the first half of 😀:
    // cut there, the name would seem to end at the lone half and the tag to be broken.
    const name = `<a${'b'.repeat(1_022)}😀c/>`
    const named = `<r>${name}${'<d/>'.repeat(400)}</r>`
    sameWherever(named, 3, 6)
    assert.deepEqual(outcome(['<r><a', `${'b'.repeat(1_022)}😀c/>${'<d/>'.repeat(400)}</r>`]), outcome([named]))
  })

  it('checks each element name exactly, even when it resembles the one expected there', () => {
    // Items repeat their fields in one order; one that differs by a character, a suffix, a
    // non-ASCII character or its namespace must be read as itself.
    const item = (fields: string) => `<item>${fields}</item>`
    const xml =
      '<r xmlns:g="urn:g">' +
      item('<g:id>1</g:id><g:title>a</g:title>') +
      item('<g:id>2</g:id><g:titlf>b</g:titlf>') +
      item('<g:id>3</g:id><g:titles>c</g:titles>') +
      item('<g:id>4</g:id><g:titleé>d</g:titleé>') +
      item('<g:id>5</g:id><g:title>e</g:title>') +
      item('<g:id>5</g:id><g:title xmlns:g="urn:other">e</g:title>') +
      item('<g:id>6</g:id ><g:title\n>f</g:title\t>') +
      '</r>'
    const opened = (outcome([xml]) as { events: Event[] }).events
      .filter((e) => e[0] === 'open')
      .map((e) => `${e[2]} ${e[1]}`)
    assert.deepEqual(opened, [
      ' r',
      ...['title', 'titlf', 'titles', 'titleé', 'title'].flatMap((name) => [' item', 'urn:g id', `urn:g ${name}`]),
      ' item',
      'urn:g id',
      'urn:other title',
      ' item',
      'urn:g id',
      'urn:g title',
    ])
    assert.deepEqual(outcome(['<r><ab></ac></r>']), {
      error: [1, 13, 'unexpected close tag </ac>: expected </ab>'],
    })
  })

  it('finds "&", CR and "]]>" in texts even when markup before them holds some', () => {
    assert.deepEqual(outcome(['<r a="&amp;\r"><![CDATA[&\r]]>x</r>']), {
      events: [['open', 'r', '', { a: '& ' }], ['text', '&\nx'], ['close']],
    })
    assert.deepEqual(outcome(['<r><![CDATA[]]>]]>a]]>b</r>']), {
      error: [1, 16, '"]]>" is not allowed in text'],
    })
    assert.deepEqual(outcome(['<r><!-- & --><x/>a &amp; b\r\nc<!-- ]]> --><y/>d ]]</r>']), {
      events: [
        ['open', 'r', '', {}],
        ['open', 'x', '', {}],
        ['close'],
        ['text', 'a & b\nc'],
        ['open', 'y', '', {}],
        ['close'],
        ['text', 'd ]]'],
        ['close'],
      ],
    })
  })

  it('gives the line and column of a fault after long texts and CDATA with line breaks', () => {
    const long = 'ligne\n'.repeat(30_000) // passed on in pieces, longer than a held text
    const cdata = '<![CDATA[a\nb\r\nc\rd]]>'
    const xml = `<r>\n${long}<a>${cdata}</a>\n  <b>x</c></r>`
    // Lines are counted at LF, as they were: 2 + the text's + the CDATA's two + the one before <b>.
    const line = 2 + 30_000 + 2 + 1
    for (const size of [1_000, 65_536, 100_003, xml.length]) {
      const error = refused(xml, size)
      assert.deepEqual([error.line, error.column], [line, 11], `chunks of ${size}`)
    }
  })

  it('keeps nothing of the element names it has read, however many distinct ones', () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const scanner = new XmlScanner({ openTag() {}, closeTag() {}, text() {} })
    scanner.write('<r>')
    gc()
    const before = process.memoryUsage().heapUsed
    let chunk = ''
    for (let i = 0; i < 500_000; i++) {
      chunk += `<n${i}>x</n${i}>`
      if (chunk.length > 60_000) {
        scanner.write(chunk)
        chunk = ''
      }
    }
    scanner.write(chunk)
    gc()
    const growth = (process.memoryUsage().heapUsed - before) / 1024 / 1024
    scanner.write('</r>')
    scanner.end()
    assert.ok(growth < 10, `heap grew by ${growth.toFixed(1)} MB`)
  })
})

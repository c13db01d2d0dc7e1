// A streaming, non-validating XML 1.0 tokenizer with namespaces, written for feed imports. saxes
// (what this replaced) reads one character at a time and spent ~70% of an import's CPU; this one
// finds markup with indexOf, which V8 runs as a native loop, and reads 100,000 generated feed items
// well over 5× faster (see bench/import-bench.ts). What a feed repeats costs little more than finding
// it: each element name is checked against the one that followed the same name last time (a feed's
// items all list their fields in one order), and '&', CR and "]]>" are each looked for once per
// chunk rather than once per text.
//
// It refuses what is not well-formed (mismatched or unclosed tags, bad names, attributes without
// quotes or duplicated, undefined entities, characters XML forbids, text or a second element
// outside the root) and any DOCTYPE: with no DTD, only the five predefined entities and character
// references exist, so no external entity is resolved and nothing is expanded.

/** A well-formedness error, at a 1-based line and column of the text. */
export class XmlSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${reason} (line ${line}, column ${column})`)
    this.name = 'XmlSyntaxError'
  }
}

/** The document has a DOCTYPE (refused before anything in it is read). */
export class XmlDoctypeError extends XmlSyntaxError {}

export interface XmlHandler {
  /** `attributes` maps qualified names to decoded values; one shared empty object when there are none. */
  openTag(local: string, uri: string, attributes: Readonly<Record<string, string>>): void
  closeTag(): void
  /** Character data (entities decoded, CDATA verbatim, line ends normalised to \n); may come in pieces. */
  text(text: string): void
}

const xmlNamespace = 'http://www.w3.org/XML/1998/namespace'
const xmlnsNamespace = 'http://www.w3.org/2000/xmlns/'
const noAttributes: Readonly<Record<string, string>> = Object.freeze({})
// XML 1.0 §2.3 Name, with the astral planes (NameStartChar #x10000-#xEFFFF) as surrogate pairs.
const nameStart =
  ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD'
const nameChar = `${nameStart}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040`
const namePattern = `(?:[${nameStart}]|[\\uD800-\\uDB7F][\\uDC00-\\uDFFF])(?:[${nameChar}]|[\\uD800-\\uDB7F][\\uDC00-\\uDFFF])*`
const nameAt = new RegExp(namePattern, 'y')
const wholeName = new RegExp(`^${namePattern}$`)
const nameRest = new RegExp(`(?:[${nameChar}]|[\\uD800-\\uDB7F][\\uDC00-\\uDFFF])*`, 'y')
// Feed markup is ASCII: a name made of ASCII characters and followed by one is read by this table
// (bit 1: NameStartChar, bit 2: NameChar), and only the others go through the full regex above.
const asciiName = new Uint8Array(128)
for (let c = 0; c < 128; c++) {
  const start = c === 0x3a || c === 0x5f || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
  const other = c === 0x2d || c === 0x2e || (c >= 0x30 && c <= 0x39)
  asciiName[c] = (start ? 1 : 0) | (start || other ? 2 : 0)
}
// Qualified element names resolved in the current namespace scope; past this many, the cache starts over.
const maxResolvedNames = 1024
// XML 1.0 §2.2 Char excludes these (lone surrogates cannot come out of the decoders used here).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding these control characters is the point
const forbiddenChar = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/
const whitespace = /^[ \t\r\n]*$/
// An unfinished text run larger than this is passed on in pieces, so one huge field cannot hold memory.
const maxHeldText = 64 * 1024
// How much of a chunk is first joined to the unfinished token held from the one before.
const firstJoined = 1024

/** An element name as resolved in one namespace scope, and what came after it there last time. */
interface ElementName {
  name: string
  local: string
  uri: string
  scope: Record<string, string>
  /** The element that followed this one's end, at the same depth, last time (a guess for the next). */
  next: ElementName | null
  /** The first child of this element last time. */
  firstChild: ElementName | null
}

export class XmlScanner {
  private buf = ''
  private pos = 0
  /** Absolute offset of buf[0] in the document. */
  private base = 0
  // Line bookkeeping by absolute offset: `line` is the line at `lineAt`, whose line starts at `lineStart`.
  private lineAt = 0
  private line = 1
  private lineStart = 0
  // The open elements (the root first), and the namespace scope each one restores when it closes
  // (null: it declared nothing).
  private readonly openElements: ElementName[] = []
  private readonly outerScopes: (Record<string, string> | null)[] = []
  private scope: Record<string, string> = Object.assign(Object.create(null), { xml: xmlNamespace, '': '' })
  /** Element names already resolved in `scope`; emptied whenever `scope` changes. */
  private readonly resolved = new Map<string, ElementName>()
  /** The element that ended last at the current depth (null: none since its parent started). */
  private previous: ElementName | null = null
  // Buffer indexes of the next '&', CR and "]]>" at or after the text being checked (buf.length:
  // none), so that each is searched once per chunk and not once per text.
  private nextAmp = -1
  private nextCr = -1
  private nextCdataEnd = -1
  private sawRoot = false
  private rootClosed = false

  constructor(private readonly handler: XmlHandler) {}

  /** Elements open now (the root counts). */
  get depth(): number {
    return this.openElements.length
  }

  get hasRoot(): boolean {
    return this.sawRoot
  }

  write(chunk: string): void {
    if (this.pos > 0) {
      // Lines are counted up to here before the text they are in is dropped.
      this.positionOf(this.base + this.pos)
      this.base += this.pos
      this.buf = this.buf.slice(this.pos)
      this.pos = 0
    }
    const held = this.buf.length
    const bad = chunk.search(forbiddenChar)
    if (bad !== -1) {
      this.buf += chunk // the lines before it are counted in the buffer
      this.fail('character not allowed in XML', this.base + held + bad)
    }
    if (held === 0) {
      this.setBuffer(chunk)
      this.scan(false)
      return
    }
    // What is held is the start of a token the chunk ends. A string joined with + is several times
    // slower to search than the chunk itself, so only the held text and the chunk's first characters
    // are joined (more if the token is long), and once past the token the chunk is read alone.
    const heldText = this.buf
    let take = firstJoined
    for (;;) {
      // Never between the two halves of a surrogate pair: a name could seem to end there.
      if ((chunk.charCodeAt(take - 1) & 0xfc00) === 0xd800) take++
      if (take > chunk.length) take = chunk.length
      const whole = take === chunk.length
      this.setBuffer(whole ? heldText + chunk : heldText + chunk.slice(0, take))
      this.scan(false, !whole)
      if (whole) return
      if (this.pos >= held) break
      take *= 8
    }
    this.positionOf(this.base + held)
    this.base += held
    this.pos -= held
    this.setBuffer(chunk)
    this.scan(false)
  }

  private setBuffer(buf: string): void {
    this.buf = buf
    this.nextAmp = -1
    this.nextCr = -1
    this.nextCdataEnd = -1
  }

  /** The end of the text: what is left must not be unfinished markup, nor elements left open. */
  end(): void {
    this.scan(true)
    const pending = this.openElements.length
    if (pending > 0)
      this.fail(`truncated file: ${pending} element(s) still open at the end`, this.base + this.buf.length)
  }

  /** Line and column where scanning stands (the end of what has been read). */
  position(): { line: number; column: number } {
    return this.positionOf(this.base + this.pos)
  }

  positionOf(offset: number): { line: number; column: number } {
    if (offset < this.lineAt) return { line: this.line, column: Math.max(1, offset - this.lineStart + 1) }
    let nl = this.buf.indexOf('\n', this.lineAt - this.base)
    const stop = offset - this.base
    while (nl !== -1 && nl < stop) {
      this.line++
      this.lineStart = this.base + nl + 1
      nl = this.buf.indexOf('\n', nl + 1)
    }
    this.lineAt = offset
    return { line: this.line, column: offset - this.lineStart + 1 }
  }

  /**
   * The line the text given so far ends on (where the next chunk starts), without moving the line
   * bookkeeping: the decoder asks it to place an encoding error, rather than count lines itself.
   */
  linesRead(): number {
    let line = this.line
    for (let nl = this.buf.indexOf('\n', this.lineAt - this.base); nl !== -1; nl = this.buf.indexOf('\n', nl + 1))
      line++
    return line
  }

  /** Absolute offset of the '<' of the last tag reported to openTag. */
  private tagStart = 0

  /** 1-based line of the '<' of the tag being reported (valid inside openTag). */
  currentTagLine(): number {
    return this.positionOf(this.tagStart).line
  }

  private fail(reason: string, offset: number): never {
    const { line, column } = this.positionOf(Math.max(offset, this.lineAt))
    throw new XmlSyntaxError(reason, line, column)
  }

  /** `joined`: the buffer stops before the end of the chunk (see write), so text at its end is never passed on. */
  private scan(final: boolean, joined = false): void {
    const buf = this.buf
    let pos = this.pos
    for (;;) {
      const lt = buf.indexOf('<', pos)
      if (lt === -1) {
        if (joined) this.pos = pos
        else this.pendingText(pos, final)
        return
      }
      if (lt > pos) this.emitText(pos, lt)
      pos = lt
      this.pos = pos
      const next = buf.charCodeAt(lt + 1)
      let end: number
      if (next === 0x2f /* / */) end = this.closeTag(lt)
      else if (next === 0x21 /* ! */) end = this.bang(lt)
      else if (next === 0x3f /* ? */) end = this.processingInstruction(lt)
      else if (Number.isNaN(next)) end = -1
      else end = this.openTag(lt)
      if (end === -1) {
        if (final) this.unfinished(lt)
        return
      }
      pos = end
      this.pos = pos
    }
  }

  /** Text after the last '<': held until the next chunk, passed on at the end (or when too large). */
  private pendingText(from: number, final: boolean): void {
    const length = this.buf.length - from
    if (length === 0) {
      this.pos = from
      return
    }
    if (final) {
      this.emitText(from, this.buf.length)
      this.pos = this.buf.length
      return
    }
    if (length > maxHeldText) {
      // Keep back a possibly unfinished entity, "]]>" or CR LF: they are checked whole.
      let cut = this.buf.length - 2
      const amp = this.buf.lastIndexOf('&', cut - 1)
      if (amp >= from) {
        const semi = this.buf.indexOf(';', amp)
        if (semi === -1 || semi >= cut) cut = amp
      }
      if (this.buf.charCodeAt(cut - 1) === 0x0d) cut-- // a CR LF stays whole
      if (cut > from) {
        this.emitText(from, cut)
        this.pos = cut
        return
      }
    }
    this.pos = from
  }

  private unfinished(lt: number): never {
    const pending = this.openElements.length
    if (pending > 0)
      this.fail(`truncated file: ${pending} element(s) still open at the end`, this.base + this.buf.length)
    this.fail('unfinished markup at the end of the file', this.base + lt)
  }

  private emitText(start: number, end: number): void {
    const buf = this.buf
    let text = buf.slice(start, end)
    if (this.openElements.length === 0) {
      if (!whitespace.test(text)) this.fail('text outside the root element', this.base + start)
      return
    }
    if (this.nextCdataEnd < start) this.nextCdataEnd = indexOrLength(buf, ']]>', start)
    if (this.nextCdataEnd + 3 <= end) this.fail('"]]>" is not allowed in text', this.base + this.nextCdataEnd)
    if (this.nextAmp < start) this.nextAmp = indexOrLength(buf, '&', start)
    if (this.nextAmp < end) text = this.decode(text, start)
    if (this.nextCr < start) this.nextCr = indexOrLength(buf, '\r', start)
    if (this.nextCr < end) text = text.replace(/\r\n?/g, '\n')
    this.handler.text(text)
  }

  /** Entities of a text or attribute value that starts at buffer index `start`. */
  private decode(text: string, start: number): string {
    let out = ''
    let last = 0
    for (let amp = text.indexOf('&'); amp !== -1; amp = text.indexOf('&', last)) {
      const semi = text.indexOf(';', amp + 1)
      if (semi === -1) this.fail('"&" must start an entity such as &amp;', this.base + start + amp)
      const name = text.slice(amp + 1, semi)
      let replacement: string
      switch (name) {
        case 'lt':
          replacement = '<'
          break
        case 'gt':
          replacement = '>'
          break
        case 'amp':
          replacement = '&'
          break
        case 'quot':
          replacement = '"'
          break
        case 'apos':
          replacement = "'"
          break
        default: {
          const code = /^#[0-9]+$/.test(name)
            ? Number.parseInt(name.slice(1), 10)
            : /^#x[0-9A-Fa-f]+$/.test(name)
              ? Number.parseInt(name.slice(2), 16)
              : -1
          if (code === -1) {
            const shown = name.length > 40 ? `${name.slice(0, 40)}…` : name
            this.fail(`undefined entity: ${shown}`, this.base + start + amp)
          }
          if (!isXmlChar(code))
            this.fail(`character reference &${name}; is not an XML character`, this.base + start + amp)
          replacement = String.fromCodePoint(code)
        }
      }
      out += text.slice(last, amp) + replacement
      last = semi + 1
    }
    return out + text.slice(last)
  }

  /** `</name>`: returns the index after it, -1 when it is not complete yet. */
  private closeTag(lt: number): number {
    const buf = this.buf
    const depth = this.openElements.length
    const top = depth === 0 ? undefined : (this.openElements[depth - 1] as ElementName).name
    // Nearly always `</name>` with the name that is open. (Comparing a slice is about twice as fast as
    // startsWith or a loop of charCodeAt.)
    let gt = top === undefined ? -1 : lt + 2 + top.length
    if (top === undefined || buf.charCodeAt(gt) !== 0x3e /* > */ || buf.slice(lt + 2, gt) !== top) {
      gt = buf.indexOf('>', lt + 2)
      if (gt === -1) return -1
      const name = buf.slice(lt + 2, gt).trimEnd()
      if (top === undefined || top !== name) {
        const expected = top === undefined ? 'no element is open' : `expected </${top}>`
        this.fail(`unexpected close tag </${name.slice(0, 100)}>: ${expected}`, this.base + gt + 1)
      }
    }
    this.closeElement()
    return gt + 1
  }

  /** Pops the innermost element, restores the namespace scope it replaced, and reports the end. */
  private closeElement(): void {
    this.previous = this.openElements.pop() as ElementName
    const outerScope = this.outerScopes.pop()
    if (outerScope != null) this.setScope(outerScope)
    if (this.openElements.length === 0) this.rootClosed = true
    this.handler.closeTag()
  }

  private setScope(scope: Record<string, string>): void {
    this.scope = scope
    this.forgetNames()
  }

  /**
   * Empties the cache of names, and unlinks them from one another: otherwise the names that followed
   * each other once (a million distinct ones, say) would stay reachable from the first one.
   */
  private forgetNames(): void {
    for (const element of this.resolved.values()) {
      element.next = null
      element.firstChild = null
    }
    this.resolved.clear()
  }

  /** `<!--…-->`, `<![CDATA[…]]>`, `<!DOCTYPE` (refused). */
  private bang(lt: number): number {
    const buf = this.buf
    if (buf.startsWith('<!--', lt)) {
      const close = buf.indexOf('-->', lt + 4)
      if (close === -1) return -1
      const body = buf.slice(lt + 4, close)
      if (body.includes('--') || body.endsWith('-')) this.fail('"--" is not allowed inside a comment', this.base + lt)
      return close + 3
    }
    if (buf.startsWith('<![CDATA[', lt)) {
      if (this.openElements.length === 0) this.fail('CDATA outside the root element', this.base + lt)
      const close = buf.indexOf(']]>', lt + 9)
      if (close === -1) return -1
      let text = buf.slice(lt + 9, close)
      if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n')
      this.handler.text(text)
      return close + 3
    }
    if (buf.startsWith('<!DOCTYPE', lt)) {
      const { line, column } = this.positionOf(this.base + lt)
      throw new XmlDoctypeError('DOCTYPE is not allowed', line, column)
    }
    // Not enough read yet to tell which of the three it is.
    if (buf.length - lt < 9 && ['<!--', '<![CDATA[', '<!DOCTYPE'].some((p) => p.startsWith(buf.slice(lt)))) {
      return -1
    }
    return this.fail('unexpected "<!"', this.base + lt)
  }

  /** `<?target …?>`; the XML declaration only at the very start. */
  private processingInstruction(lt: number): number {
    const close = this.buf.indexOf('?>', lt + 2)
    if (close === -1) return -1
    nameAt.lastIndex = lt + 2
    const match = nameAt.exec(this.buf)
    if (match === null || match.index !== lt + 2) this.fail('processing instruction without a target', this.base + lt)
    const target = match[0]
    if (target.toLowerCase() === 'xml' && (target !== 'xml' || this.base + lt !== 0 || this.sawRoot)) {
      this.fail('the XML declaration is allowed only at the start of the file', this.base + lt)
    }
    return close + 2
  }

  /** `<name attr="v" …>` or `<name …/>`: returns the index after it, -1 when it is not complete yet. */
  private openTag(lt: number): number {
    const buf = this.buf
    const depth = this.openElements.length
    const guess = this.previous?.next ?? (depth === 0 ? null : (this.openElements[depth - 1] as ElementName).firstChild)
    let guessed = false
    if (guess !== null) {
      // Right when the name is there and stops there: at an ASCII character other than a NameChar.
      const stop = lt + 1 + guess.name.length
      const after = buf.charCodeAt(stop)
      guessed = after < 0x80 && ((asciiName[after] as number) & 2) === 0 && buf.slice(lt + 1, stop) === guess.name
    }
    const nameStop = guessed ? lt + 1 + (guess as ElementName).name.length : nameEnd(buf, lt + 1)
    if (nameStop === -1) {
      if (lt + 1 >= buf.length) return -1
      return this.fail('invalid element name', this.base + lt + 1)
    }
    let i = nameStop
    if (i >= buf.length) return -1
    let attributes: Record<string, string> | null = null
    let selfClosing = false
    let c = buf.charCodeAt(i)
    // The common case, `<name>`, skips the attribute loop.
    if (c === 0x3e /* > */) i++
    else {
      for (;;) {
        const start = i
        c = buf.charCodeAt(i)
        while (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) c = buf.charCodeAt(++i)
        if (Number.isNaN(c)) return -1
        if (c === 0x3e /* > */) {
          i++
          break
        }
        if (c === 0x2f /* / */) {
          const after = buf.charCodeAt(i + 1)
          if (Number.isNaN(after)) return -1
          if (after !== 0x3e) this.fail('expected ">" after "/" in a tag', this.base + i)
          selfClosing = true
          i += 2
          break
        }
        if (i === start) this.fail('expected whitespace between attributes', this.base + i)
        const attrStop = nameEnd(buf, i)
        if (attrStop === -1) return this.fail('invalid attribute name', this.base + i)
        const attr = buf.slice(i, attrStop)
        i = attrStop
        c = buf.charCodeAt(i)
        while (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) c = buf.charCodeAt(++i)
        if (Number.isNaN(c)) return -1
        if (c !== 0x3d /* = */) this.fail(`attribute ${attr} has no value`, this.base + i)
        c = buf.charCodeAt(++i)
        while (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) c = buf.charCodeAt(++i)
        if (Number.isNaN(c)) return -1
        if (c !== 0x22 && c !== 0x27) this.fail(`the value of attribute ${attr} is not quoted`, this.base + i)
        const close = buf.indexOf(c === 0x22 ? '"' : "'", i + 1)
        if (close === -1) return -1
        let value = buf.slice(i + 1, close)
        if (value.includes('<')) this.fail(`"<" in the value of attribute ${attr}`, this.base + i)
        if (value.includes('&')) value = this.decode(value, i + 1)
        // §3.3.3 attribute-value normalisation: each white-space character becomes a space.
        value = value.replace(/[\t\n\r]/g, ' ')
        attributes ??= Object.create(null) as Record<string, string>
        if (attributes[attr] !== undefined) this.fail(`duplicate attribute ${attr}`, this.base + i)
        attributes[attr] = value
        i = close + 1
      }
    }
    // Complete: now it is reported.
    if (this.openElements.length === 0 && (this.rootClosed || this.sawRoot)) {
      this.fail('a second root element', this.base + lt)
    }
    this.sawRoot = true
    this.tagStart = this.base + lt
    let outerScope: Record<string, string> | null = null
    if (attributes !== null) {
      for (const key in attributes) {
        if (key === 'xmlns' || key.startsWith('xmlns:')) {
          const prefix = key === 'xmlns' ? '' : key.slice(6)
          const uri = attributes[key] as string
          if (prefix === 'xmlns' || (prefix === 'xml') !== (uri === xmlNamespace) || uri === xmlnsNamespace) {
            this.fail(`namespace declaration ${key}="${uri.slice(0, 100)}" is not allowed`, this.base + lt)
          }
          if (prefix !== '' && uri === '') this.fail(`the prefix ${prefix} cannot be undeclared`, this.base + lt)
          if (outerScope === null) {
            outerScope = this.scope
            this.setScope(Object.create(outerScope) as Record<string, string>)
          }
          this.scope[prefix] = uri
        }
      }
      for (const key in attributes) {
        const colon = key.indexOf(':')
        if (colon !== -1 && key.slice(0, colon) !== 'xmlns' && this.scope[key.slice(0, colon)] === undefined) {
          this.fail(`unbound namespace prefix in attribute ${key}`, this.base + lt)
        }
      }
    }
    let element: ElementName
    if (guessed && (guess as ElementName).scope === this.scope) element = guess as ElementName
    else {
      const name = buf.slice(lt + 1, nameStop)
      element = this.resolved.get(name) ?? this.resolve(name, lt)
      if (this.previous !== null) this.previous.next = element
      else if (depth > 0) (this.openElements[depth - 1] as ElementName).firstChild = element
    }
    this.openElements.push(element)
    this.outerScopes.push(outerScope)
    this.previous = null
    this.handler.openTag(element.local, element.uri, attributes ?? noAttributes)
    // The handler may have thrown (depth limit); otherwise close at once.
    if (selfClosing) this.closeElement()
    return i
  }

  /** The local name and namespace of an element name, in the current scope. */
  private resolve(name: string, lt: number): ElementName {
    const colon = name.indexOf(':')
    let local = name
    let uri: string | undefined
    if (colon === -1) uri = this.scope['']
    else {
      local = name.slice(colon + 1)
      if (colon === 0 || local === '' || !wholeName.test(local) || local.includes(':')) {
        this.fail(`invalid qualified name ${name}`, this.base + lt)
      }
      uri = this.scope[name.slice(0, colon)]
      if (uri === undefined) this.fail(`unbound namespace prefix in <${name}>`, this.base + lt)
    }
    const resolved: ElementName = {
      name,
      local: internalized(local),
      uri: internalized(uri ?? ''),
      scope: this.scope,
      next: null,
      firstChild: null,
    }
    if (this.resolved.size >= maxResolvedNames) this.forgetNames()
    this.resolved.set(name, resolved)
    return resolved
  }
}

/** The index after the XML Name that starts at `start`, or -1 when none does. */
function nameEnd(buf: string, start: number): number {
  const first = buf.charCodeAt(start)
  if (first < 0x80) {
    if (((asciiName[first] as number) & 1) === 0) return -1
    let i = start + 1
    let c = buf.charCodeAt(i)
    while (c < 0x80 && ((asciiName[c] as number) & 2) !== 0) c = buf.charCodeAt(++i)
    if (!(c >= 0x80)) return i // an ASCII character, or the end of the buffer, ends it
    nameRest.lastIndex = i
    return i + (nameRest.exec(buf) as RegExpExecArray)[0].length
  }
  nameAt.lastIndex = start
  const match = nameAt.exec(buf)
  return match === null ? -1 : start + match[0].length
}

/**
 * The same text as V8's unique copy, the one literals in the code are: handlers compare and look up
 * element names by pointer instead of character by character. A property key is always that copy.
 */
function internalized(text: string): string {
  return Object.keys({ [text]: true })[0] ?? text
}

function indexOrLength(buf: string, search: string, from: number): number {
  const at = buf.indexOf(search, from)
  return at === -1 ? buf.length : at
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  )
}

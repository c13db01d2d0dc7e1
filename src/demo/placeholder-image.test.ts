import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { demoBrands } from './demo-brands.ts'
import { garmentKinds, renderLogoSvg, renderPlaceholderSvg } from './placeholder-image.ts'

describe('renderPlaceholderSvg', () => {
  it('draws every kind as a small, self-contained SVG filled with the colour', () => {
    assert.ok(garmentKinds.length >= 30)
    for (const kind of garmentKinds) {
      for (const colour of ['1f2a44', 'f8f8f5', 'C8E83A']) {
        const svg = renderPlaceholderSvg(kind, colour)
        assert.ok(svg, kind)
        assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 600 750"/)
        assert.ok(svg.endsWith('</svg>'), kind)
        assert.ok(svg.includes(`fill="#${colour.toLowerCase()}"`), `${kind} is filled with ${colour}`)
        assert.ok(Buffer.byteLength(svg) < 2048, `${kind}: ${Buffer.byteLength(svg)} bytes`)
        // Self-contained: no scripts, no links, no external references of any kind.
        assert.doesNotMatch(svg, /<script|href|url\(|<image|<foreignObject|on\w+=/i)
        // Path data is numbers and commands only.
        for (const [, d] of svg.matchAll(/ d="([^"]*)"/g)) assert.match(d ?? '', /^[MLQCHVZmlqchvz0-9 .,-]+$/, kind)
      }
    }
  })

  it('outlines the garment so a white one shows on its pale background', () => {
    const svg = renderPlaceholderSvg('shirt', 'ffffff')
    assert.match(svg ?? '', /fill="#ffffff" stroke="#000" stroke-opacity="[.0-9]+"/)
  })

  it('draws dark details on light garments and light ones on dark garments', () => {
    assert.match(renderPlaceholderSvg('jeans', 'f8f8f5') ?? '', /fill="none" stroke="#000"/)
    assert.match(renderPlaceholderSvg('jeans', '1f2a44') ?? '', /fill="none" stroke="#fff"/)
  })

  it('returns null for any colour that is not six hex digits', () => {
    for (const colour of [
      '"><script>alert(1)</script>',
      'zzzzzz',
      '12345',
      '1234567',
      '#1f2a44',
      '../../etc',
      '1f2a44 ',
      '1f2a44\n',
      '',
    ]) {
      assert.equal(renderPlaceholderSvg('dress', colour), null, JSON.stringify(colour))
    }
  })

  it('returns null for any kind it does not draw, including object properties', () => {
    for (const kind of [
      '"><script>',
      '../../etc/passwd',
      'Dress',
      'dress ',
      'constructor',
      '__proto__',
      'toString',
      'hasOwnProperty',
      '',
    ]) {
      assert.equal(renderPlaceholderSvg(kind, '1f2a44'), null, JSON.stringify(kind))
    }
  })
})

describe('renderLogoSvg', () => {
  const theme = demoBrands()[0]!.theme

  it('escapes the name and the font stack', () => {
    const svg = renderLogoSvg({ name: 'A<B & "C" \'D\'', theme: { ...theme, fontFamily: 'Evil", serif"><script>' } })
    assert.ok(svg.includes('>A&#60;B &#38; &#34;C&#34; &#39;D&#39;</text>'))
    assert.ok(svg.includes('aria-label="A&#60;B &#38; &#34;C&#34; &#39;D&#39;"'))
    assert.ok(svg.includes('font-family="Evil&#34;, serif&#34;&#62;&#60;script&#62;"'))
    assert.doesNotMatch(svg, /<script|<B/)
  })

  it('is 48 high and about as wide as the name', () => {
    const width = (name: string) => Number(/ width="(\d+)"/.exec(renderLogoSvg({ name, theme }))?.[1])
    assert.match(renderLogoSvg({ name: 'Ardoisine', theme }), / height="48"/)
    assert.ok(width('Purl & Thistle') > width('Ardoisine'))
    assert.ok(Math.abs(width('Purl & Thistle') / width('Purl & Thistle Purl & Thistle') - 0.5) < 0.05)
  })

  it('writes the name in the theme primary, or a dark grey when that is not a colour', () => {
    assert.ok(renderLogoSvg({ name: 'X', theme }).includes(`fill="${theme.colours.primary}"`))
    const hostile = { ...theme, colours: { ...theme.colours, primary: 'red" onload="alert(1)' } }
    const svg = renderLogoSvg({ name: 'X', theme: hostile })
    assert.ok(svg.includes('fill="#1a1a1a"'))
    assert.doesNotMatch(svg, /onload/)
  })

  it('draws every demo brand', () => {
    const escaped = (name: string) => name.replace(/[&']/g, (c) => `&#${c.charCodeAt(0)};`)
    for (const brand of demoBrands())
      assert.ok(renderLogoSvg(brand).includes(`>${escaped(brand.name)}</text>`), brand.name)
  })
})

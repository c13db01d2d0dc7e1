import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { contrastRatio, relativeLuminance } from '../platform/contrast.ts'
import { demoBrands } from './demo-brands.ts'

describe('contrastRatio', () => {
  it('gives 21 for black on white, 1 for a colour on itself, whatever the order', () => {
    assert.equal(contrastRatio('#000000', '#ffffff'), 21)
    assert.equal(contrastRatio('#ffffff', '#000000'), 21)
    assert.equal(contrastRatio('#3d4a5c', '#3d4a5c'), 1)
  })

  it('matches a published value: #767676 on white is the lightest grey at 4.5:1', () => {
    assert.equal(contrastRatio('#767676', '#ffffff').toFixed(2), '4.54')
    assert.ok(contrastRatio('#777777', '#ffffff') < 4.5)
  })

  it('refuses anything but #rrggbb', () => {
    for (const bad of ['#fff', '000000', '#00000g', 'red', '#0000001']) {
      assert.throws(() => relativeLuminance(bad), RangeError, bad)
    }
  })
})

describe('demo brand themes', () => {
  const hex = /^#[0-9a-f]{6}$/

  for (const brand of demoBrands()) {
    it(`${brand.slug}: every colour is set and readable`, () => {
      const c = brand.theme.colours
      for (const [name, value] of Object.entries(c)) assert.match(value, hex, `${name} of ${brand.slug}`)
      const atLeast = (a: keyof typeof c, b: keyof typeof c, ratio: number) =>
        assert.ok(
          contrastRatio(c[a], c[b]) >= ratio,
          `${a} on ${b}: ${contrastRatio(c[a], c[b]).toFixed(2)} < ${ratio}`,
        )

      atLeast('text', 'background', 4.5)
      atLeast('muted', 'background', 4.5)
      atLeast('onPrimary', 'primary', 4.5)
      // WCAG's 3:1 for large text and interface components…
      atLeast('primary', 'background', 3)
      atLeast('accent', 'background', 3)
      // …but the storefront draws primary (links) and accent as body text on both grounds, and
      // themeCss() replaces any colour below 4.5:1 there with the text colour: a demo brand would
      // silently lose its accent.
      for (const ground of ['background', 'surface'] as const) {
        for (const colour of ['text', 'muted', 'primary', 'accent'] as const) atLeast(colour, ground, 4.5)
      }
    })
  }
})

// WCAG 2.1, "relative luminance" and "contrast ratio" definitions:
// https://www.w3.org/TR/WCAG21/#dfn-relative-luminance. The 0.04045 threshold is the sRGB
// standard's; WCAG 2.1 prints 0.03928, which gives the same result for every 8-bit channel value.
const hexColour = /^#[0-9a-f]{6}$/i

/** Relative luminance (0 for black, 1 for white) of a '#rrggbb' colour. */
export function relativeLuminance(colour: string): number {
  if (!hexColour.test(colour)) throw new RangeError(`Expected a '#rrggbb' colour, got ${JSON.stringify(colour)}`)
  const channel = (offset: number): number => {
    const c = Number.parseInt(colour.slice(offset, offset + 2), 16) / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

/** WCAG contrast ratio between two '#rrggbb' colours, from 1 (same) to 21 (black on white); order does not matter. */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a)
  const lb = relativeLuminance(b)
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05)
}

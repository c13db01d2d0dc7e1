// A synthetic Google RSS feed for large-feed tests and benchmarks: products × sizes items, streamed in
// chunks so that generating 100,000 items needs no more memory than generating ten.

import { minorUnitDigits } from '../../../platform/money.ts'
import { gtinCheckDigit } from '../../gtin.ts'

export interface GenerateGoogleFeedInput {
  products: number
  /** Size names, or how many sizes to invent (S1, S2, …). */
  sizes: number | readonly string[]
  /** ISO 4217; every price is in it. */
  currency: string
}

const itemsPerChunk = 200
const colours = ['Black', 'Navy', 'Écru', 'Forest', 'Rouge']

/**
 * Items have ids `P000001-S`, group ids `P000001`, valid GTINs, a price that varies with the product,
 * a sale price on every 7th product, and an accent in every 5th colour. Deterministic.
 */
export async function* generateGoogleFeed(input: GenerateGoogleFeedInput): AsyncGenerator<Buffer> {
  const sizes =
    typeof input.sizes === 'number' ? Array.from({ length: input.sizes }, (_, i) => `S${i + 1}`) : input.sizes
  const digits = minorUnitDigits(input.currency)
  const amount = (minor: number) => (digits === 0 ? String(minor) : (minor / 10 ** digits).toFixed(digits))
  yield Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">\n<channel>\n<title>Generated feed</title>\n<link>https://shop.example</link>\n<description>Synthetic products</description>\n',
  )
  let chunk = ''
  let inChunk = 0
  for (let p = 1; p <= input.products; p++) {
    const group = `P${String(p).padStart(6, '0')}`
    const priceMinor = ((1_000 + (p % 500) * 100) * 10 ** digits) / 100
    const colour = colours[p % colours.length] as string
    for (const [s, size] of sizes.entries()) {
      const body = `4${String(p).padStart(7, '0')}${String(s).padStart(4, '0')}`
      const gtin = `${body}${gtinCheckDigit(body)}`
      chunk += `<item>
<g:id>${group}-${size}</g:id>
<g:item_group_id>${group}</g:item_group_id>
<g:title>Generated product ${p} &amp; co</g:title>
<g:description><![CDATA[<p>Product <b>${p}</b>, size ${size}.</p>]]></g:description>
<g:link>https://shop.example/p/${group}</g:link>
<g:image_link>https://cdn.example/${group}/1.jpg</g:image_link>
<g:additional_image_link>https://cdn.example/${group}/2.jpg</g:additional_image_link>
<g:price>${amount(priceMinor)} ${input.currency}</g:price>
${p % 7 === 0 ? `<g:sale_price>${amount(Math.floor(priceMinor * 0.8))} ${input.currency}</g:sale_price>\n` : ''}<g:availability>${p % 11 === 0 ? 'out of stock' : 'in stock'}</g:availability>
<g:brand>Brand ${p % 40}</g:brand>
<g:gtin>${gtin}</g:gtin>
<g:size>${size}</g:size>
<g:color>${colour}</g:color>
<g:product_type>Apparel &gt; Tops &gt; T-shirts</g:product_type>
<g:shipping_weight>${200 + (p % 300)} g</g:shipping_weight>
<g:shipping><g:country>FR</g:country><g:service>Standard</g:service><g:price>4.90 ${input.currency}</g:price></g:shipping>
</item>
`
      if (++inChunk === itemsPerChunk) {
        yield Buffer.from(chunk)
        chunk = ''
        inChunk = 0
      }
    }
  }
  yield Buffer.from(`${chunk}</channel>\n</rss>\n`)
}

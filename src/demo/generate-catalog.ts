import { gtinCheckDigit } from '../catalog/gtin.ts'
import {
  type Assortment,
  assortmentOf,
  coloursFor,
  fits,
  type GarmentType,
  genders,
  priceRangeMinor,
  seasons,
} from './assortments/index.ts'
import { type DemoColour, demoColours } from './colours.ts'
import { compareAtPrice, shelfPrice } from './demo-prices.ts'
import { demoMaterials } from './materials.ts'
import {
  type Bilingual,
  capitalise,
  colourwayTitle,
  imageAlt,
  productDescription,
  productTitle,
} from './product-copy.ts'
import { type SeededRandom, seededRandom } from './seeded-random.ts'
import type { DemoBrand, DemoProduct, DemoVariant } from './types.ts'

export { demoBrands } from './demo-brands.ts'
export type { BrandTheme, DemoBrand, DemoProduct, DemoVariant, ShippingMethod } from './types.ts'

/** Colours × sizes stays within what a product page shows comfortably. */
const maxVariants = 24

/**
 * The demo catalog of one of demoBrands(): exactly `brand.productCount` products, the same on every
 * run (seeded with the brand's slug). Iterating it again generates the same products again.
 */
export function generateCatalog(brand: DemoBrand): Iterable<DemoProduct> {
  const assortment = assortmentOf(brand.slug)
  const gtinPrefix = gtinPrefixOf(brand.orderPrefix)
  return { [Symbol.iterator]: () => products(brand, assortment, gtinPrefix) }
}

function* products(brand: DemoBrand, assortment: Assortment, gtinPrefix: string): Generator<DemoProduct> {
  const lang = brand.locale.startsWith('fr') ? 'fr' : 'en'
  const random = seededRandom(brand.slug)
  const pickType = weightedPicker(assortment.types)
  const titles = new Set<string>()
  let gtinCount = 0
  for (let index = 0; index < brand.productCount; index++) {
    const type = pickType(random)
    const materialCode = random.pick(type.materials)
    const material = demoMaterials[materialCode]
    const palette = coloursFor(type, materialCode).map((code) => demoColours[code] as DemoColour)
    if (palette.length === 0) throw new Error(`${brand.slug}: ${type.category} has no colour in ${materialCode}`)
    const descriptor = random.pick(type.descriptors)
    let style = productTitle(type.noun, descriptor, random.pick(assortment.styleNames), material)
    for (let tries = 0; tries < 3 && titles.has(style[lang]); tries++) {
      style = productTitle(type.noun, descriptor, random.pick(assortment.styleNames), material)
    }

    // A style seen before comes back as one more colourway, a product of its own named by its
    // colour, as many shops list them.
    let colours: DemoColour[]
    let title: Bilingual = style
    if (titles.has(style[lang])) {
      let colour = random.pick(palette)
      for (let tries = 0; tries < 4 && titles.has(colourwayTitle(style, colour)[lang]); tries++)
        colour = random.pick(palette)
      colours = [colour]
      title = colourwayTitle(style, colour)
    } else {
      const most = Math.max(1, Math.floor(maxVariants / type.sizes.length))
      colours = random.sample(palette, Math.min(colourCount(random), most))
    }
    titles.add(title[lang])

    const fitCode = descriptor[2] ?? (type.fits ? random.pick(type.fits) : undefined)
    const fit = fitCode ? fits[fitCode] : null
    const detail = type.details ? random.pick(type.details) : null
    const description = productDescription(material, fit?.about ?? detail)
    const attributes: Record<string, string> = { material: capitalise(material[lang]) }
    if (fit) attributes.fit = fit[lang]
    attributes.gender = genders[type.gender][lang === 'fr' ? 0 : 1]
    attributes.season = seasons[type.season][lang === 'fr' ? 0 : 1]

    const range = priceRangeMinor(type, brand.currency)
    const position = 0.5 * (assortment.materialTier?.[materialCode] ?? 0.4) + 0.5 * random.next()
    const price = shelfPrice(random, range, position)
    // Now and then one colour costs a little more (a special dye, a limited colour).
    const dearer = colours.length > 1 && random.chance(0.06) ? random.int(1, colours.length - 1) : -1
    const dearerPrice = dearer >= 0 ? Math.max(price, shelfPrice(random, range, position + 0.15)) : price
    const markdown = random.chance(0.15) ? 1.2 + random.next() * 0.3 : null
    const weight = random.int(type.weightGrams[0], type.weightGrams[1])
    const soldOut = random.chance(0.03)

    const reference = `${brand.orderPrefix}-${10001 + index}`
    const variants: DemoVariant[] = []
    colours.forEach((colour, colourIndex) => {
      const priceMinor = colourIndex === dearer ? dearerPrice : price
      type.sizes.forEach((size, sizeIndex) => {
        gtinCount += 1
        variants.push({
          sku: `${reference}-${colour.code}-${skuSize(size)}`,
          size,
          colour: colour[lang],
          colourHex: colour.hex,
          gtin: gtinOf(gtinPrefix, gtinCount),
          priceMinor,
          compareAtMinor: markdown === null ? null : compareAtPrice(priceMinor, markdown),
          // Larger sizes take more cloth.
          weightGrams: Math.round((weight * (1 + 0.04 * sizeIndex)) / 5) * 5,
          onHand: stockLevel(random, soldOut, type.sizes.length * colours.length),
        })
      })
    })

    const roll = random.next()
    const status = roll < 0.01 ? 'archived' : roll < 0.04 ? 'draft' : 'active'
    yield {
      reference,
      title: title[lang],
      description: description[lang],
      translations: {
        fr: { title: title.fr, description: description.fr },
        en: { title: title.en, description: description.en },
      },
      categoryPath: type.category,
      attributes,
      images: colours.slice(0, 3).map((colour) => ({
        url: `/media/demo/${type.kind}/${colour.hex.slice(1).toLowerCase()}.svg`,
        alt: imageAlt(style[lang], colour, lang),
      })),
      status,
      // Drafts are work in progress: recent.
      createdDaysAgo: status === 'draft' ? random.int(0, 30) : random.int(0, 400),
      variants,
    }
  }
}

function weightedPicker(types: readonly GarmentType[]): (random: SeededRandom) => GarmentType {
  const total = types.reduce((sum, type) => sum + type.share, 0)
  return (random) => {
    let roll = random.next() * total
    for (const type of types) {
      roll -= type.share
      if (roll < 0) return type
    }
    return types[types.length - 1] as GarmentType
  }
}

function colourCount(random: SeededRandom): number {
  const roll = random.next()
  return roll < 0.35 ? 1 : roll < 0.65 ? 2 : roll < 0.87 ? 3 : 4
}

function stockLevel(random: SeededRandom, soldOut: boolean, variantCount: number): number {
  if (soldOut) return 0
  if (variantCount > 1 && random.chance(0.04)) return 0
  return random.chance(0.1) ? random.int(1, 2) : random.int(3, 60)
}

/** 'One size' → 'OS'; SKUs keep letters, digits and hyphens only. */
function skuSize(size: string): string {
  return size === 'One size' ? 'OS' : size.replace(/[^0-9A-Za-z-]/g, '').toUpperCase()
}

/**
 * EAN-13 = '2' + the order prefix as a base-26 number (5 digits) + a 6-digit variant counter + the
 * check digit. GS1 leaves prefixes 20-29 to restricted, in-house circulation (General Specifications
 * §2.7), so no demo code can ever be a real product's; the order prefix makes them unique across brands.
 */
function gtinPrefixOf(orderPrefix: string): string {
  if (!/^[A-Z]{3}$/.test(orderPrefix)) throw new RangeError(`Order prefix must be three letters A-Z: ${orderPrefix}`)
  let value = 0
  for (const letter of orderPrefix) value = value * 26 + (letter.charCodeAt(0) - 65)
  return `2${String(value).padStart(5, '0')}`
}

function gtinOf(prefix: string, count: number): string {
  if (count > 999_999) throw new RangeError('A demo brand has at most 999,999 variants')
  const body = `${prefix}${String(count).padStart(6, '0')}`
  return `${body}${gtinCheckDigit(body)}`
}

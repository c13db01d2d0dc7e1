import type { Descriptor, Wording } from './assortments/index.ts'
import type { DemoColour } from './colours.ts'
import type { DemoMaterial } from './materials.ts'

// The words of a demo product, always in both languages: the brand's language is the product's
// title and description, the other its translation.

export interface Bilingual {
  fr: string
  en: string
}

/**
 * "Robe portefeuille Colette en lin" / "Colette linen wrap dress": the style name follows the French
 * descriptor and leads the English; see GarmentType.descriptors for the English template.
 */
export function productTitle(noun: Wording, descriptor: Descriptor, name: string, material: DemoMaterial): Bilingual {
  const fr = [noun[0], descriptor[0], name, 'en', material.fr].filter((word) => word !== '').join(' ')
  let en = descriptor[1]
  en = en.includes('*') ? en.replace('*', material.en) : `${material.en} ${en}`
  en = en.includes('@') ? en.replace('@', noun[1]) : `${en} ${noun[1]}`
  return { fr, en: capitalise(`${name} ${en}`.replace(/\s+/g, ' ').trim()) }
}

/** A style's title for one of its colourways sold as a product of its own: "… – Bleu marine". */
export function colourwayTitle(title: Bilingual, colour: DemoColour): Bilingual {
  return { fr: `${title.fr} – ${colour.fr}`, en: `${title.en} – ${colour.en}` }
}

/** What the fibre is, how it fits (or a detail when fit means nothing), how to care for it. */
export function productDescription(material: DemoMaterial, middle: Wording | null): Bilingual {
  const sentences = (lang: 0 | 1, about: string, care: string) =>
    [`${about}.`, middle?.[lang], care].filter(Boolean).join(' ')
  return {
    fr: sentences(0, material.about.fr, material.care.fr),
    en: sentences(1, material.about.en, material.care.en),
  }
}

export function imageAlt(title: string, colour: DemoColour, lang: 'fr' | 'en'): string {
  return lang === 'fr' ? `${title}, coloris ${colour.fr.toLowerCase()}` : `${title} in ${colour.en.toLowerCase()}`
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

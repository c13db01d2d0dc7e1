import { ardoisine } from './ardoisine.ts'
import { areteBlanche } from './arete-blanche.ts'
import { aubeSatinee } from './aube-satinee.ts'
import { besaceLune } from './besace-lune.ts'
import { bitumeClub } from './bitume-club.ts'
import { brumeIvoire } from './brume-ivoire.ts'
import { filFaubourg } from './fil-faubourg.ts'
import type { Assortment } from './garment-type.ts'
import { indigoQuay } from './indigo-quay.ts'
import { lagonVif } from './lagon-vif.ts'
import { purlThistle } from './purl-thistle.ts'
import { semelleVive } from './semelle-vive.ts'
import { trottinou } from './trottinou.ts'

export type { Assortment, Descriptor, GarmentType, Wording } from './garment-type.ts'
export { coloursFor, fits, genders, priceRangeMinor, seasons } from './garment-type.ts'

const bySlug: Readonly<Record<string, Assortment>> = {
  ardoisine,
  'fil-faubourg': filFaubourg,
  'semelle-vive': semelleVive,
  trottinou,
  'aube-satinee': aubeSatinee,
  'arete-blanche': areteBlanche,
  'purl-thistle': purlThistle,
  'besace-lune': besaceLune,
  'indigo-quay': indigoQuay,
  'lagon-vif': lagonVif,
  'brume-ivoire': brumeIvoire,
  'bitume-club': bitumeClub,
}

/** What a demo brand sells; throws for a slug that is not one of demoBrands(). */
export function assortmentOf(slug: string): Assortment {
  if (!Object.hasOwn(bySlug, slug)) throw new RangeError(`No demo assortment for brand ${JSON.stringify(slug)}`)
  return bySlug[slug] as Assortment
}

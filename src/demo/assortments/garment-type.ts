import type { DemoColourCode } from '../colours.ts'
import type { DemoMaterialCode } from '../materials.ts'
import type { GarmentKind } from '../placeholder-image.ts'

/** [French, English]. */
export type Wording = readonly [fr: string, en: string]

/** A style's words, [French, English], and its fit when the words name one ("straight-leg"). */
export type Descriptor = readonly [fr: string, en: string, fit?: FitCode]

/** What the generator knows about one kind of product a brand sells: the rows of its assortment. */
export interface GarmentType {
  /** The placeholder silhouette its images show. */
  kind: GarmentKind
  /** In the brand's language, ' > ' separated, as the storefront's navigation shows it. */
  category: string
  /** The title's noun: French leads ("Robe …"), English ends ("… dress"). */
  noun: Wording
  /**
   * What sets one style apart from the next. The French follows the noun ("Robe portefeuille en lin");
   * the English is a template where `*` is the material and `@` the noun ("long * wrap" gives "Long
   * linen wrap dress", "* @ with pockets" gives "Wool cardigan with pockets"); without `*` the
   * material leads and without `@` the noun ends. English adjective order differs from French, so a
   * single word list cannot serve both. ['', ''] is the plain "Robe en lin" / "Linen dress".
   */
  descriptors: readonly Descriptor[]
  materials: readonly DemoMaterialCode[]
  /** Narrowed by materialColours: a raw-denim row listing Black and Red only ever gets Black. */
  colours: readonly DemoColourCode[]
  sizes: readonly string[]
  /** The selling price in euros, [lowest, highest], before conversion to the brand's currency. */
  priceEur: readonly [number, number]
  /** One item (a pair of shoes, gloves or socks) in the smallest size, [lightest, heaviest]. */
  weightGrams: readonly [number, number]
  /** Picked at random per product unless the descriptor names one; goes to the `fit` attribute and the description. */
  fits?: readonly FitCode[]
  /** A description sentence for rows without a fit to describe (bags, scarves, swimwear). */
  details?: readonly Wording[]
  gender: GenderCode
  season: SeasonCode
  /** How many products of this row, relative to the brand's other rows. */
  share: number
}

export interface Assortment {
  /**
   * Style names, as fashion brands give them ("Robe portefeuille Colette en lin"): a few thousand
   * products from a few hundred noun-descriptor-material styles would otherwise repeat titles.
   * Invented or generic words only: no label, model or trademark.
   */
  styleNames: readonly string[]
  /** A material's place in a row's price range, 0 (cheapest) to 1 (dearest); 0.4 when not listed. */
  materialTier?: Partial<Record<DemoMaterialCode, number>>
  types: readonly GarmentType[]
}

// Colours a material plausibly comes in: indigo dyes and natural straw do not come in fuchsia.
// Intersected with a row's colours; materials not listed take any of the row's colours.
export const materialColours: Partial<Record<DemoMaterialCode, readonly DemoColourCode[]>> = {
  rawDenim: ['RAW', 'IND', 'BLK'],
  selvedgeDenim: ['RAW', 'IND', 'BLK', 'ECR'],
  stretchDenim: ['RAW', 'IND', 'DNM', 'BLW', 'BLK', 'GRY', 'ECR', 'WHT'],
  washedDenim: ['DNM', 'BLW', 'IND', 'BLK', 'GRY', 'ECR', 'WHT', 'SKY'],
  chambray: ['SKY', 'BLW', 'DNM', 'IND', 'ECR', 'PGR'],
  straw: ['SND', 'OAT', 'ECR', 'IVR', 'CML', 'BLK'],
}

const denims: ReadonlySet<DemoMaterialCode> = new Set([
  'rawDenim',
  'selvedgeDenim',
  'stretchDenim',
  'washedDenim',
  'chambray',
])
// Names of denim washes, meaningless on anything but denim ("linen dress, light wash").
const washes: ReadonlySet<DemoColourCode> = new Set(['RAW', 'DNM', 'BLW'])

/** The colours a row offers in one of its materials. */
export function coloursFor(type: Pick<GarmentType, 'colours'>, material: DemoMaterialCode): DemoColourCode[] {
  const allowed = materialColours[material]
  return type.colours.filter((c) => (allowed ? allowed.includes(c) : denims.has(material) || !washes.has(c)))
}

export const fits = {
  fitted: {
    fr: 'Ajustée',
    en: 'Fitted',
    about: ['Coupe ajustée qui suit la ligne du corps.', 'A fitted cut that follows the line of the body.'],
  },
  regular: {
    fr: 'Droite',
    en: 'Regular',
    about: ['Coupe droite, ni près du corps ni ample.', 'A regular cut, neither close nor loose.'],
  },
  relaxed: { fr: 'Ample', en: 'Relaxed', about: ['Coupe ample et décontractée.', 'An easy, relaxed cut.'] },
  oversized: {
    fr: 'Oversize',
    en: 'Oversized',
    about: [
      'Coupe oversize aux épaules tombantes : prenez votre taille habituelle.',
      'An oversized cut with dropped shoulders: take your usual size.',
    ],
  },
  boxy: {
    fr: 'Boxy',
    en: 'Boxy',
    about: ['Coupe boxy, large et légèrement courte.', 'A boxy cut, wide and slightly cropped.'],
  },
  skinny: {
    fr: 'Skinny',
    en: 'Skinny',
    about: ['Coupe skinny, près du corps de la taille à la cheville.', 'A skinny cut, close from waist to ankle.'],
  },
  slim: {
    fr: 'Slim',
    en: 'Slim',
    about: ['Coupe slim, étroite sans serrer.', 'A slim cut, narrow without being tight.'],
  },
  straight: {
    fr: 'Droite',
    en: 'Straight',
    about: ['Jambe droite de la hanche à l’ourlet.', 'A straight leg from hip to hem.'],
  },
  wide: { fr: 'Large', en: 'Wide', about: ['Jambe large et fluide.', 'A wide, fluid leg.'] },
  tapered: {
    fr: 'Fuselée',
    en: 'Tapered',
    about: ['Jambe fuselée, qui s’affine vers la cheville.', 'A tapered leg that narrows towards the ankle.'],
  },
  trueToSize: {
    fr: 'Chausse normalement',
    en: 'True to size',
    about: ['Chausse normalement : prenez votre pointure habituelle.', 'True to size: take your usual size.'],
  },
  runsSmall: {
    fr: 'Chausse petit',
    en: 'Runs small',
    about: ['Chausse petit : nous conseillons la pointure au-dessus.', 'Runs small: we suggest one size up.'],
  },
  kids: {
    fr: 'Confortable',
    en: 'Comfortable',
    about: [
      'Coupe confortable, pensée pour courir, grimper et sauter.',
      'A comfortable cut, made for running, climbing and jumping.',
    ],
  },
  lightSupport: {
    fr: 'Maintien léger',
    en: 'Light support',
    about: ['Maintien léger, sans armatures, pour tous les jours.', 'Light, wire-free support for every day.'],
  },
  firmSupport: {
    fr: 'Maintien ferme',
    en: 'Firm support',
    about: ['Maintien ferme grâce à de fines armatures.', 'Firm support from fine underwires.'],
  },
} as const satisfies Record<string, { fr: string; en: string; about: Wording }>

export type FitCode = keyof typeof fits

export const genders = {
  women: ['Femme', 'Women'],
  men: ['Homme', 'Men'],
  unisex: ['Mixte', 'Unisex'],
  girls: ['Fille', 'Girls'],
  boys: ['Garçon', 'Boys'],
  kids: ['Enfant', 'Kids'],
  baby: ['Bébé', 'Baby'],
} as const satisfies Record<string, Wording>

export type GenderCode = keyof typeof genders

export const seasons = {
  ss: ['Printemps-été', 'Spring-summer'],
  aw: ['Automne-hiver', 'Autumn-winter'],
  all: ['Toutes saisons', 'All seasons'],
} as const satisfies Record<string, Wording>

export type SeasonCode = keyof typeof seasons

export const sizeRuns = {
  women: ['XS', 'S', 'M', 'L', 'XL'],
  men: ['S', 'M', 'L', 'XL', 'XXL'],
  unisex: ['XS', 'S', 'M', 'L', 'XL', 'XXL'],
  /** French women's sizes, for dresses, skirts and trousers. */
  womenFr: ['34', '36', '38', '40', '42', '44'],
  /** French men's trouser sizes. */
  menTrousersFr: ['38', '40', '42', '44', '46', '48'],
  /** French men's jacket sizes (chest in cm, halved). */
  menJacketsFr: ['44', '46', '48', '50', '52', '54', '56'],
  /** Shirt collar sizes in cm. */
  collar: ['38', '39', '40', '41', '42', '43', '44'],
  kids: ['2A', '4A', '6A', '8A', '10A', '12A'],
  baby: ['3M', '6M', '12M', '18M', '24M'],
  shoesUnisex: ['36', '37', '38', '39', '40', '41', '42', '43', '44', '45', '46'],
  shoesWomen: ['36', '37', '38', '39', '40', '41'],
  shoesMen: ['40', '41', '42', '43', '44', '45', '46'],
  socks: ['35-38', '39-42', '43-46'],
  bras: ['80B', '85B', '85C', '90B', '90C', '95C', '95D'],
  swimFr: ['36', '38', '40', '42', '44', '46'],
  beltsWomen: ['75', '80', '85', '90', '95'],
  beltsMen: ['85', '90', '95', '100', '105'],
  gloves: ['S', 'M', 'L'],
  waistWomen: ['26', '27', '28', '29', '30', '31', '32', '33', '34'],
  waistMen: ['28', '29', '30', '31', '32', '33', '34', '36'],
  /** French "taille unique". */
  oneSizeFr: ['TU'],
  oneSizeEn: ['One size'],
} as const satisfies Record<string, readonly string[]>

// Rough 2025 shelf-price ratios rather than exchange rates: shops price in round local amounts.
const perEuro: Record<string, number> = { EUR: 1, CHF: 1.05, GBP: 0.86 }

/** A row's [lowest, highest] selling price in minor units of `currency`. */
export function priceRangeMinor(type: Pick<GarmentType, 'priceEur'>, currency: string): [number, number] {
  const rate = perEuro[currency]
  if (rate === undefined) throw new RangeError(`No demo price conversion for ${currency}`)
  return [Math.round(type.priceEur[0] * rate * 100), Math.round(type.priceEur[1] * rate * 100)]
}

import { relativeLuminance } from '../platform/contrast.ts'
import type { DemoBrand } from './types.ts'

// Demo product images are drawn, not photographed: a flat silhouette per kind of garment, filled with
// the variant's colour, served as '/media/demo/<kind>/<rrggbb>.svg'. Nothing is stored or downloaded,
// and every colour of every product has a matching picture.

interface Silhouette {
  /** Filled with the garment colour. */
  body: string
  /** Seams, pockets and buttons, stroked in a shade that shows on the body. */
  detail?: string
}

type Point = readonly [x: number, y: number]

/**
 * A symmetric outline from its right half, drawn from the top of the centre line (x = 300) down to
 * the bottom of it: half the points to write and always balanced.
 */
function mirrored(half: readonly Point[]): string {
  const inner = half.slice(1, -1)
  const left = inner.map(([x, y]): Point => [600 - x, y]).reverse()
  return `M${[...half, ...left].map(([x, y]) => `${x} ${y}`).join('L')}Z`
}

const jumper: Point[] = [
  [300, 172],
  [338, 164],
  [352, 146],
  [445, 176],
  [486, 330],
  [500, 520],
  [452, 526],
  [428, 340],
  [422, 290],
  [426, 560],
  [420, 604],
  [300, 604],
]

const trousers: Point[] = [
  [300, 130],
  [420, 130],
  [446, 660],
  [326, 660],
  [300, 262],
]

const silhouettes = {
  dress: {
    body: mirrored([
      [300, 196],
      [332, 184],
      [342, 118],
      [362, 118],
      [376, 206],
      [388, 262],
      [372, 336],
      [474, 640],
      [390, 656],
      [300, 662],
    ]),
    detail: 'M228 336H372',
  },
  top: {
    body: mirrored([
      [300, 214],
      [332, 204],
      [340, 138],
      [362, 138],
      [368, 214],
      [392, 262],
      [404, 304],
      [410, 600],
      [300, 604],
    ]),
  },
  tshirt: {
    body: mirrored([
      [300, 176],
      [330, 170],
      [352, 148],
      [440, 174],
      [508, 280],
      [458, 310],
      [420, 262],
      [424, 604],
      [300, 604],
    ]),
    detail: 'M248 150Q300 196 352 150',
  },
  shirt: {
    body: mirrored([
      [300, 196],
      [324, 148],
      [350, 138],
      [442, 170],
      [486, 330],
      [500, 500],
      [456, 508],
      [430, 320],
      [422, 280],
      [424, 624],
      [366, 640],
      [300, 626],
    ]),
    detail: 'M300 196V626M300 196L272 148M300 196L328 148M300 250v1M300 330v1M300 410v1M300 490v1M300 570v1',
  },
  knit: {
    body: mirrored(jumper),
    detail: 'M180 560H420M248 148Q300 200 352 148M84 480L130 476M470 476L516 480',
  },
  cardigan: {
    body: mirrored([[300, 300], [348, 148], ...jumper.slice(3)]),
    detail: 'M300 300V604M180 560H420M300 340v1M300 410v1M300 480v1M300 550v1',
  },
  gilet: {
    body: mirrored([
      [300, 292],
      [346, 150],
      [392, 162],
      [398, 214],
      [428, 282],
      [432, 600],
      [300, 610],
    ]),
    detail: 'M300 292V610M170 565H430',
  },
  hoodie: {
    body: mirrored([[300, 84], [344, 92], [374, 132], [372, 178], ...jumper.slice(3)]),
    detail:
      'M300 210Q244 196 246 150Q250 110 300 106Q350 110 354 150Q356 196 300 210M290 212V268M310 212V268M214 450H386L408 530H192Z',
  },
  coat: {
    body: mirrored([
      [300, 310],
      [340, 150],
      [356, 138],
      [444, 168],
      [490, 360],
      [502, 560],
      [456, 566],
      [432, 360],
      [424, 300],
      [444, 676],
      [300, 680],
    ]),
    detail:
      'M300 310V680M300 310L262 176M300 310L338 176M276 370v1M324 370v1M276 450v1M324 450v1M214 520H268M332 520H386',
  },
  jacket: {
    body: mirrored([
      [300, 300],
      [338, 150],
      [354, 140],
      [444, 170],
      [488, 340],
      [500, 520],
      [454, 526],
      [430, 340],
      [424, 290],
      [430, 540],
      [300, 548],
    ]),
    detail: 'M300 300V548M300 300L264 172M300 300L336 172M300 380v1M300 460v1M200 470H262M338 470H400',
  },
  puffer: {
    body: mirrored([
      [300, 136],
      [352, 130],
      [362, 176],
      [446, 192],
      [500, 420],
      [498, 512],
      [448, 518],
      [432, 330],
      [440, 560],
      [300, 572],
    ]),
    detail: 'M300 140V572M168 260H432M164 340H436M162 420H438M162 500H438M464 300L484 296M464 400L496 394',
  },
  trousers: { body: mirrored(trousers), detail: 'M180 160H420M300 160V236' },
  jeans: {
    body: mirrored([trousers[0]!, trousers[1]!, [436, 660], [334, 660], trousers[4]!]),
    detail: 'M180 160H420M300 160V244M306 168Q306 230 290 244M194 160Q216 214 262 216M406 160Q384 214 338 216',
  },
  shorts: {
    body: mirrored([
      [300, 206],
      [420, 206],
      [444, 434],
      [322, 446],
      [300, 336],
    ]),
    detail: 'M180 236H420M300 236V300M292 238L280 282M308 238L320 282',
  },
  skirt: {
    body: mirrored([
      [300, 164],
      [394, 164],
      [400, 200],
      [466, 560],
      [380, 574],
      [300, 578],
    ]),
    detail: 'M200 200H400',
  },
  romper: {
    body: mirrored([
      [300, 172],
      [334, 166],
      [350, 148],
      [422, 174],
      [474, 254],
      [440, 286],
      [408, 254],
      [414, 470],
      [396, 526],
      [346, 578],
      [300, 584],
    ]),
    detail: 'M254 150Q300 194 346 150M270 566v1M300 572v1M330 566v1',
  },
  swimsuit: {
    body: mirrored([
      [300, 214],
      [334, 204],
      [344, 134],
      [364, 134],
      [374, 218],
      [394, 262],
      [384, 382],
      [402, 472],
      [332, 566],
      [300, 572],
    ]),
  },
  bikini: {
    body: 'M304 330L396 336L354 236ZM296 330L204 336L246 236ZM190 436L410 436L398 470L334 548L300 552L266 548L202 470Z',
    detail: 'M354 236L384 130M246 236L216 130M396 336L470 326M204 336L130 326M410 440L476 432M190 440L124 432',
  },
  bra: {
    body: 'M302 336Q318 252 406 258Q424 316 398 362Q344 374 302 336ZM298 336Q282 252 194 258Q176 316 202 362Q256 374 298 336Z',
    detail: 'M394 262L380 130M206 262L220 130M406 330L476 322M194 330L124 322',
  },
  briefs: {
    body: mirrored([
      [300, 300],
      [432, 300],
      [428, 338],
      [364, 408],
      [326, 470],
      [300, 474],
    ]),
    detail: 'M170 322H430',
  },
  sneaker: {
    body: 'M104 522Q98 470 160 458L290 428L336 372Q392 350 446 358L478 368Q500 420 498 480L500 548L106 548Z',
    detail: 'M104 514H500M282 432L318 410M300 414L334 394M318 398L350 380M404 358Q396 430 446 468',
  },
  shoe: {
    body: 'M112 520Q106 472 172 462L300 444Q340 424 384 428L470 422Q492 444 492 520Z',
    detail: 'M112 500H492M300 444Q340 470 384 432',
  },
  boot: {
    body: 'M124 530Q118 474 188 460L296 436L318 190L448 190L456 438Q482 470 482 530Z',
    detail: 'M124 508H482M318 222H448M384 196V330',
  },
  sandal: {
    body: 'M108 506Q100 470 142 468L484 468Q506 474 498 506ZM166 468Q232 368 300 468L278 468Q232 404 188 468ZM330 468Q390 376 446 468L424 468Q390 410 352 468Z',
    detail: 'M112 488H494',
  },
  bag: {
    body: 'M150 330L450 330L482 620L118 620ZM206 330Q300 130 394 330L366 330Q300 196 234 330Z',
    detail: 'M150 330L300 430L450 330M300 430v1',
  },
  tote: {
    body: 'M156 300L444 300L462 640L138 640ZM202 300Q238 120 274 300L254 300Q238 164 222 300ZM326 300Q362 120 398 300L378 300Q362 164 346 300Z',
    detail: 'M152 350H448',
  },
  backpack: {
    body: 'M176 224Q176 160 300 160Q424 160 424 224L432 620Q432 652 400 652L200 652Q168 652 168 620ZM260 162Q300 90 340 162L322 162Q300 124 278 162Z',
    detail: 'M214 440H386V604H214ZM214 470H386M184 240Q300 210 416 240',
  },
  wallet: {
    body: 'M140 300H460V560H140Z',
    detail: 'M142 302L300 420L458 302M300 420v1',
  },
  belt: {
    body: 'M80 360H520V412H80Z',
    detail: 'M148 338H224V434H148ZM186 386H236M300 386v1M340 386v1M380 386v1M420 386v1',
  },
  scarf: {
    body: 'M200 640L200 300Q200 140 300 140Q400 140 400 300L406 560L334 560L330 300Q330 214 300 214Q270 214 270 300L274 640Z',
    detail:
      'M206 640V672M228 640V672M250 640V672M270 640V672M340 560V592M360 560V592M380 560V592M400 560V592M200 300H270M330 300H400',
  },
  tie: {
    body: 'M282 150H318L328 192L346 560L300 622L254 560L272 192Z',
    detail: 'M272 192H328',
  },
  hat: {
    body: 'M102 472Q300 566 498 472Q520 436 426 428L408 296Q300 256 192 296L174 428Q80 436 102 472Z',
    detail: 'M178 400Q300 434 422 400',
  },
  cap: {
    body: 'M150 444Q148 262 300 256Q440 262 452 402L546 424Q552 450 504 452L150 452Z',
    detail: 'M300 258V440M150 430H452M300 252v1',
  },
  beanie: {
    body: 'M170 484L170 360Q170 190 300 190Q430 190 430 360L430 484Z',
    detail: 'M170 404H430M210 412V476M250 412V476M290 412V476M330 412V476M370 412V476M410 412V476',
  },
  gloves: {
    body: 'M222 624L222 470L182 402Q172 380 194 376L238 420L236 250Q250 232 264 250L268 378L276 228Q292 212 306 228L302 380L316 244Q330 228 344 244L336 392L356 292Q370 278 382 294L370 472L376 624Z',
    detail: 'M222 566H376',
  },
  socks: {
    body: 'M260 150H372V452L442 530Q474 572 440 602L402 620Q362 632 330 600L260 522Z',
    detail: 'M260 190H372M280 160V184M300 160V184M320 160V184M340 160V184M360 160V184M376 596Q400 560 444 566',
  },
} satisfies Record<string, Silhouette>

export type GarmentKind = keyof typeof silhouettes

/** Every kind '/media/demo/<kind>/<rrggbb>.svg' accepts. */
export const garmentKinds: readonly GarmentKind[] = Object.freeze(Object.keys(silhouettes) as GarmentKind[])

const colourParam = /^[0-9a-f]{6}$/i

/**
 * The placeholder picture of a garment of this kind and colour, under 2 KB, or null when either is
 * unknown. Both come from the URL, so nothing reaches the markup unless it matched the lists above.
 */
export function renderPlaceholderSvg(kind: string, colourHex: string): string | null {
  // Object.hasOwn, not `in`: "constructor" and "__proto__" are not garments.
  if (!Object.hasOwn(silhouettes, kind) || !colourParam.test(colourHex)) return null
  const shape: Silhouette = silhouettes[kind as GarmentKind]
  const fill = `#${colourHex.toLowerCase()}`
  const light = relativeLuminance(fill) > 0.4
  // A pale wash of the garment's own colour: on brand pages, a wall of products reads as a palette.
  const background = mix(fill, '#f3f0ea', 0.86)
  const detail = shape.detail
    ? `<path d="${shape.detail}" fill="none" stroke="${light ? '#000' : '#fff'}" stroke-opacity=".3" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"/>`
    : ''
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 750" width="600" height="750">' +
    `<rect width="600" height="750" fill="${background}"/>` +
    '<ellipse cx="300" cy="700" rx="190" ry="14" fill="#000" fill-opacity=".06"/>' +
    // The outline is what keeps a white shirt visible on its near-white background.
    `<path d="${shape.body}" fill="${fill}" stroke="#000" stroke-opacity=".2" stroke-width="3" stroke-linejoin="round"/>` +
    `${detail}</svg>`
  )
}

function mix(colour: string, other: string, otherShare: number): string {
  const channel = (hex: string, i: number) => Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16)
  let out = '#'
  for (let i = 0; i < 3; i++) {
    const value = Math.round(channel(colour, i) * (1 - otherShare) + channel(other, i) * otherShare)
    out += value.toString(16).padStart(2, '0')
  }
  return out
}

const hexColour = /^#[0-9a-f]{6}$/i

/**
 * The brand's name as a wordmark, in its theme's font and primary colour, 48 px high and about as
 * wide as the name needs. Themes may come from brand settings, so every value is escaped or checked.
 */
export function renderLogoSvg(brand: Pick<DemoBrand, 'name' | 'theme'>): string {
  const name = escapeXml(brand.name)
  const colour = hexColour.test(brand.theme.colours.primary) ? brand.theme.colours.primary : '#1a1a1a'
  const font = escapeXml(brand.theme.fontFamily)
  // 0.62 em per character is an average for the stacks in demo-brands.ts; textLength makes any font fit exactly.
  const textWidth = Math.max(1, Math.round([...brand.name].length * 28 * 0.62))
  const width = textWidth + 24
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} 48" width="${width}" height="48" role="img" aria-label="${name}">` +
    `<text x="12" y="33" textLength="${textWidth}" lengthAdjust="spacingAndGlyphs" font-family="${font}" font-size="28" fill="${colour}">${name}</text></svg>`
  )
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

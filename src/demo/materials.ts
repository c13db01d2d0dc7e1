// Materials give demo products their title ending ("… en lin" / "Linen …"), their first description
// sentence and their care line. Only generic fibre and weave names: no trademarked fibres.

export interface DemoMaterial {
  /** As it follows "en" in a French title and stands as the `material` attribute: 'lin'. */
  fr: string
  /** As it precedes the noun in an English title: 'linen'. */
  en: string
  about: { fr: string; en: string }
  care: { fr: string; en: string }
}

const care = {
  wash30: { fr: 'Lavage en machine à 30 °C.', en: 'Machine wash at 30 °C.' },
  wash30Flat: { fr: 'Lavage en machine à 30 °C, séchage à plat.', en: 'Machine wash at 30 °C, dry flat.' },
  wash40Iron: { fr: 'Lavage à 40 °C, repassage à fer moyen.', en: 'Machine wash at 40 °C, iron on medium.' },
  delicate: { fr: 'Lavage à la main ou programme délicat à 30 °C.', en: 'Hand wash or delicate cycle at 30 °C.' },
  dryClean: { fr: 'Nettoyage à sec uniquement.', en: 'Dry clean only.' },
  handWashCold: { fr: 'Lavage à la main à froid, séchage à plat.', en: 'Hand wash cold, dry flat.' },
  leather: {
    fr: 'Nourrir le cuir deux fois par an, tenir éloigné de l’eau.',
    en: 'Condition twice a year and keep away from water.',
  },
  suede: {
    fr: 'Brosser à la brosse crêpe, imperméabiliser avant le premier port.',
    en: 'Brush with a crêpe brush and waterproof before first wear.',
  },
  wipe: { fr: 'Nettoyer avec un chiffon humide.', en: 'Wipe clean with a damp cloth.' },
  rawDenim: {
    fr: 'Laver à l’envers à 30 °C, le plus rarement possible.',
    en: 'Wash inside out at 30 °C, as rarely as you can.',
  },
  denim: {
    fr: 'Laver à l’envers à 30 °C avec des couleurs proches.',
    en: 'Wash inside out at 30 °C with similar colours.',
  },
  swim: {
    fr: 'Rincer à l’eau claire après la baignade, sécher à l’ombre.',
    en: 'Rinse in fresh water after swimming and dry in the shade.',
  },
  shell: {
    fr: 'Lavage à 30 °C, séchage en tambour doux pour réactiver le déperlant.',
    en: 'Machine wash at 30 °C; tumble dry low to reactivate the water repellency.',
  },
  down: {
    fr: 'Lavage à 30 °C, séchage en tambour avec deux balles de tennis.',
    en: 'Machine wash at 30 °C, tumble dry with two tennis balls.',
  },
  lingerie: {
    fr: 'Lavage à la main ou en filet à 30 °C.',
    en: 'Hand wash, or machine wash at 30 °C in a laundry bag.',
  },
  straw: { fr: 'Conserver à l’abri de l’humidité, ne pas plier.', en: 'Keep dry and do not fold.' },
} as const

export const demoMaterials = {
  linen: {
    fr: 'lin',
    en: 'linen',
    about: {
      fr: 'Lin lavé au tombé souple et légèrement froissé',
      en: 'Washed linen with a soft, slightly crumpled drape',
    },
    care: care.wash30Flat,
  },
  cotton: {
    fr: 'coton',
    en: 'cotton',
    about: { fr: 'Coton peigné, doux et respirant', en: 'Soft, breathable combed cotton' },
    care: care.wash30,
  },
  organicCotton: {
    fr: 'coton biologique',
    en: 'organic cotton',
    about: {
      fr: 'Coton issu de l’agriculture biologique, doux dès le premier port',
      en: 'Organically grown cotton, soft from the first wear',
    },
    care: care.wash30,
  },
  jersey: {
    fr: 'jersey de coton',
    en: 'cotton jersey',
    about: { fr: 'Jersey de coton 180 g/m², dense et souple', en: 'Dense, supple 180 g/m² cotton jersey' },
    care: care.wash30,
  },
  heavyJersey: {
    fr: 'jersey épais',
    en: 'heavyweight jersey',
    about: {
      fr: 'Jersey de coton épais de 260 g/m², qui garde sa forme',
      en: 'Heavyweight 260 g/m² cotton jersey that keeps its shape',
    },
    care: care.wash30,
  },
  poplin: {
    fr: 'popeline de coton',
    en: 'cotton poplin',
    about: { fr: 'Popeline de coton serrée, nette et légère', en: 'Crisp, lightweight cotton poplin' },
    care: care.wash40Iron,
  },
  oxford: {
    fr: 'oxford de coton',
    en: 'Oxford cotton',
    about: {
      fr: 'Oxford de coton au grain visible, qui s’assouplit au lavage',
      en: 'Textured Oxford cotton that softens with every wash',
    },
    care: care.wash40Iron,
  },
  voile: {
    fr: 'voile de coton',
    en: 'cotton voile',
    about: { fr: 'Voile de coton aérien et légèrement transparent', en: 'Airy, slightly sheer cotton voile' },
    care: care.delicate,
  },
  twill: {
    fr: 'sergé de coton',
    en: 'cotton twill',
    about: {
      fr: 'Sergé de coton robuste au tissage en diagonale',
      en: 'Hard-wearing cotton twill with a fine diagonal weave',
    },
    care: care.wash30,
  },
  gabardine: {
    fr: 'gabardine de coton',
    en: 'cotton gabardine',
    about: { fr: 'Gabardine de coton déperlante au tissage serré', en: 'Tightly woven, showerproof cotton gabardine' },
    care: care.dryClean,
  },
  corduroy: {
    fr: 'velours côtelé',
    en: 'corduroy',
    about: { fr: 'Velours côtelé fin, doux au toucher', en: 'Soft, fine-wale corduroy' },
    care: care.wash30,
  },
  chambray: {
    fr: 'chambray',
    en: 'chambray',
    about: { fr: 'Chambray de coton léger au fil indigo', en: 'Light cotton chambray woven with indigo yarn' },
    care: care.wash40Iron,
  },
  cottonKnit: {
    fr: 'maille de coton',
    en: 'cotton knit',
    about: { fr: 'Maille de coton douce, idéale en mi-saison', en: 'Soft cotton knit, ideal between seasons' },
    care: care.wash30Flat,
  },
  sweatFleece: {
    fr: 'molleton de coton',
    en: 'cotton fleece',
    about: {
      fr: 'Molleton de coton gratté de 400 g/m², épais et douillet',
      en: 'Heavy 400 g/m² brushed-back cotton fleece',
    },
    care: care.wash30,
  },
  seersucker: {
    fr: 'seersucker',
    en: 'seersucker',
    about: {
      fr: 'Seersucker de coton gaufré qui ne se repasse pas',
      en: 'Puckered cotton seersucker that needs no ironing',
    },
    care: care.wash30,
  },
  viscose: {
    fr: 'viscose',
    en: 'viscose',
    about: { fr: 'Viscose fluide au tombé léger', en: 'Fluid viscose with a light drape' },
    care: care.delicate,
  },
  silk: {
    fr: 'soie',
    en: 'silk',
    about: { fr: 'Crêpe de soie mat au tombé fluide', en: 'Matte silk crêpe with a fluid drape' },
    care: care.dryClean,
  },
  satin: {
    fr: 'satin de soie',
    en: 'silk satin',
    about: { fr: 'Satin de soie souple au reflet discret', en: 'Supple silk satin with a soft sheen' },
    care: care.delicate,
  },
  wool: {
    fr: 'laine',
    en: 'wool',
    about: { fr: 'Drap de laine dense et chaud', en: 'Dense, warm wool cloth' },
    care: care.dryClean,
  },
  flannel: {
    fr: 'flanelle de laine',
    en: 'wool flannel',
    about: { fr: 'Flanelle de laine peignée au toucher velouté', en: 'Worsted wool flannel with a velvety hand' },
    care: care.dryClean,
  },
  tropicalWool: {
    fr: 'laine froide',
    en: 'tropical wool',
    about: {
      fr: 'Laine froide légère, qui respire et se froisse peu',
      en: 'Light, breathable tropical wool that resists creasing',
    },
    care: care.dryClean,
  },
  tweed: {
    fr: 'tweed',
    en: 'tweed',
    about: { fr: 'Tweed de laine chiné au toucher rustique', en: 'Flecked wool tweed with a rustic hand' },
    care: care.dryClean,
  },
  woolCashmere: {
    fr: 'laine et cachemire',
    en: 'wool-cashmere',
    about: { fr: 'Drap de laine et cachemire, chaud et léger', en: 'Warm, light wool and cashmere cloth' },
    care: care.dryClean,
  },
  merino: {
    fr: 'laine mérinos',
    en: 'merino wool',
    about: {
      fr: 'Laine mérinos extra-fine qui régule la température',
      en: 'Extra-fine merino wool that regulates temperature',
    },
    care: { fr: 'Lavage à la main à 30 °C, séchage à plat.', en: 'Hand wash at 30 °C, dry flat.' },
  },
  lambswool: {
    fr: 'laine d’agneau',
    en: 'lambswool',
    about: { fr: 'Laine d’agneau douce et gonflante', en: 'Soft, lofty lambswool' },
    care: care.handWashCold,
  },
  shetland: {
    fr: 'laine Shetland',
    en: 'Shetland wool',
    about: {
      fr: 'Laine Shetland rustique, qui s’adoucit avec le temps',
      en: 'Rustic Shetland wool that softens with wear',
    },
    care: care.handWashCold,
  },
  alpaca: {
    fr: 'alpaga',
    en: 'alpaca',
    about: { fr: 'Alpaga mélangé, léger et très chaud', en: 'Light, very warm alpaca blend' },
    care: care.handWashCold,
  },
  cashmere: {
    fr: 'cachemire',
    en: 'cashmere',
    about: { fr: 'Cachemire de Mongolie filé en deux fils', en: 'Two-ply Mongolian cashmere' },
    care: care.handWashCold,
  },
  silkCashmere: {
    fr: 'soie et cachemire',
    en: 'silk-cashmere',
    about: {
      fr: 'Mélange de soie et de cachemire, fin et lumineux',
      en: 'A fine, lustrous blend of silk and cashmere',
    },
    care: care.handWashCold,
  },
  woolFelt: {
    fr: 'feutre de laine',
    en: 'wool felt',
    about: { fr: 'Feutre de laine ferme qui garde sa forme', en: 'Firm wool felt that holds its shape' },
    care: care.wipe,
  },
  rawDenim: {
    fr: 'denim brut',
    en: 'raw denim',
    about: { fr: 'Denim brut de 14 oz qui se patine avec le temps', en: '14 oz raw denim that fades with wear' },
    care: care.rawDenim,
  },
  selvedgeDenim: {
    fr: 'denim selvedge',
    en: 'selvedge denim',
    about: {
      fr: 'Denim selvedge tissé sur métier à navette, lisière visible au revers',
      en: 'Shuttle-loom selvedge denim with the clean edge showing at the turn-up',
    },
    care: care.rawDenim,
  },
  stretchDenim: {
    fr: 'denim stretch',
    en: 'stretch denim',
    about: {
      fr: 'Denim stretch confortable, 98 % coton et 2 % élasthanne',
      en: 'Comfortable stretch denim, 98% cotton and 2% elastane',
    },
    care: care.denim,
  },
  washedDenim: {
    fr: 'denim délavé',
    en: 'washed denim',
    about: { fr: 'Denim délavé à la pierre, souple dès le premier jour', en: 'Stonewashed denim, soft from day one' },
    care: care.denim,
  },
  leather: {
    fr: 'cuir',
    en: 'leather',
    about: { fr: 'Cuir de vachette pleine fleur au tannage végétal', en: 'Vegetable-tanned, full-grain cowhide' },
    care: care.leather,
  },
  suede: {
    fr: 'daim',
    en: 'suede',
    about: { fr: 'Daim velours souple', en: 'Soft velvet suede' },
    care: care.suede,
  },
  nubuck: {
    fr: 'nubuck',
    en: 'nubuck',
    about: { fr: 'Nubuck hydrofuge au toucher poudré', en: 'Water-resistant nubuck with a velvety finish' },
    care: care.suede,
  },
  canvas: {
    fr: 'toile de coton',
    en: 'cotton canvas',
    about: { fr: 'Toile de coton épaisse et robuste', en: 'Heavy, hard-wearing cotton canvas' },
    care: care.wipe,
  },
  mesh: {
    fr: 'maille technique',
    en: 'technical knit',
    about: { fr: 'Maille technique respirante qui épouse le pied', en: 'Breathable technical knit that hugs the foot' },
    care: care.wipe,
  },
  straw: {
    fr: 'paille',
    en: 'straw',
    about: { fr: 'Paille naturelle tressée à la main', en: 'Hand-plaited natural straw' },
    care: care.straw,
  },
  recycledNylon: {
    fr: 'nylon recyclé',
    en: 'recycled nylon',
    about: { fr: 'Nylon recyclé déperlant, léger et résistant', en: 'Light, tough, water-repellent recycled nylon' },
    care: care.wipe,
  },
  ripstop: {
    fr: 'ripstop',
    en: 'ripstop',
    about: { fr: 'Ripstop de nylon anti-déchirure', en: 'Tear-resistant nylon ripstop' },
    care: care.wash30,
  },
  shell: {
    fr: 'polyester recyclé',
    en: 'recycled polyester',
    about: {
      fr: 'Polyester recyclé déperlant sur membrane imper-respirante de 20 000 mm',
      en: 'Water-repellent recycled polyester over a 20,000 mm waterproof, breathable membrane',
    },
    care: care.shell,
  },
  fleece: {
    fr: 'polaire recyclée',
    en: 'recycled fleece',
    about: {
      fr: 'Polaire recyclée de 300 g/m², chaude et respirante',
      en: 'Warm, breathable 300 g/m² recycled fleece',
    },
    care: care.wash30,
  },
  down: {
    fr: 'duvet',
    en: 'down',
    about: {
      fr: 'Garnissage 90 % duvet et 10 % plumes de source tracée',
      en: 'Traceably sourced fill of 90% down and 10% feathers',
    },
    care: care.down,
  },
  softshell: {
    fr: 'polyamide stretch',
    en: 'stretch polyamide',
    about: { fr: 'Polyamide stretch déperlant, qui sèche vite', en: 'Quick-drying, water-repellent stretch polyamide' },
    care: care.wash30,
  },
  swimFabric: {
    fr: 'polyamide recyclé',
    en: 'recycled polyamide',
    about: {
      fr: 'Polyamide recyclé et élasthanne, séchage rapide et protection UPF 50+',
      en: 'Recycled polyamide and elastane, quick-drying with UPF 50+ protection',
    },
    care: care.swim,
  },
  swimShell: {
    fr: 'polyester recyclé',
    en: 'recycled polyester',
    about: {
      fr: 'Polyester recyclé léger, qui sèche en un rien de temps',
      en: 'Light recycled polyester that dries in no time',
    },
    care: care.swim,
  },
  lace: {
    fr: 'dentelle',
    en: 'lace',
    about: { fr: 'Dentelle florale légère, douce sur la peau', en: 'Light floral lace, soft against the skin' },
    care: care.lingerie,
  },
  microfibre: {
    fr: 'microfibre',
    en: 'microfibre',
    about: {
      fr: 'Microfibre lisse et douce, invisible sous les vêtements',
      en: 'Smooth, soft microfibre that stays invisible under clothes',
    },
    care: care.lingerie,
  },
  cottonGauze: {
    fr: 'gaze de coton',
    en: 'cotton gauze',
    about: { fr: 'Double gaze de coton, légère et absorbante', en: 'Light, absorbent double cotton gauze' },
    care: care.wash30,
  },
} as const satisfies Record<string, DemoMaterial>

export type DemoMaterialCode = keyof typeof demoMaterials

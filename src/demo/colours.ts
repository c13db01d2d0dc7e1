// The colours demo products come in. `code` goes into SKUs (ARD-10042-NVY-M), so codes are unique
// three-letter strings; names are what a shopper reads in each language.

export interface DemoColour {
  code: string
  fr: string
  en: string
  hex: string
}

export const demoColours = {
  BLK: { code: 'BLK', fr: 'Noir', en: 'Black', hex: '#1c1c1e' },
  WHT: { code: 'WHT', fr: 'Blanc', en: 'White', hex: '#f8f8f5' },
  ECR: { code: 'ECR', fr: 'Écru', en: 'Ecru', hex: '#ebe3d1' },
  IVR: { code: 'IVR', fr: 'Ivoire', en: 'Ivory', hex: '#f3eddf' },
  NVY: { code: 'NVY', fr: 'Bleu marine', en: 'Navy', hex: '#1f2a44' },
  IND: { code: 'IND', fr: 'Indigo', en: 'Indigo', hex: '#2e3a6e' },
  RAW: { code: 'RAW', fr: 'Brut', en: 'Rinse', hex: '#232b45' },
  DNM: { code: 'DNM', fr: 'Bleu moyen', en: 'Mid blue', hex: '#4a6a8f' },
  BLW: { code: 'BLW', fr: 'Bleu délavé', en: 'Light wash', hex: '#8fa8c4' },
  SKY: { code: 'SKY', fr: 'Bleu ciel', en: 'Sky blue', hex: '#a9c8e8' },
  CBT: { code: 'CBT', fr: 'Bleu cobalt', en: 'Cobalt blue', hex: '#1f4fb0' },
  PET: { code: 'PET', fr: 'Bleu pétrole', en: 'Petrol blue', hex: '#1f5562' },
  GRY: { code: 'GRY', fr: 'Gris chiné', en: 'Grey marl', hex: '#9b9b9b' },
  PGR: { code: 'PGR', fr: 'Gris perle', en: 'Pearl grey', hex: '#d4d4d0' },
  CHR: { code: 'CHR', fr: 'Anthracite', en: 'Charcoal', hex: '#3b3d40' },
  CML: { code: 'CML', fr: 'Camel', en: 'Camel', hex: '#b58450' },
  SND: { code: 'SND', fr: 'Sable', en: 'Sand', hex: '#d8c6a4' },
  OAT: { code: 'OAT', fr: 'Avoine', en: 'Oatmeal', hex: '#cfc0a3' },
  KHK: { code: 'KHK', fr: 'Kaki', en: 'Khaki', hex: '#6b6b3e' },
  OLV: { code: 'OLV', fr: 'Olive', en: 'Olive', hex: '#5c6138' },
  BRW: { code: 'BRW', fr: 'Marron', en: 'Brown', hex: '#5a3d2b' },
  CHO: { code: 'CHO', fr: 'Chocolat', en: 'Chocolate', hex: '#3f2a1e' },
  COG: { code: 'COG', fr: 'Cognac', en: 'Cognac', hex: '#9a5a2c' },
  BRG: { code: 'BRG', fr: 'Bordeaux', en: 'Burgundy', hex: '#6d1f2f' },
  RED: { code: 'RED', fr: 'Rouge', en: 'Red', hex: '#c0272d' },
  TER: { code: 'TER', fr: 'Terracotta', en: 'Terracotta', hex: '#c1623f' },
  RST: { code: 'RST', fr: 'Rouille', en: 'Rust', hex: '#a4471f' },
  ORG: { code: 'ORG', fr: 'Orange', en: 'Orange', hex: '#e8782a' },
  MUS: { code: 'MUS', fr: 'Moutarde', en: 'Mustard', hex: '#d4a32b' },
  YLW: { code: 'YLW', fr: 'Jaune soleil', en: 'Sunshine yellow', hex: '#f2cf3a' },
  PNK: { code: 'PNK', fr: 'Rose poudré', en: 'Dusty pink', hex: '#e3b5b0' },
  FUC: { code: 'FUC', fr: 'Fuchsia', en: 'Fuchsia', hex: '#c6287a' },
  CRL: { code: 'CRL', fr: 'Corail', en: 'Coral', hex: '#f07a64' },
  LIL: { code: 'LIL', fr: 'Lilas', en: 'Lilac', hex: '#b9a3d0' },
  PLM: { code: 'PLM', fr: 'Prune', en: 'Plum', hex: '#5e2b4f' },
  SAG: { code: 'SAG', fr: 'Vert sauge', en: 'Sage green', hex: '#9cae93' },
  MNT: { code: 'MNT', fr: 'Vert menthe', en: 'Mint green', hex: '#a8dcc4' },
  FOR: { code: 'FOR', fr: 'Vert forêt', en: 'Forest green', hex: '#254d32' },
  EMR: { code: 'EMR', fr: 'Vert émeraude', en: 'Emerald green', hex: '#138a5e' },
  TRQ: { code: 'TRQ', fr: 'Turquoise', en: 'Turquoise', hex: '#2bb3b1' },
  NUD: { code: 'NUD', fr: 'Nude', en: 'Nude', hex: '#d9b49a' },
  CHP: { code: 'CHP', fr: 'Champagne', en: 'Champagne', hex: '#e8d7b5' },
  LIM: { code: 'LIM', fr: 'Vert acide', en: 'Acid green', hex: '#c8e83a' },
} as const satisfies Record<string, DemoColour>

export type DemoColourCode = keyof typeof demoColours

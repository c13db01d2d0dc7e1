// The shapes of the demo data set. generate-catalog.ts re-exports them: import from there.

export interface ShippingMethod {
  code: string
  labels: { fr: string; en: string }
  feeMinor: number
  freeFromMinor: number | null
}

export interface BrandTheme {
  /** '/media/logo/<slug>.svg', served by the storefront from renderLogoSvg(). */
  logoUrl: string
  /**
   * '#rrggbb' colours: text, muted, primary and accent pass WCAG 2.1 AA (4.5:1) on both `background`
   * and `surface`, as the storefront's themeCss() requires (see contrast.test.ts).
   */
  colours: {
    primary: string
    onPrimary: string
    background: string
    surface: string
    text: string
    muted: string
    accent: string
  }
  /** System fonts only: storefronts load nothing from the network. */
  fontFamily: string
}

export interface DemoBrand {
  slug: string
  name: string
  /** Three uppercase letters, unique across brands: order numbers, references, SKUs and GTINs derive from it. */
  orderPrefix: string
  currency: string
  locale: string
  timeZone: string
  vatRateBp: number
  shippingMethods: ShippingMethod[]
  theme: BrandTheme
  productCount: number
  tagline: { fr: string; en: string }
}

export interface DemoVariant {
  sku: string
  size: string
  colour: string
  colourHex: string
  gtin: string
  priceMinor: number
  compareAtMinor: number | null
  weightGrams: number
  onHand: number
}

export interface DemoProduct {
  reference: string
  title: string
  description: string
  translations: { fr: { title: string; description: string }; en: { title: string; description: string } }
  categoryPath: string
  attributes: Record<string, string>
  images: { url: string; alt: string }[]
  status: 'active' | 'draft' | 'archived'
  createdDaysAgo: number
  variants: DemoVariant[]
}

/** Catalog shapes shared by the JSON API, the storefront and checkout. Money in minor units. */
export interface ProductImage {
  url: string
  alt: string
}

export interface ProductCard {
  id: string
  reference: string
  title: string
  categoryPath: string
  image: ProductImage | null
  /** The lowest variant price, and the compare-at price of that variant when it is higher. */
  priceMinor: number
  compareAtMinor: number | null
  inStock: boolean
  colours: string[]
  sizes: string[]
}

export type ProductStatus = 'draft' | 'active' | 'archived'

export interface Variant {
  id: string
  sku: string
  size: string | null
  colour: string | null
  colourHex: string | null
  gtin: string | null
  priceMinor: number
  compareAtMinor: number | null
  weightGrams: number | null
}

export interface ProductDetail {
  id: string
  reference: string
  title: string
  description: string
  translations: Record<string, { title: string; description: string }>
  categoryPath: string
  attributes: Record<string, string>
  images: ProductImage[]
  status: ProductStatus
  createdAt: Date
  updatedAt: Date
  variants: Array<Variant & { available: number }>
}

/** A variant as checkout needs it: what is sold, at which price, and whether it may be sold. */
export interface SellableVariant extends Variant {
  productId: string
  title: string
  image: ProductImage | null
  productStatus: ProductStatus
}

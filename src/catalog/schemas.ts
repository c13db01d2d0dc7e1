import { Type } from 'typebox'
import { Image, MinorUnits, Nullable, Uuid } from '../platform/http/schemas.ts'

const ShortText = (max: number) => Type.String({ minLength: 1, maxLength: max })
const Translations = Type.Record(
  Type.String({ pattern: '^[a-z]{2}$' }),
  Type.Object(
    { title: ShortText(300), description: Type.String({ maxLength: 20_000 }) },
    { additionalProperties: false },
  ),
)
const Attributes = Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 1000 }))
const Status = Type.Union([Type.Literal('draft'), Type.Literal('active'), Type.Literal('archived')])

export const ProductCardSchema = Type.Object({
  id: Uuid,
  reference: Type.String(),
  title: Type.String(),
  categoryPath: Type.String(),
  image: Nullable(Image),
  priceMinor: Type.Integer(),
  compareAtMinor: Nullable(Type.Integer()),
  inStock: Type.Boolean(),
  colours: Type.Array(Type.String()),
  sizes: Type.Array(Type.String()),
})

export const ProductPageSchema = Type.Object({
  currency: Type.String(),
  items: Type.Array(ProductCardSchema),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
})

export const VariantSchema = Type.Object({
  id: Uuid,
  sku: Type.String(),
  size: Nullable(Type.String()),
  colour: Nullable(Type.String()),
  colourHex: Nullable(Type.String()),
  gtin: Nullable(Type.String()),
  priceMinor: Type.Integer(),
  compareAtMinor: Nullable(Type.Integer()),
  weightGrams: Nullable(Type.Integer()),
  available: Type.Integer(),
})

export const ProductDetailSchema = Type.Object({
  id: Uuid,
  reference: Type.String(),
  title: Type.String(),
  description: Type.String(),
  translations: Translations,
  categoryPath: Type.String(),
  attributes: Attributes,
  images: Type.Array(Image),
  status: Status,
  currency: Type.String(),
  variants: Type.Array(VariantSchema),
})

export const ListQuery = Type.Object(
  {
    page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    category: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  },
  { additionalProperties: false },
)

export const NewVariantSchema = Type.Object(
  {
    sku: ShortText(100),
    size: Type.Optional(Nullable(Type.String({ maxLength: 50 }))),
    colour: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    colourHex: Type.Optional(Nullable(Type.String({ pattern: '^#[0-9a-fA-F]{6}$' }))),
    gtin: Type.Optional(Nullable(Type.String({ pattern: '^[0-9]{8,14}$' }))),
    priceMinor: MinorUnits,
    compareAtMinor: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000_000_00 }))),
    weightGrams: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000 }))),
    onHand: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
  },
  { additionalProperties: false },
)

export const NewProductSchema = Type.Object(
  {
    reference: ShortText(100),
    title: ShortText(300),
    description: Type.Optional(Type.String({ maxLength: 20_000 })),
    translations: Type.Optional(Translations),
    categoryPath: Type.Optional(Type.String({ maxLength: 300 })),
    attributes: Type.Optional(Attributes),
    images: Type.Optional(Type.Array(Image, { maxItems: 20 })),
    status: Type.Optional(Status),
    variants: Type.Array(NewVariantSchema, { minItems: 1, maxItems: 200 }),
  },
  { additionalProperties: false },
)

export const ProductChangesSchema = Type.Object(
  {
    title: Type.Optional(ShortText(300)),
    description: Type.Optional(Type.String({ maxLength: 20_000 })),
    translations: Type.Optional(Translations),
    categoryPath: Type.Optional(Type.String({ maxLength: 300 })),
    attributes: Type.Optional(Attributes),
    images: Type.Optional(Type.Array(Image, { maxItems: 20 })),
    status: Type.Optional(Status),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const VariantChangesSchema = Type.Object(
  {
    priceMinor: Type.Optional(MinorUnits),
    compareAtMinor: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000_000_00 }))),
    size: Type.Optional(Nullable(Type.String({ maxLength: 50 }))),
    colour: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    colourHex: Type.Optional(Nullable(Type.String({ pattern: '^#[0-9a-fA-F]{6}$' }))),
    gtin: Type.Optional(Nullable(Type.String({ pattern: '^[0-9]{8,14}$' }))),
    weightGrams: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000 }))),
  },
  { additionalProperties: false, minProperties: 1 },
)

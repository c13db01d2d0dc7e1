import { Type } from 'typebox'
import { Slug, Uuid } from '../platform/http/schemas.ts'

const Labels = Type.Record(Type.String({ pattern: '^[a-z]{2}$' }), Type.String({ maxLength: 100 }))

export const ShippingMethodSchema = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z0-9-]{1,30}$' }),
    labels: Labels,
    feeMinor: Type.Integer({ minimum: 0, maximum: 100_000_00 }),
    freeFromMinor: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  },
  { additionalProperties: false },
)

const Colour = Type.String({ pattern: '^#[0-9a-fA-F]{6}$' })

export const ThemeSchema = Type.Object(
  {
    logoUrl: Type.String({ maxLength: 2000 }),
    colours: Type.Record(Type.String({ pattern: '^[a-zA-Z]{1,30}$' }), Colour),
    fontFamily: Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9 ,"\'-]*$' }),
  },
  { additionalProperties: false },
)

const Host = Type.String({ pattern: '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$', maxLength: 253 })

export const NewBrandSchema = Type.Object(
  {
    slug: Slug,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    orderPrefix: Type.String({ pattern: '^[A-Z]{2,5}$' }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    locale: Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$' }),
    timeZone: Type.String({ minLength: 1, maxLength: 64 }),
    vatRateBp: Type.Integer({ minimum: 0, maximum: 10_000 }),
    shippingMethods: Type.Array(ShippingMethodSchema, { minItems: 1, maxItems: 10 }),
    theme: ThemeSchema,
    tagline: Type.Optional(Labels),
    hosts: Type.Optional(Type.Array(Host, { maxItems: 20 })),
  },
  { additionalProperties: false },
)

export const BrandSchema = Type.Object({
  id: Uuid,
  slug: Type.String(),
  name: Type.String(),
  orderPrefix: Type.String(),
  currency: Type.String(),
  locale: Type.String(),
  timeZone: Type.String(),
  vatRateBp: Type.Integer(),
  shippingMethods: Type.Array(ShippingMethodSchema),
  theme: ThemeSchema,
  tagline: Labels,
  hosts: Type.Array(Type.String()),
  catalogVersion: Type.Integer(),
})

/** What a shopper's client may know of the brand: no internal ids or versions. */
export const PublicBrandSchema = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  currency: Type.String(),
  locale: Type.String(),
  timeZone: Type.String(),
  vatRateBp: Type.Integer(),
  shippingMethods: Type.Array(ShippingMethodSchema),
  theme: ThemeSchema,
  tagline: Labels,
})

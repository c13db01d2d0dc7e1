import { Type } from 'typebox'
import { DateTime, MinorUnits, Nullable, Slug, Uuid } from '../platform/http/schemas.ts'

/** A date-time as merchandisers write it: wall-clock in the brand's zone, or with Z / ±hh:mm. */
export const LocalDateTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})?$',
  maxLength: 40,
  description:
    '"2026-01-07T08:00" is 08:00 on the brand\'s clocks (each brand\'s own zone); with Z or ±hh:mm, that instant',
})

const Discount = Type.Union([
  Type.Object(
    { kind: Type.Literal('percent'), percent: Type.Number({ exclusiveMinimum: 0, maximum: 100, multipleOf: 0.01 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('amount'), amountMinor: Type.Integer({ minimum: 1, maximum: 100_000_000_00 }) },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('fixed'), priceMinor: MinorUnits }, { additionalProperties: false }),
])

const Ids = Type.Array(Uuid, { minItems: 1, maxItems: 1000 })
const Target = Type.Union([
  Type.Object({ kind: Type.Literal('brand') }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('categories'),
      paths: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { minItems: 1, maxItems: 100 }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('products'), ids: Ids }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('variants'), ids: Ids }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('collections'), ids: Ids }, { additionalProperties: false }),
])

export const RuleSchema = Type.Object({ discount: Discount, target: Target }, { additionalProperties: false })

const Combine = Type.Union([Type.Literal('best'), Type.Literal('stack'), Type.Literal('exclusive')], {
  description:
    "'best': the best price among non-stacking events and feed sale prices; 'stack': applies on top, by priority; " +
    "'exclusive': the highest-priority exclusive event alone decides",
})
const Rounding = Nullable(Type.Union([Type.Literal('.99'), Type.Literal('.00')]))

const eventFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  brands: Type.Array(Slug, { minItems: 1, maxItems: 100, uniqueItems: true }),
  startsAt: LocalDateTime,
  endsAt: LocalDateTime,
  priority: Type.Integer({ minimum: -1000, maximum: 1000 }),
  combine: Combine,
  rounding: Rounding,
  rules: Type.Array(RuleSchema, { minItems: 1, maxItems: 50 }),
}

export const NewSaleEventSchema = Type.Object(
  {
    ...eventFields,
    priority: Type.Optional(eventFields.priority),
    combine: Type.Optional(eventFields.combine),
    rounding: Type.Optional(eventFields.rounding),
  },
  { additionalProperties: false },
)

export const SaleEventChangesSchema = Type.Object(
  {
    name: Type.Optional(eventFields.name),
    brands: Type.Optional(eventFields.brands),
    startsAt: Type.Optional(eventFields.startsAt),
    endsAt: Type.Optional(eventFields.endsAt),
    priority: Type.Optional(eventFields.priority),
    combine: Type.Optional(eventFields.combine),
    rounding: Type.Optional(eventFields.rounding),
    rules: Type.Optional(eventFields.rules),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const SaleEventSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  startsAt: Type.String(),
  endsAt: Type.String(),
  priority: Type.Integer(),
  combine: Type.String(),
  rounding: Nullable(Type.String()),
  brands: Type.Array(
    Type.Object({
      slug: Type.String(),
      timeZone: Type.String(),
      startsAt: DateTime,
      endsAt: DateTime,
      status: Type.String(),
    }),
  ),
  rules: Type.Array(RuleSchema),
  createdAt: DateTime,
  updatedAt: DateTime,
})

export const PriceChangesSchema = Type.Object({
  eventId: Uuid,
  brands: Type.Array(
    Type.Object({
      slug: Type.String(),
      currency: Type.String(),
      at: DateTime,
      total: Type.Integer(),
      changes: Type.Array(
        Type.Object({
          productId: Uuid,
          title: Type.String(),
          variantId: Uuid,
          sku: Type.String(),
          oldPriceMinor: Type.Integer(),
          newPriceMinor: Type.Integer(),
          compareAtMinor: Nullable(Type.Integer()),
        }),
      ),
    }),
  ),
})

export const PricesAtSchema = Type.Object({
  at: DateTime,
  currency: Type.String(),
  productId: Uuid,
  title: Type.String(),
  prices: Type.Array(
    Type.Object({
      variantId: Uuid,
      sku: Type.String(),
      basePriceMinor: Type.Integer(),
      priceMinor: Type.Integer(),
      compareAtMinor: Nullable(Type.Integer()),
      applied: Type.Array(Type.String(), { description: 'Sale event ids, or feed:<id> for a feed sale price' }),
    }),
  ),
})

export const PreviewLinkSchema = Type.Object({
  url: Type.String(),
  token: Type.String(),
  at: DateTime,
  expiresAt: DateTime,
})

export { Slug, Uuid }

import { Type } from 'typebox'
import { DateTime, MinorUnits, Nullable, Uuid } from '../platform/http/schemas.ts'

const Kind = Type.Union([Type.Literal('percentage'), Type.Literal('amount'), Type.Literal('free-shipping')])
const Instant = Nullable(Type.String({ format: 'date-time', maxLength: 40 }))
const Cap = Nullable(Type.Integer({ minimum: 1, maximum: 1_000_000_000 }))

const terms = {
  description: Type.Optional(Type.String({ maxLength: 500 })),
  percent: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100 }))),
  amountMinor: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000_000_00 }))),
  minimumSpendMinor: Type.Optional(MinorUnits),
  startsAt: Type.Optional(Instant),
  endsAt: Type.Optional(Instant),
  active: Type.Optional(Type.Boolean()),
  usageLimit: Type.Optional(Cap),
  perCustomerLimit: Type.Optional(Cap),
}

export const NewPromotionSchema = Type.Object(
  {
    code: Type.String({
      minLength: 2,
      maxLength: 40,
      pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$',
      description: 'Letters, digits, "-" and "_"; matched case-insensitively, stored upper-case',
    }),
    kind: Kind,
    ...terms,
  },
  { additionalProperties: false },
)

export const PromotionChangesSchema = Type.Object(
  { kind: Type.Optional(Kind), ...terms },
  { additionalProperties: false, minProperties: 1 },
)

export const PromotionSchema = Type.Object({
  id: Uuid,
  code: Type.String(),
  description: Type.String(),
  kind: Kind,
  percent: Nullable(Type.Integer()),
  amountMinor: Nullable(Type.Integer()),
  currency: Type.String(),
  minimumSpendMinor: Type.Integer(),
  startsAt: Nullable(DateTime),
  endsAt: Nullable(DateTime),
  active: Type.Boolean(),
  usageLimit: Nullable(Type.Integer()),
  perCustomerLimit: Nullable(Type.Integer()),
  used: Type.Integer({ description: 'Orders placed with the code (cancelled orders keep their use)' }),
  remaining: Nullable(Type.Integer({ description: 'Uses left under usageLimit; null when unlimited' })),
  customers: Type.Optional(Type.Integer({ description: 'Distinct customers (checkout e-mails) who used it' })),
  createdBy: Type.String(),
  createdAt: DateTime,
  updatedAt: DateTime,
})

/** The code on a cart, as the shopper sees it: the discount, or why it does not apply. */
export const CartPromotionSchema = Type.Object({
  code: Type.String(),
  kind: Nullable(Kind),
  applies: Type.Boolean(),
  reason: Nullable(Type.String({ description: 'Why it does not apply: minimum-spend, expired, used-up, …' })),
  message: Nullable(Type.String()),
  discountMinor: Type.Integer({ description: 'Taken off the goods' }),
  freeShipping: Type.Boolean(),
  minimumSpendMinor: Nullable(Type.Integer()),
})

export const ApplyPromotionSchema = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
)

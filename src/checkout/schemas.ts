import { Type } from 'typebox'
import { CartToken, DateTime, Image, Nullable, Uuid } from '../platform/http/schemas.ts'
import { CartPromotionSchema } from '../promotions/index.ts'

export const CartSchema = Type.Object({
  token: CartToken,
  currency: Type.String(),
  lines: Type.Array(
    Type.Object({
      variantId: Uuid,
      productId: Uuid,
      sku: Type.String(),
      title: Type.String(),
      size: Nullable(Type.String()),
      colour: Nullable(Type.String()),
      image: Nullable(Image),
      quantity: Type.Integer(),
      unitPriceMinor: Type.Integer(),
      compareAtMinor: Nullable(Type.Integer()),
      lineTotalMinor: Type.Integer(),
      available: Type.Integer(),
      previousPriceMinor: Nullable(
        Type.Integer({ description: 'The price shown before, when a sale started or ended since (pricing)' }),
      ),
    }),
  ),
  itemCount: Type.Integer(),
  subtotalMinor: Type.Integer(),
  shippingMinor: Type.Integer(),
  vatMinor: Type.Integer(),
  totalMinor: Type.Integer(),
  orderId: Nullable(Uuid),
  priceChanged: Type.Boolean({ description: 'A line’s price moved since the shopper was last shown it' }),
  /** The cart's promotion code (POST …/promotion): its discount is already in the totals. */
  discountMinor: Type.Optional(Type.Integer()),
  promotion: Type.Optional(Nullable(CartPromotionSchema)),
})

export const AddLineSchema = Type.Object(
  { variantId: Uuid, quantity: Type.Integer({ minimum: 1, maximum: 99 }) },
  { additionalProperties: false },
)

export const SetQuantitySchema = Type.Object(
  { quantity: Type.Integer({ minimum: 0, maximum: 99 }) },
  { additionalProperties: false },
)

const Line = (max: number) => Type.String({ minLength: 1, maxLength: max })

export const ShippingAddressSchema = Type.Object(
  {
    name: Line(200),
    line1: Line(200),
    line2: Type.Optional(Type.String({ maxLength: 200 })),
    postalCode: Type.String({ minLength: 2, maxLength: 20, pattern: '^[A-Za-z0-9][A-Za-z0-9 -]*$' }),
    city: Line(100),
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
    phone: Type.Optional(Type.String({ maxLength: 30, pattern: '^[+0-9 ().-]*$' })),
  },
  { additionalProperties: false },
)

export const CheckoutSchema = Type.Object(
  {
    cartToken: CartToken,
    email: Type.String({ format: 'email', maxLength: 254 }),
    shippingAddress: ShippingAddressSchema,
    shippingMethod: Type.String({ minLength: 1, maxLength: 50 }),
    payment: Type.Object(
      { provider: Type.String({ minLength: 1, maxLength: 50 }), token: Type.String({ minLength: 1, maxLength: 200 }) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)

export const OrderSchema = Type.Object({
  id: Uuid,
  number: Type.String(),
  status: Type.String(),
  email: Type.String(),
  shippingAddress: Type.Object({
    name: Type.String(),
    line1: Type.String(),
    line2: Type.Optional(Type.String()),
    postalCode: Type.String(),
    city: Type.String(),
    country: Type.String(),
    phone: Type.Optional(Type.String()),
  }),
  shippingMethod: Type.String(),
  currency: Type.String(),
  subtotalMinor: Type.Integer(),
  shippingMinor: Type.Integer(),
  vatMinor: Type.Integer(),
  totalMinor: Type.Integer(),
  discountMinor: Type.Integer({
    description: 'Taken off the goods by promotionCode: subtotal − discount + shipping = total',
  }),
  promotionCode: Nullable(Type.String()),
  vatRateBp: Type.Integer(),
  payment: Type.Object({ provider: Type.String(), reference: Type.String(), last4: Nullable(Type.String()) }),
  placedAt: DateTime,
  cancelledAt: Nullable(DateTime),
  lines: Type.Array(
    Type.Object({
      lineNo: Type.Integer(),
      variantId: Uuid,
      productId: Uuid,
      sku: Type.String(),
      gtin: Nullable(Type.String()),
      title: Type.String(),
      size: Nullable(Type.String()),
      colour: Nullable(Type.String()),
      quantity: Type.Integer(),
      unitPriceMinor: Type.Integer(),
      lineTotalMinor: Type.Integer(),
      vatMinor: Type.Integer(),
    }),
  ),
  priceChanges: Type.Optional(
    Type.Array(
      Type.Object({
        variantId: Uuid,
        sku: Type.String(),
        title: Type.String(),
        oldPriceMinor: Type.Integer(),
        newPriceMinor: Type.Integer(),
      }),
      { description: 'At checkout: lines charged less than the cart showed (a sale started meanwhile)' },
    ),
  ),
})

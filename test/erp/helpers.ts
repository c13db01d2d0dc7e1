import type { BrandCtx } from '../../src/brands/brand.ts'
import { variantsForSale } from '../../src/catalog/index.ts'
import { changeCartLine, createCart, createTestProvider, placeOrder } from '../../src/checkout/index.ts'
import { saveErpSettings } from '../../src/erp/settings.ts'
import type { TransportConfig } from '../../src/erp/transports/index.ts'
import { cancelOrder } from '../../src/orders/index.ts'
import type { Db } from '../../src/platform/db/database.ts'
import { createTestBrand, createTestProduct, systemCtx } from '../helpers/fixtures.ts'

const providers = new Map([['test', createTestProvider()]])

export const hostileAddress = {
  name: 'Zoë <O\'Brien> & "Fils" ]]>',
  line1: '12 rue de l’Église & <Cie>',
  postalCode: '75002',
  city: 'Paris-Évry',
  country: 'FR',
}

/** A brand with one product of `variants` variants (plenty of stock) and its ERP transport. */
export async function erpBrand(
  db: Db,
  transport: TransportConfig | null,
  options: { title?: string; variants?: number } = {},
): Promise<{ brand: BrandCtx; variantIds: string[] }> {
  const brand = await createTestBrand(db)
  const count = options.variants ?? 2
  const product = await createTestProduct(brand, {
    title: options.title ?? 'Robe « Été » & <Co>',
    variants: Array.from({ length: count }, (_, i) => ({
      sku: `SKU-${brand.brand.orderPrefix}-${i}&<x>`,
      size: ['S', 'M', 'L', 'XL'][i % 4]!,
      colour: 'Noir & Blanc',
      colourHex: '#000000',
      priceMinor: 2990 + i * 100,
      gtin: i === 0 ? '4006381333931' : null,
      onHand: 100_000,
    })),
  })
  if (transport) await saveErpSettings(systemCtx(db), brand.brand.id, { transport })
  return { brand, variantIds: product.variants.map((v) => v.id) }
}

let counter = 0

/** Places an order through the real use case (cart → placeOrder). */
export async function placeTestOrder(brand: BrandCtx, variantIds: string[]): Promise<{ id: string; number: string }> {
  const ctx = { ...brand, now: new Date() }
  // Warm the shared catalog snapshot outside any transaction: on PGlite (one connection) its
  // first load from inside changeCartLine's transaction would wait on that transaction.
  await variantsForSale(ctx, variantIds)
  const cart = await createCart(ctx)
  for (const [i, variantId] of variantIds.entries())
    await changeCartLine(ctx, cart.token, { variantId, quantity: 1 + (i % 2), mode: 'set' })
  counter += 1
  const placed = await placeOrder(
    ctx,
    {
      cartToken: cart.token,
      email: `client+${counter}@example.org`,
      shippingAddress: hostileAddress,
      shippingMethod: 'standard',
      payment: { provider: 'test', token: '4242424242424242' },
    },
    { idempotencyKey: null, providers },
  )
  return { id: placed.order.id, number: placed.order.number }
}

export async function cancelTestOrder(
  brand: BrandCtx,
  orderId: string,
  reason = 'Client <changed> mind & left',
): Promise<void> {
  await cancelOrder({ ...brand, now: new Date() }, orderId, reason)
}

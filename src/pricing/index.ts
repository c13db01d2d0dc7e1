/**
 * Pricing: what a variant costs at an instant. Base prices live on variants (catalog); sale events
 * (this module) and the feed's scheduled sale prices change them during intervals. One resolution
 * (resolve-price.ts), one function to ask it (`priceAt` / `pricesAt`), one schedule per brand held
 * in memory per process (sale-plans.ts) whose price version caches key on.
 */

export { instantOf, zonedToInstant } from './local-time.ts'
export { checkPreview, type PreviewCheck, type PreviewGrant, signPreview } from './preview-links.ts'
export { type EffectivePrice, priceAt, pricesAt, priceVersion } from './price-at.ts'
export { pricingAdminRoutes } from './routes.ts'
export { InvalidSaleEvent, type SaleEventInput } from './sale-event-definition.ts'
export { type SaleEventWindow, upcomingSaleEventWindows } from './sale-event-views.ts'
export { type BrandSaleEvent, type PricedVariantFacts, SalePlan } from './sale-plan.ts'
export { salePlans } from './sale-plans.ts'
export { createSaleEvent, deleteSaleEvent, updateSaleEvent } from './save-sale-event.ts'

/**
 * Inventory: on-hand and reserved units per variant. available = on_hand − reserved; placing an
 * order reserves, cancelling releases, shipping (ERP issue) will take units off on_hand.
 */
export {
  type AvailabilityRead,
  availabilityChangedSince,
  availableByVariant,
  availableForBrand,
  insertStockLevels,
  OutOfStock,
  releaseStock,
  reserveStock,
  type StockLevel,
  type StockLine,
  setOnHand,
  shipStock,
  stockLevels,
} from './queries.ts'
export { insertStockOfNewVariants, type OnHandSource, onHandRows, setOnHandBulk } from './set-on-hand-bulk.ts'

import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

/**
 * The database as Kysely sees it. Each table is owned by one module (named above it); other
 * modules reach it only through that module's functions. Keep in step with migrations/.
 */
export interface DB {
  brands: BrandsTable
  brand_hosts: BrandHostsTable
  products: ProductsTable
  variants: VariantsTable
  stock_levels: StockLevelsTable
  carts: CartsTable
  orders: OrdersTable
  order_lines: OrderLinesTable
  outbox: OutboxTable
  import_runs: ImportRunsTable
  import_rejections: ImportRejectionsTable
  import_items: ImportItemsTable
  import_products: ImportProductsTable
  scheduled_prices: ScheduledPricesTable
  // access (0002-access)
  staff: StaffTable
  staff_grants: StaffGrantsTable
  staff_sessions: StaffSessionsTable
  api_keys: ApiKeysTable
  audit_log: AuditLogTable
  // erp (0004-erp)
  erp_settings: ErpSettingsTable
  delivery_attempts: DeliveryAttemptsTable
  erp_inbound: ErpInboundTable
  order_shipments: OrderShipmentsTable
  // search and collections (0007-search-collections)
  product_search: ProductSearchTable
  search_words: SearchWordsTable
  collections: CollectionsTable
  collection_products: CollectionProductsTable
  collection_pins: CollectionPinsTable
  erp_order_responses: ErpOrderResponsesTable
  // pricing (0008-sale-events)
  sale_events: SaleEventsTable
  price_versions: PriceVersionsTable
  server_secrets: ServerSecretsTable
  // promotions (0009-promotions)
  promotion_codes: PromotionCodesTable
  promotion_customer_uses: PromotionCustomerUsesTable
  promotion_redemptions: PromotionRedemptionsTable
  cart_promotions: CartPromotionsTable
  // traffic history (0011-traffic-history)
  traffic_hourly: TrafficHourlyTable
  // waiting room (0012-waiting-room)
  waiting_rooms: WaitingRoomsTable
  waiting_room_tickets: WaitingRoomTicketsTable
}

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type Json<T> = ColumnType<T, string, string>

export interface ShippingMethodRow {
  code: string
  labels: Record<string, string>
  feeMinor: number
  freeFromMinor: number | null
}

export interface ThemeRow {
  logoUrl: string
  colours: Record<string, string>
  fontFamily: string
}

// brands
export interface BrandsTable {
  id: string
  slug: string
  name: string
  order_prefix: string
  currency: string
  locale: string
  time_zone: string
  vat_rate_bp: number
  shipping_methods: Json<ShippingMethodRow[]>
  theme: Json<ThemeRow>
  tagline: Json<Record<string, string>>
  catalog_version: Generated<number>
  created_at: Timestamp
  updated_at: Timestamp
}

// brands
export interface BrandHostsTable {
  host: string
  brand_id: string
}

// catalog
export interface ProductsTable {
  brand_id: string
  id: string
  reference: string
  title: string
  description: Generated<string>
  translations: Json<Record<string, { title: string; description: string }>>
  category_path: Generated<string>
  attributes: Json<Record<string, string>>
  images: Json<Array<{ url: string; alt: string }>>
  status: 'draft' | 'active' | 'archived'
  created_at: Timestamp
  updated_at: Timestamp
  /** Hash of the feed content last applied by an import (0005-import-runs); null for other products. */
  import_hash: string | null
}

// catalog
export interface VariantsTable {
  brand_id: string
  id: string
  product_id: string
  sku: string
  size: string | null
  colour: string | null
  colour_hex: string | null
  gtin: string | null
  price_minor: number
  compare_at_minor: number | null
  weight_grams: number | null
  position: Generated<number>
  created_at: Timestamp
  updated_at: Timestamp
  // From the brand's feed (0005-import-runs).
  link: string | null
  mpn: string | null
  availability: 'in_stock' | 'out_of_stock' | 'preorder' | 'backorder' | null
  availability_date: Date | null
  /** Set when a full feed stops listing the variant of a product it still lists; cleared when listed again. */
  delisted_at: Date | null
}

// inventory
export interface StockLevelsTable {
  brand_id: string
  variant_id: string
  on_hand: number
  /** Units sold on placed orders and not yet shipped: available = on_hand − reserved. */
  reserved: Generated<number>
  updated_at: Timestamp
  /** The transaction that last wrote the row (xid8, as text): set by its default and a trigger (0018). */
  changed_xid: Generated<string>
}

// checkout (UNLOGGED: a lost cart costs a shopper a re-add, not the operator an fsync)
export interface CartsTable {
  brand_id: string
  token: string
  lines: Json<CartLineRow[]>
  order_id: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface CartLineRow {
  variantId: string
  quantity: number
  /** The unit price the shopper was last shown for this line (pricing: a change since is announced). */
  seenPriceMinor?: number
}

// orders
export interface OrdersTable {
  brand_id: string
  id: string
  number: string
  status: 'placed' | 'partially_shipped' | 'shipped' | 'cancelled'
  email: string
  shipping_address: Json<ShippingAddressRow>
  shipping_method: string
  currency: string
  locale: string
  vat_rate_bp: number
  subtotal_minor: number
  shipping_minor: number
  vat_minor: number
  total_minor: number
  payment: Json<PaymentRow>
  idempotency_key: string | null
  request_hash: string | null
  placed_at: Timestamp
  cancelled_at: Date | null
  cancel_reason: string | null
  // 0009-promotions: the code used and the discount on the goods (shipping is already net of it)
  promotion_code: string | null
  discount_minor: Generated<number>
}

export interface ShippingAddressRow {
  name: string
  line1: string
  line2?: string
  postalCode: string
  city: string
  country: string
  phone?: string
}

export interface PaymentRow {
  provider: string
  reference: string
  last4: string | null
}

// orders
export interface OrderLinesTable {
  brand_id: string
  order_id: string
  line_no: number
  variant_id: string
  product_id: string
  sku: string
  gtin: string | null
  title: string
  size: string | null
  colour: string | null
  quantity: number
  unit_price_minor: number
  line_total_minor: number
  vat_minor: number
}

// platform (transactional outbox; delivery comes with the ERP module)
export interface OutboxTable {
  brand_id: string
  id: Generated<number>
  topic: string
  aggregate_id: string
  payload: Json<Record<string, unknown>>
  state: Generated<'pending' | 'delivered' | 'dead'>
  attempts: Generated<number>
  created_at: Timestamp
  available_at: Timestamp
  // 0004-erp: delivery bookkeeping
  document_id: Generated<string>
  lease_token: string | null
  last_error: string | null
  delivered_at: Date | null
}

export type BrandRow = Selectable<BrandsTable>
export type ProductRow = Selectable<ProductsTable>
export type NewProductRow = Insertable<ProductsTable>
export type ProductUpdate = Updateable<ProductsTable>
export type VariantRow = Selectable<VariantsTable>
export type OrderRow = Selectable<OrdersTable>
export type OrderLineRow = Selectable<OrderLinesTable>

// ---- catalog imports (issue 5; migration 0003-imports) -------------------------------------

// catalog (import)
export interface ImportRunsTable {
  brand_id: string
  id: string
  source: 'cli' | 'api' | 'drop-folder'
  file_name: string
  format: string | null
  mode: 'full' | 'delta'
  dry_run: boolean
  force: boolean
  started_by: string
  started_at: Timestamp
  finished_at: Date | null
  status: Generated<'running' | 'succeeded' | 'failed'>
  items_read: Generated<number>
  created: Generated<number>
  updated: Generated<number>
  unchanged: Generated<number>
  archived: Generated<number>
  rejected: Generated<number>
  variants_created: Generated<number>
  variants_updated: Generated<number>
  stock_updated: Generated<number>
  error: string | null
  error_line: number | null
  error_column: number | null
  heartbeat_at: Date | null
  variants_delisted: Generated<number>
}

// catalog (import)
export interface ImportRejectionsTable {
  brand_id: string
  run_id: string
  id: Generated<number>
  line: number | null
  item_id: string | null
  reason: string
}

// catalog (import staging, UNLOGGED)
export interface ImportItemsTable {
  brand_id: string
  run_id: string
  item_id: string
  seq: number
  line: number
  group_id: string
  /** md5 of the item's content (content-hash.ts). */
  item_hash: string | null
  title: string | null
  description: string | null
  category_path: string | null
  images: Json<string[]>
  attributes: Json<Record<string, string>>
  brand_name: string | null
  status: string | null
  size: string | null
  colour: string | null
  gtin: string | null
  price_minor: number | null
  compare_at_minor: number | null
  sale_price_minor: number | null
  sale_starts_at: Date | null
  sale_ends_at: Date | null
  on_hand: number | null
  weight_grams: number | null
  link: string | null
  mpn: string | null
  availability: string | null
  availability_date: Date | null
}

// catalog (import staging, UNLOGGED)
export interface ImportProductsTable {
  brand_id: string
  run_id: string
  group_id: string
  product_id: string
  existed: boolean
  changed: Generated<boolean>
  title: string | null
  description: string | null
  category_path: string | null
  images: Json<Array<{ url: string; alt: string }>> | null
  attributes: Json<Record<string, string>> | null
  status: string | null
  hash: string | null
  skip: Generated<boolean>
  /** Staging could not settle its hash alone: the apply does, from all its staged items. */
  rehash: Generated<boolean>
}

// catalog (prices that apply during an interval; imports write source 'feed')
export interface ScheduledPricesTable {
  brand_id: string
  id: string
  variant_id: string
  price_minor: number
  starts_at: Date | null
  ends_at: Date | null
  source: string
  run_id: string | null
  created_at: Timestamp
}

export type ImportRunRow = Selectable<ImportRunsTable>
// ---- end catalog imports ---------------------------------------------------------------------

// ---- access (migration 0002-access): staff, grants, sessions, API keys, audit log ----

// access (operator-level: staff are not tenant rows)
export interface StaffTable {
  id: string
  email: string
  password_hash: string
  created_at: Timestamp
  password_changed_at: Timestamp
  disabled_at: Date | null
}

// access (brand_id null = every brand)
export interface StaffGrantsTable {
  staff_id: string
  role: string
  brand_id: string | null
  created_at: Timestamp
}

// access (only a hash of the session token is stored)
export interface StaffSessionsTable {
  token_hash: string
  staff_id: string
  created_at: Timestamp
  last_seen_at: Timestamp
  expires_at: Timestamp
  revoked_at: Date | null
}

// access (tenant rows: one brand per key)
export interface ApiKeysTable {
  brand_id: string
  id: string
  name: string
  prefix: string
  key_hash: string
  permissions: Json<string[]>
  created_by: string | null
  created_at: Timestamp
  last_used_at: Date | null
  revoked_at: Date | null
}

// access (append-only: a trigger refuses UPDATE, DELETE and TRUNCATE)
export interface AuditLogTable {
  id: Generated<number>
  brand_id: string | null
  at: Timestamp
  actor_kind: string
  actor_id: string
  actor_label: string
  entity_type: string
  entity_id: string
  action: string
  before: ColumnType<Record<string, unknown> | null, string | null, never>
  after: ColumnType<Record<string, unknown> | null, string | null, never>
}
// ---- end of access ----

// ---- erp (migration 0004-erp): settings, delivery attempts, inbound documents, shipments ----

// erp (one row per brand; transport secrets are encrypted at rest or `env:NAME` references)
export interface ErpSettingsTable {
  brand_id: string
  transport: Json<Record<string, unknown> | null>
  mapping: Json<Record<string, unknown>>
  paused: Generated<boolean>
  max_attempts: Generated<number>
  updated_at: Timestamp
}

// erp (one row per delivery attempt of an outbox row)
export interface DeliveryAttemptsTable {
  brand_id: string
  outbox_id: number
  id: Generated<number>
  at: Timestamp
  duration_ms: number
  ok: boolean
  status: string
  excerpt: string | null
}

// erp (every inbound document, with its outcome; unique per brand + type + document id)
export interface ErpInboundTable {
  brand_id: string
  id: string
  document_type: string
  document_id: string
  received_at: Timestamp
  received_by: string
  outcome: 'applied' | 'partially-applied' | 'rejected' | 'recorded'
  summary: Json<Record<string, unknown>>
  errors: Json<Array<{ line: number | null; reason: string }>>
  // 0006-erp-admin
  source: Generated<'http' | 'inbox'>
  file_name: string | null
}

// erp (shipments confirmed by the ERP's DespatchAdvice)
export interface OrderShipmentsTable {
  brand_id: string
  order_id: string
  document_id: string
  carrier: string | null
  tracking: string | null
  shipped_at: Timestamp
  lines: Json<Array<{ sku: string; quantity: number; lineNo?: number }>>
}

// erp (0006-erp-admin: the ERP's OrderResponse, one row per response document and order)
export interface ErpOrderResponsesTable {
  brand_id: string
  order_id: string
  document_id: string
  response: 'accepted' | 'conditionally-accepted' | 'acknowledged' | 'rejected'
  code: string | null
  note: string | null
  lines: Json<Array<{ line: string; status: string; note: string | null }>>
  received_at: Timestamp
}
// ---- end of erp ----

// ---- promotions (0009-promotions) ----
export interface PromotionCodesTable {
  brand_id: string
  id: string
  code: string
  description: Generated<string>
  kind: 'percentage' | 'amount' | 'free-shipping'
  percent: number | null
  amount_minor: number | null
  minimum_spend_minor: Generated<number>
  starts_at: Date | null
  ends_at: Date | null
  active: Generated<boolean>
  usage_limit: number | null
  per_customer_limit: number | null
  used: Generated<number>
  created_by: string
  created_at: Timestamp
  updated_at: Timestamp
}

export interface PromotionCustomerUsesTable {
  brand_id: string
  promotion_id: string
  customer: string
  used: number
}

export interface PromotionRedemptionsTable {
  brand_id: string
  order_id: string
  promotion_id: string
  customer: string
  discount_minor: number
  shipping_discount_minor: number
  redeemed_at: Timestamp
}

export interface CartPromotionsTable {
  brand_id: string
  cart_token: string
  code: string
  applied_at: Timestamp
}
// ---- end of promotions ----

// ---- search and collections (0007-search-collections) ----
/** Maintained by triggers on products; read-only to the application. */
export interface ProductSearchTable {
  brand_id: string
  product_id: string
  document: string
  folded: string
}

export interface SearchWordsTable {
  brand_id: string
  word: string
}

export interface CollectionsTable {
  brand_id: string
  id: string
  slug: string
  title: string
  description: Generated<string>
  kind: 'manual' | 'rule'
  rules: Json<Record<string, unknown>>
  sort: Generated<'manual' | 'newest' | 'price-asc' | 'price-desc' | 'best-selling'>
  featured: Generated<boolean>
  position: Generated<number>
  created_at: Timestamp
  updated_at: Timestamp
}

export interface CollectionProductsTable {
  brand_id: string
  collection_id: string
  product_id: string
  position: number
}

export interface CollectionPinsTable {
  brand_id: string
  collection_id: string
  product_id: string
  position: number
}
// ---- end of search and collections ----

// ---- traffic history (0011-traffic-history) ----
export interface TrafficHourlyTable {
  brand_id: string
  hour: Timestamp
  kind: 'page' | 'api' | 'cart' | 'checkout' | 'order' | 'bot'
  n: number
}
// ---- end of traffic history ----

// ---- pricing (0008-sale-events) ---------------------------------------------------------------
/** One rule of a sale event as stored (src/pricing/sale-event.ts validates and reads it). */
export interface SaleRuleRow {
  discount:
    | { kind: 'percent'; basisPoints: number }
    | { kind: 'amount'; amountMinor: number }
    | { kind: 'fixed'; priceMinor: number }
  target:
    | { kind: 'brand' }
    | { kind: 'categories'; paths: string[] }
    | { kind: 'products'; ids: string[] }
    | { kind: 'variants'; ids: string[] }
    | { kind: 'collections'; ids: string[] }
}

export interface SaleEventsTable {
  brand_id: string
  id: string
  name: string
  starts_text: string
  ends_text: string
  starts_at: Timestamp
  ends_at: Timestamp
  priority: number
  combine: 'best' | 'stack' | 'exclusive'
  rounding: '.99' | '.00' | null
  rules: Json<SaleRuleRow[]>
  created_at: Timestamp
  updated_at: Timestamp
}

export interface PriceVersionsTable {
  brand_id: string
  version: number
}

export interface ServerSecretsTable {
  name: string
  value: string
  created_at: Generated<Date>
}
// ---- end pricing ------------------------------------------------------------------------------

// ---- waiting room (0012-waiting-room) ----
// waiting-room (one row per brand that ever configured its room)
export interface WaitingRoomsTable {
  brand_id: string
  mode: 'off' | 'on' | 'auto' | 'scheduled'
  event_id: string | null
  starts_at: Date | null
  ends_at: Date | null
  prequeue_minutes: number
  rate_per_minute: number
  pass_lifetime_seconds: number
  hot_product_ids: Json<string[]>
  auto_active_since: Date | null
  last_pressure_at: Date | null
  admitting_from: Date | null
  next_rank: Generated<number>
  issued: Generated<number>
  epoch: Generated<number>
  shuffle_seed: string
  shuffled_at: Date | null
  updated_at: Timestamp
}

// waiting-room (rank: admission order, shuffled once for the pre-queue; seq: arrival order)
export interface WaitingRoomTicketsTable {
  brand_id: string
  id: string
  epoch: number
  seq: number
  rank: number
  prequeue: boolean
  created_at: Timestamp
  admitted_at: Date | null
}
// ---- end waiting room ----

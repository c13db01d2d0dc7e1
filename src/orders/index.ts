/** Orders: the committed record of a sale, its states and its cancellation. */
export { cancelOrder } from './cancel-order.ts'
export {
  canTransition,
  type Order,
  type OrderLine,
  type OrderStatus,
  type ShippingAddress,
} from './order.ts'
export {
  findOrderByNumberAndEmail,
  findOrderIdByIdempotencyKey,
  getOrder,
  getOrders,
  insertOrder,
  listOrders,
  markShipped,
  type NewOrder,
  type OrderSummary,
} from './queries.ts'

/**
 * The error catalogue. Each error has a stable code (its `type` in a problem document) and an HTTP
 * status; one handler (problem.ts) turns them into application/problem+json.
 */
export class AppError extends Error {
  readonly code: string
  readonly status: number
  /** Extra members for the problem document; must never contain secrets or internals. */
  readonly extensions: Record<string, unknown>

  constructor(code: string, status: number, message: string, extensions: Record<string, unknown> = {}) {
    super(message)
    this.name = new.target.name
    this.code = code
    this.status = status
    this.extensions = extensions
  }
}

export class NotFound extends AppError {
  constructor(what: string, extensions: Record<string, unknown> = {}) {
    super('not-found', 404, `${what} not found`, extensions)
  }
}

export class Conflict extends AppError {
  constructor(code: string, message: string, extensions: Record<string, unknown> = {}) {
    super(code, 409, message, extensions)
  }
}

export class BadRequest extends AppError {
  constructor(code: string, message: string, extensions: Record<string, unknown> = {}) {
    super(code, 400, message, extensions)
  }
}

export class Unauthorized extends AppError {
  constructor(message = 'Authentication required') {
    super('unauthorized', 401, message)
  }
}

export class Forbidden extends AppError {
  constructor(message = 'You do not have the permission this needs', code = 'forbidden') {
    super(code, 403, message)
  }
}

export class TooManyRequests extends AppError {
  constructor(message: string, retryAfterSeconds: number) {
    super('rate-limited', 429, message, { retryAfter: retryAfterSeconds })
  }
}

/** Human titles per problem code, served at /problems/:code so a `type` URI resolves to its meaning. */
export const problemTitles: Record<string, string> = {
  'not-found': 'The resource does not exist (or is not visible to you)',
  'unknown-host': 'No brand is served at this host name',
  validation: 'The request does not match the schema',
  'malformed-request': 'The request body could not be read',
  unauthorized: 'Authentication required',
  forbidden: 'You lack the permission this needs',
  'csrf-token-missing': 'A cookie-authenticated write needs the x-csrf-token header given at login',
  'invalid-credentials': 'Invalid e-mail or password',
  'weak-password': 'The password is too short or too long',
  'out-of-stock': 'Not enough stock for the requested quantity',
  'cart-empty': 'The cart has no lines',
  'cart-converted': 'The cart was already turned into an order',
  'idempotency-key-reused': 'The Idempotency-Key was already used with a different request',
  'payment-declined': 'The payment was declined',
  'payment-failed': 'The payment provider failed; retry later',
  'unknown-shipping-method': 'The shipping method is not offered by this brand',
  'product-unavailable': 'The product is not for sale',
  'order-not-cancellable': 'The order cannot be cancelled in its current state',
  'order-partially-shipped': 'Part of the order has shipped: it cannot be cancelled; customer service handles returns',
  'duplicate-reference': 'Another record of this brand already uses this reference',
  'payload-too-large': 'The request body is too large',
  'unsupported-media-type': 'The request body has an unsupported content type',
  'rate-limited': 'Too many requests',
  overloaded: 'The server is at capacity; retry after the Retry-After delay',
  'invalid-cursor': 'The listing cursor was altered or belongs to another query',
  'collection-kind': 'The operation does not apply to this kind of collection',
  'unknown-products': 'Some product ids are not products of this brand',
  'promotion-unknown': 'The promotion code does not exist in this shop',
  'promotion-inactive': 'The promotion code was deactivated',
  'promotion-not-yet-valid': 'The promotion code is not valid yet',
  'promotion-expired': 'The promotion code has expired',
  'promotion-used-up': 'The promotion code has reached its usage limit',
  'promotion-already-used': 'This customer has already used the promotion code as often as allowed',
  'promotion-minimum-spend': 'The goods do not reach the promotion code’s minimum spend',
  'duplicate-promotion-code': 'The brand already has a promotion code with this text',
  internal: 'Internal error',
}

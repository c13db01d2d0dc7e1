/**
 * What checkout needs from a payment provider. Real providers (card acquirers, wallets) implement
 * the same three calls; the provider's own client-side widget turns card details into `token`,
 * so card numbers never reach Vitrine.
 */
export interface PaymentProvider {
  readonly name: string
  /**
   * Authorises an amount. The idempotency key is passed to the provider, so a retried checkout
   * never authorises twice.
   */
  authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome>
  /** Releases an authorisation that will not be captured (stock ran out after authorising). */
  void(reference: string): Promise<void>
}

export interface AuthorizeRequest {
  amountMinor: number
  currency: string
  token: string
  idempotencyKey: string
  description: string
}

export type AuthorizeOutcome =
  | { status: 'authorized'; reference: string; last4: string | null }
  | { status: 'declined'; reason: string }
  | { status: 'failed'; reason: string }

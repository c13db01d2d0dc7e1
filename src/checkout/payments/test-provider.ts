import { createHash } from 'node:crypto'
import type { AuthorizeOutcome, AuthorizeRequest, PaymentProvider } from './provider.ts'

/**
 * The built-in `test` provider: its token is a test card number. It never moves money.
 * Its references derive from the idempotency key, like a real provider's dedupe would.
 */
export const testCards = {
  success: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  processingError: '4000000000000119',
} as const

export function createTestProvider(): PaymentProvider {
  return {
    name: 'test',
    async authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome> {
      const card = request.token.replace(/[\s-]/g, '')
      switch (card) {
        case testCards.success:
          return {
            status: 'authorized',
            reference: `test_${createHash('sha256').update(request.idempotencyKey).digest('hex').slice(0, 24)}`,
            last4: card.slice(-4),
          }
        case testCards.declined:
          return { status: 'declined', reason: 'The card was declined.' }
        case testCards.insufficientFunds:
          return { status: 'declined', reason: 'The card has insufficient funds.' }
        case testCards.processingError:
          return { status: 'failed', reason: 'The payment processor reported an error.' }
        default:
          return { status: 'declined', reason: 'Unknown test card number.' }
      }
    },
    async void() {},
  }
}

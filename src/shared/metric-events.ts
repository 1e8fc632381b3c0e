import { channel } from 'node:diagnostics_channel';

/**
 * Events business code publishes for the metrics (GET /metrics) without knowing about them: a
 * `diagnostics_channel` costs nothing while nobody subscribes, keeps `modules/` free of prom-client
 * and needs no dependency passed down to helpers that take a transaction alone (`settlePayment`).
 * The composition root subscribes (`createMetrics` in metrics.ts).
 */

/** A payment credited now (not a duplicate), by method: the ledger reference's prefix. */
export interface PaymentCreditedEvent {
  /** `c2c`, `zarinpal`, `stars`, `promo`, `referral`...: see `paymentMethodOf`. */
  readonly method: string;
  /** The ledger kind it was posted as (`topup`, `promo`, `referral_bonus`). */
  readonly kind: string;
}

export const paymentCreditedChannel = channel('remnafleet.payment.credited');

/**
 * The method of a payment from its unique ledger reference (`c2c:12`, `zarinpal:…`, `stars:…`): a
 * short lowercase word, or `other`, so a label never carries an id.
 */
export function paymentMethodOf(externalRef: string): string {
  const prefix = externalRef.split(':', 1)[0] ?? '';
  return /^[a-z][a-z0-9_-]{0,23}$/.test(prefix) ? prefix : 'other';
}

/** Published inside the settling transaction, once the ledger credit is posted (see settlePayment). */
export function publishPaymentCredited(externalRef: string, kind: string): void {
  if (!paymentCreditedChannel.hasSubscribers) return;
  const event: PaymentCreditedEvent = { method: paymentMethodOf(externalRef), kind };
  paymentCreditedChannel.publish(event);
}

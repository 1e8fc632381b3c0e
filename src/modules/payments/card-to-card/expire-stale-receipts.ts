import { cardPaymentDecided } from '../../../jobs/definitions/card-payments.js';
import { enqueue } from '../../../jobs/enqueue.js';
import type { CardPayment, CardPaymentsDeps } from './card-payment.js';
import { expirePendingCardPayments } from './card-payment-repository.js';
import { decisionNotice } from './decision.js';

/**
 * Expires the receipts still pending after the tenant's `receipt_expiry_hours`; each customer
 * is told (queued in the same transaction). The card's counts are left alone: nobody judged it.
 */
export async function expireStaleReceipts({
  tenant,
  clock,
  settings,
}: CardPaymentsDeps): Promise<CardPayment[]> {
  const hours = await settings.get('receipt_expiry_hours');
  const now = clock.now();
  const cutoff = new Date(now.getTime() - hours * 3_600_000);
  return tenant.transaction(async (tx) => {
    const expired = await expirePendingCardPayments(tx, cutoff, now);
    for (const payment of expired) await enqueue(tx, cardPaymentDecided, decisionNotice(payment.id));
    return expired;
  });
}

import { zarinpalNotice } from '../../../jobs/definitions/zarinpal-notice.js';
import { enqueue } from '../../../jobs/enqueue.js';
import type { ZarinpalContext, ZarinpalPayment } from './zarinpal-payment.js';
import { getZarinpalPayment, markUnpaid } from './zarinpal-repository.js';

/**
 * Settles a pending payment as failed (`failed`, the customer is told) or given up (`cancelled`),
 * unless something settled it first; answers the payment as it is now.
 */
export function settleUnpaid(
  { tenant, clock }: ZarinpalContext,
  payment: ZarinpalPayment,
  status: 'failed' | 'cancelled',
  code: number,
): Promise<ZarinpalPayment> {
  return tenant.transaction(async (tx) => {
    const row = await markUnpaid(tx, payment.id, status, code, clock.now());
    if (row && status === 'failed') await enqueue(tx, zarinpalNotice, { paymentId: row.id });
    return row ?? (await getZarinpalPayment(tx, payment.id)) ?? payment;
  });
}

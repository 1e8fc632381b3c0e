import type { ReceiptAdminMessage } from '../../../db/schema.js';
import { cardPaymentDecided } from '../../../jobs/definitions/card-payments.js';
import type { CustomerId, OrderId } from '../../../shared/ids.js';
import { settlePayment } from '../settle-payment.js';
import {
  type CardPaymentId,
  type CardPaymentsDeps,
  cardPaymentRef,
  type DecisionOutcome,
  type Reviewer,
} from './card-payment.js';
import {
  approvePendingCardPayment,
  countCardOutcome,
  setCardPaymentTransaction,
} from './card-payment-repository.js';
import { alreadyDecided, decisionNotice } from './decision.js';

/**
 * Approves a pending payment: in one transaction the status flips (only from pending), the
 * customer is credited under the payment's unique reference, the waiting purchase is paid (which
 * queues its provisioning), the card's success is counted and the outcome is queued for the
 * customer and the admins. Any number of concurrent approvals credit once, whether they come
 * from admins in the bot or through the management API (both call this). A balance that cannot
 * take the amount throws `MoneyLimitError` and changes nothing: the payment stays pending.
 */
export async function approvePayment(
  { tenant, clock }: CardPaymentsDeps,
  id: CardPaymentId,
  reviewer: Reviewer,
  pressed?: ReceiptAdminMessage | null,
): Promise<DecisionOutcome> {
  const now = clock.now();
  return tenant.transaction(async (tx): Promise<DecisionOutcome> => {
    const settled = await settlePayment(tx, {
      claim: (tx) => approvePendingCardPayment(tx, id, reviewer, now),
      credit: (payment) => ({
        customerId: payment.customerId as CustomerId,
        amount: payment.amount,
        externalRef: cardPaymentRef(payment.id),
        reason: `card-to-card ${payment.trackingNumber}`,
        ...('api' in reviewer ? {} : { createdBy: reviewer.telegramId }),
        orderId: payment.orderId as OrderId | null,
      }),
      recordEntry: async (tx, payment, entry) =>
        (await setCardPaymentTransaction(tx, payment.id, entry.id)) ?? payment,
      bookkeeping: (tx, payment) => countCardOutcome(tx, payment.cardId, 'success', clock.now()),
      notice: { job: cardPaymentDecided, payload: (payment) => decisionNotice(payment.id, pressed) },
      now,
    });
    if (settled.status === 'not_claimed') return alreadyDecided(tx, id);
    return {
      status: 'approved',
      payment: settled.payment,
      balance: settled.balance,
      order: settled.order,
    };
  });
}

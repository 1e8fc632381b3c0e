import type { ReceiptAdminMessage } from '../../../db/schema.js';
import { cardPaymentDecided } from '../../../jobs/definitions/card-payments.js';
import { enqueue } from '../../../jobs/enqueue.js';
import {
  type CardPaymentId,
  type CardPaymentsDeps,
  type DecisionOutcome,
  type Reviewer,
  truncate,
} from './card-payment.js';
import { countCardOutcome, rejectPendingCardPayment } from './card-payment-repository.js';
import { alreadyDecided, decisionNotice } from './decision.js';

const MAX_REASON = 500;

/** Rejects a pending payment, with an optional reason the customer is shown; counts the card's failure. */
export async function rejectPayment(
  { tenant, clock }: CardPaymentsDeps,
  id: CardPaymentId,
  reviewer: Reviewer,
  reason: string | null,
  pressed?: ReceiptAdminMessage | null,
): Promise<DecisionOutcome> {
  const now = clock.now();
  const cleaned = reason?.trim() ? truncate(reason.trim(), MAX_REASON) : null;
  return tenant.transaction(async (tx): Promise<DecisionOutcome> => {
    const payment = await rejectPendingCardPayment(tx, id, reviewer, cleaned, now);
    if (!payment) return alreadyDecided(tx, id);
    await countCardOutcome(tx, payment.cardId, 'failure', clock.now());
    await enqueue(tx, cardPaymentDecided, decisionNotice(payment.id, pressed));
    return { status: 'rejected', payment };
  });
}

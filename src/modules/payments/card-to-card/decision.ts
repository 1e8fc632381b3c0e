import type { ReceiptAdminMessage } from '../../../db/schema.js';
import type { TenantTx } from '../../../db/tenant-tx.js';
import type { JobPayload } from '../../../jobs/define.js';
import type { cardPaymentDecided } from '../../../jobs/definitions/card-payments.js';
import type { CardPaymentId, DecisionOutcome } from './card-payment.js';
import { getCardPayment } from './card-payment-repository.js';

/** A decision that found the payment no longer pending: what it is now, or that there is none. */
export async function alreadyDecided(tx: TenantTx, id: CardPaymentId): Promise<DecisionOutcome> {
  const current = await getCardPayment(tx, id);
  return current ? { status: 'already', payment: current } : { status: 'not_found' };
}

/**
 * The outcome job's payload. `pressed`: the admin message the deciding press rewrites itself, which
 * the job leaves alone.
 */
export const decisionNotice = (
  paymentId: number,
  pressed?: ReceiptAdminMessage | null,
): JobPayload<typeof cardPaymentDecided> => ({
  paymentId,
  ...(pressed ? { pressed: { chatId: pressed.chatId, messageId: pressed.messageId } } : {}),
});

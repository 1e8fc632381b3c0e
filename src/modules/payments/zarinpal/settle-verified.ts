import { isUniqueViolation } from '../../../db/errors.js';
import { zarinpalNotice } from '../../../jobs/definitions/zarinpal-notice.js';
import type { CustomerId, OrderId } from '../../../shared/ids.js';
import { MoneyLimitError } from '../../../shared/money.js';
import { settlePayment } from '../settle-payment.js';
import type { GatewayVerifyResult } from '../zarinpal-gateway.js';
import { checkLater } from './check-later.js';
import {
  type Settled,
  type ZarinpalContext,
  type ZarinpalPayment,
  zarinpalPaymentRef,
} from './zarinpal-payment.js';
import { getZarinpalPayment, markPaid, setZarinpalPaymentTransaction } from './zarinpal-repository.js';

type Verified = Extract<GatewayVerifyResult, { kind: 'verified' }>;

/**
 * Settles a payment the gateway verified, through `settlePayment`: the one conditional update
 * (from pending, or cancelled and paid late), the credit, the waiting order and the notice together.
 */
export async function settleVerified(
  ctx: ZarinpalContext,
  payment: ZarinpalPayment,
  verified: Verified,
): Promise<Settled> {
  try {
    return await settleOnce(ctx, payment, verified);
  } catch (error) {
    if (error instanceof MoneyLimitError) {
      // the customer's balance cannot take it yet: nothing was written, so it stays pending and
      // the next check comes later, rather than first in line for every reconcile run
      ctx.log.error(
        { paymentId: payment.id, err: error.message },
        'verified zarinpal payment waits for room',
      );
      await checkLater(ctx, payment);
      return { status: 'pending', payment };
    }
    // ref_id is unique across the fleet; a gateway repeating one (sandboxes do) must not leave a
    // verified payment uncredited forever: credit it, without the reference
    if (!isUniqueViolation(error, 'zarinpal_payments_ref_id_key')) throw error;
    ctx.log.error(
      { paymentId: payment.id, refId: verified.refId },
      'zarinpal ref_id already used by another payment',
    );
    return settleOnce(ctx, payment, { ...verified, refId: null });
  }
}

const settleOnce = ({ tenant, clock, log }: ZarinpalContext, payment: ZarinpalPayment, verified: Verified) =>
  tenant.transaction(async (tx): Promise<Settled> => {
    const now = clock.now();
    const settled = await settlePayment(tx, {
      claim: (tx) =>
        markPaid(
          tx,
          payment.id,
          { refId: verified.refId ?? payment.refId, cardPanMasked: verified.cardPan },
          now,
        ),
      credit: (won) => ({
        customerId: won.customerId as CustomerId,
        amount: won.amount,
        externalRef: zarinpalPaymentRef(won.id),
        reason: `Zarinpal ${won.refId ?? won.authority ?? ''}`.trim(),
        orderId: won.orderId as OrderId | null,
      }),
      recordEntry: async (tx, won, entry) =>
        (await setZarinpalPaymentTransaction(tx, won.id, entry.id)) ?? won,
      notice: { job: zarinpalNotice, payload: (won) => ({ paymentId: won.id }) },
      now,
    });
    if (settled.status === 'not_claimed') {
      const current = (await getZarinpalPayment(tx, payment.id)) ?? payment;
      return current.status === 'paid'
        ? { status: 'paid', payment: current, creditedNow: false }
        : { status: 'failed', payment: current, code: current.failureCode ?? -51 };
    }
    log.info(
      { paymentId: settled.payment.id, refId: settled.payment.refId, order: settled.order?.status },
      'zarinpal payment verified and credited',
    );
    return { status: 'paid', payment: settled.payment, creditedNow: settled.creditedNow };
  });

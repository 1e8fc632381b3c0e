import { GatewayError, type GatewayVerifyResult } from '../zarinpal-gateway.js';
import { checkLater } from './check-later.js';
import { settleUnpaid } from './settle-unpaid.js';
import { settleVerified } from './settle-verified.js';
import type { Settled, ZarinpalContext, ZarinpalPayment } from './zarinpal-payment.js';

/** Verifies with what we stored, never with anything the callback says; then settles. */
export async function verifyAndSettle(ctx: ZarinpalContext, payment: ZarinpalPayment): Promise<Settled> {
  const { settings, clock, log, expireAfterMs } = ctx;
  if (!settings || payment.authority === null) return { status: 'pending', payment };
  let result: GatewayVerifyResult;
  try {
    result = await settings.gateways.forMode(payment.sandbox).verifyPayment({
      merchantId: payment.merchantId,
      amount: payment.gatewayAmount,
      authority: payment.authority,
    });
  } catch (error) {
    // timeouts, -12/-52, 5xx, a merchant problem: the outcome is unknown, so it stays pending
    log.warn(
      {
        paymentId: payment.id,
        code: error instanceof GatewayError ? error.code : undefined,
        err: error instanceof Error ? error.message : String(error),
      },
      'zarinpal verify gave no answer; the payment stays pending',
    );
    await checkLater(ctx, payment);
    return { status: 'pending', payment };
  }
  if (result.kind === 'verified') return settleVerified(ctx, payment, result);
  if (result.code === -51) {
    // Not paid. A callback may come before the customer has paid (forged, or a second tab), so
    // the payment stays open until it is old enough to be given up.
    if (clock.now().getTime() - payment.createdAt.getTime() >= expireAfterMs) {
      return { status: 'not_paid', payment: await settleUnpaid(ctx, payment, 'cancelled', -51) };
    }
    await checkLater(ctx, payment);
    return { status: 'not_paid', payment };
  }
  log.warn({ paymentId: payment.id, code: result.code }, 'zarinpal verify refused the payment for good');
  const failed = await settleUnpaid(ctx, payment, 'failed', result.code);
  return failed.status === 'paid'
    ? { status: 'paid', payment: failed, creditedNow: false }
    : { status: 'failed', payment: failed, code: result.code };
}

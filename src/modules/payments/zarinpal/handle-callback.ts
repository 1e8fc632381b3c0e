import { zarinpalProblem } from '../zarinpal-problems.js';
import { verifyAndSettle } from './verify-and-settle.js';
import {
  type CallbackContext,
  type CallbackInput,
  type CallbackOutcome,
  PUBLIC_ID,
  type ZarinpalContext,
  type ZarinpalPayment,
} from './zarinpal-payment.js';
import { getZarinpalPaymentForCallback } from './zarinpal-repository.js';

/**
 * The customer's browser came back from the gateway. Its query (`Authority`, `Status`) is only
 * a hint: the authority must be the one we stored for this payment, and the gateway's verify
 * with our stored amount decides. Safe to call any number of times, concurrently.
 */
export async function handleCallback(ctx: ZarinpalContext, input: CallbackInput): Promise<CallbackOutcome> {
  if (!PUBLIC_ID.test(input.publicId)) return { status: 'not_found' };
  const found = await ctx.tenant.transaction((tx) => getZarinpalPaymentForCallback(tx, input.publicId));
  if (!found) return { status: 'not_found' };
  const context = (payment: ZarinpalPayment): CallbackContext => ({
    payment,
    language: found.language,
    botUsername: found.username,
    currency: found.currency,
  });
  const payment = found.payment;
  if (payment.authority === null || input.authority !== payment.authority) {
    ctx.log.warn({ paymentId: payment.id }, 'zarinpal callback with an authority that is not this payment’s');
    return { status: 'mismatch', ...context(payment) };
  }
  if (payment.status === 'paid') return { status: 'paid', creditedNow: false, ...context(payment) };
  if (payment.status === 'failed') {
    return {
      status: 'failed',
      problem: zarinpalProblem(payment.failureCode ?? -51, false),
      ...context(payment),
    };
  }
  const settled = await verifyAndSettle(ctx, payment);
  switch (settled.status) {
    case 'paid':
      return { status: 'paid', creditedNow: settled.creditedNow, ...context(settled.payment) };
    case 'failed':
      return {
        status: 'failed',
        problem: zarinpalProblem(settled.code, false),
        ...context(settled.payment),
      };
    case 'not_paid':
      return { status: 'not_paid', ...context(settled.payment) };
    case 'pending':
      return { status: 'pending', ...context(settled.payment) };
    default: {
      const never: never = settled;
      throw new Error(`unhandled settlement ${JSON.stringify(never)}`);
    }
  }
}

import { randomBytes } from 'node:crypto';
import { isUniqueViolation } from '../../../db/errors.js';
import { zarinpalReconcile } from '../../../jobs/definitions/zarinpal-reconcile.js';
import { enqueue } from '../../../jobs/enqueue.js';
import { isAwaitingOrder } from '../awaiting-order.js';
import { customerExists } from '../customer-exists.js';
import { GatewayError, ZARINPAL_MAX_TOMAN, ZARINPAL_MIN_TOMAN } from '../zarinpal-gateway.js';
import { zarinpalProblem } from '../zarinpal-problems.js';
import {
  type StartInput,
  type StartOutcome,
  type ZarinpalContext,
  type ZarinpalPayment,
  type ZarinpalSettings,
  zarinpalCallbackPath,
} from './zarinpal-payment.js';
import {
  getTenantTerminal,
  getZarinpalPaymentByIdempotencyKey,
  insertZarinpalPayment,
  markRequestFailed,
  storeAuthority,
} from './zarinpal-repository.js';

type Prepared = StartOutcome | { readonly status: 'request'; readonly payment: ZarinpalPayment };

/**
 * Creates a payment and asks the gateway for its authority; the customer pays at `payUrl`.
 * Amounts below the gateway's minimum are raised to it (the rest stays on the balance).
 */
export async function startPayment(ctx: ZarinpalContext, input: StartInput): Promise<StartOutcome> {
  const { tenant, clock, log, settings } = ctx;
  if (!settings?.callbackBaseUrl) return { status: 'unavailable', reason: 'not_configured' };
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0 || input.amount > ZARINPAL_MAX_TOMAN) {
    return { status: 'amount_out_of_range', min: ZARINPAL_MIN_TOMAN, max: ZARINPAL_MAX_TOMAN };
  }
  const amount = Math.max(input.amount, ZARINPAL_MIN_TOMAN);

  let prepared: Prepared;
  try {
    prepared = await prepare(ctx, settings, settings.callbackBaseUrl, input, amount);
  } catch (error) {
    // the same press racing in another update: the first one asks the gateway
    if (isUniqueViolation(error, 'zarinpal_payments_bot_id_idempotency_key_key')) {
      return { status: 'in_progress' };
    }
    throw error;
  }
  if (prepared.status !== 'request') return prepared;
  const payment = prepared.payment;

  const gateway = settings.gateways.forMode(payment.sandbox);
  let authority: string;
  try {
    ({ authority } = await gateway.requestPayment({
      merchantId: payment.merchantId,
      amount: payment.gatewayAmount,
      currency: 'IRT',
      description: input.description,
      callbackUrl: payment.callbackUrl,
      orderId: payment.orderId === null ? undefined : String(payment.orderId),
    }));
  } catch (error) {
    const code = error instanceof GatewayError ? error.code : 'NETWORK';
    const retryable = error instanceof GatewayError ? error.retryable : true;
    log.warn(
      { paymentId: payment.id, code, err: error instanceof Error ? error.message : String(error) },
      'zarinpal payment request failed',
    );
    await tenant.transaction((tx) =>
      markRequestFailed(tx, payment.id, typeof code === 'number' ? code : null, clock.now()),
    );
    return { status: 'gateway_error', code, problem: zarinpalProblem(code, retryable) };
  }
  const stored = await tenant.transaction((tx) => storeAuthority(tx, payment.id, authority, clock.now()));
  log.info({ paymentId: payment.id, amount: payment.amount }, 'zarinpal payment requested');
  return {
    status: 'created',
    payment: stored ?? { ...payment, authority },
    payUrl: gateway.startPayUrl(authority),
  };
}

/** One transaction: the checks, then the pending row and its first check, before the gateway is asked. */
const prepare = (
  { tenant, clock, reconcileAfterMs }: ZarinpalContext,
  settings: ZarinpalSettings,
  base: string,
  input: StartInput,
  amount: number,
) =>
  tenant.transaction(async (tx): Promise<Prepared> => {
    const terminal = await getTenantTerminal(tx);
    // Zarinpal takes Rial or Toman only; other shops' amounts mean nothing to it
    if (terminal?.currency !== 'IRT') return { status: 'unavailable', reason: 'currency' };
    if (!terminal.merchantId) return { status: 'unavailable', reason: 'no_merchant' };
    if (!(await customerExists(tx, input.customerId))) return { status: 'no_customer' };
    if (input.idempotencyKey !== undefined) {
      const existing = await getZarinpalPaymentByIdempotencyKey(tx, input.idempotencyKey);
      if (existing) {
        if (existing.authority === null) return { status: 'in_progress' };
        return {
          status: 'created',
          payment: existing,
          payUrl: settings.gateways.forMode(existing.sandbox).startPayUrl(existing.authority),
        };
      }
    }
    if (input.orderId !== null && !(await isAwaitingOrder(tx, input.customerId, input.orderId))) {
      return { status: 'order_unavailable' };
    }
    const publicId = randomBytes(16).toString('hex');
    const now = clock.now();
    const payment = await insertZarinpalPayment(tx, {
      customerId: input.customerId,
      orderId: input.orderId,
      amount,
      // Toman, said explicitly: without a currency the gateway reads Rial
      gatewayAmount: amount,
      currency: 'IRT',
      merchantId: terminal.merchantId,
      sandbox: terminal.sandbox,
      publicId,
      callbackUrl: `${base}${zarinpalCallbackPath(tx.botId, publicId)}`,
      idempotencyKey: input.idempotencyKey ?? null,
      nextCheckAt: new Date(now.getTime() + reconcileAfterMs),
      createdAt: now,
      updatedAt: now,
    });
    // the first check runs even if the shop switches Zarinpal off (and its schedule) meanwhile
    await enqueue(
      tx,
      zarinpalReconcile,
      {},
      { delayMs: reconcileAfterMs, dedupeKey: `zarinpal-reconcile:payment:${payment.id}` },
    );
    return { status: 'request', payment };
  });

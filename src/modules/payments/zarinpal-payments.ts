import type { CustomerId } from '../../shared/ids.js';
import { handleCallback } from './zarinpal/handle-callback.js';
import { reconcilePayments } from './zarinpal/reconcile-payments.js';
import { startPayment } from './zarinpal/start-payment.js';
import {
  type CallbackInput,
  type CallbackOutcome,
  PUBLIC_ID,
  type ReconcileReport,
  type StartInput,
  type StartOutcome,
  type ZarinpalDeps,
  type ZarinpalPayment,
  zarinpalContext,
} from './zarinpal/zarinpal-payment.js';
import {
  findZarinpalPaymentsByCustomer,
  getZarinpalPayment,
  getZarinpalPaymentByPublicId,
} from './zarinpal/zarinpal-repository.js';

export type {
  CallbackContext,
  CallbackOutcome,
  ReconcileReport,
  StartOutcome,
  ZarinpalDeps,
  ZarinpalPayment,
  ZarinpalSettings,
} from './zarinpal/zarinpal-payment.js';
export { parseZarinpalPaymentRef, zarinpalCallbackPath } from './zarinpal/zarinpal-payment.js';

/**
 * Zarinpal payments of one tenant. The browser callback is a hint: a payment is credited only after
 * the gateway verifies it with the amount and merchant we stored, once, through `settlePayment` in
 * the transaction that credits it. Payments whose callback never comes are settled by `reconcile`,
 * which a scheduled job runs. The use cases live in ./zarinpal/, one file each; their queries in
 * its repository.
 */
export function createZarinpalPaymentsService(deps: ZarinpalDeps) {
  const ctx = zarinpalContext(deps);
  const { tenant } = ctx;
  return {
    /**
     * Creates a payment and asks the gateway for its authority; the customer pays at `payUrl`.
     * Amounts below the gateway's minimum are raised to it (the rest stays on the balance).
     */
    start(input: StartInput): Promise<StartOutcome> {
      return startPayment(ctx, input);
    },

    /**
     * The customer's browser came back from the gateway. Its query (`Authority`, `Status`) is only
     * a hint: the authority must be the one we stored for this payment, and the gateway's verify
     * with our stored amount decides. Safe to call any number of times, concurrently.
     */
    handleCallback(input: CallbackInput): Promise<CallbackOutcome> {
      return handleCallback(ctx, input);
    },

    /**
     * Settles what the callbacks did not: pending payments due for a check are verified (a payment
     * unpaid for too long is given up), then the gateway's list of paid-but-unverified payments is
     * swept for ours. Each payment is credited once, whoever gets there first.
     */
    reconcile(limit = 50): Promise<ReconcileReport> {
      return reconcilePayments(ctx, limit);
    },

    async getByPublicId(publicId: string): Promise<ZarinpalPayment | undefined> {
      if (!PUBLIC_ID.test(publicId)) return undefined;
      return tenant.transaction((tx) => getZarinpalPaymentByPublicId(tx, publicId));
    },

    get(id: number): Promise<ZarinpalPayment | undefined> {
      return tenant.transaction((tx) => getZarinpalPayment(tx, id));
    },

    findByCustomer(customerId: CustomerId, limit = 20): Promise<ZarinpalPayment[]> {
      return tenant.transaction((tx) => findZarinpalPaymentsByCustomer(tx, customerId, limit));
    },
  };
}

export type ZarinpalPaymentsService = ReturnType<typeof createZarinpalPaymentsService>;

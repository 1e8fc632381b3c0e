import type { ZarinpalContext, ZarinpalPayment } from './zarinpal-payment.js';
import { recordCheck } from './zarinpal-repository.js';

const MAX_CHECK_DELAY_MS = 30 * 60_000;

/** Asked once more without an answer: look again later, less and less often. */
export async function checkLater(
  { tenant, clock, reconcileAfterMs }: ZarinpalContext,
  payment: ZarinpalPayment,
): Promise<void> {
  await tenant.transaction((tx) => {
    const checks = payment.checkCount + 1;
    const delay = Math.min(MAX_CHECK_DELAY_MS, reconcileAfterMs * 2 ** Math.min(checks, 16));
    return recordCheck(tx, payment.id, new Date(clock.now().getTime() + delay), clock.now());
  });
}

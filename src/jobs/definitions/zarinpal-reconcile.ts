import { z } from 'zod';
import { defineJob } from '../define.js';

/** How soon a shop that switched Zarinpal off, with payments still pending, is looked at again. */
const SWITCHED_OFF_RECHECK_MS = 60_000;

/**
 * Every minute, for shops with Zarinpal on: verifies their pending Zarinpal payments that are due
 * for a check and sweeps the gateway's unverified list, so a payment whose callback never came is
 * still credited once. Cheap for a shop with nothing pending: one query, no gateway call.
 *
 * Each payment also enqueues one run of its own at its first check, so a shop that switches
 * Zarinpal off while customers are paying is not left out: while the switch is off and payments
 * are pending, the job enqueues itself again until none is.
 */
export const zarinpalReconcile = defineJob({
  name: 'zarinpal-reconcile',
  payload: z.object({}),
  schedule: { everyMs: 60_000, feature: 'zarinpal' },
  maxAttempts: 3,
  timeoutMs: 120_000,
  handler: async ({ botId }, { app }) => {
    const services = app.forTenant(botId);
    const report = await services.zarinpal.reconcile();
    if (report.pending > 0 && !(await services.flags.isEnabled('zarinpal'))) {
      await services.jobs.enqueue(
        zarinpalReconcile,
        {},
        {
          delayMs: SWITCHED_OFF_RECHECK_MS,
          dedupeKey: `zarinpal-reconcile:off:${Math.floor(Date.now() / SWITCHED_OFF_RECHECK_MS)}`,
        },
      );
    }
  },
});

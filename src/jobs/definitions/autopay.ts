import { z } from 'zod';
import { defineJob } from '../define.js';

/**
 * Every 15 minutes, in shops with autopay: renews each subscription whose renewal moment has come
 * (see `autopay.due`). Each renewal is its own transaction and exactly once per period (the
 * order's idempotency key), so a retry of this job, a crash half-way or a second process renews
 * nothing twice; a failure on one subscription does not hold back the others.
 */
export const autopayRenewals = defineJob({
  name: 'autopay-renewals',
  payload: z.object({}),
  schedule: { everyMs: 15 * 60_000, feature: 'autopay', only: 'with-subscriptions' },
  maxAttempts: 3,
  timeoutMs: 300_000,
  handler: async ({ botId, logger, signal }, { app }) => {
    const { autopay } = app.forTenant(botId);
    let failed = 0;
    for (const { subscriptionId, expiresAt } of await autopay.due()) {
      if (signal.aborted) break;
      try {
        const outcome = await autopay.renew(subscriptionId, expiresAt);
        logger.info({ subscriptionId, ...outcome }, 'autopay');
      } catch (error) {
        failed += 1;
        logger.warn({ err: error, subscriptionId }, 'autopay could not renew; retried');
      }
    }
    if (failed > 0) throw new Error(`autopay failed for ${failed} subscriptions`);
  },
});

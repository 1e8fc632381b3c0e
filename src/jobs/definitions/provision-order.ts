import { z } from 'zod';
import { asOrderId } from '../../shared/ids.js';
import { defineJob } from '../define.js';

/**
 * Makes the panel match a paid order, retried with backoff until the panel accepts it. The order
 * remembers the last error, so an operator sees why a customer is waiting. Enqueued with the
 * payment of the order.
 */
export const provisionOrder = defineJob({
  name: 'provision-order',
  payload: z.object({ orderId: z.number().int().positive() }),
  dedupeKey: ({ orderId }) => `provision:${orderId}`,
  // "until the panel accepts it": backoff caps at 5 minutes, so this is about three days
  maxAttempts: 1000,
  timeoutMs: 90_000,
  handler: async ({ botId, payload, logger, attempt }, { app }) => {
    const subscriptions = app.forTenant(botId).subscriptions;
    const orderId = asOrderId(payload.orderId);
    try {
      const outcome = await subscriptions.provision(orderId);
      logger.info({ orderId, outcome: outcome.status, attempt }, 'provisioning finished');
    } catch (error) {
      await subscriptions
        .recordProvisioningError(orderId, error instanceof Error ? error.message : String(error))
        .catch(() => undefined);
      throw error;
    }
  },
});

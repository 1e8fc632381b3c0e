import { z } from 'zod';
import type { App } from '../../app.js';
import { PROVISION_JOB } from '../../modules/orders/pay-order.js';
import { asOrderId } from '../../shared/ids.js';
import { defineJob } from '../define.js';

/**
 * Makes the panel match a paid order, retried with backoff until the panel accepts it. The order
 * remembers the last error, so an operator sees why a customer is waiting.
 */
export const createProvisionOrderJob = (app: App, backoffMs?: (attempt: number) => number) =>
  defineJob({
    name: PROVISION_JOB,
    payload: z.object({ orderId: z.number().int().positive() }),
    timeoutMs: 90_000,
    ...(backoffMs ? { backoffMs } : {}),
    handler: async ({ botId, payload, logger, attempt }) => {
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

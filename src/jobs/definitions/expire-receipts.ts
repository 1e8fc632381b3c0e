import { z } from 'zod';
import type { App } from '../../app.js';
import { EXPIRE_RECEIPTS_JOB } from '../../modules/payments/card-to-card.js';
import { defineJob } from '../define.js';

export { EXPIRE_RECEIPTS_JOB };

/**
 * Scheduled for every active tenant: card-to-card receipts nobody reviewed within the tenant's
 * `receipt_expiry_hours` expire; each customer is told by the outcome job queued with the expiry.
 */
export const createExpireReceiptsJob = (app: App) =>
  defineJob({
    name: EXPIRE_RECEIPTS_JOB,
    payload: z.object({}),
    handler: async ({ botId, logger }) => {
      const expired = await app.forTenant(botId).cardPayments.expireStale();
      if (expired.length > 0)
        logger.info({ expired: expired.map((payment) => payment.id) }, 'pending receipts expired');
    },
  });

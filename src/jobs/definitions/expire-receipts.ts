import { z } from 'zod';
import { defineJob } from '../define.js';

/**
 * Every 10 minutes: card-to-card receipts nobody reviewed within the
 * tenant's `receipt_expiry_hours` expire; each customer is told by the outcome job queued with the
 * expiry.
 */
export const expireReceipts = defineJob({
  name: 'expire-receipts',
  payload: z.object({}),
  // the shops with a receipt waiting, whether card_to_card is on or not: receipts sent before the
  // shop switched it off must still expire
  schedule: { everyMs: 600_000, only: 'pending-receipts' },
  maxAttempts: 3,
  handler: async ({ botId, logger }, { app }) => {
    const expired = await app.forTenant(botId).cardPayments.expireStale();
    if (expired.length > 0)
      logger.info({ expired: expired.map((payment) => payment.id) }, 'pending receipts expired');
  },
});

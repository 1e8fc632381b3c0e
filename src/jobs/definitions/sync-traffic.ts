import { z } from 'zod';
import { defineJob } from '../define.js';

/**
 * Every 15 minutes: brings each tenant's consumed traffic (and its customers' usage) from the panel,
 * and queues the traffic warnings the new usage makes due.
 */
export const syncTraffic = defineJob({
  name: 'sync-traffic',
  payload: z.object({}),
  // a shop without subscriptions has no panel users to read
  schedule: { everyMs: 15 * 60_000, only: 'with-subscriptions' },
  maxAttempts: 3,
  timeoutMs: 300_000,
  handler: async ({ botId, logger }, { app }) => {
    const result = await app.forTenant(botId).syncTraffic();
    if (!result) return;
    logger.info(
      {
        synced: result.synced,
        missing: result.missing,
        failed: result.failed,
        consumedBytes: result.consumedBytes,
        trafficWarnings: result.trafficWarnings,
      },
      'traffic synced from the panel',
    );
    // a partial answer is kept; the next window tries the rest again
    if (result.failed > 0 && result.synced === 0)
      throw new Error(`panel answered for none of ${result.failed} users`);
  },
});

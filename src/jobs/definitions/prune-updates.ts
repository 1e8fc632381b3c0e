import { z } from 'zod';
import { defineJob } from '../define.js';

/** Hourly: update ids older than Telegram's redelivery horizon (24 h) cannot come back, so forget them. */
export const pruneUpdates = defineJob({
  name: 'prune-updates',
  payload: z.object({}),
  schedule: { everyMs: 3_600_000 },
  maxAttempts: 3,
  handler: async ({ botId, logger }, { app }) => {
    const pruned = await app.forTenant(botId).updates.prune(new Date(Date.now() - 2 * 86_400_000));
    if (pruned > 0) logger.debug({ pruned }, 'pruned processed updates');
  },
});

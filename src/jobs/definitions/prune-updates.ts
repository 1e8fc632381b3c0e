import { z } from 'zod';
import type { App } from '../../app.js';
import { defineJob } from '../define.js';

export const PRUNE_UPDATES_JOB = 'prune-updates';

/** Update ids older than Telegram's redelivery horizon (24 h) cannot come back: forget them. */
export const createPruneUpdatesJob = (app: App) =>
  defineJob({
    name: PRUNE_UPDATES_JOB,
    payload: z.object({}),
    handler: async ({ botId, logger }) => {
      const pruned = await app.forTenant(botId).updates.prune(new Date(Date.now() - 2 * 86_400_000));
      if (pruned > 0) logger.debug({ pruned }, 'pruned processed updates');
    },
  });

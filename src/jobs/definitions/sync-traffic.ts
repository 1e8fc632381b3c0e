import { z } from 'zod';
import type { App } from '../../app.js';
import { defineJob } from '../define.js';

export const SYNC_TRAFFIC_JOB = 'sync-traffic';

/** Brings each tenant's consumed traffic (and its customers' usage) from the panel. */
export const createSyncTrafficJob = (app: App) =>
  defineJob({
    name: SYNC_TRAFFIC_JOB,
    payload: z.object({}),
    timeoutMs: 300_000,
    handler: async ({ botId, logger }) => {
      const result = await app.forTenant(botId).syncTraffic();
      if (!result) return;
      logger.info(
        {
          synced: result.synced,
          missing: result.missing,
          failed: result.failed,
          consumedBytes: result.consumedBytes,
        },
        'traffic synced from the panel',
      );
      // a partial answer is kept; the next window tries the rest again
      if (result.failed > 0 && result.synced === 0)
        throw new Error(`panel answered for none of ${result.failed} users`);
    },
  });

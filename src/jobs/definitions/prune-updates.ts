import { definePlatformJob } from '../define.js';

/** Telegram redelivers an update for 24 hours at most: ids are kept two days, then forgotten. */
const KEEP_MS = 2 * 86_400_000;

/**
 * Hourly, once for the whole fleet: update ids older than Telegram's redelivery horizon cannot come
 * back, so every shop forgets them in one call (a job per shop was 10,000 jobs an hour at 10,000
 * shops, most with nothing to forget).
 */
export const pruneUpdates = definePlatformJob({
  name: 'prune-updates',
  everyMs: 3_600_000,
  handler: async ({ logger }, { app }) => {
    const pruned = await app.platform.updates.prune(new Date(Date.now() - KEEP_MS));
    if (pruned > 0) logger.debug({ pruned }, 'pruned processed updates');
  },
});

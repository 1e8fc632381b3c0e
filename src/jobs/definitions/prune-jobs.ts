import { definePlatformJob } from '../define.js';

const DAY_MS = 86_400_000;

/**
 * Every 10 minutes, once for the whole fleet: finished jobs are forgotten after 7 days (failed ones
 * after 30, so an operator can still see why), and platform-wide windows after 30 days.
 */
export const pruneJobs = definePlatformJob({
  name: 'prune-jobs',
  everyMs: 600_000,
  handler: async ({ logger }, { app }) => {
    const { store } = app.platform.jobs;
    const pruned = await store.prune(7 * DAY_MS, 30 * DAY_MS);
    const windows = await store.pruneWindows(30 * DAY_MS);
    if (pruned + windows > 0) logger.info({ pruned, windows }, 'pruned finished jobs');
  },
});

import { definePlatformJob } from '../define.js';

/**
 * Once a day for the whole fleet (DAILY_BACKUP=on): a backup of the database (pg_dump, or the
 * embedded database's own dump) sent by the master bot to the operators as a document, in parts
 * when over Telegram's 50 MB limit, or a notice instead when too large even so. The file is deleted
 * once sent. Not retried (a platform job): a failure is told to the operators and tomorrow's runs.
 */
export const dailyBackup = definePlatformJob({
  name: 'daily-backup',
  everyMs: 86_400_000,
  timeoutMs: 30 * 60_000,
  handler: async ({ logger }, { backups, notices }) => {
    if (!backups) return;
    let file: Awaited<ReturnType<typeof backups.create>>;
    try {
      file = await backups.create();
    } catch (error) {
      logger.error({ err: error }, 'daily backup failed');
      await notices.backupFailed(error instanceof Error ? error.message : String(error), logger);
      return;
    }
    try {
      await notices.backupReady(file, logger);
    } finally {
      await backups.discard(file);
    }
  },
});

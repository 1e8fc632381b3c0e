import { and, eq, lt } from 'drizzle-orm';
import type { Database } from '../../db/database.js';
import { processedUpdates } from '../../db/schema.js';
import { inTenant } from '../../db/tenant-tx.js';
import type { BotId } from '../../shared/ids.js';

/** Remembers which Telegram updates this tenant's bot has taken, so a redelivery is dropped. */
export function createUpdatesService({ db, botId }: { db: Database; botId: BotId }) {
  return {
    /** True the first time an update id is claimed, false for a duplicate. */
    async claim(updateId: number): Promise<boolean> {
      const rows = await inTenant(db, botId, (tx) =>
        tx
          .insert(processedUpdates)
          .values({ botId, updateId })
          .onConflictDoNothing()
          .returning({ updateId: processedUpdates.updateId }),
      );
      return rows.length > 0;
    },
    /** Forgets updates older than `before`; Telegram gives up redelivering within a day. */
    async prune(before: Date): Promise<number> {
      const rows = await inTenant(db, botId, (tx) =>
        tx
          .delete(processedUpdates)
          .where(and(eq(processedUpdates.botId, botId), lt(processedUpdates.receivedAt, before)))
          .returning({ updateId: processedUpdates.updateId }),
      );
      return rows.length;
    },
  };
}

export type UpdatesService = ReturnType<typeof createUpdatesService>;

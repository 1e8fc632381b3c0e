import { and, eq, lt } from 'drizzle-orm';
import type { Database } from '../../db/database.js';
import { botSessions, customers, processedUpdates } from '../../db/schema.js';
import { inTenant } from '../../db/tenant-tx.js';
import type { BotId } from '../../shared/ids.js';
import type { Customer } from '../customers/customers-service.js';

/** Remembers which Telegram updates this tenant's bot has taken, so a redelivery is dropped. */
export type Admission =
  | { readonly duplicate: true }
  | {
      readonly duplicate: false;
      readonly session: Record<string, unknown> | undefined;
      readonly customer: Customer | undefined;
    };

export function createUpdatesService({ db, botId }: { db: Database; botId: BotId }) {
  return {
    /**
     * Everything an update needs before its handler runs, in one short transaction: claim the
     * update id (a redelivery stops here), load the chat's session and the sender as a customer.
     */
    admit(input: {
      updateId: number;
      sessionKey: string | undefined;
      telegramId: number | undefined;
    }): Promise<Admission> {
      return inTenant(db, botId, async (tx) => {
        const claimed = await tx
          .insert(processedUpdates)
          .values({ botId, updateId: input.updateId })
          .onConflictDoNothing()
          .returning({ updateId: processedUpdates.updateId });
        if (claimed.length === 0) return { duplicate: true };
        const [session] = input.sessionKey
          ? await tx
              .select({ data: botSessions.data })
              .from(botSessions)
              .where(and(eq(botSessions.botId, botId), eq(botSessions.sessionKey, input.sessionKey)))
          : [];
        const [customer] =
          input.telegramId === undefined
            ? []
            : await tx
                .select()
                .from(customers)
                .where(and(eq(customers.botId, botId), eq(customers.telegramId, input.telegramId)));
        return { duplicate: false, session: session?.data, customer: customer as Customer | undefined };
      });
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

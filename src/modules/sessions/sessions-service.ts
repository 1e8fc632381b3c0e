import { and, eq } from 'drizzle-orm';
import { botSessions } from '../../db/schema.js';
import type { TenantDb } from '../../db/tenant-tx.js';

/** Conversation state of one tenant's chats, persisted so a restart loses nothing. */
export function createSessionsService({ tenant }: { tenant: TenantDb }) {
  const { botId } = tenant;
  const byKey = (key: string) => and(eq(botSessions.botId, botId), eq(botSessions.sessionKey, key));
  return {
    async read(key: string): Promise<Record<string, unknown> | undefined> {
      const [row] = await tenant.transaction((tx) =>
        tx.select({ data: botSessions.data }).from(botSessions).where(byKey(key)),
      );
      return row?.data;
    },
    async write(key: string, data: Record<string, unknown>): Promise<void> {
      await tenant.transaction((tx) =>
        tx
          .insert(botSessions)
          .values({ botId, sessionKey: key, data })
          .onConflictDoUpdate({
            target: [botSessions.botId, botSessions.sessionKey],
            set: { data, updatedAt: new Date() },
          }),
      );
    },
    async delete(key: string): Promise<void> {
      await tenant.transaction((tx) => tx.delete(botSessions).where(byKey(key)));
    },
  };
}

export type SessionsService = ReturnType<typeof createSessionsService>;

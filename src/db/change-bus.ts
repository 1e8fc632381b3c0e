import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Logger } from '../shared/logger.js';
import type { DatabaseHandle, Transaction } from './database.js';

/**
 * Cross-process invalidation over PostgreSQL LISTEN/NOTIFY. A change is published inside the
 * transaction that makes it, so other processes hear of it only once it is committed.
 */
export const CHANGE_CHANNEL = 'remnafleet_changes';

const changeEvent = z.union([
  z.object({
    kind: z.enum(['flags', 'settings', 'tenant']),
    botId: z.number().int().positive(),
  }),
  // about no one tenant: the platform-wide maintenance switch (src/modules/maintenance/)
  z.object({ kind: z.literal('platform') }),
]);
export type ChangeEvent = z.infer<typeof changeEvent>;

/** `reset`: notifications may have been missed (listen connection re-established); drop every cache. */
export type ChangeListener = (event: ChangeEvent | 'reset') => void;

export interface ChangeBus {
  publish(tx: Pick<Transaction, 'execute'>, event: ChangeEvent): Promise<void>;
  subscribe(listener: ChangeListener): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Started and its LISTEN connection up (not reconnecting): for /health. */
  isConnected(): boolean;
}

export function createChangeBus(database: DatabaseHandle, logger: Logger): ChangeBus {
  const listeners = new Set<ChangeListener>();
  let unlisten: (() => Promise<void>) | undefined;
  const dispatch = (event: ChangeEvent | 'reset') => {
    for (const listener of listeners) listener(event);
  };
  return {
    async publish(tx, event) {
      await tx.execute(sql`select pg_notify(${CHANGE_CHANNEL}, ${JSON.stringify(event)})`);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async start() {
      if (unlisten) return;
      unlisten = await database.listen(CHANGE_CHANNEL, (payload) => {
        if (payload === '') return dispatch('reset');
        try {
          const parsed = changeEvent.safeParse(JSON.parse(payload));
          if (parsed.success) return dispatch(parsed.data);
        } catch {
          // fall through
        }
        logger.warn({ payload }, 'ignoring malformed change notification');
      });
    },
    async stop() {
      await unlisten?.();
      unlisten = undefined;
    },
    isConnected: () => unlisten !== undefined && database.isListening(),
  };
}

import { and, eq, lt } from 'drizzle-orm';
import type { Database } from '../../db/database.js';
import { customers, processedUpdates } from '../../db/schema.js';
import { integerLiteral, preparedStatement, rowFromJson, textLiteral } from '../../db/script.js';
import { inTenant, inTenantPrepared } from '../../db/tenant-tx.js';
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

interface AdmissionRow {
  readonly claimed: boolean;
  readonly session: Record<string, unknown> | null;
  readonly customer: Record<string, unknown> | null;
}

/**
 * Claims the update id (a redelivery gets nothing back) and loads the chat's session and the sender
 * as a customer: one statement, planned once per connection. Row-level security applies as in every
 * tenant transaction; the explicit bot_id conditions are there for the indexes.
 */
const ADMIT = preparedStatement(
  'rf_admit_update',
  ['bigint', 'bigint', 'text', 'bigint'],
  `WITH claimed AS (
     INSERT INTO processed_updates (bot_id, update_id) VALUES ($1, $2)
     ON CONFLICT DO NOTHING RETURNING update_id
   )
   SELECT EXISTS (SELECT 1 FROM claimed) AS claimed,
     (SELECT s.data FROM bot_sessions s WHERE s.bot_id = $1 AND s.session_key = $3) AS session,
     (SELECT row_to_json(c) FROM customers c WHERE c.bot_id = $1 AND c.telegram_id = $4) AS customer`,
);

async function admit(
  db: Database,
  botId: BotId,
  input: { updateId: number; sessionKey: string | undefined; telegramId: number | undefined },
): Promise<Admission> {
  const [row] = await inTenantPrepared<AdmissionRow>(db, botId, ADMIT, [
    integerLiteral(botId),
    integerLiteral(input.updateId),
    input.sessionKey === undefined ? 'NULL' : textLiteral(input.sessionKey),
    input.telegramId === undefined ? 'NULL' : integerLiteral(input.telegramId),
  ]);
  if (!row?.claimed) return { duplicate: true };
  return {
    duplicate: false,
    session: row.session ?? undefined,
    customer: row.customer ? (rowFromJson(customers, row.customer) as Customer) : undefined,
  };
}

export function createUpdatesService({ db, botId }: { db: Database; botId: BotId }) {
  return {
    /**
     * Everything an update needs before its handler runs, in one round trip and one transaction:
     * claim the update id (a redelivery stops here), load the chat's session and the sender as a
     * customer.
     */
    admit(input: {
      updateId: number;
      sessionKey: string | undefined;
      telegramId: number | undefined;
    }): Promise<Admission> {
      return admit(db, botId, input);
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

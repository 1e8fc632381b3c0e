import { and, eq, inArray, sql } from 'drizzle-orm';
import { customers, processedUpdates, type UpdateState, updateInbox } from '../../db/schema.js';
import { integerLiteral, preparedStatement, rowFromJson, textLiteral } from '../../db/script.js';
import type { PlatformDb, TenantDb } from '../../db/tenant-tx.js';
import type { BotId } from '../../shared/ids.js';
import { scrubText } from '../../shared/input-safety.js';
import type { Customer } from '../customers/customers-service.js';

/**
 * The update inbox. An update is admitted with its body and stays unfinished until its handling
 * has finished, so a process killed or cut off from the database mid-update loses nothing: once the
 * claim's lease has run out, any process running the bot handles it again (`findUnfinished`).
 */
export type Admission =
  | { readonly duplicate: true }
  | {
      readonly duplicate: false;
      /** 1 the first time; more when the update is handled again after a failure. */
      readonly attempt: number;
      readonly session: Record<string, unknown> | undefined;
      readonly customer: Customer | undefined;
    };

/** How long a claim holds before another handler may take the update; it doubles per attempt. */
const UPDATE_LEASE_SECONDS = 60;
/** The longest a failed update waits before it is tried again. */
const MAX_LEASE_SECONDS = 3600;

/** A Telegram update as it is stored: any JSON object with its id. */
export type StoredUpdate = { readonly update_id: number } & Record<string, unknown>;

/** How JSON.stringify writes a NUL (\u0000) and a lone surrogate (\udXXX). */
const ESCAPED_UNSTORABLE = /\\u(?:0000|d[89a-f])/i;

/** The JSON text updates came in as, where it stores as it is (`storeAsReceived`). */
const receivedJson = new WeakMap<object, string>();

/**
 * Says that `update` was parsed from `json`, and that the text stores in jsonb as it is: the inbox
 * then takes this text instead of writing the update out again. Only for text whose parse left
 * nothing to scrub (`scrubUnstorableInput` said `unchanged`), so the two hold the same.
 */
export function storeAsReceived(update: object, json: string): void {
  receivedJson.set(update, json);
}

/**
 * The update as JSON that PostgreSQL's jsonb accepts: it refuses the escapes of NUL and of lone
 * UTF-16 surrogates, which a Telegram message may carry. They become U+FFFD, as a lossy decoder
 * would show them; nothing else changes.
 */
function updateJson(value: unknown): string {
  const received = typeof value === 'object' && value !== null ? receivedJson.get(value) : undefined;
  if (received !== undefined) return received;
  const json = JSON.stringify(value);
  // JSON.stringify writes a NUL as \u0000 and a lone surrogate as \udXXX, and nothing else so: text
  // without either escape has nothing to scrub (most updates), and skips the slower replacer pass
  return ESCAPED_UNSTORABLE.test(json)
    ? JSON.stringify(value, (_key, item: unknown) => (typeof item === 'string' ? scrubText(item) : item))
    : json;
}

interface AdmissionRow {
  readonly attempts: number | null;
  readonly session: Record<string, unknown> | null;
  readonly customer: Record<string, unknown> | null;
}

/**
 * Claims the update (new, persisted by the poller, or left unfinished by a handler whose lease ran
 * out; a redelivery of one handled or being handled gets nothing back) and loads the chat's session
 * and the sender as a customer: one statement, planned once per connection. Row-level security
 * applies as in every tenant transaction; the explicit bot_id conditions are there for the indexes.
 */
const ADMIT = preparedStatement(
  'rf_admit_update_v2',
  ['bigint', 'bigint', 'text', 'bigint', 'jsonb'],
  `WITH seen AS (
     INSERT INTO processed_updates (bot_id, update_id) VALUES ($1, $2)
     ON CONFLICT DO NOTHING RETURNING 1
   ), fresh AS (
     INSERT INTO update_inbox (bot_id, update_id, state, payload, lease_until, attempts)
     SELECT $1, $2, 'handling', $5, now() + make_interval(secs => ${UPDATE_LEASE_SECONDS}), 1
      WHERE EXISTS (SELECT 1 FROM seen)
     RETURNING attempts
   ), again AS (
     UPDATE update_inbox i
        SET state = 'handling', attempts = i.attempts + 1,
            lease_until = now() + make_interval(secs => least(${MAX_LEASE_SECONDS},
              ${UPDATE_LEASE_SECONDS} * power(2, least(i.attempts, 16))))
      WHERE i.bot_id = $1 AND i.update_id = $2 AND NOT EXISTS (SELECT 1 FROM seen)
        AND (i.state = 'received' OR (i.state = 'handling' AND i.lease_until <= now()))
     RETURNING i.attempts
   )
   SELECT coalesce((SELECT attempts FROM fresh), (SELECT attempts FROM again)) AS attempts,
     (SELECT s.data FROM bot_sessions s WHERE s.bot_id = $1 AND s.session_key = $3) AS session,
     (SELECT row_to_json(c) FROM customers c WHERE c.bot_id = $1 AND c.telegram_id = $4) AS customer`,
);

/**
 * Takes the handled update out of the inbox and saves the chat's session if it changed. Committed
 * asynchronously: a database crash that undoes it undoes both, so the update is handled again from
 * the session it was first handled from, as after this process dying between the handler and the
 * finish (the inbox's at-least-once). The admission stays synchronous: an update answered early (a
 * webhook reply) must not be forgotten.
 */
const FINISH = preparedStatement(
  'rf_finish_update',
  ['bigint', 'bigint', 'text', 'jsonb'],
  `WITH finished AS (
     DELETE FROM update_inbox WHERE bot_id = $1 AND update_id = $2 AND state = 'handling'
     RETURNING 1
   ), saved AS (
     INSERT INTO bot_sessions (bot_id, session_key, data)
     SELECT $1, $3, $4 WHERE $3 IS NOT NULL AND $4 IS NOT NULL
     ON CONFLICT (bot_id, session_key) DO UPDATE SET data = excluded.data, updated_at = now()
     RETURNING 1
   )
   SELECT (SELECT count(*) FROM finished)::int AS finished`,
  { asyncCommit: true },
);

async function admit(
  tenant: TenantDb,
  input: {
    update: StoredUpdate;
    sessionKey: string | undefined;
    telegramId: number | undefined;
  },
): Promise<Admission> {
  const [row] = await tenant.prepared<AdmissionRow>(ADMIT, [
    integerLiteral(tenant.botId),
    integerLiteral(input.update.update_id),
    input.sessionKey === undefined ? 'NULL' : textLiteral(input.sessionKey),
    input.telegramId === undefined ? 'NULL' : integerLiteral(input.telegramId),
    textLiteral(updateJson(input.update)),
  ]);
  if (row?.attempts === null || row?.attempts === undefined) return { duplicate: true };
  return {
    duplicate: false,
    attempt: row.attempts,
    session: row.session ?? undefined,
    customer: row.customer ? (rowFromJson(customers, row.customer) as Customer) : undefined,
  };
}

/**
 * The finishes of handled updates whose session did not change (most: a button that shows a menu),
 * gathered across the process's shops and sent about 20 ms later, together: one round trip
 * and one transaction (committed asynchronously, as FINISH) for all of them, instead of one each
 * while the update waits. Until it is sent, a finish is in this process only: if the process dies
 * first, its update is handled again once the lease has run out, as when it dies between the
 * handler and an awaited finish. Each delete names the attempt it finishes, so a late one cannot
 * take an update another handler has claimed again since.
 */
export interface FinishQueue {
  add(botId: BotId, updateId: number, attempt: number): void;
  /** Sends what is waiting now, rather than after the delay (tests). */
  flush(): Promise<void>;
  /** Sends what is waiting, once, and sends each later finish at once. */
  close(): Promise<void>;
}

/** How long a finish waits for others to go with it (at 500 updates a second, about ten go together). */
const FINISH_DELAY_MS = 20;
/** The most finishes one transaction carries. */
const FINISH_BATCH = 500;
/** The longest a failed batch waits before it is tried again. */
const MAX_FINISH_RETRY_MS = 10_000;

interface QueuedFinish {
  readonly botId: BotId;
  readonly updateId: number;
  readonly attempt: number;
  /** When it was queued (ms): one whose lease has run out is left to the recovery sweep. */
  readonly at: number;
}

export function createFinishQueue({
  db,
  onError,
}: {
  db: PlatformDb;
  /** A batch that failed; it is tried again, backing off, while its leases last. */
  onError: (error: unknown, finishes: number) => void;
}): FinishQueue {
  let waiting: QueuedFinish[] = [];
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> | undefined;
  let retryMs = 0;
  let closed = false;

  const send = async (batch: readonly QueuedFinish[]): Promise<void> => {
    const byBot = new Map<BotId, string[]>();
    for (const { botId, updateId, attempt } of batch) {
      const pairs = byBot.get(botId) ?? [];
      pairs.push(`(${integerLiteral(updateId)}, ${integerLiteral(attempt)})`);
      byBot.set(botId, pairs);
    }
    await db.tenantsStatements(
      [...byBot].map(([botId, pairs]) => ({
        botId,
        statement: `DELETE FROM update_inbox WHERE bot_id = ${integerLiteral(botId)} AND state = 'handling'
                       AND (update_id, attempts) IN (${pairs.join(', ')})`,
      })),
      { asyncCommit: true },
    );
  };

  /** Sends up to a batch of what waits; a failed batch goes back to wait, unless `once`. */
  const sendWaiting = async (once: boolean): Promise<void> => {
    const batch = waiting.slice(0, FINISH_BATCH);
    waiting = waiting.slice(batch.length);
    try {
      await send(batch);
      retryMs = 0;
    } catch (error) {
      onError(error, batch.length);
      if (once) return;
      const leaseStart = Date.now() - UPDATE_LEASE_SECONDS * 1000;
      waiting = [...batch.filter((finish) => finish.at > leaseStart), ...waiting];
      retryMs = Math.min(Math.max(retryMs * 2, 250), MAX_FINISH_RETRY_MS);
    }
  };

  const schedule = (delayMs: number) => {
    if (timer || sending || waiting.length === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      sending = sendWaiting(false).finally(() => {
        sending = undefined;
        schedule(waiting.length >= FINISH_BATCH ? 0 : retryMs || FINISH_DELAY_MS);
      });
    }, delayMs);
  };

  /** Sends everything waiting now, each batch once, after the send in flight. */
  const drain = async () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    await sending;
    while (waiting.length > 0) await sendWaiting(true);
  };

  return {
    add(botId, updateId, attempt) {
      waiting.push({ botId, updateId, attempt, at: Date.now() });
      if (closed) void sendWaiting(true);
      else schedule(retryMs || FINISH_DELAY_MS);
    },
    flush: drain,
    async close() {
      closed = true;
      await drain();
    },
  };
}

export function createUpdatesService({ tenant, finishes }: { tenant: TenantDb; finishes: FinishQueue }) {
  const { botId } = tenant;
  const byId = (updateId: number) =>
    and(eq(processedUpdates.botId, botId), eq(processedUpdates.updateId, updateId));
  const inInbox = (updateId: number) => and(eq(updateInbox.botId, botId), eq(updateInbox.updateId, updateId));
  return {
    /**
     * Everything an update needs before its handler runs, in one round trip and one transaction:
     * claim the update with its body (a redelivery stops here), load the chat's session and the
     * sender as a customer.
     */
    admit(input: {
      update: StoredUpdate;
      sessionKey: string | undefined;
      telegramId: number | undefined;
    }): Promise<Admission> {
      return admit(tenant, input);
    },

    /**
     * The handling of a claimed update is over: it will not be handled again. `session` is the
     * chat's session to save with it (one round trip for both), when it changed.
     */
    async finish(
      updateId: number,
      session?: { readonly key: string; readonly data: Record<string, unknown> },
    ): Promise<boolean> {
      const [row] = await tenant.prepared<{ finished: number }>(FINISH, [
        integerLiteral(botId),
        integerLiteral(updateId),
        session ? textLiteral(session.key) : 'NULL',
        session ? textLiteral(updateJson(session.data)) : 'NULL',
      ]);
      return (row?.finished ?? 0) > 0;
    },

    /**
     * `finish` without a session to save, sent about 20 ms later with other shops' finishes
     * (`FinishQueue`); `attempt` is the one the admission gave.
     */
    finishLater(updateId: number, attempt: number): void {
      finishes.add(botId, updateId, attempt);
    },

    /**
     * Polling: the updates of one getUpdates answer, stored before the offset moves past them, so
     * Telegram forgetting them cannot lose them. One round trip; already known ids are left alone.
     * Returns the ids stored now.
     */
    async receive(updates: readonly StoredUpdate[]): Promise<number[]> {
      if (updates.length === 0) return [];
      const rows = await tenant.statement<{ update_id: string | number }>(
        `WITH batch AS (
           SELECT (u ->> 'update_id')::bigint AS update_id, u AS payload
             FROM jsonb_array_elements(${textLiteral(updateJson(updates))}::jsonb) AS u
         ), seen AS (
           INSERT INTO processed_updates (bot_id, update_id)
           SELECT ${integerLiteral(botId)}, update_id FROM batch
           ON CONFLICT DO NOTHING RETURNING update_id
         )
         INSERT INTO update_inbox (bot_id, update_id, state, payload, lease_until)
         SELECT ${integerLiteral(botId)}, b.update_id, 'received', b.payload,
                now() + make_interval(secs => ${UPDATE_LEASE_SECONDS})
           FROM batch b JOIN seen USING (update_id)
         RETURNING update_id`,
      );
      return rows.map((row) => Number(row.update_id));
    },

    /**
     * The handling was cut short by something that may pass (the database): let the recovery sweep
     * take the update at once instead of after the lease.
     */
    async release(updateId: number): Promise<void> {
      await tenant.transaction((tx) =>
        tx
          .update(updateInbox)
          .set({ leaseUntil: sql`now()` })
          .where(and(inInbox(updateId), eq(updateInbox.state, 'handling'))),
      );
    },

    /** Gives up on an update that keeps failing; its body stays for an operator to look at. */
    async fail(updateId: number): Promise<void> {
      await tenant.transaction((tx) =>
        tx
          .update(updateInbox)
          .set({ state: 'failed' })
          .where(and(inInbox(updateId), inArray(updateInbox.state, ['received', 'handling']))),
      );
    },

    /** Where an update stands (`done`: seen and out of the inbox), for tests and support. */
    async get(updateId: number): Promise<
      | {
          readonly state: UpdateState;
          readonly payload: Record<string, unknown> | null;
          readonly attempts: number;
          readonly leaseUntil: Date | null;
        }
      | undefined
    > {
      // one statement, so one snapshot: read apart, an update stored between the two reads
      // would look handled
      const [row] = await tenant.transaction((tx) =>
        tx
          .select({ held: updateInbox })
          .from(processedUpdates)
          .leftJoin(
            updateInbox,
            and(
              eq(updateInbox.botId, processedUpdates.botId),
              eq(updateInbox.updateId, processedUpdates.updateId),
            ),
          )
          .where(byId(updateId)),
      );
      if (!row) return undefined;
      return row.held ?? { state: 'done', payload: null, attempts: 0, leaseUntil: null };
    },
  };
}

export type UpdatesService = ReturnType<typeof createUpdatesService>;

export interface UnfinishedUpdate {
  readonly botId: BotId;
  readonly updateId: number;
  readonly attempts: number;
  readonly payload: StoredUpdate;
}

/**
 * Updates across tenants, for the platform: the recovery sweep's and the retention's.
 */
export function createFleetUpdates({ db }: { db: PlatformDb }) {
  return {
    /**
     * Forgets, in every shop, update ids received before `before` (Telegram redelivers for 24 hours
     * at most) unless their update is still in the inbox, and inbox rows a week older than that. One
     * call for the whole fleet, through `prune_updates` (migrations/0033): a platform transaction
     * sees no shop's updates itself. Returns how many rows went.
     */
    async prune(before: Date): Promise<number> {
      const result = await db.transaction((tx) =>
        tx.execute(sql`SELECT prune_updates(${before.toISOString()}::timestamptz)::int AS removed`),
      );
      return (result as unknown as { rows: { removed: number }[] }).rows[0]?.removed ?? 0;
    },

    /**
     * Updates whose handling was cut short (the process died, the database went away) and whose
     * lease has run out, oldest lease first. Only unfinished updates are visible to a platform
     * transaction (migrations/0011_update_inbox.sql).
     */
    async find(limit = 100): Promise<UnfinishedUpdate[]> {
      const rows = await db.transaction((tx) =>
        tx
          .select({
            botId: updateInbox.botId,
            updateId: updateInbox.updateId,
            attempts: updateInbox.attempts,
            payload: updateInbox.payload,
          })
          .from(updateInbox)
          .where(and(sql`${updateInbox.state} <> 'failed'`, sql`${updateInbox.leaseUntil} <= now()`))
          .orderBy(updateInbox.leaseUntil)
          .limit(limit),
      );
      return rows.map((row) => ({
        botId: row.botId as BotId,
        updateId: row.updateId,
        attempts: row.attempts,
        payload: row.payload as StoredUpdate,
      }));
    },
  };
}

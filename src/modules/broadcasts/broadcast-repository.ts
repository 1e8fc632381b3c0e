import { sql } from 'drizzle-orm';
import type { BroadcastRecipientStatus, BroadcastStatus } from '../../db/schema.js';
import type { TenantTx } from '../../db/tenant-tx.js';
import type { Language } from '../../shared/language.js';
import type { Audience, BroadcastSegment } from './segments.js';
import { recipientsWhere } from './segments.js';

const rowsOf = <Row>(result: unknown): Row[] => (result as { rows: Row[] }).rows;

export interface Broadcast {
  readonly id: number;
  readonly origin: 'admin' | 'api' | 'operator';
  readonly createdBy: number | null;
  readonly text: string;
  readonly photo: string | null;
  /** The bot whose file id `photo` is, when not this shop's own (an operator's photo): each send uploads it. */
  readonly photoBotId: number | null;
  readonly button: { readonly text: string; readonly url: string } | null;
  readonly segment: BroadcastSegment;
  readonly segmentLanguage: Language | null;
  readonly status: BroadcastStatus;
  readonly total: number;
  readonly progressChatId: number | null;
  readonly progressMessageId: number | null;
  readonly progressLanguage: Language | null;
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
}

/** How many recipients are in each state. `pending` counts those not sent yet. */
export type BroadcastCounts = Record<BroadcastRecipientStatus, number>;

const COLUMNS = sql`id, origin, created_by, text, photo, photo_bot_id, button_text, button_url, segment, segment_language,
  status, total, progress_chat_id, progress_message_id, progress_language, created_at, finished_at`;

const toDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
const toNumberOrNull = (value: unknown): number | null => (value === null ? null : Number(value));

export const toBroadcast = (row: Record<string, unknown>): Broadcast => ({
  id: Number(row.id),
  origin: row.origin as Broadcast['origin'],
  createdBy: toNumberOrNull(row.created_by),
  text: String(row.text),
  photo: (row.photo as string | null) ?? null,
  photoBotId: toNumberOrNull(row.photo_bot_id ?? null),
  button:
    row.button_text && row.button_url ? { text: String(row.button_text), url: String(row.button_url) } : null,
  segment: row.segment as BroadcastSegment,
  segmentLanguage: (row.segment_language as Language | null) ?? null,
  status: row.status as BroadcastStatus,
  total: Number(row.total),
  progressChatId: toNumberOrNull(row.progress_chat_id),
  progressMessageId: toNumberOrNull(row.progress_message_id),
  progressLanguage: (row.progress_language as Language | null) ?? null,
  createdAt: toDate(row.created_at),
  finishedAt: row.finished_at === null ? null : toDate(row.finished_at),
});

export async function countAudience(tx: TenantTx, audience: Audience): Promise<number> {
  const result = await tx.execute(
    sql`SELECT count(*)::int AS n FROM customers c WHERE ${recipientsWhere(tx.botId, audience)}`,
  );
  return Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0);
}

export interface NewBroadcast {
  readonly origin: Broadcast['origin'];
  readonly createdBy: number | null;
  readonly text: string;
  readonly photo: string | null;
  readonly photoBotId: number | null;
  readonly button: { readonly text: string; readonly url: string } | null;
  readonly audience: Audience;
  readonly progress: {
    readonly chatId: number;
    readonly messageId: number;
    readonly language: Language;
  } | null;
}

/** Inserts the broadcast and its recipients, as the segment is now; undefined when nobody is in it. */
export async function insertBroadcast(tx: TenantTx, input: NewBroadcast): Promise<Broadcast | undefined> {
  const { audience } = input;
  const inserted = await tx.execute(sql`
    INSERT INTO broadcasts (bot_id, origin, created_by, text, photo, photo_bot_id, button_text, button_url,
                            segment, segment_language, progress_chat_id, progress_message_id,
                            progress_language)
    VALUES (${tx.botId}, ${input.origin}, ${input.createdBy}, ${input.text}, ${input.photo},
            ${input.photo === null ? null : input.photoBotId},
            ${input.button?.text ?? null}, ${input.button?.url ?? null}, ${audience.segment},
            ${audience.segment === 'language' ? audience.language : null},
            ${input.progress?.chatId ?? null}, ${input.progress?.messageId ?? null},
            ${input.progress?.language ?? null})
    RETURNING id`);
  const id = Number(rowsOf<{ id: number }>(inserted)[0]?.id);
  const recipients = await tx.execute(sql`
    INSERT INTO broadcast_recipients (bot_id, broadcast_id, customer_id, chat_id)
    SELECT c.bot_id, ${id}, c.id, c.telegram_id FROM customers c
     WHERE ${recipientsWhere(tx.botId, audience)}
    RETURNING customer_id`);
  const total = rowsOf(recipients).length;
  if (total === 0) {
    await tx.execute(sql`DELETE FROM broadcasts WHERE bot_id = ${tx.botId} AND id = ${id}`);
    return undefined;
  }
  const updated = await tx.execute(sql`
    UPDATE broadcasts SET total = ${total} WHERE bot_id = ${tx.botId} AND id = ${id} RETURNING ${COLUMNS}`);
  return toBroadcast(rowsOf<Record<string, unknown>>(updated)[0]!);
}

export async function selectBroadcast(
  tx: TenantTx,
  id: number,
  options: { lock?: boolean } = {},
): Promise<Broadcast | undefined> {
  const result = await tx.execute(sql`
    SELECT ${COLUMNS} FROM broadcasts WHERE bot_id = ${tx.botId} AND id = ${id}
    ${options.lock ? sql`FOR UPDATE` : sql``}`);
  const row = rowsOf<Record<string, unknown>>(result)[0];
  return row ? toBroadcast(row) : undefined;
}

export async function selectBroadcasts(
  tx: TenantTx,
  page: { limit: number; before?: number | undefined },
): Promise<Broadcast[]> {
  const result = await tx.execute(sql`
    SELECT ${COLUMNS} FROM broadcasts
     WHERE bot_id = ${tx.botId} AND (${page.before ?? null}::bigint IS NULL OR id < ${page.before ?? null}::bigint)
     ORDER BY id DESC LIMIT ${page.limit}`);
  return rowsOf<Record<string, unknown>>(result).map(toBroadcast);
}

/** One page of a shop's broadcasts, newest first, and how many there are. */
export async function selectBroadcastPage(
  tx: TenantTx,
  page: { limit: number; offset: number },
): Promise<{ items: Broadcast[]; total: number }> {
  const result = await tx.execute(sql`
    SELECT ${COLUMNS} FROM broadcasts WHERE bot_id = ${tx.botId}
     ORDER BY id DESC LIMIT ${page.limit} OFFSET ${page.offset}`);
  const counted = await tx.execute(sql`SELECT count(*)::int AS n FROM broadcasts WHERE bot_id = ${tx.botId}`);
  return {
    items: rowsOf<Record<string, unknown>>(result).map(toBroadcast),
    total: Number(rowsOf<{ n: number }>(counted)[0]?.n ?? 0),
  };
}

export async function countByStatus(tx: TenantTx, id: number): Promise<BroadcastCounts> {
  const result = await tx.execute(sql`
    SELECT status, count(*)::int AS n FROM broadcast_recipients
     WHERE bot_id = ${tx.botId} AND broadcast_id = ${id} GROUP BY status`);
  const counts: BroadcastCounts = {
    pending: 0,
    sending: 0,
    sent: 0,
    blocked: 0,
    failed: 0,
    unknown: 0,
    cancelled: 0,
  };
  for (const row of rowsOf<{ status: BroadcastRecipientStatus; n: number }>(result))
    counts[row.status] = Number(row.n);
  return counts;
}

/**
 * Rows a dead delivery run left claimed: claimed by an earlier attempt of the same job step (the
 * runner only tries a step again once the earlier attempt's lease ran out), or claimed so long ago
 * that no run can still be sending them. Their sends may have gone out: they become `unknown` and
 * are never sent again.
 */
export async function settleDeadClaims(
  tx: TenantTx,
  id: number,
  run: { step: number; attempt: number; staleAfterMs: number },
): Promise<number> {
  const result = await tx.execute(sql`
    UPDATE broadcast_recipients
       SET status = 'unknown', finished_at = now(), error = 'the delivering process stopped before marking it'
     WHERE bot_id = ${tx.botId} AND broadcast_id = ${id} AND status = 'sending'
       AND ((claim_step = ${run.step} AND claim_attempt < ${run.attempt})
            OR claimed_at < now() - make_interval(secs => ${run.staleAfterMs / 1000}))
    RETURNING customer_id`);
  return rowsOf(result).length;
}

/** The bot's send clock, as a run finds it (locked until its transaction ends). */
export interface PaceState {
  /** Until the pause after a 429 is over (0: none). */
  readonly pauseMs: number;
  /** When each of the bot's used slots may be used again, from now (0: now), ascending. */
  readonly slotMs: readonly number[];
}

const paceColumns = sql`
  greatest(0, extract(epoch FROM next_send_at - clock_timestamp()) * 1000)::float8 AS pause_ms,
  ARRAY(SELECT greatest(0, extract(epoch FROM s - clock_timestamp()) * 1000)::float8
          FROM unnest(slots) s ORDER BY s) AS slot_ms`;

const toPace = (row: { pause_ms: number; slot_ms: number[] | string } | undefined): PaceState => ({
  pauseMs: Number(row?.pause_ms ?? 0),
  slotMs: parseFloatArray(row?.slot_ms),
});

/** A float8[] as either driver returns it (an array, or its text form). */
function parseFloatArray(value: number[] | string | undefined): number[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.map(Number);
  const inner = value.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',').map(Number);
}

/**
 * When each of the bot's `rate` send slots may be used next, from now, ascending: the latest
 * `rate` of its slots (a rate lowered since counts only the most recent sends), the rest free, none
 * before the pause is over.
 */
export function readySlots(pace: PaceState, rate: number): number[] {
  const used = pace.slotMs.slice(Math.max(0, pace.slotMs.length - rate));
  const free = Array.from({ length: rate - used.length }, () => 0);
  return [...free, ...used].map((ms) => Math.max(ms, pace.pauseMs));
}

/** Locks the bot's send clock, creating it on first use. */
export async function lockPace(tx: TenantTx): Promise<PaceState> {
  // one statement: creates the clock on first use, and locks it either way
  const result = await tx.execute(sql`
    INSERT INTO broadcast_pace (bot_id) VALUES (${tx.botId})
    ON CONFLICT (bot_id) DO UPDATE SET next_send_at = broadcast_pace.next_send_at
    RETURNING ${paceColumns}`);
  return toPace(rowsOf<{ pause_ms: number; slot_ms: number[] | string }>(result)[0]);
}

/**
 * Holds `count` of the bot's slots (its earliest) for a run about to send, until `holdMs` from now:
 * by then its sends have ended, whatever became of the run. Returns the hold's mark, which
 * `releaseSlots` gives back.
 */
export async function holdSlots(
  tx: TenantTx,
  run: { rate: number; used: number; count: number; holdMs: number },
): Promise<string> {
  // the kept slots (the latest `rate`) less the earliest ones taken beyond the free ones
  const drop = Math.max(0, run.count - (run.rate - Math.min(run.used, run.rate)));
  const result = await tx.execute(sql`
    UPDATE broadcast_pace
       SET slots = ARRAY(SELECT s FROM (SELECT s FROM unnest(slots) s ORDER BY s DESC LIMIT ${run.rate}) kept
                          ORDER BY s OFFSET ${drop})
                   || array_fill(clock_timestamp() + make_interval(secs => ${run.holdMs / 1000}),
                                 ARRAY[${run.count}::int])
     WHERE bot_id = ${tx.botId}
    RETURNING slots[array_upper(slots, 1)]::text AS mark`);
  return String(rowsOf<{ mark: string }>(result)[0]?.mark);
}

/**
 * A run's sends are over: its `count` held slots come back, each used one when the run says
 * (`nextInMs` from now, one per send that went out). Returns the clock as it is now.
 */
export async function releaseSlots(
  tx: TenantTx,
  run: { mark: string; count: number; nextInMs: readonly number[] },
): Promise<PaceState> {
  const next = `{${run.nextInMs.map((ms) => (ms / 1000).toFixed(3)).join(',')}}`;
  const result = await tx.execute(sql`
    UPDATE broadcast_pace
       SET slots = ARRAY(
             SELECT s FROM (SELECT unnest(slots) AS s
                            EXCEPT ALL
                            SELECT unnest(array_fill(${run.mark}::timestamptz, ARRAY[${run.count}::int]))) kept
             UNION ALL
             SELECT clock_timestamp() + make_interval(secs => x) FROM unnest(${next}::float8[]) x)
     WHERE bot_id = ${tx.botId}
    RETURNING ${paceColumns}`);
  return toPace(rowsOf<{ pause_ms: number; slot_ms: number[] | string }>(result)[0]);
}

/** Telegram said to wait: nothing of this bot's broadcasts goes out before then. */
export async function pausePace(tx: TenantTx, ms: number): Promise<void> {
  await tx.execute(sql`
    INSERT INTO broadcast_pace (bot_id, next_send_at)
    VALUES (${tx.botId}, clock_timestamp() + make_interval(secs => ${ms / 1000}))
    ON CONFLICT (bot_id) DO UPDATE
      SET next_send_at = greatest(broadcast_pace.next_send_at, excluded.next_send_at)`);
}

export interface ClaimedRecipient {
  readonly customerId: number;
  readonly chatId: number;
}

/**
 * Claims the next `limit` pending recipients for this run (`sending`, with the run's step and
 * attempt). Those banned or unreachable since the broadcast was confirmed are settled at once
 * (`cancelled`, `blocked`) and not returned.
 */
export async function claimRecipients(
  tx: TenantTx,
  id: number,
  run: { step: number; attempt: number; limit: number },
): Promise<{ claimed: ClaimedRecipient[]; skipped: number }> {
  // nothing once the broadcast stopped (cancelled meanwhile)
  const result = await tx.execute(sql`
    WITH next AS (
      SELECT customer_id FROM broadcast_recipients
       WHERE bot_id = ${tx.botId} AND broadcast_id = ${id} AND status = 'pending'
         AND EXISTS (SELECT 1 FROM broadcasts b WHERE b.bot_id = ${tx.botId} AND b.id = ${id} AND b.status = 'sending')
       ORDER BY customer_id LIMIT ${run.limit}
       FOR UPDATE SKIP LOCKED)
    UPDATE broadcast_recipients r
       SET status = 'sending', claim_step = ${run.step}, claim_attempt = ${run.attempt},
           claimed_at = now(), attempts = r.attempts + 1
      FROM next, customers c
     WHERE r.bot_id = ${tx.botId} AND r.broadcast_id = ${id} AND r.customer_id = next.customer_id
       AND c.bot_id = r.bot_id AND c.id = r.customer_id
    RETURNING r.customer_id, r.chat_id, c.is_blocked, (c.unreachable_since IS NOT NULL) AS unreachable`);
  const rows = rowsOf<{ customer_id: number; chat_id: number; is_blocked: boolean; unreachable: boolean }>(
    result,
  );
  const banned = rows.filter((row) => row.is_blocked).map((row) => Number(row.customer_id));
  const unreachable = rows
    .filter((row) => !row.is_blocked && row.unreachable)
    .map((row) => Number(row.customer_id));
  if (banned.length > 0)
    await settle(tx, id, banned, 'cancelled', 'banned since the broadcast was confirmed');
  if (unreachable.length > 0) await settle(tx, id, unreachable, 'blocked', 'unreachable');
  return {
    claimed: rows
      .filter((row) => !row.is_blocked && !row.unreachable)
      .map((row) => ({ customerId: Number(row.customer_id), chatId: Number(row.chat_id) })),
    skipped: banned.length + unreachable.length,
  };
}

const idList = (ids: readonly number[]) =>
  sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );

async function settle(
  tx: TenantTx,
  id: number,
  customerIds: readonly number[],
  status: BroadcastRecipientStatus,
  error: string | null,
): Promise<void> {
  await tx.execute(sql`
    UPDATE broadcast_recipients SET status = ${status}, finished_at = now(), error = ${error}
     WHERE bot_id = ${tx.botId} AND broadcast_id = ${id} AND status = 'sending'
       AND customer_id IN (${idList(customerIds)})`);
}

export type SendOutcome =
  | { readonly customerId: number; readonly status: 'sent' | 'blocked' | 'unknown' }
  | { readonly customerId: number; readonly status: 'failed'; readonly error: string };

/**
 * Marks sends: only rows still claimed (`sending`), so a row another run settled meanwhile keeps its
 * state. A customer who blocked the bot is marked unreachable, as every notice does.
 */
export async function markOutcomes(
  tx: TenantTx,
  id: number,
  outcomes: readonly SendOutcome[],
): Promise<void> {
  const byStatus = new Map<string, { ids: number[]; error: string | null }>();
  for (const outcome of outcomes) {
    const error = outcome.status === 'failed' ? outcome.error.slice(0, 300) : null;
    const key = `${outcome.status}\u0000${error ?? ''}`;
    const group = byStatus.get(key) ?? { ids: [], error };
    group.ids.push(outcome.customerId);
    byStatus.set(key, group);
  }
  for (const [key, group] of byStatus) {
    const status = key.split('\u0000')[0] as BroadcastRecipientStatus;
    await settle(tx, id, group.ids, status, group.error);
  }
  const blocked = outcomes.filter((outcome) => outcome.status === 'blocked').map((o) => o.customerId);
  if (blocked.length > 0) {
    await tx.execute(sql`
      UPDATE customers SET unreachable_since = coalesce(unreachable_since, now()), updated_at = now()
       WHERE bot_id = ${tx.botId} AND id IN (${idList(blocked)})`);
  }
}

/**
 * Gives claimed rows back to the queue: not sent (a 429 came first, or Telegram answered 5xx and
 * took nothing). A 5xx counts as an attempt, and a row tried `maxAttempts` times fails instead.
 */
export async function releaseRecipients(
  tx: TenantTx,
  id: number,
  customerIds: readonly number[],
  options: { countsAsAttempt: boolean; maxAttempts: number },
): Promise<void> {
  if (customerIds.length === 0) return;
  await tx.execute(sql`
    UPDATE broadcast_recipients
       SET status = CASE WHEN ${options.countsAsAttempt} AND attempts >= ${options.maxAttempts}
                         THEN 'failed' ELSE 'pending' END,
           attempts = CASE WHEN ${options.countsAsAttempt} THEN attempts ELSE greatest(0, attempts - 1) END,
           finished_at = CASE WHEN ${options.countsAsAttempt} AND attempts >= ${options.maxAttempts}
                              THEN now() END,
           error = CASE WHEN ${options.countsAsAttempt} AND attempts >= ${options.maxAttempts}
                        THEN 'Telegram kept failing (5xx)' END,
           claim_step = NULL, claim_attempt = NULL, claimed_at = NULL
     WHERE bot_id = ${tx.botId} AND broadcast_id = ${id} AND status = 'sending'
       AND customer_id IN (${idList(customerIds)})`);
}

export async function countInFlight(tx: TenantTx, id: number): Promise<number> {
  const result = await tx.execute(sql`
    SELECT count(*)::int AS n FROM broadcast_recipients
     WHERE bot_id = ${tx.botId} AND broadcast_id = ${id} AND status IN ('sending', 'pending')`);
  return Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0);
}

/** The broadcast is over: `done` (everyone settled) or `cancelled` (the rest will not be sent). */
export async function finishBroadcast(
  tx: TenantTx,
  id: number,
  status: 'done' | 'cancelled',
): Promise<Broadcast | undefined> {
  if (status === 'cancelled') {
    await tx.execute(sql`
      UPDATE broadcast_recipients SET status = 'cancelled', finished_at = now()
       WHERE bot_id = ${tx.botId} AND broadcast_id = ${id} AND status = 'pending'`);
  }
  const result = await tx.execute(sql`
    UPDATE broadcasts SET status = ${status}, finished_at = now()
     WHERE bot_id = ${tx.botId} AND id = ${id} AND status = 'sending'
    RETURNING ${COLUMNS}`);
  const row = rowsOf<Record<string, unknown>>(result)[0];
  return row ? toBroadcast(row) : undefined;
}

/** At most one progress edit per `minIntervalMs`: true for the run that may edit now. */
export async function claimProgressEdit(tx: TenantTx, id: number, minIntervalMs: number): Promise<boolean> {
  const result = await tx.execute(sql`
    UPDATE broadcasts SET progress_edited_at = now()
     WHERE bot_id = ${tx.botId} AND id = ${id} AND status = 'sending' AND progress_message_id IS NOT NULL
       AND (progress_edited_at IS NULL
            OR progress_edited_at < now() - make_interval(secs => ${minIntervalMs / 1000}))
    RETURNING id`);
  return rowsOf(result).length > 0;
}

/** The final report is sent once: true for the one caller that claims it. */
export async function claimReport(tx: TenantTx, id: number): Promise<boolean> {
  const result = await tx.execute(sql`
    UPDATE broadcasts SET reported_at = now()
     WHERE bot_id = ${tx.botId} AND id = ${id} AND status IN ('done', 'cancelled') AND reported_at IS NULL
    RETURNING id`);
  return rowsOf(result).length > 0;
}

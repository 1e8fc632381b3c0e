import { JOBS_CHANNEL } from '../../db/job-queue.js';
import { integerLiteral, preparedStatement, textLiteral } from '../../db/script.js';
import type { TenantDb } from '../../db/tenant-tx.js';
import {
  SUBSCRIPTION_NOTICE_DEDUPE_PREFIX,
  sendSubscriptionNotice,
} from '../../jobs/definitions/subscription-notices.js';
import { COME_BACK_KIND, DAY_MS, EXPIRED_KIND } from './subscription-notices.js';

/**
 * The planner runs once a day per shop and plans the UTC day it runs in: every expiry notice whose
 * moment falls before the day ends is claimed and queued at its moment. One run a day costs a
 * thousand shops about a second (npm run bench:notices); a notice whose subscription was bought or
 * changed after the day's run and falls due the same day goes out at the next run, within the
 * catch-up (only subscriptions shorter than a day and a warning's days can meet that).
 */
export const PLANNING_WINDOW_MS = DAY_MS;
/**
 * How late an expired or come-back notice may still go out: one missed while no process ran for
 * less than this is sent on restart; an older one is stale (the next notice, or none, takes over),
 * and a first deployment does not greet years of expired subscriptions. At least the window, so a
 * day's run catches what fell due since the last one.
 */
export const CATCH_UP_MS = DAY_MS;
/**
 * The subscription's send slot within the hour of a notice's moment: its id times a number coprime
 * with 3600, modulo 3600 seconds, so consecutive ids land far apart and a shop's notices due in the
 * same hour spread over it.
 */
export const SLOT_MULTIPLIER = 1597;
export const slotSeconds = (subscriptionId: number): number => (subscriptionId * SLOT_MULTIPLIER) % 3600;

/** The start of the planning window `at` falls in (whole UTC days, whatever the time zone). */
export const windowStart = (at: Date): Date =>
  new Date(Math.floor(at.getTime() / PLANNING_WINDOW_MS) * PLANNING_WINDOW_MS);

/** The start of the hour `at` falls in, where a notice due at `at` has its slot. */
export const hourStart = (at: Date): Date => new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);

export interface PlanningRules {
  /** Days before the expiry to warn at; empty: no expiry warnings and no expired notice. */
  readonly warningDays: readonly number[];
  /** Days after an unrenewed expiry to invite back; 0: never. */
  readonly comebackDays: number;
}

export interface PlannedNotices {
  readonly expiryWarnings: number;
  readonly expired: number;
  readonly comeBack: number;
  readonly traffic: number;
  readonly total: number;
}

const NOTHING_PLANNED: PlannedNotices = { expiryWarnings: 0, expired: 0, comeBack: 0, traffic: 0, total: 0 };

/** A period key in SQL, as expiryPeriodKey and trafficPeriodKey write it: whole UTC seconds. */
const periodKeySql = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
/** `days` whole days of 86,400 s, as JavaScript counts them (no calendar days, no DST). */
const daysSql = (days: string) => `make_interval(secs => (${days}) * 86400)`;
const WINDOW_INTERVAL = `interval '${integerLiteral(PLANNING_WINDOW_MS / 1000)} seconds'`;
/** The start of the day being planned: whole UTC days, as windowStart computes it. */
const WINDOW_START = `date_bin(${WINDOW_INTERVAL}, $2, timestamptz 'epoch')`;
/** The end of the day being planned. */
const WINDOW_END = `(${WINDOW_START} + ${WINDOW_INTERVAL})`;
/** The oldest moment still looked at (see CATCH_UP_MS). */
const SINCE = `($2 - interval '${integerLiteral(CATCH_UP_MS / 1000)} seconds')`;
/** The subscription's send slot in the hour of `moment` (see slotSeconds and hourStart). */
const slotSql = (id: string, moment: string) =>
  `date_bin(interval '1 hour', ${moment}, timestamptz 'epoch') + make_interval(secs => (${id} * ${SLOT_MULTIPLIER}) % 3600)`;
/** Statuses that get notices: not waiting for the panel ('pending'), not disabled by an admin. */
const NOTIFIED = `s.status IN ('active', 'limited', 'expired')`;
/** The most traffic thresholds a shop may set (the setting's own limit). */
export const MAX_TRAFFIC_THRESHOLDS = 5;

/**
 * The expiry warning lookup the planner indexes: entry k (k = 0 up to the largest threshold) is
 * the smallest threshold of at least k days, 0 for none. A subscription whose expiry is x days
 * after the day's end (x >= 0) has had the moment of every threshold above x come, so its due
 * warning is entry floor(x) + 1: one array read per subscription instead of a scan of the list.
 */
export function warningLookup(warningDays: readonly number[]): number[] {
  const sorted = [...warningDays].sort((a, b) => a - b);
  const largest = sorted.at(-1) ?? 0;
  return Array.from({ length: largest + 1 }, (_, k) => sorted.find((days) => days >= k) ?? 0);
}

/**
 * The traffic thresholds as the planner reads them: ascending, padded to five with 101 (a percent
 * never reached), so its test is a fixed chain of comparisons.
 */
export function trafficThresholds(percents: readonly number[]): number[] {
  if (percents.length > MAX_TRAFFIC_THRESHOLDS)
    throw new Error(`at most ${MAX_TRAFFIC_THRESHOLDS} traffic thresholds, not ${percents.length}`);
  const sorted = [...percents].sort((a, b) => a - b);
  return [...sorted, ...Array<number>(MAX_TRAFFIC_THRESHOLDS - sorted.length).fill(101)];
}

/** The highest of the five padded thresholds ($3) the whole percent `pct` reached, 0 for none. */
const reachedSql = (pct: string) =>
  `CASE ${[5, 4, 3, 2, 1].map((i) => `WHEN ${pct} >= $3[${i}] THEN $3[${i}]`).join(' ')} ELSE 0 END`;

const JOB = {
  name: textLiteral(sendSubscriptionNotice.name),
  prefix: textLiteral(SUBSCRIPTION_NOTICE_DEDUPE_PREFIX),
  maxAttempts: integerLiteral(sendSubscriptionNotice.maxAttempts ?? 20),
};

/*
 * The notices found, less those claimed before and those of a customer banned by an admin or
 * unreachable (they blocked the bot), with the delay of each send: the tail of FIND and
 * FIND_TRAFFIC, after their `due` rows. Index probes per notice found (LATERAL ... LIMIT 1 cannot
 * become a scan of the shop's notices, which grow with its history, or of its customers). A
 * customer left out gets the notice when they come back within the period.
 */
const FRESH_DUE = `fresh AS (
     SELECT d.* FROM due d
       LEFT JOIN LATERAL (SELECT true AS claimed FROM subscription_notices n
                           WHERE n.bot_id = $1 AND n.subscription_id = d.subscription_id
                             AND n.kind = d.kind AND n.period_key = d.period_key
                           LIMIT 1) n ON true
      CROSS JOIN LATERAL (SELECT 1 FROM customers c
                           WHERE c.bot_id = $1 AND c.id = d.customer_id
                             AND NOT c.is_blocked AND c.unreachable_since IS NULL
                           LIMIT 1) c
      WHERE n.claimed IS NULL
   )
   SELECT subscription_id, kind, period_key,
          greatest(0, round(date_part('epoch', send_at - $2) * 1000))::bigint AS delay_ms
     FROM fresh`;

/*
 * Which expiry notices of one shop fall due before the day ends and are not claimed yet, with the
 * delay of each send (its moment, or the subscription's slot in the moment's hour), as one
 * read-only statement planned once per connection and sent in one round trip; a day with nothing
 * due stops there (CLAIM, which writes, runs only when something was found). Each kind is one index range scan
 * (migrations/0017) with constant work per subscription found: the expiries that put a notice's
 * moment between the catch-up's start and the day's end. Traffic warnings are not planned by the
 * day: they are claimed where usage changes (FIND_TRAFFIC).
 *
 * Parameters: $1 bot, $2 now, $3 warning lookup, $4 largest warning days (0: no warnings and no
 * expired notice), $5 come-back days (0: none). Few and small on purpose: every argument is
 * parsed on every run.
 *
 * The rules are those of dueExpiryWarning (subscription-notices.ts), with the day's end for "now"
 * (notices falling due during the day are claimed now, each sent at its time):
 * - expiry warning: the smallest threshold whose moment (the expiry less its days) has come and
 *   came after the subscription was created, while the expiry is beyond the day (one within it
 *   gets the expired notice instead); sent at the slot in the moment's hour but never after the
 *   moment, so never after the expiry. A moment older than the catch-up is left: a nearer threshold's comes next, or the
 *   expired notice;
 * - expired: the expiry has come, at most the catch-up ago; sent at the slot, never before it;
 * - come back: the same for the expiry plus the come-back days, when the customer has no other
 *   subscription running.
 */
const FIND = preparedStatement(
  'rf_find_expiry_notices_v2',
  ['bigint', 'timestamptz', 'int[]', 'int', 'int'],
  `WITH due AS MATERIALIZED (
     SELECT w.id AS subscription_id, w.customer_id, 'expiry-' || w.days || 'd' AS kind,
            ${periodKeySql('w.expires_at')} AS period_key, least(${slotSql('w.id', 'w.moment')}, w.moment) AS send_at
       -- OFFSET 0 keeps each subquery whole, so the lookup and the moment are computed once a row
       FROM (SELECT v.*, v.expires_at - ${daysSql('v.days')} AS moment
               FROM (SELECT s.id, s.customer_id, s.expires_at, s.created_at,
                            $3[floor(date_part('epoch', s.expires_at - ${WINDOW_END}) / 86400)::int + 2] AS days
                       FROM subscriptions s
                      WHERE $4 > 0 AND s.bot_id = $1 AND ${NOTIFIED}
                        AND s.expires_at >= greatest(${WINDOW_END}, ${SINCE} + ${daysSql('$3[1]')})
                        AND s.expires_at < ${WINDOW_END} + ${daysSql('$4')}
                     OFFSET 0) v
              WHERE v.days > 0
             OFFSET 0) w
      WHERE w.moment >= ${SINCE} AND w.moment > w.created_at
     UNION ALL
     SELECT s.id, s.customer_id, '${EXPIRED_KIND}', ${periodKeySql('s.expires_at')},
            greatest(${slotSql('s.id', 's.expires_at')}, s.expires_at)
       FROM subscriptions s
      WHERE $4 > 0 AND s.bot_id = $1 AND ${NOTIFIED}
        AND s.expires_at >= ${SINCE} AND s.expires_at < ${WINDOW_END}
     UNION ALL
     SELECT s.id, s.customer_id, '${COME_BACK_KIND}', ${periodKeySql('s.expires_at')},
            greatest(${slotSql('s.id', `s.expires_at + ${daysSql('$5')}`)}, s.expires_at + ${daysSql('$5')})
       FROM subscriptions s
      WHERE $5 > 0 AND s.bot_id = $1 AND ${NOTIFIED}
        AND s.expires_at >= ${SINCE} - ${daysSql('$5')} AND s.expires_at < ${WINDOW_END} - ${daysSql('$5')}
        AND NOT EXISTS (SELECT 1 FROM subscriptions o
                         WHERE o.bot_id = $1 AND o.customer_id = s.customer_id AND o.id <> s.id
                           AND o.expires_at > $2)
   ), ${FRESH_DUE}`,
);

/*
 * The traffic warnings due now among some of the shop's subscriptions (those whose usage a sync
 * just changed; NULL: all of them), by the rule of reachedTrafficThreshold: a running, limited
 * subscription whose usage reached a threshold, sent at once. Claimed where usage changes rather
 * than by the day, so the daily planning reads no ratio (no index can serve one under row-level
 * security) and a warning follows a sync within minutes.
 *
 * Parameters: $1 bot, $2 now, $3 padded traffic thresholds, $4 the lowest threshold as a ratio, a
 * hair under (the exact test is in integers), $5 the subscription ids (NULL: every one).
 */
const FIND_TRAFFIC = preparedStatement(
  'rf_find_traffic_notices_v1',
  ['bigint', 'timestamptz', 'int[]', 'float8', 'bigint[]'],
  `WITH due AS MATERIALIZED (
     SELECT t.id AS subscription_id, t.customer_id, 'traffic-' || t.percent AS kind,
            ${periodKeySql('t.traffic_period_started_at')} AS period_key, $2 AS send_at
       FROM (SELECT u.id, u.customer_id, u.traffic_period_started_at, ${reachedSql('u.pct')} AS percent
               FROM (SELECT s.id, s.customer_id, s.traffic_period_started_at,
                            div(least(s.used_traffic_bytes, s.traffic_limit_bytes)::numeric * 100,
                                s.traffic_limit_bytes)::int AS pct
                       FROM subscriptions s
                      WHERE s.bot_id = $1 AND ($5 IS NULL OR s.id = ANY($5))
                        AND ${NOTIFIED} AND s.traffic_limit_bytes > 0 AND s.expires_at > $2
                        AND s.used_traffic_bytes::float8 / s.traffic_limit_bytes::float8 >= $4
                     OFFSET 0) u) t
      WHERE t.percent > 0
   ), ${FRESH_DUE}`,
);

/*
 * Claims the notices FIND or FIND_TRAFFIC found and queues a send job for each new claim, as one statement: the
 * rows in subscription_notices (a notice claimed meanwhile, by another process or a panel event,
 * is left alone) and the jobs exactly as enqueue() writes sendSubscriptionNotice's. Parameters:
 * $1 bot, then the notices as arrays: $2 subscription ids, $3 kinds, $4 period keys, $5 delays (ms).
 */
const CLAIM = preparedStatement(
  'rf_claim_subscription_notices_v1',
  ['bigint', 'bigint[]', 'text[]', 'text[]', 'bigint[]'],
  `WITH wanted AS (
     SELECT * FROM unnest($2, $3, $4, $5) AS w(subscription_id, kind, period_key, delay_ms)
   ), claimed AS (
     INSERT INTO subscription_notices (bot_id, subscription_id, kind, period_key)
     SELECT $1, subscription_id, kind, period_key FROM wanted
     ON CONFLICT DO NOTHING
     RETURNING id, subscription_id, kind
   ), queued AS (
     INSERT INTO jobs (bot_id, name, payload, dedupe_key, run_at, max_attempts)
     SELECT $1, ${JOB.name}, jsonb_build_object('noticeId', c.id), ${JOB.prefix} || c.id,
            now() + make_interval(secs => w.delay_ms / 1000.0), ${JOB.maxAttempts}
       FROM claimed c JOIN wanted w USING (subscription_id, kind)
     ON CONFLICT DO NOTHING
     RETURNING 1
   )
   SELECT count(*) FILTER (WHERE kind LIKE 'expiry-%')::int AS expiry_warnings,
          count(*) FILTER (WHERE kind = '${EXPIRED_KIND}')::int AS expired,
          count(*) FILTER (WHERE kind = '${COME_BACK_KIND}')::int AS come_back,
          count(*) FILTER (WHERE kind LIKE 'traffic-%')::int AS traffic,
          (SELECT count(*) FROM (SELECT pg_notify('${JOBS_CHANNEL}', '') FROM (SELECT 1 FROM queued LIMIT 1) q) n)::int
            AS notified
     FROM claimed`,
);

interface FoundRow {
  readonly subscription_id: number | string;
  readonly kind: string;
  readonly period_key: string;
  readonly delay_ms: number | string;
}

interface PlanRow {
  readonly expiry_warnings: number;
  readonly expired: number;
  readonly come_back: number;
  readonly traffic: number;
}

const intArrayLiteral = (values: readonly number[]): string =>
  textLiteral(`{${values.map(integerLiteral).join(',')}}`);
/** An array of text as a literal: each element quoted, its quotes and backslashes escaped. */
const textArrayLiteral = (values: readonly string[]): string =>
  textLiteral(`{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`);

/** Claims the notices found and queues a send job for each new claim. */
async function claim(tenant: TenantDb, found: readonly FoundRow[]): Promise<PlannedNotices> {
  if (found.length === 0) return NOTHING_PLANNED;
  const [row] = await tenant.prepared<PlanRow>(CLAIM, [
    integerLiteral(tenant.botId),
    intArrayLiteral(found.map((notice) => Number(notice.subscription_id))),
    textArrayLiteral(found.map((notice) => notice.kind)),
    textArrayLiteral(found.map((notice) => notice.period_key)),
    intArrayLiteral(found.map((notice) => Number(notice.delay_ms))),
  ]);
  const planned = {
    expiryWarnings: row?.expiry_warnings ?? 0,
    expired: row?.expired ?? 0,
    comeBack: row?.come_back ?? 0,
    traffic: row?.traffic ?? 0,
  };
  return {
    ...planned,
    total: planned.expiryWarnings + planned.expired + planned.comeBack + planned.traffic,
  };
}

/**
 * Claims and queues the shop's expiry notices falling due in the UTC day of `now` (and those missed
 * while no process ran), each at its time: idempotent, so two processes, a retry or a restart
 * planning the same day queue each notice once. One read when nothing is due.
 */
export async function planSubscriptionNotices(
  tenant: TenantDb,
  now: Date,
  { warningDays, comebackDays }: PlanningRules,
): Promise<PlannedNotices> {
  if (warningDays.length === 0 && comebackDays === 0) return NOTHING_PLANNED;
  const found = await tenant.prepared<FoundRow>(FIND, [
    integerLiteral(tenant.botId),
    textLiteral(now.toISOString()),
    intArrayLiteral(warningDays.length > 0 ? warningLookup(warningDays) : [0]),
    integerLiteral(warningDays.length > 0 ? Math.max(...warningDays) : 0),
    integerLiteral(comebackDays),
  ]);
  return claim(tenant, found);
}

/**
 * Claims and queues the traffic warnings due now among `subscriptionIds` (all of the shop's
 * subscriptions when omitted): what a usage sync runs for the subscriptions whose usage it
 * changed. Idempotent like the planning: a threshold is claimed once per traffic period.
 */
export async function claimTrafficNotices(
  tenant: TenantDb,
  now: Date,
  trafficPercents: readonly number[],
  subscriptionIds?: readonly number[],
): Promise<PlannedNotices> {
  if (trafficPercents.length === 0 || subscriptionIds?.length === 0) return NOTHING_PLANNED;
  const found = await tenant.prepared<FoundRow>(FIND_TRAFFIC, [
    integerLiteral(tenant.botId),
    textLiteral(now.toISOString()),
    intArrayLiteral(trafficThresholds(trafficPercents)),
    // a hair under the lowest ratio, so float rounding never hides a subscription exactly at it
    (Math.min(...trafficPercents) / 100 - 1e-9).toFixed(12),
    subscriptionIds ? intArrayLiteral(subscriptionIds) : 'NULL',
  ]);
  return claim(tenant, found);
}

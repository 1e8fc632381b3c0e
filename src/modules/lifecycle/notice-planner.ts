import { JOBS_CHANNEL } from '../../db/job-queue.js';
import { integerLiteral, preparedStatement, textLiteral } from '../../db/script.js';
import type { TenantDb } from '../../db/tenant-tx.js';
import {
  SUBSCRIPTION_NOTICE_DEDUPE_PREFIX,
  sendSubscriptionNotice,
} from '../../jobs/definitions/subscription-notices.js';
import { COME_BACK_KIND, DAY_MS, EXPIRED_KIND } from './subscription-notices.js';

/** The planner runs every hour and plans the hour it runs in. */
export const PLANNING_WINDOW_MS = 3_600_000;
/**
 * How late an expired or come-back notice may still go out: one missed while no process ran for
 * less than this is sent on restart; an older one is stale (the next notice, or none, takes over),
 * and a first deployment does not greet years of expired subscriptions.
 */
export const CATCH_UP_MS = DAY_MS;
/**
 * The subscription's send slot within the hour: its id times a number coprime with 3600, modulo
 * 3600 seconds, so consecutive ids land far apart and a shop's notices spread over the hour.
 */
export const SLOT_MULTIPLIER = 1597;
export const slotSeconds = (subscriptionId: number): number => (subscriptionId * SLOT_MULTIPLIER) % 3600;

/** The start of the planning window `at` falls in (whole UTC hours, whatever the time zone). */
export const windowStart = (at: Date): Date =>
  new Date(Math.floor(at.getTime() / PLANNING_WINDOW_MS) * PLANNING_WINDOW_MS);

export interface PlanningRules {
  /** Days before the expiry to warn at; empty: no expiry warnings and no expired notice. */
  readonly warningDays: readonly number[];
  /** Days after an unrenewed expiry to invite back; 0: never. */
  readonly comebackDays: number;
  /** Traffic percentages to warn at; empty: no traffic warnings. */
  readonly trafficPercents: readonly number[];
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
/** The start of the hour being planned: whole UTC hours, as windowStart computes it. */
const WINDOW_START = `date_bin(interval '1 hour', $2, timestamptz 'epoch')`;
/** The end of the hour being planned. */
const WINDOW_END = `(${WINDOW_START} + interval '1 hour')`;
/** The oldest moment still looked at (see CATCH_UP_MS). */
const SINCE = `($2 - interval '${integerLiteral(CATCH_UP_MS / 1000)} seconds')`;
/** The subscription's send slot in the hour being planned (see slotSeconds). */
const slotSql = (id: string) =>
  `${WINDOW_START} + make_interval(secs => (${id} * ${SLOT_MULTIPLIER}) % 3600)`;
/** Statuses that get notices: not waiting for the panel ('pending'), not disabled by an admin. */
const NOTIFIED = `s.status IN ('active', 'limited', 'expired')`;
/** The most traffic thresholds a shop may set (the setting's own limit). */
export const MAX_TRAFFIC_THRESHOLDS = 5;

/**
 * The expiry warning lookup the planner indexes: entry k (k = 0 up to the largest threshold) is
 * the smallest threshold of at least k days, 0 for none. A subscription whose expiry is x days
 * after the hour's end (x > -1/24) has had the moment of every threshold above x come, so its due
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

/** The highest of the five padded thresholds ($6) the whole percent `pct` reached, 0 for none. */
const reachedSql = (pct: string) =>
  `CASE ${[5, 4, 3, 2, 1].map((i) => `WHEN ${pct} >= $6[${i}] THEN $6[${i}]`).join(' ')} ELSE 0 END`;

const JOB = {
  name: textLiteral(sendSubscriptionNotice.name),
  prefix: textLiteral(SUBSCRIPTION_NOTICE_DEDUPE_PREFIX),
  maxAttempts: integerLiteral(sendSubscriptionNotice.maxAttempts ?? 20),
};

/*
 * Which notices of one shop fall due before the hour ends and are not claimed yet, with the delay
 * of each send (the subscription's slot in the hour), as one read-only statement planned once per
 * connection and sent in one round trip; most hours find nothing and stop there (CLAIM, which
 * writes, runs only when something was found). Each expiry kind is one index range scan
 * (migrations/0017) with constant work per subscription found: the expiries that put a notice's
 * moment between the catch-up's start and the hour's end. Traffic reads the shop's running,
 * limited subscriptions (no index can serve a ratio under row-level security; see the migration).
 *
 * Parameters: $1 bot, $2 now, $3 warning lookup, $4 largest warning days (0: no warnings and no
 * expired notice), $5 come-back days (0: none), $6 padded traffic thresholds, $7 the lowest
 * traffic threshold as a ratio, a hair under (0: no traffic warnings; the exact test is in
 * integers). Few and small on purpose: every argument is parsed on every run.
 *
 * The rules are those of dueExpiryWarning and reachedTrafficThreshold (subscription-notices.ts),
 * with the hour's end for "now" (notices falling due during the hour are claimed now):
 * - expiry warning: the smallest threshold whose moment (the expiry less its days) has come and
 *   came after the subscription was created, while the expiry is beyond the hour (one within it
 *   gets the expired notice instead); sent at the slot but never after the moment, so never after
 *   the expiry. A moment older than the catch-up is left: a nearer threshold's comes next, or the
 *   expired notice;
 * - expired: the expiry has come, at most the catch-up ago; sent at the slot, never before it;
 * - come back: the same for the expiry plus the come-back days, when the customer has no other
 *   subscription running;
 * - traffic: a running, limited subscription whose usage reached a threshold; sent at once.
 * Customers banned by an admin or unreachable (they blocked the bot) get none claimed, so one who
 * comes back within the period still gets it.
 */
const FIND = preparedStatement(
  'rf_find_subscription_notices_v1',
  ['bigint', 'timestamptz', 'int[]', 'int', 'int', 'int[]', 'float8'],
  `WITH due AS MATERIALIZED (
     SELECT w.id AS subscription_id, w.customer_id, 'expiry-' || w.days || 'd' AS kind,
            ${periodKeySql('w.expires_at')} AS period_key, least(${slotSql('w.id')}, w.moment) AS send_at
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
            greatest(${slotSql('s.id')}, s.expires_at)
       FROM subscriptions s
      WHERE $4 > 0 AND s.bot_id = $1 AND ${NOTIFIED}
        AND s.expires_at >= ${SINCE} AND s.expires_at < ${WINDOW_END}
     UNION ALL
     SELECT s.id, s.customer_id, '${COME_BACK_KIND}', ${periodKeySql('s.expires_at')},
            greatest(${slotSql('s.id')}, s.expires_at + ${daysSql('$5')})
       FROM subscriptions s
      WHERE $5 > 0 AND s.bot_id = $1 AND ${NOTIFIED}
        AND s.expires_at >= ${SINCE} - ${daysSql('$5')} AND s.expires_at < ${WINDOW_END} - ${daysSql('$5')}
        AND NOT EXISTS (SELECT 1 FROM subscriptions o
                         WHERE o.bot_id = $1 AND o.customer_id = s.customer_id AND o.id <> s.id
                           AND o.expires_at > $2)
     UNION ALL
     SELECT t.id, t.customer_id, 'traffic-' || t.percent, ${periodKeySql('t.traffic_period_started_at')}, $2
       FROM (SELECT u.id, u.customer_id, u.traffic_period_started_at, ${reachedSql('u.pct')} AS percent
               FROM (SELECT s.id, s.customer_id, s.traffic_period_started_at,
                            div(least(s.used_traffic_bytes, s.traffic_limit_bytes)::numeric * 100,
                                s.traffic_limit_bytes)::int AS pct
                       FROM subscriptions s
                      WHERE $7 > 0 AND s.bot_id = $1 AND ${NOTIFIED} AND s.traffic_limit_bytes > 0
                        AND s.expires_at > $2
                        AND s.used_traffic_bytes::float8 / s.traffic_limit_bytes::float8 >= $7
                     OFFSET 0) u) t
      WHERE t.percent > 0
   ), fresh AS (
     -- index probes per notice found (LATERAL ... LIMIT 1 cannot become a scan of the shop's
     -- notices, which grow with its history, or of its customers): claimed before, or for a
     -- customer banned or unreachable, and it is left
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
     FROM fresh`,
);

/*
 * Claims the notices FIND found and queues a send job for each new claim, as one statement: the
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

/**
 * Claims and queues the shop's lifecycle notices falling due in the hour of `now` (and those
 * missed while no process ran): idempotent, so two processes, a retry or a restart planning the
 * same hour queue each notice once. One read when nothing is due, which is most hours.
 */
export async function planSubscriptionNotices(
  tenant: TenantDb,
  now: Date,
  rules: PlanningRules,
): Promise<PlannedNotices> {
  const { warningDays, comebackDays, trafficPercents } = rules;
  if (warningDays.length === 0 && comebackDays === 0 && trafficPercents.length === 0) return NOTHING_PLANNED;
  const found = await tenant.prepared<FoundRow>(FIND, [
    integerLiteral(tenant.botId),
    textLiteral(now.toISOString()),
    intArrayLiteral(warningDays.length > 0 ? warningLookup(warningDays) : [0]),
    integerLiteral(warningDays.length > 0 ? Math.max(...warningDays) : 0),
    integerLiteral(comebackDays),
    intArrayLiteral(trafficThresholds(trafficPercents)),
    // a hair under the lowest ratio, so float rounding never hides a subscription exactly at it
    (trafficPercents.length > 0 ? Math.min(...trafficPercents) / 100 - 1e-9 : 0).toFixed(12),
  ]);
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

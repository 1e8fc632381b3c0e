import { subscriptionNotices } from '../../db/schema.js';
import type { TenantTx } from '../../db/tenant-tx.js';
import { sendSubscriptionNotice } from '../../jobs/definitions/subscription-notices.js';
import { enqueue } from '../../jobs/enqueue.js';
import type { SubscriptionId } from '../../shared/ids.js';

/*
 * The lifecycle notices of a subscription (expiry warnings, expired, come back, traffic warnings)
 * and how one is queued: claim a row in `subscription_notices` (unique per subscription, kind and
 * period) and, only when the row is new, enqueue the job that sends it, in the same transaction.
 * Panel events claim one at a time here, in their own transaction; the hourly planner claims its
 * hour's notices in bulk (notice-planner.ts), writing the same rows and jobs. Whichever sees a
 * notice first claims it; it goes out once.
 */

export const DAY_MS = 86_400_000;

/** The warning sent `days` days before the expiry, e.g. `expiry-3d`. */
export const expiryWarningKind = (days: number): string => `expiry-${days}d`;
/** Sent once the subscription has expired. */
export const EXPIRED_KIND = 'expired';
/** Sent some days after an expiry nobody renewed: an invitation to come back. */
export const COME_BACK_KIND = 'come-back';
/** Autopay could not renew for lack of balance (src/modules/autopay): once per expiry. */
export const AUTOPAY_SHORT_KIND = 'autopay-short';
/** The warning sent once `percent` of the traffic is used, e.g. `traffic-80`. */
export const trafficKind = (percent: number): string => `traffic-${percent}`;

export type NoticeKind =
  | { readonly type: 'expiry-warning'; readonly days: number }
  | { readonly type: 'expired' }
  | { readonly type: 'come-back' }
  | { readonly type: 'autopay-short' }
  | { readonly type: 'traffic'; readonly percent: number };

/** Reads a stored kind back; undefined for a kind this code does not know (never sent). */
export function parseNoticeKind(kind: string): NoticeKind | undefined {
  if (kind === EXPIRED_KIND) return { type: 'expired' };
  if (kind === COME_BACK_KIND) return { type: 'come-back' };
  if (kind === AUTOPAY_SHORT_KIND) return { type: 'autopay-short' };
  const warning = /^expiry-([1-9]\d{0,2})d$/.exec(kind);
  if (warning) return { type: 'expiry-warning', days: Number(warning[1]) };
  const traffic = /^traffic-([1-9]\d?)$/.exec(kind);
  if (traffic) return { type: 'traffic', percent: Number(traffic[1]) };
  return undefined;
}

/**
 * A period key for an instant: ISO 8601 to the second, UTC (`2025-03-01T12:00:00Z`). Whole seconds,
 * so the planner's SQL (`to_char(... 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`, which drops the fraction too)
 * and this code name the same period.
 */
const instantKey = (at: Date): string => `${at.toISOString().slice(0, 19)}Z`;

/**
 * The period of an expiry notice: the expiry it is about. A renewal moves the expiry, so the new
 * expiry's warnings are new notices.
 */
export const expiryPeriodKey = (expiresAt: Date): string => instantKey(expiresAt);

/**
 * The period of a traffic notice: the start of the subscription's traffic period (a renewal, a
 * traffic reset or a traffic pack starts a new one).
 */
export const trafficPeriodKey = (subscription: { readonly trafficPeriodStartedAt: Date }): string =>
  instantKey(subscription.trafficPeriodStartedAt);

export interface NoticeClaim {
  readonly subscriptionId: SubscriptionId;
  readonly kind: string;
  readonly periodKey: string;
  /** Sends no earlier than this from now (the planner spreads sends over the hour). */
  readonly delayMs?: number;
}

/**
 * Claims a notice for a subscription and period and queues its sending, both in `tx`: true when
 * this call claimed it, false when it was claimed before (by another planner run, another process
 * or a panel event), in which case nothing is queued.
 */
export async function claimSubscriptionNotice(tx: TenantTx, notice: NoticeClaim): Promise<boolean> {
  const rows = await tx
    .insert(subscriptionNotices)
    .values({
      botId: tx.botId,
      subscriptionId: notice.subscriptionId,
      kind: notice.kind,
      periodKey: notice.periodKey,
    })
    .onConflictDoNothing()
    .returning({ id: subscriptionNotices.id });
  const claimed = rows[0];
  if (!claimed) return false;
  await enqueue(
    tx,
    sendSubscriptionNotice,
    { noticeId: claimed.id },
    notice.delayMs === undefined ? {} : { delayMs: Math.max(0, Math.round(notice.delayMs)) },
  );
  return true;
}

/** What the notice rules read of a subscription (a row of `subscriptions` has it all). */
export interface NoticeSubject {
  readonly id: SubscriptionId;
  readonly expiresAt: Date | null;
  readonly createdAt: Date;
  readonly trafficLimitBytes: number;
  readonly usedTrafficBytes: number;
  readonly trafficPeriodStartedAt: Date;
}

/**
 * The expiry warning due at `at`: the smallest threshold (days) whose moment has come, so a
 * customer gets one warning per threshold and never a stale bigger one after a smaller one (after
 * a restart, a subscription 20 hours from expiry gets the 1-day warning, not the 3-day one too).
 * None once expired, and none for a threshold whose moment came before the subscription existed
 * (a 1-day trial is not told on its first minute that it has a day left).
 */
export function dueExpiryWarning(
  subscription: Pick<NoticeSubject, 'expiresAt' | 'createdAt'>,
  at: Date,
  warningDays: readonly number[],
): number | undefined {
  const { expiresAt } = subscription;
  if (!expiresAt || expiresAt.getTime() <= at.getTime()) return undefined;
  return [...warningDays]
    .sort((a, b) => a - b)
    .find((days) => {
      const moment = expiresAt.getTime() - days * DAY_MS;
      return moment <= at.getTime() && moment > subscription.createdAt.getTime();
    });
}

/**
 * The highest traffic threshold (percent) the usage has reached; undefined for an unlimited
 * subscription (limit 0) or usage below every threshold. Integer arithmetic, no rounding.
 */
export function reachedTrafficThreshold(
  subscription: Pick<NoticeSubject, 'trafficLimitBytes' | 'usedTrafficBytes'>,
  thresholds: readonly number[],
): number | undefined {
  const { trafficLimitBytes: limit, usedTrafficBytes: used } = subscription;
  if (limit <= 0) return undefined;
  const reached = thresholds.filter((percent) => used * 100 >= limit * percent);
  return reached.length === 0 ? undefined : Math.max(...reached);
}

/**
 * The panel's own pre-expiry reminder (a webhook event) as one of this shop's warnings: claims the
 * warning of the threshold the remaining time falls under, the same one the planner would claim,
 * so the customer gets one notice per threshold whichever sees it first. Nothing when the shop
 * warns at no threshold that near (`warningDays` empty: warnings off).
 */
export async function expiryWarningFromPanel(
  tx: TenantTx,
  subscription: Pick<NoticeSubject, 'id' | 'expiresAt' | 'createdAt'>,
  now: Date,
  warningDays: readonly number[],
): Promise<boolean> {
  const days = dueExpiryWarning(subscription, now, warningDays);
  if (days === undefined || !subscription.expiresAt) return false;
  return claimSubscriptionNotice(tx, {
    subscriptionId: subscription.id,
    kind: expiryWarningKind(days),
    periodKey: expiryPeriodKey(subscription.expiresAt),
  });
}

/**
 * The panel's traffic threshold event (or fresh usage) as this shop's traffic warning: claims the
 * highest configured threshold reached in the current traffic period. `percentUsed` is the usage
 * the caller knows (the panel's event may be fresher than the stored bytes).
 */
export async function trafficWarningFromPanel(
  tx: TenantTx,
  subscription: Pick<NoticeSubject, 'id' | 'trafficLimitBytes' | 'trafficPeriodStartedAt'>,
  percentUsed: number,
  thresholds: readonly number[],
): Promise<boolean> {
  if (subscription.trafficLimitBytes <= 0 || !Number.isFinite(percentUsed)) return false;
  const reached = thresholds.filter((percent) => percentUsed >= percent);
  if (reached.length === 0) return false;
  return claimSubscriptionNotice(tx, {
    subscriptionId: subscription.id,
    kind: trafficKind(Math.max(...reached)),
    periodKey: trafficPeriodKey(subscription),
  });
}

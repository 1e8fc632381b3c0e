import type { Subscription } from '../subscriptions/subscriptions-service.js';
import { CATCH_UP_MS } from './notice-planner.js';
import {
  DAY_MS,
  dueExpiryWarning,
  expiryPeriodKey,
  type NoticeKind,
  parseNoticeKind,
  trafficPeriodKey,
} from './subscription-notices.js';

/** A claimed notice as stored. */
export interface StoredNotice {
  readonly id: number;
  readonly kind: string;
  readonly periodKey: string;
}

/** What the shop's settings say at send time. */
export interface SendRules {
  readonly warningDays: readonly number[];
  readonly comebackDays: number;
}

export type DropReason =
  | 'unknown-kind'
  | 'subscription-gone'
  | 'not-running'
  | 'customer-banned'
  | 'new-period'
  | 'expired-meanwhile'
  | 'superseded'
  | 'stale'
  | 'switched-off'
  | 'customer-returned';

/**
 * What to do with a claimed notice when its job runs: send it, drop it because it is no longer
 * true (renewed, traffic reset, a nearer warning took over...), or wait because its moment has not
 * come (a job that ran a little early: never an "expired" before the expiry).
 */
export type NoticeDecision =
  | { readonly action: 'send'; readonly kind: NoticeKind }
  | { readonly action: 'drop'; readonly reason: DropReason }
  | { readonly action: 'wait'; readonly delayMs: number };

const drop = (reason: DropReason): NoticeDecision => ({ action: 'drop', reason });

export interface DecisionInput {
  readonly notice: StoredNotice;
  readonly subscription: Subscription | undefined;
  readonly customerBanned: boolean;
  /** The customer has another subscription still running (no "come back" then). */
  readonly otherRunning: boolean;
  readonly rules: SendRules;
  readonly now: Date;
}

/** The send-time check of a notice claimed earlier (pure: every input is given). */
export function decideNotice(input: DecisionInput): NoticeDecision {
  const { notice, subscription, now, rules } = input;
  const kind = parseNoticeKind(notice.kind);
  if (!kind) return drop('unknown-kind');
  if (!subscription) return drop('subscription-gone');
  if (subscription.status === 'pending' || subscription.status === 'disabled') return drop('not-running');
  if (input.customerBanned) return drop('customer-banned');
  const expiresAt = subscription.expiresAt;
  if (!expiresAt) return drop('not-running');
  const untilExpiry = expiresAt.getTime() - now.getTime();
  if (kind.type === 'traffic') {
    if (trafficPeriodKey(subscription) !== notice.periodKey) return drop('new-period');
    if (subscription.trafficLimitBytes <= 0) return drop('new-period');
    return untilExpiry > 0 ? { action: 'send', kind } : drop('expired-meanwhile');
  }
  // every expiry notice is about one expiry: a renewal moved it, so this one is no longer true
  if (expiryPeriodKey(expiresAt) !== notice.periodKey) return drop('new-period');
  switch (kind.type) {
    case 'expiry-warning': {
      if (untilExpiry <= 0) return drop('expired-meanwhile');
      // a nearer threshold's moment came while this one waited: that warning says it better
      const nearest = dueExpiryWarning(subscription, now, rules.warningDays);
      if (nearest !== undefined && nearest < kind.days) return drop('superseded');
      return { action: 'send', kind };
    }
    case 'autopay-short':
      // worth saying only while a top-up can still keep it running
      return untilExpiry > 0 ? { action: 'send', kind } : drop('expired-meanwhile');
    case 'expired':
      return dueOrWait(kind, -untilExpiry);
    case 'come-back': {
      if (rules.comebackDays === 0) return drop('switched-off');
      if (input.otherRunning) return drop('customer-returned');
      return dueOrWait(kind, -untilExpiry - rules.comebackDays * DAY_MS);
    }
  }
}

/** Sends a notice whose moment is `pastMs` behind (negative: ahead, so wait), unless stale. */
function dueOrWait(kind: NoticeKind, pastMs: number): NoticeDecision {
  if (pastMs < 0) return { action: 'wait', delayMs: -pastMs };
  // a job stuck far longer than any restart: the next notice, or none, says it better now
  if (pastMs > CATCH_UP_MS + 3_600_000) return drop('stale');
  return { action: 'send', kind };
}

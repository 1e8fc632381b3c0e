import { and, eq, lt, ne, sql } from 'drizzle-orm';
import { customers, subscriptionNotices, subscriptions } from '../../db/schema.js';
import type { TenantDb } from '../../db/tenant-tx.js';
import type { Clock } from '../../shared/clock.js';
import { asCustomerId, type CustomerId, type SubscriptionId } from '../../shared/ids.js';
import type { SettingsService } from '../settings/settings-service.js';
import type { Subscription } from '../subscriptions/subscriptions-service.js';
import { decideNotice, type NoticeDecision } from './notice-decision.js';
import { claimTrafficNotices, type PlannedNotices, planSubscriptionNotices } from './notice-planner.js';
import { DAY_MS } from './subscription-notices.js';

export interface LifecycleDeps {
  readonly tenant: TenantDb;
  readonly clock: Clock;
  readonly settings: SettingsService;
}

/** A notice to send now: what it says, about which subscription, to whom. */
export type NoticeToSend = Extract<NoticeDecision, { action: 'send' }> & {
  readonly subscription: Subscription;
  readonly customerId: CustomerId;
  /** The customer owns several subscriptions: the text names this one. */
  readonly several: boolean;
  readonly now: Date;
};

export type NoticeOutcome = NoticeToSend | Exclude<NoticeDecision, { action: 'send' }>;

/**
 * How long a claimed expiry notice (warning, expired, come back, autopay short) is kept after the
 * expiry it is about: past the latest come-back (`comeback_days` is at most 90) and the planner's
 * one-day catch-up, no planning can claim it again, so the row has done its work.
 */
export const EXPIRY_NOTICE_KEEP_MS = (90 + 2) * DAY_MS;
/** No claim younger than this is pruned: its send job may still be waiting in the queue. */
export const NOTICE_MIN_AGE_MS = 2 * DAY_MS;

/**
 * A shop's subscription lifecycle notices: the daily planning and the usage sync's traffic claims
 * that claim and queue them, and
 * the send-time check that each one is still true.
 */
export function createLifecycleService({ tenant, clock, settings }: LifecycleDeps) {
  const { botId } = tenant;

  const rules = async () => {
    const [warningDays, comebackDays, trafficPercents] = await Promise.all([
      settings.get('renewal_warning_days'),
      settings.get('comeback_days'),
      settings.get('traffic_warning_percents'),
    ]);
    return { warningDays, comebackDays, trafficPercents };
  };

  /** The claimed notice, its subscription and what the send-time check needs, in one transaction. */
  const load = (noticeId: number) =>
    tenant.transaction(async (tx) => {
      const [notice] = await tx
        .select()
        .from(subscriptionNotices)
        .where(and(eq(subscriptionNotices.botId, botId), eq(subscriptionNotices.id, noticeId)));
      if (!notice) return undefined;
      const [row] = await tx
        .select({ subscription: subscriptions, banned: customers.isBlocked })
        .from(subscriptions)
        .innerJoin(customers, and(eq(customers.botId, botId), eq(customers.id, subscriptions.customerId)))
        .where(and(eq(subscriptions.botId, botId), eq(subscriptions.id, notice.subscriptionId)));
      if (!row) return { notice, subscription: undefined, banned: false, others: [] };
      const others = await tx
        .select({ expiresAt: subscriptions.expiresAt })
        .from(subscriptions)
        .where(
          and(
            eq(subscriptions.botId, botId),
            eq(subscriptions.customerId, row.subscription.customerId),
            ne(subscriptions.id, row.subscription.id),
          ),
        );
      return { notice, subscription: row.subscription as Subscription, banned: row.banned, others };
    });

  return {
    /** Claims and queues the expiry notices falling due today, UTC (the daily job). */
    async planNotices(): Promise<PlannedNotices> {
      const [warningDays, comebackDays] = await Promise.all([
        settings.get('renewal_warning_days'),
        settings.get('comeback_days'),
      ]);
      return planSubscriptionNotices(tenant, clock.now(), { warningDays, comebackDays });
    },

    /**
     * Claims and queues the traffic warnings now due among `subscriptionIds` (every subscription
     * when omitted): run where usage changes (the panel usage sync).
     */
    async claimTrafficNotices(subscriptionIds?: readonly SubscriptionId[]): Promise<PlannedNotices> {
      const percents = await settings.get('traffic_warning_percents');
      return claimTrafficNotices(tenant, clock.now(), percents, subscriptionIds);
    },

    /**
     * Forgets claims no planning or event can make again (the daily prune job): expiry notices of
     * an expiry long past (EXPIRY_NOTICE_KEEP_MS) and traffic warnings of a traffic period that
     * is no longer the subscription's. Returns how many rows went.
     */
    async pruneNotices(): Promise<number> {
      const now = clock.now();
      const expiredBefore = new Date(now.getTime() - EXPIRY_NOTICE_KEEP_MS).toISOString();
      return tenant.transaction(async (tx) => {
        const pruned = await tx
          .delete(subscriptionNotices)
          .where(
            and(
              eq(subscriptionNotices.botId, botId),
              lt(subscriptionNotices.createdAt, new Date(now.getTime() - NOTICE_MIN_AGE_MS)),
              // period keys are ISO instants to the second, so text order is time order
              sql`CASE WHEN ${subscriptionNotices.kind} LIKE 'traffic-%'
                    THEN NOT EXISTS (
                      SELECT 1 FROM ${subscriptions} s
                       WHERE s.bot_id = ${subscriptionNotices.botId} AND s.id = ${subscriptionNotices.subscriptionId}
                         AND to_char(s.traffic_period_started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                             = ${subscriptionNotices.periodKey})
                    ELSE ${subscriptionNotices.periodKey} < ${`${expiredBefore.slice(0, 19)}Z`} END`,
            ),
          )
          .returning({ id: subscriptionNotices.id });
        return pruned.length;
      });
    },

    /**
     * Whether the claimed notice `noticeId` is still to be sent now, and what it needs; undefined
     * when there is no such notice in this shop.
     */
    async noticeToSend(noticeId: number): Promise<NoticeOutcome | undefined> {
      const [loaded, sendRules] = await Promise.all([load(noticeId), rules()]);
      if (!loaded) return undefined;
      const now = clock.now();
      const { subscription } = loaded;
      const decision = decideNotice({
        notice: loaded.notice,
        subscription,
        customerBanned: loaded.banned,
        otherRunning: loaded.others.some((other) => other.expiresAt !== null && other.expiresAt > now),
        rules: sendRules,
        now,
      });
      if (decision.action !== 'send') return decision;
      // decideNotice sends only for a subscription it was given
      if (!subscription) return { action: 'drop', reason: 'subscription-gone' };
      return {
        ...decision,
        subscription,
        customerId: asCustomerId(subscription.customerId),
        several: loaded.others.length > 0,
        now,
      };
    },
  };
}

export type LifecycleService = ReturnType<typeof createLifecycleService>;

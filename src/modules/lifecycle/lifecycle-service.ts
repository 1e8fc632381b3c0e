import { and, eq, ne } from 'drizzle-orm';
import { customers, subscriptionNotices, subscriptions } from '../../db/schema.js';
import type { TenantDb } from '../../db/tenant-tx.js';
import type { Clock } from '../../shared/clock.js';
import { asCustomerId, type CustomerId } from '../../shared/ids.js';
import type { SettingsService } from '../settings/settings-service.js';
import type { Subscription } from '../subscriptions/subscriptions-service.js';
import { decideNotice, type NoticeDecision } from './notice-decision.js';
import { type PlannedNotices, planSubscriptionNotices } from './notice-planner.js';

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
 * A shop's subscription lifecycle notices: the hourly planning that claims and queues them, and
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
    /** Claims and queues the notices falling due in the current hour (the hourly job). */
    async planNotices(): Promise<PlannedNotices> {
      return planSubscriptionNotices(tenant, clock.now(), await rules());
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

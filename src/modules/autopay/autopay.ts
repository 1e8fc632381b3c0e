import { and, eq, gt, isNotNull, lte, or, sql } from 'drizzle-orm';
import { customers, subscriptions } from '../../db/schema.js';
import type { TenantDb } from '../../db/tenant-tx.js';
import type { Clock } from '../../shared/clock.js';
import {
  asCustomerId,
  asPlanId,
  asSubscriptionId,
  type CustomerId,
  type SubscriptionId,
} from '../../shared/ids.js';
import {
  AUTOPAY_SHORT_KIND,
  claimSubscriptionNotice,
  expiryPeriodKey,
} from '../lifecycle/subscription-notices.js';
import type { OrdersService } from '../orders/orders-service.js';
import type { SettingsService } from '../settings/settings-service.js';

const HOUR_MS = 3_600_000;

/** Starts the idempotency key of every order autopay makes (its notice says "renewed automatically"). */
export const AUTOPAY_KEY_PREFIX = 'autopay:';

export type AutopayOutcome =
  /** Renewed now, or by an earlier run of this very period (a retry, another process). */
  | { readonly status: 'renewed'; readonly orderId: number }
  /** The balance cannot pay it and keep `autopay_min_balance`: the customer is told once per period. */
  | { readonly status: 'short'; readonly balance: number; readonly needed: number }
  /** Nothing to do any more: renewed by hand meanwhile, switched off, or its plan is no longer sold. */
  | { readonly status: 'skipped'; readonly reason: 'not_due' | 'off' | 'plan_unavailable' }
  /** The shop's wholesale wallet cannot cover the sale: its admins are alerted by the sale itself. */
  | { readonly status: 'wallet_insufficient' };

export interface AutopayDeps {
  readonly tenant: TenantDb;
  readonly clock: Clock;
  readonly settings: SettingsService;
  readonly orders: OrdersService;
}

/**
 * Renewing subscriptions from the customer's balance before they run out, with the plan they were
 * last bought with, through the same order path as a renewal by hand (ledger debit, wallet charge,
 * provisioning, the "renewed" notice). Exactly once per period: the order's idempotency key names
 * the subscription and the expiry it renews, so a retry, a crash at any step or a second process
 * finds the order the first one made.
 */
export function createAutopay({ tenant, clock, settings, orders }: AutopayDeps) {
  const { botId } = tenant;

  /** Whether autopay renews this subscription: its own choice, else the shop's default. */
  const isOn = (subscription: { autopay: boolean | null }, shopDefault: boolean) =>
    subscription.autopay ?? shopDefault;

  return {
    isOn,

    /**
     * The subscriptions whose renewal moment has come (expiring within `autopay_hours_before`,
     * not yet expired), with autopay on, a plan to renew with, and an owner the shop has not
     * banned; the expiry names the period each is due for.
     */
    async due(): Promise<{ subscriptionId: SubscriptionId; expiresAt: Date }[]> {
      const [hours, shopDefault] = await Promise.all([
        settings.get('autopay_hours_before'),
        settings.get('autopay_default'),
      ]);
      const now = clock.now();
      const until = new Date(now.getTime() + hours * HOUR_MS);
      const rows = await tenant.transaction((tx) =>
        tx
          .select({ id: subscriptions.id, expiresAt: subscriptions.expiresAt })
          .from(subscriptions)
          .innerJoin(
            customers,
            and(eq(customers.botId, subscriptions.botId), eq(customers.id, subscriptions.customerId)),
          )
          .where(
            and(
              eq(subscriptions.botId, botId),
              eq(subscriptions.isTrial, false),
              isNotNull(subscriptions.planId),
              gt(subscriptions.expiresAt, now),
              lte(subscriptions.expiresAt, until),
              eq(customers.isBlocked, false),
              shopDefault
                ? or(sql`${subscriptions.autopay} IS NULL`, eq(subscriptions.autopay, true))
                : eq(subscriptions.autopay, true),
            ),
          ),
      );
      return rows.map((row) => ({ subscriptionId: asSubscriptionId(row.id), expiresAt: row.expiresAt! }));
    },

    /**
     * Renews one subscription for the period ending at `expiresAt`. A subscription whose expiry
     * moved meanwhile (renewed by hand) is not due any more; a balance too small is told to the
     * customer once per period, with a top-up button.
     */
    async renew(subscriptionId: SubscriptionId, expiresAt: Date): Promise<AutopayOutcome> {
      const [subscription] = await tenant.transaction((tx) =>
        tx
          .select()
          .from(subscriptions)
          .where(and(eq(subscriptions.botId, botId), eq(subscriptions.id, subscriptionId))),
      );
      const period = expiryPeriodKey(expiresAt);
      const key = `${AUTOPAY_KEY_PREFIX}${subscriptionId}:${period}`;
      if (!subscription?.expiresAt || subscription.planId === null)
        return { status: 'skipped', reason: 'not_due' };
      // the period's order may already exist (a retry after the expiry moved): answer with it
      if (subscription.expiresAt.getTime() !== expiresAt.getTime()) {
        const earlier = await orders.findByIdempotencyKey(key);
        return earlier
          ? { status: 'renewed', orderId: earlier.id }
          : { status: 'skipped', reason: 'not_due' };
      }
      const [shopDefault, keepBalance] = await Promise.all([
        settings.get('autopay_default'),
        settings.get('autopay_min_balance'),
      ]);
      if (!isOn(subscription, shopDefault)) return { status: 'skipped', reason: 'off' };
      const outcome = await orders.purchasePlan({
        customerId: asCustomerId(subscription.customerId),
        planId: asPlanId(subscription.planId),
        subscriptionId,
        idempotencyKey: key,
        keepBalance,
      });
      switch (outcome.status) {
        case 'paid':
        case 'already':
        case 'duplicate':
          return { status: 'renewed', orderId: outcome.order.id };
        case 'keeps_too_little':
        case 'insufficient': {
          const balance = outcome.balance;
          const needed =
            outcome.status === 'insufficient' ? outcome.balance + outcome.missing : outcome.needed;
          await tenant.transaction((tx) =>
            claimSubscriptionNotice(tx, { subscriptionId, kind: AUTOPAY_SHORT_KIND, periodKey: period }),
          );
          return { status: 'short', balance, needed };
        }
        case 'wallet_insufficient':
          return { status: 'wallet_insufficient' };
        case 'plan_unavailable':
          return { status: 'skipped', reason: 'plan_unavailable' };
        case 'pack_unavailable':
        case 'subscription_unavailable':
        case 'subscription_limit':
        case 'not_found':
        case 'no_customer':
          return { status: 'skipped', reason: 'not_due' };
        default: {
          const never: never = outcome;
          throw new Error(`unhandled autopay outcome ${JSON.stringify(never)}`);
        }
      }
    },

    /** The customer switches autopay on or off for one of their subscriptions. */
    async setForSubscription(
      customerId: CustomerId,
      subscriptionId: SubscriptionId,
      on: boolean,
    ): Promise<boolean> {
      const rows = await tenant.transaction((tx) =>
        tx
          .update(subscriptions)
          .set({ autopay: on, updatedAt: clock.now() })
          .where(
            and(
              eq(subscriptions.botId, botId),
              eq(subscriptions.id, subscriptionId),
              eq(subscriptions.customerId, customerId),
            ),
          )
          .returning({ id: subscriptions.id }),
      );
      return rows.length > 0;
    },
  };
}

export type Autopay = ReturnType<typeof createAutopay>;

import { and, count, desc, eq } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors.js';
import { botPacks, botPlans, customers, orders, subscriptions } from '../../db/schema.js';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import type { Clock } from '../../shared/clock.js';
import type { CustomerId, OrderId, PackId, PlanId, SubscriptionId } from '../../shared/ids.js';
import type { FeatureFlagsService } from '../feature-flags/feature-flags-service.js';
import { quotePlan } from '../promo/plan-pricing.js';
import type { SettingsService } from '../settings/settings-service.js';
import { lockCustomer, type Order, type PayOutcome, payOrder, tenantCurrency } from './pay-order.js';

export type PurchaseOutcome =
  | PayOutcome
  /** The same button press again: the order it already made, whatever became of it. */
  | { readonly status: 'duplicate'; readonly order: Order }
  | { readonly status: 'plan_unavailable' }
  | { readonly status: 'pack_unavailable' }
  /** Not the customer's subscription, or a traffic pack for an unlimited one. */
  | { readonly status: 'subscription_unavailable' }
  /** Autopay: the balance would fall below what the shop keeps back (`autopay_min_balance`); nothing ordered. */
  | { readonly status: 'keeps_too_little'; readonly balance: number; readonly needed: number }
  /** A new subscription past the shop's `max_subscriptions_per_customer`. */
  | { readonly status: 'subscription_limit'; readonly limit: number }
  | { readonly status: 'no_customer' };

/** What `decide` answers: the order to place, or why none is. */
type Decision =
  | { readonly refused: PurchaseOutcome }
  | { readonly order: Omit<typeof orders.$inferInsert, 'botId' | 'customerId' | 'currency'> };

export type TrialOutcome =
  | { readonly status: 'started'; readonly order: Order }
  | { readonly status: 'already_used' }
  | { readonly status: 'has_subscription' }
  | { readonly status: 'no_customer' };

export interface OrdersDeps {
  readonly tenant: TenantDb;
  readonly clock: Clock;
  readonly settings: SettingsService;
  /** For `promo_codes`: without it (or with the switch off) a held discount prices nothing. */
  readonly flags?: FeatureFlagsService;
}

/**
 * Buying: plans become orders (purchase, or renewal of the customer's one panel user) and trials;
 * an order is paid from the balance at once when it covers the price, and otherwise waits for a
 * payment to complete it (`payAwaiting`).
 */
export function createOrdersService({ tenant, clock, settings, flags }: OrdersDeps) {
  const { botId } = tenant;
  const findByKey = async (tx: TenantTx, key: string) => {
    const [row] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.botId, botId), eq(orders.idempotencyKey, key)));
    return row as Order | undefined;
  };

  const hasSubscription = async (tx: TenantTx, customerId: CustomerId) => {
    const [row] = await tx
      .select({ n: count() })
      .from(subscriptions)
      .where(and(eq(subscriptions.botId, botId), eq(subscriptions.customerId, customerId)));
    return row?.n ?? 0;
  };

  const customerBalance = async (tx: TenantTx, customerId: CustomerId) => {
    const [row] = await tx
      .select({ balance: customers.balance })
      .from(customers)
      .where(and(eq(customers.botId, botId), eq(customers.id, customerId)));
    return row?.balance ?? 0;
  };

  const ownedSubscription = async (tx: TenantTx, customerId: CustomerId, id: SubscriptionId) => {
    const [row] = await tx
      .select()
      .from(subscriptions)
      .where(
        and(
          eq(subscriptions.botId, botId),
          eq(subscriptions.id, id),
          eq(subscriptions.customerId, customerId),
        ),
      );
    return row;
  };

  /**
   * One way to order anything: under the customer's lock, the same press finds its order, `decide`
   * prices the order (or refuses), and it is paid from the balance when that covers the price. A
   * sale the tenant's wallet cannot cover is cancelled rather than left waiting for money.
   */
  const placeOrder = async (
    customerId: CustomerId,
    idempotencyKey: string | undefined,
    decide: (tx: TenantTx) => Promise<Decision>,
  ): Promise<PurchaseOutcome> => {
    const attempt = () =>
      tenant.transaction(async (tx): Promise<PurchaseOutcome> => {
        if (!(await lockCustomer(tx, customerId))) return { status: 'no_customer' };
        if (idempotencyKey !== undefined) {
          const existing = await findByKey(tx, idempotencyKey);
          if (existing) return { status: 'duplicate', order: existing };
        }
        const decided = await decide(tx);
        if ('refused' in decided) return decided.refused;
        const [created] = await tx
          .insert(orders)
          .values({
            ...decided.order,
            botId,
            customerId,
            currency: await tenantCurrency(tx),
            idempotencyKey: idempotencyKey ?? null,
          })
          .returning();
        const paid = await payOrder(tx, created!.id as OrderId, clock.now());
        if (paid.status === 'wallet_insufficient') {
          // the shop cannot sell it now: the order must not linger as one waiting for money
          await tx
            .update(orders)
            .set({ status: 'cancelled', updatedAt: clock.now() })
            .where(and(eq(orders.botId, botId), eq(orders.id, created!.id)));
        }
        return paid;
      });
    try {
      return await attempt();
    } catch (error) {
      // the same press in another process won the insert: answer with its order
      if (idempotencyKey !== undefined && isUniqueViolation(error, 'orders_bot_id_idempotency_key_key')) {
        return attempt();
      }
      throw error;
    }
  };

  return {
    /**
     * Orders a plan, as a renewal of `subscriptionId` or as a new subscription when none is named,
     * and pays it from the balance when it covers the price. A paid plan on a trial subscription
     * activates it (kind `purchase`: same panel user, a real period). `idempotencyKey` names the
     * button press: pressing twice finds the first order instead of making a second one.
     */
    async purchasePlan(input: {
      customerId: CustomerId;
      planId: PlanId;
      subscriptionId?: SubscriptionId;
      idempotencyKey?: string;
      /**
       * Order only when the balance covers the price and keeps at least this much (autopay);
       * otherwise nothing is ordered (`keeps_too_little`), rather than an order waiting for money.
       */
      keepBalance?: number;
    }): Promise<PurchaseOutcome> {
      // read before the order's transaction: the settings service opens its own
      const limit = await settings.get('max_subscriptions_per_customer');
      const promo = (await flags?.isEnabled('promo_codes')) ?? false;
      return placeOrder(input.customerId, input.idempotencyKey, async (tx) => {
        const [plan] = await tx
          .select()
          .from(botPlans)
          .where(and(eq(botPlans.botId, botId), eq(botPlans.id, input.planId), eq(botPlans.isActive, true)));
        if (!plan) return { refused: { status: 'plan_unavailable' } };
        // the customer's group prices the plan, then a discount code they hold (as the buy screens show)
        const quote = await quotePlan(tx, input.customerId, plan, { now: clock.now(), promo });
        const discounted =
          quote.promo !== undefined && 'redemptionId' in quote.promo ? quote.promo : undefined;
        if (input.keepBalance !== undefined) {
          // the customer row is locked: the balance read here is the one the debit will see
          const balance = await customerBalance(tx, input.customerId);
          const needed = quote.price + input.keepBalance;
          if (balance < needed) return { refused: { status: 'keeps_too_little', balance, needed } };
        }
        let kind: 'purchase' | 'renewal' = 'purchase';
        if (input.subscriptionId !== undefined) {
          const target = await ownedSubscription(tx, input.customerId, input.subscriptionId);
          if (!target) return { refused: { status: 'subscription_unavailable' } };
          if (!target.isTrial) kind = 'renewal';
        } else {
          if ((await hasSubscription(tx, input.customerId)) >= limit)
            return { refused: { status: 'subscription_limit', limit } };
        }
        return {
          order: {
            kind,
            planId: plan.id,
            subscriptionId: input.subscriptionId ?? null,
            planName: plan.name,
            price: quote.price,
            discountAmount: quote.discount,
            promoCodeId: discounted?.promoCodeId ?? null,
            promoRedemptionId: discounted?.redemptionId ?? null,
            periodDays: plan.periodDays,
            trafficGb: plan.trafficGb,
            deviceLimit: plan.deviceLimit,
          },
        };
      });
    },

    /**
     * Orders extra traffic or days for one of the customer's subscriptions (expired or limited
     * ones included) and pays it from the balance when it covers the price.
     */
    purchasePack(input: {
      customerId: CustomerId;
      packId: PackId;
      subscriptionId: SubscriptionId;
      idempotencyKey?: string;
    }): Promise<PurchaseOutcome> {
      return placeOrder(input.customerId, input.idempotencyKey, async (tx) => {
        const [pack] = await tx
          .select()
          .from(botPacks)
          .where(and(eq(botPacks.botId, botId), eq(botPacks.id, input.packId), eq(botPacks.isActive, true)));
        if (!pack) return { refused: { status: 'pack_unavailable' } };
        const target = await ownedSubscription(tx, input.customerId, input.subscriptionId);
        // unlimited traffic has nothing to add to
        if (!target || (pack.kind === 'traffic' && target.trafficLimitBytes === 0))
          return { refused: { status: 'subscription_unavailable' } };
        const traffic = pack.kind === 'traffic';
        return {
          order: {
            kind: traffic ? 'traffic_pack' : 'day_pack',
            packId: pack.id,
            subscriptionId: target.id,
            price: pack.price,
            periodDays: traffic ? 0 : pack.amount,
            trafficGb: traffic ? pack.amount : 0,
            deviceLimit: target.deviceLimit,
          },
        };
      });
    },

    /** Pays an order still waiting for money, e.g. after a top-up. */
    payAwaiting(orderId: OrderId): Promise<PayOutcome> {
      return tenant.transaction((tx) => payOrder(tx, orderId, clock.now()));
    },

    /** A trial with the tenant's trial settings, once per customer, for customers without a subscription. */
    async startTrial(customerId: CustomerId): Promise<TrialOutcome> {
      const [days, trafficGb, devices] = await Promise.all([
        settings.get('trial_days'),
        settings.get('trial_traffic_gb'),
        settings.get('trial_devices'),
      ]);
      try {
        return await tenant.transaction(async (tx): Promise<TrialOutcome> => {
          if (!(await lockCustomer(tx, customerId))) return { status: 'no_customer' };
          const [used] = await tx
            .select({ id: orders.id })
            .from(orders)
            .where(and(eq(orders.botId, botId), eq(orders.customerId, customerId), eq(orders.kind, 'trial')));
          if (used) return { status: 'already_used' };
          if ((await hasSubscription(tx, customerId)) > 0) return { status: 'has_subscription' };
          const [created] = await tx
            .insert(orders)
            .values({
              botId,
              customerId,
              kind: 'trial',
              price: 0,
              currency: await tenantCurrency(tx),
              periodDays: days,
              trafficGb,
              deviceLimit: devices,
            })
            .returning();
          const paid = await payOrder(tx, created!.id as OrderId, clock.now());
          if (paid.status !== 'paid') throw new Error(`trial order could not start: ${paid.status}`);
          return { status: 'started', order: paid.order };
        });
      } catch (error) {
        // the unique index is the last word when two presses race
        if (isUniqueViolation(error, 'orders_one_trial')) return { status: 'already_used' };
        throw error;
      }
    },

    async hasUsedTrial(customerId: CustomerId): Promise<boolean> {
      const [row] = await tenant.transaction((tx) =>
        tx
          .select({ id: orders.id })
          .from(orders)
          .where(and(eq(orders.botId, botId), eq(orders.customerId, customerId), eq(orders.kind, 'trial'))),
      );
      return row !== undefined;
    },

    async get(orderId: OrderId): Promise<Order | undefined> {
      const [row] = await tenant.transaction((tx) =>
        tx
          .select()
          .from(orders)
          .where(and(eq(orders.botId, botId), eq(orders.id, orderId))),
      );
      return row as Order | undefined;
    },

    /** The order a button press or an autopay period made, if it made one. */
    findByIdempotencyKey(key: string): Promise<Order | undefined> {
      return tenant.transaction((tx) => findByKey(tx, key));
    },

    async findByCustomer(customerId: CustomerId, limit = 20): Promise<Order[]> {
      const rows = await tenant.transaction((tx) =>
        tx
          .select()
          .from(orders)
          .where(and(eq(orders.botId, botId), eq(orders.customerId, customerId)))
          .orderBy(desc(orders.id))
          .limit(limit),
      );
      return rows as Order[];
    },

    /** Gives up an order nobody paid (the customer chose another plan, or an operator cleaned up). */
    async cancel(orderId: OrderId): Promise<boolean> {
      const rows = await tenant.transaction((tx) =>
        tx
          .update(orders)
          .set({ status: 'cancelled', updatedAt: clock.now() })
          .where(and(eq(orders.botId, botId), eq(orders.id, orderId), eq(orders.status, 'created')))
          .returning({ id: orders.id }),
      );
      return rows.length > 0;
    },
  };
}

export type OrdersService = ReturnType<typeof createOrdersService>;

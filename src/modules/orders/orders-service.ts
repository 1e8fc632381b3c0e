import { and, desc, eq } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors.js';
import { botPlans, orders, subscriptions } from '../../db/schema.js';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import type { Clock } from '../../shared/clock.js';
import type { CustomerId, OrderId, PlanId } from '../../shared/ids.js';
import type { SettingsService } from '../settings/settings-service.js';
import { lockCustomer, type Order, type PayOutcome, payOrder, tenantCurrency } from './pay-order.js';

export type PurchaseOutcome =
  | PayOutcome
  /** The same button press again: the order it already made, whatever became of it. */
  | { readonly status: 'duplicate'; readonly order: Order }
  | { readonly status: 'plan_unavailable' }
  | { readonly status: 'no_customer' };

export type TrialOutcome =
  | { readonly status: 'started'; readonly order: Order }
  | { readonly status: 'already_used' }
  | { readonly status: 'has_subscription' }
  | { readonly status: 'no_customer' };

export interface OrdersDeps {
  readonly tenant: TenantDb;
  readonly clock: Clock;
  readonly settings: SettingsService;
}

/**
 * Buying: plans become orders (purchase, or renewal of the customer's one panel user) and trials;
 * an order is paid from the balance at once when it covers the price, and otherwise waits for a
 * payment to complete it (`payAwaiting`).
 */
export function createOrdersService({ tenant, clock, settings }: OrdersDeps) {
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
      .select({ id: subscriptions.id })
      .from(subscriptions)
      .where(and(eq(subscriptions.botId, botId), eq(subscriptions.customerId, customerId)));
    return row !== undefined;
  };

  return {
    /**
     * Orders a plan and pays it from the balance when it covers the price. `idempotencyKey` names
     * the button press: pressing twice finds the first order instead of making a second one.
     */
    async purchasePlan(input: {
      customerId: CustomerId;
      planId: PlanId;
      idempotencyKey?: string;
    }): Promise<PurchaseOutcome> {
      const attempt = () =>
        tenant.transaction(async (tx): Promise<PurchaseOutcome> => {
          if (!(await lockCustomer(tx, input.customerId))) return { status: 'no_customer' };
          if (input.idempotencyKey !== undefined) {
            const existing = await findByKey(tx, input.idempotencyKey);
            if (existing) return { status: 'duplicate', order: existing };
          }
          const [plan] = await tx
            .select()
            .from(botPlans)
            .where(
              and(eq(botPlans.botId, botId), eq(botPlans.id, input.planId), eq(botPlans.isActive, true)),
            );
          if (!plan) return { status: 'plan_unavailable' };
          const [created] = await tx
            .insert(orders)
            .values({
              botId,
              customerId: input.customerId,
              kind: (await hasSubscription(tx, input.customerId)) ? 'renewal' : 'purchase',
              planId: plan.id,
              planName: plan.name,
              price: plan.price,
              currency: await tenantCurrency(tx),
              periodDays: plan.periodDays,
              trafficGb: plan.trafficGb,
              deviceLimit: plan.deviceLimit,
              idempotencyKey: input.idempotencyKey ?? null,
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
        if (
          input.idempotencyKey !== undefined &&
          isUniqueViolation(error, 'orders_bot_id_idempotency_key_key')
        ) {
          return attempt();
        }
        throw error;
      }
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
          if (await hasSubscription(tx, customerId)) return { status: 'has_subscription' };
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

import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { bots, customers, orders, type SubscriptionStatus, subscriptions } from '../../db/schema.js';
import type { TenantDb } from '../../db/tenant-tx.js';
import { orderActiveNotice } from '../../jobs/definitions/order-notice.js';
import { enqueue } from '../../jobs/enqueue.js';
import type { Clock } from '../../shared/clock.js';
import type { BotId, CustomerId, OrderId, SubscriptionId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { continuesSubscription, type Order } from '../orders/pay-order.js';
import type { SettingsService } from '../settings/settings-service.js';
import { type DesiredAccount, type PanelAccount, settledStatus, type VpnPanel } from './vpn-panel.js';

export type Subscription = typeof subscriptions.$inferSelect & { readonly id: SubscriptionId };

export type ProvisionOutcome =
  | { readonly status: 'active'; readonly order: Order; readonly subscription: Subscription }
  /** Already active or cancelled: nothing to do (a duplicate job run). */
  | { readonly status: 'skipped'; readonly order: Order | undefined };

/** Unreachable panel, unconfigured panel...: the provisioning job retries with backoff. */
export class PanelUnavailableError extends Error {
  override name = 'PanelUnavailableError';
}

export interface SubscriptionsDeps {
  readonly tenant: TenantDb;
  readonly clock: Clock;
  readonly settings: SettingsService;
  /** Absent when no panel is configured: provisioning waits (and says why in the job's error). */
  readonly panel: VpnPanel | undefined;
  readonly logger: Logger;
}

const PANEL_STATUS = {
  ACTIVE: 'active',
  DISABLED: 'disabled',
  LIMITED: 'limited',
  EXPIRED: 'expired',
} as const satisfies Record<PanelAccount['status'], SubscriptionStatus>;
/** What to store: the status the panel will settle on, not the one it answered a moment ago. */
const statusFromPanel = (account: PanelAccount, now: Date): SubscriptionStatus =>
  PANEL_STATUS[settledStatus(account, now)];

/**
 * What a subscription row keeps of the panel user it was just converged with, and the panel's time
 * of that state (`panel_event_at`, never moved back): a panel event sent before it (a traffic
 * sweep between two provisioning runs, the first run's own update) arrives late and is stale, so
 * it cannot put an older status, usage or link back over what provisioning stored. The other way
 * round too: an event about a later state (a revoked link, the user disabled), applied while
 * provisioning waited for the panel's answer, keeps what it wrote, as the row's `panel_event_at`
 * is then past the account's time.
 */
const fromAccount = (account: PanelAccount, now: Date) => {
  const mirrored = {
    status: statusFromPanel(account, now),
    usedTrafficBytes: account.usedTrafficBytes,
    panelShortUuid: account.shortUuid,
    subscriptionUrl: account.subscriptionUrl,
  };
  const always = { panelUserId: account.id, lostAt: null, syncedAt: now };
  if (!account.changedAt) return { ...always, ...mirrored };
  const at = account.changedAt.toISOString();
  const newer = sql`(${subscriptions.panelEventAt} IS NULL OR ${subscriptions.panelEventAt} <= ${at}::timestamptz)`;
  const unlessNewer = (value: unknown, column: AnyPgColumn) =>
    sql`CASE WHEN ${newer} THEN ${value} ELSE ${column} END`;
  return {
    ...always,
    status: unlessNewer(mirrored.status, subscriptions.status),
    usedTrafficBytes: unlessNewer(sql`${mirrored.usedTrafficBytes}::bigint`, subscriptions.usedTrafficBytes),
    panelShortUuid: unlessNewer(mirrored.panelShortUuid, subscriptions.panelShortUuid),
    subscriptionUrl: unlessNewer(mirrored.subscriptionUrl, subscriptions.subscriptionUrl),
    panelEventAt: sql`greatest(${subscriptions.panelEventAt}, ${at}::timestamptz)`,
  };
};

/**
 * The panel tag of a tenant whose `panel_tag` setting is empty: `RF` and the tenant id, within the
 * panel's `^[A-Z0-9_]+$` and 16 characters (a serial id has at most 10 digits).
 */
export const defaultPanelTag = (botId: BotId): string => `RF${botId}`;

/**
 * The customer's one subscription, as this shop entitles it (expiry, limits) and as the panel
 * shows it (status, link, usage). Provisioning makes the panel user match the entitlement.
 */
export function createSubscriptionsService({ tenant, clock, settings, panel, logger }: SubscriptionsDeps) {
  const { botId } = tenant;
  /** The customer's subscriptions, first bought first. */
  const listForCustomer = async (customerId: CustomerId): Promise<Subscription[]> => {
    const rows = await tenant.transaction((tx) =>
      tx
        .select()
        .from(subscriptions)
        .where(and(eq(subscriptions.botId, botId), eq(subscriptions.customerId, customerId)))
        .orderBy(asc(subscriptions.ordinal)),
    );
    return rows as Subscription[];
  };

  /** A subscription of this shop by id; undefined for another shop's or a missing one. */
  const get = async (subscriptionId: SubscriptionId): Promise<Subscription | undefined> => {
    const [row] = await tenant.transaction((tx) =>
      tx
        .select()
        .from(subscriptions)
        .where(and(eq(subscriptions.botId, botId), eq(subscriptions.id, subscriptionId))),
    );
    return row as Subscription | undefined;
  };

  /** The subscription when `customerId` owns it: what a customer's button press may reach. */
  const getOwned = async (
    customerId: CustomerId,
    subscriptionId: SubscriptionId,
  ): Promise<Subscription | undefined> => {
    const row = await get(subscriptionId);
    return row?.customerId === customerId ? row : undefined;
  };

  const requirePanel = (): VpnPanel => {
    if (!panel) throw new PanelUnavailableError('no VPN panel is configured (REMNAWAVE_URL)');
    return panel;
  };

  /** Finds the customer's panel user by id, else by its deterministic username. */
  const findAccount = async (vpn: VpnPanel, subscription: Subscription): Promise<PanelAccount | null> => {
    if (subscription.panelUserId !== null) {
      const byId = await vpn.findAccountById(subscription.panelUserId);
      if (byId) return byId;
      logger.warn(
        { panelUserId: subscription.panelUserId },
        'panel user vanished; looking it up by username',
      );
    }
    return vpn.findAccountByUsername(subscription.panelUsername);
  };

  const desiredFor = async (subscription: Subscription): Promise<DesiredAccount> => {
    const [squads, tag, strategy] = await Promise.all([
      settings.get('panel_squads'),
      settings.get('panel_tag'),
      settings.get('traffic_reset_strategy'),
    ]);
    if (squads.length === 0) logger.warn('panel_squads is empty: the panel user gets no working configs');
    return {
      expireAt: subscription.expiresAt ?? clock.now(),
      trafficLimitBytes: subscription.trafficLimitBytes,
      trafficLimitStrategy: strategy,
      deviceLimit: subscription.deviceLimit,
      squads,
      tag: tag ?? defaultPanelTag(botId),
    };
  };

  /**
   * Makes the panel user match the subscription's entitlement: looked up first (by id, then by the
   * deterministic username), created only when missing, so a retry after a timed-out create
   * reconciles instead of duplicating. Absolute values, safe to repeat. An existing user is updated
   * even when the entitlement has run out (a traffic pack on an expired user: the panel keeps it
   * expired until the expiry allows); a missing one is created only while the entitlement runs.
   * Devices are never touched. Null when there is nothing to create.
   */
  const converge = async (
    subscription: Subscription,
    customer: { telegramId: number; username: string | null },
    tenantName: string,
    freshQuota: boolean,
  ): Promise<PanelAccount | null> => {
    const vpn = requirePanel();
    const desired = await desiredFor(subscription);
    const ended = desired.expireAt <= clock.now();
    let account = await findAccount(vpn, subscription);
    if (account) {
      account = await vpn.updateAccount(account.id, desired, { ended });
      // the reset's answer is the account's state now (the update's may still show the old usage)
      if (freshQuota && account.usedTrafficBytes > 0) account = await vpn.resetTraffic(account.id);
      return account;
    }
    if (ended) return null;
    const created = {
      ...desired,
      username: subscription.panelUsername,
      telegramId: customer.telegramId,
      description: `${tenantName} / ${customer.username ?? customer.telegramId}`.slice(0, 200),
    };
    try {
      return await vpn.createAccount(created);
    } catch (error) {
      if (!vpn.isOutcomeUnknown(error) && !vpn.isUsernameTaken(error)) throw error;
      // it may have been created after all: find it, and converge it to what was paid for
      const found = await vpn.findAccountByUsername(subscription.panelUsername);
      if (!found) throw error;
      return vpn.updateAccount(found.id, desired);
    }
  };

  return {
    listForCustomer,
    get,
    getOwned,
    /** The customer's first subscription (the one every customer had before they could own several). */
    getForCustomer: async (customerId: CustomerId) => (await listForCustomer(customerId))[0],

    /**
     * Makes the panel user match a paid order's subscription: looked up first (by id, then by the
     * deterministic username), created only when missing, so a retry after a timed-out create
     * reconciles instead of duplicating. Safe to run any number of times; throws to be retried.
     */
    async provision(orderId: OrderId): Promise<ProvisionOutcome> {
      const loaded = await tenant.transaction(async (tx) => {
        const [order] = await tx
          .select()
          .from(orders)
          .where(and(eq(orders.botId, botId), eq(orders.id, orderId)));
        if (!order || !['paid', 'provisioning'].includes(order.status) || order.subscriptionId === null) {
          return { order: order as Order | undefined };
        }
        await tx
          .update(orders)
          .set({ status: 'provisioning', updatedAt: clock.now() })
          .where(and(eq(orders.id, orderId), eq(orders.status, 'paid')));
        const [subscription] = await tx
          .select()
          .from(subscriptions)
          .where(and(eq(subscriptions.botId, botId), eq(subscriptions.id, order.subscriptionId)));
        const [customer] = await tx
          .select({ telegramId: customers.telegramId, username: customers.username })
          .from(customers)
          .where(and(eq(customers.botId, botId), eq(customers.id, order.customerId)));
        const [tenant] = await tx.select({ name: bots.name }).from(bots).where(eq(bots.id, botId));
        return {
          order: order as Order,
          subscription: subscription as Subscription | undefined,
          customer,
          tenantName: tenant?.name ?? '',
        };
      });
      const { order } = loaded;
      if (!order || !loaded.subscription || !loaded.customer) return { status: 'skipped', order };
      const subscription = loaded.subscription;
      const now = clock.now();
      // a new period buys a fresh traffic quota; a pack only adds to the current one
      const freshQuota = continuesSubscription(order, subscription);
      const account = await converge(subscription, loaded.customer, loaded.tenantName, freshQuota);
      if (!account)
        logger.warn({ orderId }, 'order provisioned after its expiry; nothing to extend on the panel');

      return tenant.transaction(async (tx) => {
        const [updated] = await tx
          .update(subscriptions)
          .set({
            ...(account ? fromAccount(account, now) : { status: 'expired' as const }),
            updatedAt: now,
          })
          .where(and(eq(subscriptions.botId, botId), eq(subscriptions.id, subscription.id)))
          .returning();
        const [active] = await tx
          .update(orders)
          .set({ status: 'active', activatedAt: now, lastError: null, updatedAt: now })
          .where(and(eq(orders.botId, botId), eq(orders.id, orderId), eq(orders.status, 'provisioning')))
          .returning();
        if (!active) return { status: 'skipped' as const, order };
        await enqueue(tx, orderActiveNotice, { orderId });
        return { status: 'active' as const, order: active as Order, subscription: updated as Subscription };
      });
    },

    /**
     * Converges a subscription with the panel outside an order: an admin restoring a user the
     * panel lost (its paid entitlement unchanged). `expired` when the entitlement ran out meanwhile
     * and there is nothing to create. Throws when the panel cannot be reached.
     */
    async reprovision(subscriptionId: SubscriptionId): Promise<'restored' | 'expired' | 'not_found'> {
      const loaded = await tenant.transaction(async (tx) => {
        const [subscription] = await tx
          .select()
          .from(subscriptions)
          .where(and(eq(subscriptions.botId, botId), eq(subscriptions.id, subscriptionId)));
        if (!subscription) return undefined;
        const [customer] = await tx
          .select({ telegramId: customers.telegramId, username: customers.username })
          .from(customers)
          .where(and(eq(customers.botId, botId), eq(customers.id, subscription.customerId)));
        const [shop] = await tx.select({ name: bots.name }).from(bots).where(eq(bots.id, botId));
        return (
          customer && { subscription: subscription as Subscription, customer, tenantName: shop?.name ?? '' }
        );
      });
      if (!loaded) return 'not_found';
      const account = await converge(loaded.subscription, loaded.customer, loaded.tenantName, false);
      if (!account) return 'expired';
      const now = clock.now();
      await tenant.transaction((tx) =>
        tx
          .update(subscriptions)
          .set({ ...fromAccount(account, now), updatedAt: now })
          .where(and(eq(subscriptions.botId, botId), eq(subscriptions.id, subscriptionId))),
      );
      return 'restored';
    },

    /** Remembers why provisioning is waiting, for the operator and the customer's status view. */
    async recordProvisioningError(orderId: OrderId, message: string): Promise<void> {
      await tenant.transaction((tx) =>
        tx
          .update(orders)
          .set({ lastError: message.slice(0, 500), updatedAt: clock.now() })
          .where(and(eq(orders.botId, botId), eq(orders.id, orderId))),
      );
    },

    /**
     * One of the customer's subscriptions (their first when none is named) with fresh figures from
     * the panel when it answers; the stored ones otherwise (`live` says which).
     */
    async viewForCustomer(
      customerId: CustomerId,
      subscriptionId?: SubscriptionId,
    ): Promise<
      | {
          subscription: Subscription;
          live: boolean;
          onlineDevices: number | undefined;
          pendingOrders: number;
        }
      | undefined
    > {
      const subscription =
        subscriptionId === undefined
          ? (await listForCustomer(customerId))[0]
          : await getOwned(customerId, subscriptionId);
      if (!subscription) return undefined;
      const [pending] = await tenant.transaction((tx) =>
        tx
          .select({ n: count() })
          .from(orders)
          .where(
            and(
              eq(orders.botId, botId),
              eq(orders.subscriptionId, subscription.id),
              inArray(orders.status, ['paid', 'provisioning']),
            ),
          ),
      );
      const pendingOrders = pending?.n ?? 0;
      if (!panel || subscription.panelUserId === null) {
        return { subscription, live: false, onlineDevices: undefined, pendingOrders };
      }
      try {
        const account = await panel.findAccountById(subscription.panelUserId);
        if (!account) return { subscription, live: false, onlineDevices: undefined, pendingOrders };
        const devices = await panel.countDevices(account.id).catch(() => undefined);
        const now = clock.now();
        const [updated] = await tenant.transaction((tx) =>
          tx
            .update(subscriptions)
            .set({
              status: statusFromPanel(account, now),
              usedTrafficBytes: account.usedTrafficBytes,
              subscriptionUrl: account.subscriptionUrl || subscription.subscriptionUrl,
              panelShortUuid: account.shortUuid,
              syncedAt: now,
            })
            .where(and(eq(subscriptions.botId, botId), eq(subscriptions.id, subscription.id)))
            .returning(),
        );
        return {
          subscription: (updated ?? subscription) as Subscription,
          live: true,
          onlineDevices: devices,
          pendingOrders,
        };
      } catch (error) {
        logger.warn({ err: error }, 'panel did not answer; showing the stored subscription');
        return { subscription, live: false, onlineDevices: undefined, pendingOrders };
      }
    },
  };
}

export type SubscriptionsService = ReturnType<typeof createSubscriptionsService>;

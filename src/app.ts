import { type ChangeBus, createChangeBus } from './db/change-bus.js';
import type { DatabaseHandle } from './db/database.js';
import { isTransientDatabaseError } from './db/errors.js';
import { createJobQueue } from './db/job-queue.js';
import { platformDb } from './db/tenant-tx.js';
import type { JobDefinition } from './jobs/define.js';
import { type EnqueueOptions, enqueue } from './jobs/enqueue.js';
import { createAutopay } from './modules/autopay/autopay.js';
import { createBroadcastsService } from './modules/broadcasts/broadcasts-service.js';
import { createCardsService } from './modules/cards/cards-service.js';
import { createCustomersService } from './modules/customers/customers-service.js';
import { createModerationService } from './modules/customers/moderation-service.js';
import { createFeatureFlagsService, type FlagRows } from './modules/feature-flags/feature-flags-service.js';
import { createFleetCoordination } from './modules/fleet/fleet-coordination.js';
import { createFleetStats } from './modules/fleet-stats/fleet-stats.js';
import { createGroupsService } from './modules/groups/groups-service.js';
import { createHelpService } from './modules/help/help-service.js';
import { createImporterService } from './modules/importer/importer-service.js';
import { createLedgerService } from './modules/ledger/ledger-service.js';
import { createLifecycleService } from './modules/lifecycle/lifecycle-service.js';
import {
  createMaintenance,
  type MaintenanceState,
  type PlatformMaintenanceView,
} from './modules/maintenance/maintenance-service.js';
import { createMiniAppService } from './modules/miniapp/miniapp-service.js';
import { createOrdersService } from './modules/orders/orders-service.js';
import { createPacksService } from './modules/packs/packs-service.js';
import { createCardPaymentsService } from './modules/payments/card-to-card.js';
import { createPaymentHistory } from './modules/payments/payment-history.js';
import { createStarsPaymentsService } from './modules/payments/stars-payments.js';
import { createTopUpService } from './modules/payments/top-up.js';
import {
  createZarinpalPaymentsService,
  type ZarinpalSettings,
} from './modules/payments/zarinpal-payments.js';
import { createPlansService } from './modules/plans/plans-service.js';
import { createPromoService } from './modules/promo/promo-service.js';
import { createReferralService } from './modules/referral/referral-service.js';
import { createResellerShopService } from './modules/resellers/reseller-shop.js';
import { createResellersService } from './modules/resellers/resellers-service.js';
import { createSessionsService } from './modules/sessions/sessions-service.js';
import { createSettingsService, type SettingRows } from './modules/settings/settings-service.js';
import { createSalesStats } from './modules/stats/sales-stats.js';
import { createDevicesService } from './modules/subscriptions/devices.js';
import { createPanelEventsService, createPanelUserOwners } from './modules/subscriptions/panel-events.js';
import { createPanelSquads } from './modules/subscriptions/panel-squads.js';
import { createSubscriptionsService } from './modules/subscriptions/subscriptions-service.js';
import type { VpnPanel } from './modules/subscriptions/vpn-panel.js';
import { createTenantRegistry } from './modules/tenants/tenant-registry.js';
import { createTicketsService } from './modules/tickets/tickets-service.js';
import { createUnfinishedUpdates, createUpdatesService } from './modules/updates/updates-service.js';
import { createConsumptionBillingService } from './modules/wallet/consumption-billing.js';
import { findOperatorContact } from './modules/wallet/operator-contact.js';
import { panelUsage } from './modules/wallet/panel-usage.js';
import { syncTenantTraffic } from './modules/wallet/traffic-sync.js';
import { createWalletReport } from './modules/wallet/wallet-report.js';
import { createWalletService } from './modules/wallet/wallet-service.js';
import { type Clock, systemClock } from './shared/clock.js';
import type { SecretBox } from './shared/crypto.js';
import type { BotId } from './shared/ids.js';
import type { Logger } from './shared/logger.js';
import { createTenantCache } from './shared/tenant-cache.js';

export interface AppDeps {
  readonly database: DatabaseHandle;
  readonly secrets: SecretBox;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** The VPN panel customers' subscriptions live on; without it, paid orders wait for one. */
  readonly panel?: VpnPanel | undefined;
  /** The Zarinpal gateway (production and sandbox hosts) and where its callbacks come back; absent: no Zarinpal. */
  readonly zarinpal?: ZarinpalSettings | undefined;
  /** Safety net behind change notifications (default 60 s). */
  readonly cacheMaxAgeMs?: number;
  /** PUBLIC_BASE_URL: where each shop's Mini App is served (`/app/<bot id>`); absent: no Mini App address. */
  readonly publicBaseUrl?: string | undefined;
}

/**
 * The business core. Tenant data is reachable only through `forTenant(botId)`, whose services are
 * bound to that tenant; cross-tenant work goes through the small `platform`.
 */
export function createApp(deps: AppDeps) {
  const { database, secrets, logger } = deps;
  const db = platformDb(database.db);
  const clock = deps.clock ?? systemClock;
  const bus: ChangeBus = createChangeBus(database, logger);
  const maxAge = deps.cacheMaxAgeMs ?? 60_000;
  const flagCache = createTenantCache<FlagRows>(maxAge);
  const settingsCache = createTenantCache<SettingRows>(maxAge);

  // maintenance mode, platform-wide and per shop: read on every update and before customer notices
  const maintenance = createMaintenance({
    db,
    bus,
    shopCache: createTenantCache<MaintenanceState>(maxAge),
    platformCache: createTenantCache<PlatformMaintenanceView>(maxAge),
  });

  bus.subscribe((event) => {
    maintenance.onChange(event);
    if (event === 'reset') {
      flagCache.clear();
      settingsCache.clear();
    } else if (event.kind === 'platform') {
      // the platform's maintenance switch: handled above
    } else if (event.kind === 'flags') {
      flagCache.invalidate(event.botId);
    } else if (event.kind === 'settings') {
      settingsCache.invalidate(event.botId);
    } else {
      // a deleted tenant's caches must not outlive it
      flagCache.invalidate(event.botId);
      settingsCache.invalidate(event.botId);
    }
  });

  const platform = {
    tenants: createTenantRegistry({ db, secrets, bus }),
    /** The job queue across tenants, for the runner (jobs are enqueued by the tenants' services). */
    jobs: createJobQueue(database),
    /** Operator reports across tenants (one tenant-bound transaction per tenant). */
    stats: createFleetStats({ db }),
    /** Updates whose handling was cut short, for the fleet's recovery sweep. */
    updates: createUnfinishedUpdates({ db }),
    /** Several processes on one PostgreSQL: poll leases per bot and the claim to set a webhook. */
    coordination: createFleetCoordination({ db }),
    /**
     * Whether an error means the database is out of reach for now (connection lost, shutting down,
     * too many clients) rather than refusing the work: the delivery layers defer instead of failing.
     */
    isDatabaseUnavailable: isTransientDatabaseError,
    /** Whether the database answers now (for /health), on a connection of its own. */
    isDatabaseReachable: (timeoutMs = 2000) => database.ping(timeoutMs),
    /** Whether the change bus hears other processes' changes now (for /health). */
    isChangeBusConnected: () => bus.isConnected(),
    /** The database pool's connections now (PostgreSQL), for GET /metrics. */
    databasePool: () => database.poolStats(),
    /** The panel's internal squads, for the operator choosing a shop's in the master bot. */
    panelSquads: createPanelSquads(deps.panel),
    /** Maintenance of the whole platform (operators), and whether a shop is in maintenance (job runner). */
    maintenance: maintenance.platform,
    /** The shop of a panel user named outside this fleet (imported shops), for the panel's webhooks. */
    panelUserOwners: createPanelUserOwners({ db }),
  };

  const forTenant = (botId: BotId) => {
    // the tenant-bound handle is all the services get: no raw database, no bot id to pass around
    const tenant = db.tenant(botId);
    const settings = createSettingsService({ tenant, cache: settingsCache, bus });
    const flags = createFeatureFlagsService({ tenant, cache: flagCache, bus });
    const orders = createOrdersService({ tenant, clock, settings, flags });
    const lifecycle = createLifecycleService({ tenant, clock, settings });
    const cards = createCardsService({
      tenant,
      settings,
      clock,
      ...(deps.random ? { random: deps.random } : {}),
    });
    const topUp = createTopUpService({ tenant, settings });
    return {
      botId,
      flags,
      settings,
      plans: createPlansService({ tenant }),
      /** Extra traffic and extra day packs the shop sells on top of a subscription. */
      packs: createPacksService({ tenant }),
      /** The FAQ and connection guides customers read from the main menu. */
      help: createHelpService({ tenant }),
      /** Imports a single-tenant installation into this shop, and rolls it back (CLI import:single-tenant). */
      importer: createImporterService({ tenant, clock, settings }),
      cards,
      customers: createCustomersService({ tenant }),
      /** Customer groups (price lists): a discount percent or per-plan prices per group. */
      groups: createGroupsService({ tenant }),
      /** Promo codes: created by admins, redeemed by customers (switch promo_codes). */
      promo: createPromoService({ tenant, clock, settings, flags }),
      /** Ban, unban and write to one customer (admin menu and REST API). */
      moderation: createModerationService({ tenant, clock, settings }),
      /** Referral rewards on invited customers' payments, and what the "Invite friends" screen shows. */
      referral: createReferralService({
        tenant,
        settings,
        flags,
      }),
      ledger: createLedgerService({ tenant }),
      /** The wallet's entries summed by kind over a period (the admin menu's wallet screen). */
      walletReport: createWalletReport({ tenant }),
      /** How the shop's admins reach the operator (the master bot, its support), e.g. to top up the wallet. */
      operatorContact: () =>
        findOperatorContact({
          getMaster: platform.tenants.getMaster,
          supportUsernameOf: (masterId) => forTenant(masterId).settings.get('support_username'),
        }),
      orders,
      /** Renewals from the balance before expiry, once per period. */
      autopay: createAutopay({ tenant, clock, settings, orders }),
      subscriptions: createSubscriptionsService({
        tenant,
        clock,
        settings,
        panel: deps.panel,
        logger: logger.child({ botId }),
      }),
      /** A subscription's devices and a new link for it, read from and done on the panel. */
      devices: createDevicesService({ tenant, clock, panel: deps.panel, logger: logger.child({ botId }) }),
      /** The panel's webhook events applied to this shop's subscriptions. */
      panelEvents: createPanelEventsService({ tenant, clock, settings, logger: logger.child({ botId }) }),
      updates: createUpdatesService({ tenant }),
      /** Expiry and traffic notices: the daily planning, the claims at a sync and the send-time check. */
      lifecycle,
      sessions: createSessionsService({ tenant }),
      wallet: createWalletService({ tenant, bus }),
      /** Billing by consumption: the daily charge of the traffic used, once a day (setting wallet_billing_mode). */
      walletBilling: createConsumptionBillingService({ tenant, clock }),
      /** Enqueues a job for this tenant in a transaction of its own (no state change carries it). */
      jobs: {
        enqueue: <P>(job: JobDefinition<P>, payload: NoInfer<P>, options?: EnqueueOptions) =>
          tenant.transaction((tx) => enqueue(tx, job, payload, options)),
      },
      /**
       * Stores each subscription's usage and the tenant's consumed traffic from the panel, and
       * claims the traffic warnings the changed usage makes due.
       */
      syncTraffic: async () => {
        if (!deps.panel) return undefined;
        const usage = panelUsage(deps.panel);
        const synced = await syncTenantTraffic({
          tenant,
          clock,
          panel: usage.source,
          isMissing: usage.isMissing,
        });
        // traffic warnings are claimed where usage changes, not by the daily planner
        const warned = await lifecycle.claimTrafficNotices(synced.changed);
        return { ...synced, trafficWarnings: warned.traffic };
      },
      /** Top-up amounts and limits shared by every payment method. */
      topUp,
      /** The shop's Mini App: its address and the payment rules it shares with the bot. */
      miniApp: createMiniAppService({ botId, flags, topUp, cards, publicBaseUrl: deps.publicBaseUrl }),
      cardPayments: createCardPaymentsService({ tenant, clock, settings }),
      zarinpal: createZarinpalPaymentsService({
        tenant,
        clock,
        logger: logger.child({ botId }),
        settings: deps.zarinpal,
      }),
      stars: createStarsPaymentsService({ tenant, clock, settings, logger: logger.child({ botId }) }),
      /** Every payment method's payments together, newest first (read only). */
      payments: createPaymentHistory({ tenant }),
      /** The tenant admins' sales report. */
      stats: createSalesStats({ tenant, clock }),
      /** Messages to a segment of the shop's customers, delivered at the bot's pace. */
      broadcasts: createBroadcastsService({
        tenant,
        flags,
      }),
      /** Support tickets between customers and the shop's admins. */
      tickets: createTicketsService({ tenant, clock, settings }),
      /**
       * The master shop selling shops of their own: reseller plans, signups, wallet top-ups paid to
       * the operator (used on the master tenant; another shop has no plans to offer).
       */
      resellers: createResellersService({
        tenant,
        clock,
        secrets,
        tenants: platform.tenants,
        shop: (shopId) => {
          const shopTenant = db.tenant(shopId);
          return {
            tenant: shopTenant,
            flags: createFeatureFlagsService({ tenant: shopTenant, cache: flagCache, bus }),
          };
        },
      }),
      /** This shop as a reseller: its plan, the monthly fee from its wallet, suspension, the customer cap. */
      resellerShop: createResellerShopService({
        tenant,
        clock,
        graceDays: (masterId) =>
          createSettingsService({ tenant: db.tenant(masterId), cache: settingsCache, bus }).get(
            'reseller_grace_days',
          ),
      }),
      /** The shop's maintenance switch (its admins, the operators) and the platform's, as they apply to it. */
      maintenance: maintenance.forTenant(tenant),
    };
  };

  return {
    platform,
    forTenant,
    /** Subscribes to changes made by other processes. */
    start: () => bus.start(),
    events: { subscribe: bus.subscribe },
    stop: () => bus.stop(),
  };
}

export type App = ReturnType<typeof createApp>;
export type TenantServices = ReturnType<App['forTenant']>;

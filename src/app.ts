import { type ChangeBus, createChangeBus } from './db/change-bus.js';
import type { DatabaseHandle } from './db/database.js';
import { isTransientDatabaseError } from './db/errors.js';
import { createJobQueue } from './db/job-queue.js';
import { platformDb, type TenantDb } from './db/tenant-tx.js';
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
import {
  createFinishQueue,
  createFleetUpdates,
  createUpdatesService,
} from './modules/updates/updates-service.js';
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

  // handled updates' finishes, sent together across the shops about 20 ms after the first
  const finishes = createFinishQueue({
    db,
    onError: (error, count) =>
      logger.warn({ err: error, finishes: count }, 'could not finish handled updates; trying again'),
  });

  const platform = {
    tenants: createTenantRegistry({ db, secrets, bus }),
    /** The job queue across tenants, for the runner (jobs are enqueued by the tenants' services). */
    jobs: createJobQueue(database),
    /** Operator reports across tenants (one tenant-bound transaction per tenant). */
    stats: createFleetStats({ db }),
    /** Updates across shops: those whose handling was cut short (recovery sweep), and retention. */
    updates: createFleetUpdates({ db }),
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

  /**
   * One shop's services, bound to its tenant: the tenant-bound handle is all they get, no raw
   * database and no bot id to pass around. Each service is built on its first use and kept. A fleet
   * holds one of these per bot and most bots are idle: building every service of every shop at once
   * cost about 70 KB a shop (see docs/benchmarks.md); a job or a request builds only what it reads.
   */
  class TenantServices {
    readonly #tenant: TenantDb;
    #flags?: ReturnType<typeof createFeatureFlagsService>;
    #settings?: ReturnType<typeof createSettingsService>;
    #plans?: ReturnType<typeof createPlansService>;
    #packs?: ReturnType<typeof createPacksService>;
    #help?: ReturnType<typeof createHelpService>;
    #importer?: ReturnType<typeof createImporterService>;
    #cards?: ReturnType<typeof createCardsService>;
    #customers?: ReturnType<typeof createCustomersService>;
    #groups?: ReturnType<typeof createGroupsService>;
    #promo?: ReturnType<typeof createPromoService>;
    #moderation?: ReturnType<typeof createModerationService>;
    #referral?: ReturnType<typeof createReferralService>;
    #ledger?: ReturnType<typeof createLedgerService>;
    #walletReport?: ReturnType<typeof createWalletReport>;
    #orders?: ReturnType<typeof createOrdersService>;
    #autopay?: ReturnType<typeof createAutopay>;
    #subscriptions?: ReturnType<typeof createSubscriptionsService>;
    #devices?: ReturnType<typeof createDevicesService>;
    #panelEvents?: ReturnType<typeof createPanelEventsService>;
    #updates?: ReturnType<typeof createUpdatesService>;
    #lifecycle?: ReturnType<typeof createLifecycleService>;
    #sessions?: ReturnType<typeof createSessionsService>;
    #wallet?: ReturnType<typeof createWalletService>;
    #walletBilling?: ReturnType<typeof createConsumptionBillingService>;
    #jobs?: {
      readonly enqueue: <P>(
        job: JobDefinition<P>,
        payload: NoInfer<P>,
        options?: EnqueueOptions,
      ) => ReturnType<typeof enqueue>;
    };
    #topUp?: ReturnType<typeof createTopUpService>;
    #miniApp?: ReturnType<typeof createMiniAppService>;
    #cardPayments?: ReturnType<typeof createCardPaymentsService>;
    #zarinpal?: ReturnType<typeof createZarinpalPaymentsService>;
    #stars?: ReturnType<typeof createStarsPaymentsService>;
    #payments?: ReturnType<typeof createPaymentHistory>;
    #stats?: ReturnType<typeof createSalesStats>;
    #broadcasts?: ReturnType<typeof createBroadcastsService>;
    #tickets?: ReturnType<typeof createTicketsService>;
    #resellers?: ReturnType<typeof createResellersService>;
    #resellerShop?: ReturnType<typeof createResellerShopService>;
    #maintenance?: ReturnType<typeof maintenance.forTenant>;
    #logger?: Logger;

    constructor(readonly botId: BotId) {
      this.#tenant = db.tenant(botId);
    }

    /** This shop's log lines carry its bot id. */
    get #log(): Logger {
      this.#logger ??= logger.child({ botId: this.botId });
      return this.#logger;
    }

    get flags() {
      this.#flags ??= createFeatureFlagsService({ tenant: this.#tenant, cache: flagCache, bus });
      return this.#flags;
    }
    get settings() {
      this.#settings ??= createSettingsService({ tenant: this.#tenant, cache: settingsCache, bus });
      return this.#settings;
    }
    get plans() {
      this.#plans ??= createPlansService({ tenant: this.#tenant });
      return this.#plans;
    }
    /** Extra traffic and extra day packs the shop sells on top of a subscription. */
    get packs() {
      this.#packs ??= createPacksService({ tenant: this.#tenant });
      return this.#packs;
    }
    /** The FAQ and connection guides customers read from the main menu. */
    get help() {
      this.#help ??= createHelpService({ tenant: this.#tenant });
      return this.#help;
    }
    /** Imports a single-tenant installation into this shop, and rolls it back (CLI import:single-tenant). */
    get importer() {
      this.#importer ??= createImporterService({
        tenant: this.#tenant,
        clock,
        settings: this.settings,
      });
      return this.#importer;
    }
    get cards() {
      this.#cards ??= createCardsService({
        tenant: this.#tenant,
        settings: this.settings,
        clock,
        ...(deps.random ? { random: deps.random } : {}),
      });
      return this.#cards;
    }
    get customers() {
      this.#customers ??= createCustomersService({ tenant: this.#tenant });
      return this.#customers;
    }
    /** Customer groups (price lists): a discount percent or per-plan prices per group. */
    get groups() {
      this.#groups ??= createGroupsService({ tenant: this.#tenant });
      return this.#groups;
    }
    /** Promo codes: created by admins, redeemed by customers (switch promo_codes). */
    get promo() {
      this.#promo ??= createPromoService({
        tenant: this.#tenant,
        clock,
        settings: this.settings,
        flags: this.flags,
      });
      return this.#promo;
    }
    /** Ban, unban and write to one customer (admin menu and REST API). */
    get moderation() {
      this.#moderation ??= createModerationService({
        tenant: this.#tenant,
        clock,
        settings: this.settings,
      });
      return this.#moderation;
    }
    /** Referral rewards on invited customers' payments, and what the "Invite friends" screen shows. */
    get referral() {
      this.#referral ??= createReferralService({
        tenant: this.#tenant,
        settings: this.settings,
        flags: this.flags,
      });
      return this.#referral;
    }
    get ledger() {
      this.#ledger ??= createLedgerService({ tenant: this.#tenant });
      return this.#ledger;
    }
    /** The wallet's entries summed by kind over a period (the admin menu's wallet screen). */
    get walletReport() {
      this.#walletReport ??= createWalletReport({ tenant: this.#tenant });
      return this.#walletReport;
    }
    /** How the shop's admins reach the operator (the master bot, its support), e.g. to top up the wallet. */
    operatorContact() {
      return findOperatorContact({
        getMaster: platform.tenants.getMaster,
        supportUsernameOf: (masterId) => forTenant(masterId).settings.get('support_username'),
      });
    }
    get orders() {
      this.#orders ??= createOrdersService({
        tenant: this.#tenant,
        clock,
        settings: this.settings,
        flags: this.flags,
      });
      return this.#orders;
    }
    /** Renewals from the balance before expiry, once per period. */
    get autopay() {
      this.#autopay ??= createAutopay({
        tenant: this.#tenant,
        clock,
        settings: this.settings,
        orders: this.orders,
      });
      return this.#autopay;
    }
    get subscriptions() {
      this.#subscriptions ??= createSubscriptionsService({
        tenant: this.#tenant,
        clock,
        settings: this.settings,
        panel: deps.panel,
        logger: this.#log,
      });
      return this.#subscriptions;
    }
    /** A subscription's devices and a new link for it, read from and done on the panel. */
    get devices() {
      this.#devices ??= createDevicesService({
        tenant: this.#tenant,
        clock,
        panel: deps.panel,
        logger: this.#log,
      });
      return this.#devices;
    }
    /** The panel's webhook events applied to this shop's subscriptions. */
    get panelEvents() {
      this.#panelEvents ??= createPanelEventsService({
        tenant: this.#tenant,
        clock,
        settings: this.settings,
        logger: this.#log,
      });
      return this.#panelEvents;
    }
    get updates() {
      this.#updates ??= createUpdatesService({ tenant: this.#tenant, finishes });
      return this.#updates;
    }
    /** Expiry and traffic notices: the daily planning, the claims at a sync and the send-time check. */
    get lifecycle() {
      this.#lifecycle ??= createLifecycleService({
        tenant: this.#tenant,
        clock,
        settings: this.settings,
      });
      return this.#lifecycle;
    }
    get sessions() {
      this.#sessions ??= createSessionsService({ tenant: this.#tenant });
      return this.#sessions;
    }
    get wallet() {
      this.#wallet ??= createWalletService({ tenant: this.#tenant, bus });
      return this.#wallet;
    }
    /** Billing by consumption: the daily charge of the traffic used, once a day (setting wallet_billing_mode). */
    get walletBilling() {
      this.#walletBilling ??= createConsumptionBillingService({ tenant: this.#tenant, clock });
      return this.#walletBilling;
    }
    /** Enqueues a job for this tenant in a transaction of its own (no state change carries it). */
    get jobs() {
      const tenant = this.#tenant;
      this.#jobs ??= {
        enqueue: (job, payload, options) => tenant.transaction((tx) => enqueue(tx, job, payload, options)),
      };
      return this.#jobs;
    }
    /**
     * Stores each subscription's usage and the tenant's consumed traffic from the panel, and
     * claims the traffic warnings the changed usage makes due.
     */
    async syncTraffic() {
      if (!deps.panel) return undefined;
      const usage = panelUsage(deps.panel);
      const synced = await syncTenantTraffic({
        tenant: this.#tenant,
        clock,
        panel: usage.source,
        isMissing: usage.isMissing,
      });
      // traffic warnings are claimed where usage changes, not by the daily planner
      const warned = await this.lifecycle.claimTrafficNotices(synced.changed);
      return { ...synced, trafficWarnings: warned.traffic };
    }
    /** Top-up amounts and limits shared by every payment method. */
    get topUp() {
      this.#topUp ??= createTopUpService({ tenant: this.#tenant, settings: this.settings });
      return this.#topUp;
    }
    /** The shop's Mini App: its address and the payment rules it shares with the bot. */
    get miniApp() {
      this.#miniApp ??= createMiniAppService({
        botId: this.botId,
        flags: this.flags,
        topUp: this.topUp,
        cards: this.cards,
        publicBaseUrl: deps.publicBaseUrl,
      });
      return this.#miniApp;
    }
    get cardPayments() {
      this.#cardPayments ??= createCardPaymentsService({
        tenant: this.#tenant,
        clock,
        settings: this.settings,
      });
      return this.#cardPayments;
    }
    get zarinpal() {
      this.#zarinpal ??= createZarinpalPaymentsService({
        tenant: this.#tenant,
        clock,
        logger: this.#log,
        settings: deps.zarinpal,
      });
      return this.#zarinpal;
    }
    get stars() {
      this.#stars ??= createStarsPaymentsService({
        tenant: this.#tenant,
        clock,
        settings: this.settings,
        logger: this.#log,
      });
      return this.#stars;
    }
    /** Every payment method's payments together, newest first (read only). */
    get payments() {
      this.#payments ??= createPaymentHistory({ tenant: this.#tenant });
      return this.#payments;
    }
    /** The tenant admins' sales report. */
    get stats() {
      this.#stats ??= createSalesStats({ tenant: this.#tenant, clock });
      return this.#stats;
    }
    /** Messages to a segment of the shop's customers, delivered at the bot's pace. */
    get broadcasts() {
      this.#broadcasts ??= createBroadcastsService({ tenant: this.#tenant, flags: this.flags });
      return this.#broadcasts;
    }
    /** Support tickets between customers and the shop's admins. */
    get tickets() {
      this.#tickets ??= createTicketsService({
        tenant: this.#tenant,
        clock,
        settings: this.settings,
      });
      return this.#tickets;
    }
    /**
     * The master shop selling shops of their own: reseller plans, signups, wallet top-ups paid to
     * the operator (used on the master tenant; another shop has no plans to offer).
     */
    get resellers() {
      this.#resellers ??= createResellersService({
        tenant: this.#tenant,
        clock,
        secrets,
        tenants: platform.tenants,
        shop: (shopId) => ({ tenant: db.tenant(shopId), flags: forTenant(shopId).flags }),
      });
      return this.#resellers;
    }
    /** This shop as a reseller: its plan, the monthly fee from its wallet, suspension, the customer cap. */
    get resellerShop() {
      this.#resellerShop ??= createResellerShopService({
        tenant: this.#tenant,
        clock,
        graceDays: (masterId) => forTenant(masterId).settings.get('reseller_grace_days'),
      });
      return this.#resellerShop;
    }
    /** The shop's maintenance switch (its admins, the operators) and the platform's, as they apply to it. */
    get maintenance() {
      this.#maintenance ??= maintenance.forTenant(this.#tenant);
      return this.#maintenance;
    }
  }

  const forTenant = (botId: BotId): TenantServices => new TenantServices(botId);

  return {
    platform,
    forTenant,
    /** Subscribes to changes made by other processes. */
    start: () => bus.start(),
    events: { subscribe: bus.subscribe },
    /** Sends the finishes still waiting, then stops hearing changes (before the database closes). */
    async stop() {
      await finishes.close();
      await bus.stop();
    },
  };
}

export type App = ReturnType<typeof createApp>;
export type TenantServices = ReturnType<App['forTenant']>;

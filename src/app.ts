import { type ChangeBus, createChangeBus } from './db/change-bus.js';
import type { DatabaseHandle } from './db/database.js';
import { createCardsService } from './modules/cards/cards-service.js';
import { createCustomersService } from './modules/customers/customers-service.js';
import { createFeatureFlagsService, type FlagRows } from './modules/feature-flags/feature-flags-service.js';
import { createLedgerService } from './modules/ledger/ledger-service.js';
import { createPlansService } from './modules/plans/plans-service.js';
import { createSessionsService } from './modules/sessions/sessions-service.js';
import { createSettingsService, type SettingRows } from './modules/settings/settings-service.js';
import { createTenantRegistry } from './modules/tenants/tenant-registry.js';
import { createUpdatesService } from './modules/updates/updates-service.js';
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
  /** Safety net behind change notifications (default 60 s). */
  readonly cacheMaxAgeMs?: number;
}

/**
 * The business core. Tenant data is reachable only through `forTenant(botId)`, whose services are
 * bound to that tenant; cross-tenant work goes through the small `platform`.
 */
export function createApp(deps: AppDeps) {
  const { database, secrets, logger } = deps;
  const { db } = database;
  const clock = deps.clock ?? systemClock;
  const bus: ChangeBus = createChangeBus(database, logger);
  const maxAge = deps.cacheMaxAgeMs ?? 60_000;
  const flagCache = createTenantCache<FlagRows>(maxAge);
  const settingsCache = createTenantCache<SettingRows>(maxAge);

  bus.subscribe((event) => {
    if (event === 'reset') {
      flagCache.clear();
      settingsCache.clear();
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
  };

  const forTenant = (botId: BotId) => {
    const settings = createSettingsService({ db, botId, cache: settingsCache, bus });
    return {
      botId,
      flags: createFeatureFlagsService({ db, botId, cache: flagCache, bus }),
      settings,
      plans: createPlansService({ db, botId }),
      cards: createCardsService({
        db,
        botId,
        settings,
        clock,
        ...(deps.random ? { random: deps.random } : {}),
      }),
      customers: createCustomersService({ db, botId }),
      ledger: createLedgerService({ db, botId }),
      updates: createUpdatesService({ db, botId }),
      sessions: createSessionsService({ db, botId }),
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

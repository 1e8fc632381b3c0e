import { count, eq, isNotNull, sql } from 'drizzle-orm';
import type { ChangeBus } from '../../db/change-bus.js';
import { bots, platformMaintenance } from '../../db/schema.js';
import type { PlatformDb, TenantDb } from '../../db/tenant-tx.js';
import type { BotId } from '../../shared/ids.js';
import type { TenantCache } from '../../shared/tenant-cache.js';

/** One maintenance switch: on since `since`, or off (`since` null). */
export interface MaintenanceState {
  readonly on: boolean;
  readonly since: Date | null;
}

/** What decides whether a shop's customers are served now: its own switch and the platform's. */
export interface EffectiveMaintenance {
  readonly platform: MaintenanceState;
  readonly shop: MaintenanceState;
  /** Either of the two: customers get the "back soon" line, jobs that message them wait. */
  readonly on: boolean;
}

const stateOf = (since: Date | null | undefined): MaintenanceState => ({
  on: since !== null && since !== undefined,
  since: since ?? null,
});

/** The platform's state, with who the operators are (the master bot's admins) for the bot gate. */
export interface PlatformMaintenanceView extends MaintenanceState {
  /** The operators' Telegram ids: they pass every shop's gate. */
  readonly operatorIds: readonly number[];
  /** The master tenant, whose admin list changes are followed. */
  readonly masterId: number | null;
}

/**
 * Maintenance mode, platform-wide and per shop. Both are read on every update and before every job
 * that messages customers, so both are cached in the process (one read per tenant, and one for the
 * platform, per change or per cache age) and a change is announced on the change bus: every process
 * sees it within a moment, and at the latest when its cache entry expires.
 *
 * The platform's switch lives in `platform_maintenance` (platform transactions only), a shop's in
 * `bots.maintenance_since`, changed through the shop's own tenant-bound transaction (announced as
 * a `tenant` change: the fleet's copy of the tenant follows it too).
 */
export function createMaintenance(deps: {
  readonly db: PlatformDb;
  readonly bus: ChangeBus;
  readonly shopCache: TenantCache<MaintenanceState>;
  readonly platformCache: TenantCache<PlatformMaintenanceView>;
}) {
  const { db, bus, shopCache, platformCache } = deps;
  // the platform's one entry in a per-tenant cache (ids are positive: 0 is no tenant's)
  const PLATFORM_KEY = 0;
  /** The master tenant as last loaded: a change of it may change who the operators are. */
  let knownMasterId: number | null = null;

  const loadPlatform = () =>
    platformCache.get(PLATFORM_KEY, () =>
      db.transaction(async (tx) => {
        const [row] = await tx.select({ since: platformMaintenance.since }).from(platformMaintenance);
        const [master] = await tx
          .select({ id: bots.id, admins: bots.adminTelegramIds })
          .from(bots)
          .where(eq(bots.isMaster, true));
        knownMasterId = master?.id ?? null;
        return { ...stateOf(row?.since), operatorIds: master?.admins ?? [], masterId: knownMasterId };
      }),
    );

  const loadShop = (tenant: TenantDb) =>
    shopCache.get(tenant.botId, () =>
      tenant.transaction(async (tx) => {
        const [row] = await tx
          .select({ since: bots.maintenanceSince })
          .from(bots)
          .where(eq(bots.id, tenant.botId));
        return stateOf(row?.since);
      }),
    );

  const effective = async (tenant: TenantDb): Promise<EffectiveMaintenance> => {
    const [platform, shop] = await Promise.all([loadPlatform(), loadShop(tenant)]);
    return { platform: { on: platform.on, since: platform.since }, shop, on: platform.on || shop.on };
  };

  /** Drops what a change makes stale (this process at once; others through the bus). */
  const onChange = (event: { kind: string; botId?: number } | 'reset') => {
    if (event === 'reset') {
      shopCache.clear();
      platformCache.clear();
      return;
    }
    if (event.kind === 'platform') platformCache.clear();
    else if (event.kind === 'tenant' && event.botId !== undefined) {
      shopCache.invalidate(event.botId);
      // the master's admins are the operators: a change of the master bot may change them
      if (knownMasterId === null || knownMasterId === event.botId) platformCache.clear();
    }
  };

  const platform = {
    /** The platform switch and the operators' ids (cached). */
    view: loadPlatform,
    async get(): Promise<MaintenanceState> {
      const view = await loadPlatform();
      return { on: view.on, since: view.since };
    },
    /**
     * Switches maintenance for every shop. Switching it on while on keeps the first moment; off
     * while off changes nothing. `by`: the operator's Telegram id, when one did it in the master bot.
     */
    async set(on: boolean, by: number | null = null): Promise<MaintenanceState> {
      const row = await db.transaction(async (tx) => {
        const [updated] = await tx
          .update(platformMaintenance)
          .set({
            since: on ? sql`coalesce(${platformMaintenance.since}, now())` : null,
            changedBy: by,
            updatedAt: new Date(),
          })
          .where(eq(platformMaintenance.id, true))
          .returning({ since: platformMaintenance.since });
        await bus.publish(tx, { kind: 'platform' });
        return updated;
      });
      platformCache.clear();
      return stateOf(row?.since);
    },
    /** How many shops are in maintenance of their own (the operators' panel). */
    async shopsInMaintenance(): Promise<number> {
      const [row] = await db.transaction((tx) =>
        tx.select({ n: count() }).from(bots).where(isNotNull(bots.maintenanceSince)),
      );
      return row?.n ?? 0;
    },
    /** Whether a tenant's customers are in maintenance now (its own switch or the platform's): the job runner. */
    isOn: async (botId: BotId): Promise<boolean> => (await effective(db.tenant(botId))).on,
  };

  /** The one shop's maintenance, through its tenant-bound handle: `app.forTenant(botId).maintenance`. */
  const forTenant = (tenant: TenantDb) => ({
    /** Its own switch, the platform's, and whether its customers are served now (cached). */
    state: () => effective(tenant),
    /** The platform's switch and who the operators are, who pass the shop's gate (cached). */
    platformView: loadPlatform,
    /** Its own switch only: the platform's is the operators' (`platform.set`). */
    async set(on: boolean): Promise<MaintenanceState> {
      const row = await tenant.transaction(async (tx) => {
        const [updated] = await tx
          .update(bots)
          .set({ maintenanceSince: on ? sql`coalesce(${bots.maintenanceSince}, now())` : null })
          .where(eq(bots.id, tenant.botId))
          .returning({ since: bots.maintenanceSince });
        if (updated) await bus.publish(tx, { kind: 'tenant', botId: tenant.botId });
        return updated;
      });
      shopCache.invalidate(tenant.botId);
      return stateOf(row?.since);
    },
  });

  /** `onChange`: the change bus's listener (src/app.ts subscribes it). */
  return { platform, forTenant, onChange };
}

export type Maintenance = ReturnType<typeof createMaintenance>;
export type ShopMaintenance = ReturnType<Maintenance['forTenant']>;

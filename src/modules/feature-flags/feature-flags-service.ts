import { and, eq } from 'drizzle-orm';
import type { ChangeBus } from '../../db/change-bus.js';
import { botFeatureFlags } from '../../db/schema.js';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';

import { err, type Invalid, ok, type Result } from '../../shared/result.js';
import type { TenantCache } from '../../shared/tenant-cache.js';
import { FEATURE_KEYS, FEATURES, type FeatureKey, isFeatureKey } from './features.js';

export interface FeatureFlag {
  readonly key: FeatureKey;
  readonly enabled: boolean;
  readonly config: Readonly<Record<string, unknown>>;
  /** `tenant` when a row sets it, `default` when the built-in default applies. */
  readonly source: 'default' | 'tenant';
}

/** Every feature by key, as `getAll` answers: read `flags.mini_app.enabled` rather than searching a list. */
export type FeatureFlagsByKey = { readonly [K in FeatureKey]: FeatureFlag };

export type FlagRows = ReadonlyMap<FeatureKey, { enabled: boolean; config: Record<string, unknown> }>;

/**
 * `getAll` of each cached load, built once: screens and gates ask for it on most updates, and the
 * cache hands out the same rows until a change replaces them.
 */
const everyFlag = new WeakMap<FlagRows, FeatureFlagsByKey>();

export interface FeatureFlagsDeps {
  readonly tenant: TenantDb;
  readonly cache: TenantCache<FlagRows>;
  readonly bus: ChangeBus;
}

const unknownFeature = (key: string): Invalid => ({
  code: 'invalid',
  field: 'key',
  message: `unknown feature "${key}"; expected one of: ${FEATURE_KEYS.join(', ')}`,
});

export function createFeatureFlagsService({ tenant, cache, bus }: FeatureFlagsDeps) {
  const { botId } = tenant;
  const load = () =>
    cache.get(botId, () =>
      tenant.transaction(async (tx) => {
        const rows = await tx.select().from(botFeatureFlags).where(eq(botFeatureFlags.botId, botId));
        const map = new Map<FeatureKey, { enabled: boolean; config: Record<string, unknown> }>();
        for (const row of rows) {
          // a row of a key the registry no longer has (a switch removed until its feature is built)
          // is left in place but reads as nothing
          if (isFeatureKey(row.featureKey))
            map.set(row.featureKey, { enabled: row.enabled, config: row.config });
        }
        return map;
      }),
    );

  const toFlag = (key: FeatureKey, rows: FlagRows): FeatureFlag => {
    const row = rows.get(key);
    return row
      ? { key, enabled: row.enabled, config: row.config, source: 'tenant' }
      : { key, enabled: FEATURES[key].default, config: {}, source: 'default' };
  };

  const change = async <T>(work: (tx: TenantTx) => Promise<T>): Promise<T> => {
    const result = await tenant.transaction(async (tx) => {
      const value = await work(tx);
      await bus.publish(tx, { kind: 'flags', botId });
      return value;
    });
    cache.invalidate(botId);
    return result;
  };

  return {
    async get(key: FeatureKey): Promise<FeatureFlag> {
      return toFlag(key, await load());
    },
    async isEnabled(key: FeatureKey): Promise<boolean> {
      return toFlag(key, await load()).enabled;
    },
    async config(key: FeatureKey): Promise<Readonly<Record<string, unknown>>> {
      return toFlag(key, await load()).config;
    },
    async list(): Promise<FeatureFlag[]> {
      const rows = await load();
      return FEATURE_KEYS.map((key) => toFlag(key, rows));
    },
    /** Every feature at once, from one load, for screens that weigh several switches. */
    async getAll(): Promise<FeatureFlagsByKey> {
      const rows = await load();
      let all = everyFlag.get(rows);
      if (all === undefined) {
        all = Object.freeze(
          Object.fromEntries(FEATURE_KEYS.map((key) => [key, toFlag(key, rows)])),
        ) as FeatureFlagsByKey;
        everyFlag.set(rows, all);
      }
      return all;
    },
    async set(
      key: string,
      enabled: boolean,
      config: Record<string, unknown> = {},
    ): Promise<Result<FeatureFlag, Invalid>> {
      if (!isFeatureKey(key)) return err(unknownFeature(key));
      await change(async (tx) => {
        await tx
          .insert(botFeatureFlags)
          .values({ botId, featureKey: key, enabled, config })
          .onConflictDoUpdate({
            target: [botFeatureFlags.botId, botFeatureFlags.featureKey],
            set: { enabled, config, updatedAt: new Date() },
          });
      });
      return ok({ key, enabled, config, source: 'tenant' });
    },
    /** Removes the tenant's row: the feature falls back to its default. */
    async delete(key: string): Promise<Result<{ deleted: boolean }, Invalid>> {
      if (!isFeatureKey(key)) return err(unknownFeature(key));
      const deleted = await change(async (tx) => {
        const rows = await tx
          .delete(botFeatureFlags)
          .where(and(eq(botFeatureFlags.botId, botId), eq(botFeatureFlags.featureKey, key)))
          .returning({ key: botFeatureFlags.featureKey });
        return rows.length > 0;
      });
      return ok({ deleted });
    },
  };
}

export type FeatureFlagsService = ReturnType<typeof createFeatureFlagsService>;

import { and, eq, sql } from 'drizzle-orm';
import type { ChangeBus } from '../../db/change-bus.js';
import { botConfigurations } from '../../db/schema.js';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';

import { err, type Invalid, ok, type Result } from '../../shared/result.js';
import type { TenantCache } from '../../shared/tenant-cache.js';
import {
  isSettingKey,
  SETTING_KEYS,
  SETTINGS,
  type SettingKey,
  type SettingValue,
  type SettingValues,
} from './registry.js';

export type SettingRows = ReadonlyMap<string, unknown>;

/**
 * `getAll` of each cached load, built once (every key checked against its schema): most updates ask
 * for it, and the cache hands out the same rows until a change replaces them.
 */
const everySetting = new WeakMap<SettingRows, SettingValues>();

/** Who is changing a setting: tenant admins may change only the keys marked tenant-editable. */
export type SettingActor = 'operator' | 'tenant';

export interface SettingView {
  readonly key: SettingKey;
  readonly value: unknown;
  readonly source: 'default' | 'tenant';
  readonly default: unknown;
  readonly tenantEditable: boolean;
  readonly group: string;
  readonly description: string;
  readonly expects: string;
}

export interface SettingsDeps {
  readonly tenant: TenantDb;
  readonly cache: TenantCache<SettingRows>;
  readonly bus: ChangeBus;
}

export function createSettingsService({ tenant, cache, bus }: SettingsDeps) {
  const { botId } = tenant;
  const load = () =>
    cache.get(botId, () =>
      tenant.transaction(async (tx) => {
        const rows = await tx.select().from(botConfigurations).where(eq(botConfigurations.botId, botId));
        return new Map(rows.map((row) => [row.configKey, row.value]));
      }),
    );

  /**
   * A stored value that no longer satisfies the registry (a key narrowed later) reads as the default.
   * Rows of keys the registry no longer has (a setting removed until its feature is built) are never
   * looked up: every reader goes through the registry's keys.
   */
  const effective = <K extends SettingKey>(
    key: K,
    rows: SettingRows,
  ): { value: SettingValue<K>; source: 'default' | 'tenant' } => {
    if (rows.has(key)) {
      const parsed = SETTINGS[key].schema.safeParse(rows.get(key));
      if (parsed.success) return { value: parsed.data as SettingValue<K>, source: 'tenant' };
    }
    return { value: SETTINGS[key].default as SettingValue<K>, source: 'default' };
  };

  const checkKey = (key: string, actor: SettingActor): Result<SettingKey, Invalid> => {
    if (!isSettingKey(key)) {
      return err({ code: 'invalid', field: 'key', message: `unknown setting "${key}"` });
    }
    if (actor === 'tenant' && !SETTINGS[key].tenantEditable) {
      return err({
        code: 'invalid',
        field: key,
        message: `setting "${key}" can only be changed by the operator`,
      });
    }
    return ok(key);
  };

  const write = async (work: (tx: TenantTx) => Promise<void>) => {
    await tenant.transaction(async (tx) => {
      await work(tx);
      await bus.publish(tx, { kind: 'settings', botId });
    });
    cache.invalidate(botId);
  };

  return {
    async get<K extends SettingKey>(key: K): Promise<SettingValue<K>> {
      return effective(key, await load()).value;
    },
    async getAll(): Promise<SettingValues> {
      const rows = await load();
      let all = everySetting.get(rows);
      if (all === undefined) {
        all = Object.freeze(
          Object.fromEntries(SETTING_KEYS.map((key) => [key, effective(key, rows).value])),
        ) as SettingValues;
        everySetting.set(rows, all);
      }
      return all;
    },
    async list(): Promise<SettingView[]> {
      const rows = await load();
      return SETTING_KEYS.map((key) => {
        const definition = SETTINGS[key];
        return {
          key,
          ...effective(key, rows),
          default: definition.default,
          tenantEditable: definition.tenantEditable,
          group: definition.group,
          description: definition.description,
          expects: definition.expects,
        };
      });
    },
    /** Validates and stores a value; refuses with a message naming the key and what it expects. */
    async set(
      key: string,
      value: unknown,
      actor: SettingActor,
    ): Promise<Result<SettingView['value'], Invalid>> {
      const checked = checkKey(key, actor);
      if (!checked.ok) return checked;
      const definition = SETTINGS[checked.value];
      const parsed = definition.schema.safeParse(value);
      if (!parsed.success) {
        return err({
          code: 'invalid',
          field: key,
          message: `setting "${key}" expects ${definition.expects}; got ${JSON.stringify(value) ?? 'nothing'}`,
        });
      }
      const stored = parsed.data as unknown;
      // a JavaScript null would be bound as SQL NULL; the setting's value is the JSON null
      const json = stored === null ? sql`'null'::jsonb` : stored;
      await write(async (tx) => {
        await tx
          .insert(botConfigurations)
          .values({ botId, configKey: checked.value, value: json })
          .onConflictDoUpdate({
            target: [botConfigurations.botId, botConfigurations.configKey],
            set: { value: json, updatedAt: new Date() },
          });
      });
      return ok(stored);
    },
    /** Removes the tenant's value: the default applies again. */
    async reset(key: string, actor: SettingActor): Promise<Result<{ deleted: boolean }, Invalid>> {
      const checked = checkKey(key, actor);
      if (!checked.ok) return checked;
      let deleted = false;
      await write(async (tx) => {
        const rows = await tx
          .delete(botConfigurations)
          .where(and(eq(botConfigurations.botId, botId), eq(botConfigurations.configKey, checked.value)))
          .returning({ key: botConfigurations.configKey });
        deleted = rows.length > 0;
      });
      return ok({ deleted });
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;

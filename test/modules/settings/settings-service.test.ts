import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botConfigurations } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { SETTING_KEYS, SETTINGS } from '../../../src/modules/settings/registry.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';
import { eventually, expectErr, expectOk, secondInstance } from '../helpers.js';

describe.each(BACKENDS)('settings on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const freshSettings = async () => t.app.forTenant((await createTenant(t.app)).tenant.id).settings;

  it('reads the defaults of the specification when nothing is set', async () => {
    const settings = await freshSettings();
    expect(await settings.get('default_language')).toBe('fa');
    expect(await settings.get('trial_days')).toBe(3);
    expect(await settings.get('trial_traffic_gb')).toBe(10);
    expect(await settings.get('trial_devices')).toBe(1);
    expect(await settings.get('traffic_reset_strategy')).toBe('MONTH');
    expect(await settings.get('topup_presets')).toEqual([50_000, 100_000, 200_000, 500_000]);
    expect(await settings.get('support_username')).toBeNull();
    expect(await settings.get('card_rotation_strategy')).toBe('round_robin');
    const all = await settings.getAll();
    expect(Object.keys(all).sort()).toEqual([...SETTING_KEYS].sort());
    expect(all.timezone).toBe('Asia/Tehran');
  });

  it('stores a valid value and reads it back', async () => {
    const settings = await freshSettings();
    expect(expectOk(await settings.set('trial_days', 7, 'tenant'))).toBe(7);
    expect(expectOk(await settings.set('timezone', 'Europe/Moscow', 'tenant'))).toBe('Europe/Moscow');
    expect(expectOk(await settings.set('available_languages', ['fa', 'en'], 'tenant'))).toEqual(['fa', 'en']);
    expect(expectOk(await settings.set('traffic_reset_strategy', 'NO_RESET', 'tenant'))).toBe('NO_RESET');
    expect(expectOk(await settings.set('admin_chat_id', -1001234567890, 'tenant'))).toBe(-1001234567890);
    expect(await settings.get('trial_days')).toBe(7);
    expect(await settings.get('timezone')).toBe('Europe/Moscow');
    expect(await settings.get('available_languages')).toEqual(['fa', 'en']);
    expect(await settings.get('traffic_reset_strategy')).toBe('NO_RESET');
    expect(await settings.get('admin_chat_id')).toBe(-1001234567890);
    // overwriting replaces the value
    expectOk(await settings.set('trial_days', 30, 'tenant'));
    expect(await settings.get('trial_days')).toBe(30);
  });

  it.each([
    ['trial_days', 0, 'an integer from 1 to 30'],
    ['trial_days', 31, 'an integer from 1 to 30'],
    ['trial_days', 2.5, 'an integer from 1 to 30'],
    ['trial_days', '3', 'an integer from 1 to 30'],
    ['trial_days', null, 'an integer from 1 to 30'],
    ['timezone', 'Mars/Phobos', 'IANA time zone'],
    ['available_languages', [], 'non-empty list of distinct values'],
    ['available_languages', ['fa', 'fa'], 'non-empty list of distinct values'],
    ['available_languages', ['fa', 'de'], 'non-empty list of distinct values'],
    ['default_language', 'de', 'one of fa, en, ru'],
    ['support_username', 'ab', 'Telegram username'],
    ['support_username', '@bad name', 'Telegram username'],
    ['card_rotation_strategy', 'fastest', 'one of round_robin, random'],
    ['admin_chat_id', 0, 'non-zero integer'],
    ['required_channel_link', 'http://t.me/x', 'https://'],
    ['topup_presets', [1, 2, 3, 4, 5, 6, 7, 8, 9], '1 to 8 positive integers'],
    ['topup_presets', [50_000, -1], '1 to 8 positive integers'],
    ['language_selection_enabled', 'yes', 'true or false'],
  ])('refuses %s = %j, naming the key and what it expects', async (key, value, expects) => {
    const settings = await freshSettings();
    const error = expectErr(await settings.set(key, value, 'operator'));
    expect(error).toMatchObject({ code: 'invalid', field: key });
    expect(error.message).toContain(`"${key}"`);
    expect(error.message).toContain(expects);
    expect(error.message).toContain(JSON.stringify(value));
    // nothing was stored
    const view = (await settings.list()).find((setting) => setting.key === key);
    expect(view?.source).toBe('default');
  });

  it('normalises a support username given with @', async () => {
    const settings = await freshSettings();
    expect(expectOk(await settings.set('support_username', '@Shop_Support', 'tenant'))).toBe('Shop_Support');
    expect(await settings.get('support_username')).toBe('Shop_Support');
    expect(expectOk(await settings.set('support_username', 'plain_name', 'tenant'))).toBe('plain_name');
    expect(await settings.get('support_username')).toBe('plain_name');
  });

  // BUG (src/modules/settings/settings-service.ts, set(), the insert into bot_configurations):
  // a JavaScript null is bound as SQL NULL, not as the JSON value null, so every nullable key
  // (support_username, admin_chat_id, receipt_topic_id, required_channel_*, panel_tag)
  // cannot be set back to null: the insert violates "value NOT NULL" and set() throws instead of
  // storing the value its own schema accepted. Remove `.fails` once fixed.
  it('accepts null for a nullable key, as its schema says', async () => {
    const settings = await freshSettings();
    expectOk(await settings.set('support_username', 'shop_support', 'tenant'));
    expect(expectOk(await settings.set('support_username', null, 'tenant'))).toBeNull();
    expect(await settings.get('support_username')).toBeNull();
    expectOk(await settings.set('admin_chat_id', -100123, 'tenant'));
    expect(expectOk(await settings.set('admin_chat_id', null, 'tenant'))).toBeNull();
    expect(await settings.get('admin_chat_id')).toBeNull();
  });

  it('refuses operator-only keys to a tenant admin and lets the operator set them', async () => {
    const settings = await freshSettings();
    const squads = [randomUUID(), randomUUID()];
    for (const [key, value] of [
      ['panel_squads', squads],
      ['panel_tag', 'SHOP_1'],
      ['stars_per_unit_price', 2],
    ] as const) {
      const refused = expectErr(await settings.set(key, value, 'tenant'));
      expect(refused).toMatchObject({ code: 'invalid', field: key });
      expect(refused.message).toContain(`"${key}"`);
      expect(refused.message).toContain('operator');
      expect(expectOk(await settings.set(key, value, 'operator'))).toEqual(value);
      // nor may the tenant reset what the operator set
      expect(expectErr(await settings.reset(key, 'tenant')).message).toContain('operator');
    }
    expect(await settings.get('panel_squads')).toEqual(squads);
    expect(await settings.get('panel_tag')).toBe('SHOP_1');
    // the operator's value is still validated
    expect(expectErr(await settings.set('panel_squads', ['not-a-uuid'], 'operator')).message).toContain(
      'squad UUIDs',
    );
  });

  it('lists every key with its effective value, source, default and who may edit it', async () => {
    const settings = await freshSettings();
    expectOk(await settings.set('trial_days', 5, 'tenant'));
    const list = await settings.list();
    expect(list.map((view) => view.key).sort()).toEqual([...SETTING_KEYS].sort());
    expect(list.find((view) => view.key === 'trial_days')).toMatchObject({
      value: 5,
      source: 'tenant',
      default: 3,
      tenantEditable: true,
      group: 'trial',
      expects: SETTINGS.trial_days.expects,
    });
    expect(list.find((view) => view.key === 'trial_devices')).toMatchObject({
      value: 1,
      source: 'default',
      default: 1,
    });
    expect(list.find((view) => view.key === 'panel_squads')).toMatchObject({
      value: [],
      source: 'default',
      tenantEditable: false,
    });
    expect(list.filter((view) => view.source === 'tenant').map((view) => view.key)).toEqual(['trial_days']);
  });

  it('reset returns a key to its default and says whether there was a value', async () => {
    const settings = await freshSettings();
    expectOk(await settings.set('trial_traffic_gb', 50, 'tenant'));
    expect(await settings.get('trial_traffic_gb')).toBe(50);
    expect(expectOk(await settings.reset('trial_traffic_gb', 'tenant'))).toEqual({ deleted: true });
    expect(await settings.get('trial_traffic_gb')).toBe(10);
    expect((await settings.list()).find((view) => view.key === 'trial_traffic_gb')?.source).toBe('default');
    expect(expectOk(await settings.reset('trial_traffic_gb', 'tenant'))).toEqual({ deleted: false });
  });

  it('refuses an unknown key for set and reset', async () => {
    const settings = await freshSettings();
    for (const error of [
      expectErr(await settings.set('wallpaper', 'blue', 'operator')),
      expectErr(await settings.reset('wallpaper', 'operator')),
      expectErr(await settings.set('toString', 'x', 'operator')),
    ]) {
      expect(error).toMatchObject({ code: 'invalid', field: 'key' });
      expect(error.message).toContain('unknown setting');
    }
  });

  it('ignores the stored value of a setting the registry no longer has, and refuses to change it', async () => {
    // a setting removed until its feature is built may still have a value from before
    const id = (await createTenant(t.app)).tenant.id;
    await inTenant(t.database.handle.db, id, (tx) =>
      tx.insert(botConfigurations).values([
        { botId: id, configKey: 'reports_chat_id', value: 10 },
        { botId: id, configKey: 'trial_days', value: 5 },
      ]),
    );
    const { settings } = t.app.forTenant(id);
    const list = await settings.list();
    expect(list.map((view) => view.key).sort()).toEqual([...SETTING_KEYS].sort());
    expect(list.filter((view) => view.source === 'tenant').map((view) => view.key)).toEqual(['trial_days']);
    expect(Object.keys(await settings.getAll())).not.toContain('reports_chat_id');
    expect(await settings.get('trial_days')).toBe(5);
    for (const error of [
      expectErr(await settings.set('reports_chat_id', 5, 'operator')),
      expectErr(await settings.reset('reports_chat_id', 'operator')),
    ]) {
      expect(error).toMatchObject({ code: 'invalid', field: 'key' });
      expect(error.message).toContain('unknown setting "reports_chat_id"');
    }
  });

  it("keeps one tenant's settings away from another's", async () => {
    const a = await freshSettings();
    const b = await freshSettings();
    expectOk(await a.set('default_language', 'en', 'tenant'));
    expect(await a.get('default_language')).toBe('en');
    expect(await b.get('default_language')).toBe('fa');
  });

  it('a change is seen at once in this process and within a second by another instance', async () => {
    const id = (await createTenant(t.app)).tenant.id;
    const first = t.app.forTenant(id).settings;
    const other = await secondInstance(t);
    try {
      const second = other.app.forTenant(id).settings;
      expect(await first.get('trial_days')).toBe(3);
      expect(await second.get('trial_days')).toBe(3);

      expectOk(await first.set('trial_days', 14, 'tenant'));
      expect(await first.get('trial_days')).toBe(14);
      expect(await eventually(async () => (await second.get('trial_days')) === 14, 1000)).toBe(true);

      expectOk(await second.reset('trial_days', 'operator'));
      expect(await second.get('trial_days')).toBe(3);
      expect(await eventually(async () => (await first.get('trial_days')) === 3, 1000)).toBe(true);
    } finally {
      await other.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botFeatureFlags } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { FEATURES } from '../../../src/modules/feature-flags/features.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';
import { eventually, expectErr, expectOk, secondInstance } from '../helpers.js';

/**
 * The feature keys the product acts on. The specification's other keys (auto_renewal,
 * simple_purchase, promo_codes, support_tickets, server_status, monitoring, polls, campaigns) come
 * with the features that use them; test/modules/feature-flags/every-switch-is-read.test.ts keeps it that way.
 */
const BUILT_KEYS = [
  'card_to_card',
  'zarinpal',
  'telegram_stars',
  'trial_subscription',
  'referral_program',
  'support_contact',
  'mini_app',
  'autopay',
  'traffic_packs',
  'day_packs',
  'subscription_devices',
  'subscription_new_link',
  'promo_codes',
  'broadcasts',
  'support_tickets',
  'help_pages',
];

describe.each(BACKENDS)('feature flags on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const freshShop = async () => t.app.forTenant((await createTenant(t.app)).tenant.id);

  it('lists every feature the product acts on with its default when nothing is set', async () => {
    const flags = await (await freshShop()).flags.list();
    expect(flags.map((flag) => flag.key).sort()).toEqual([...BUILT_KEYS].sort());
    for (const flag of flags) {
      expect(flag, flag.key).toEqual({
        key: flag.key,
        enabled: FEATURES[flag.key].default,
        config: {},
        source: 'default',
      });
    }
  });

  it('reads an unset feature as its default through get, isEnabled and config', async () => {
    const { flags } = await freshShop();
    expect(await flags.get('card_to_card')).toEqual({
      key: 'card_to_card',
      enabled: true,
      config: {},
      source: 'default',
    });
    expect(await flags.isEnabled('card_to_card')).toBe(true);
    expect(await flags.get('zarinpal')).toMatchObject({ enabled: false, source: 'default' });
    expect(await flags.isEnabled('zarinpal')).toBe(false);
    expect(await flags.config('zarinpal')).toEqual({});
  });

  it('sets a flag with its config, reads it back as the tenant value, and overwrites it', async () => {
    const { flags } = await freshShop();
    const set = expectOk(await flags.set('zarinpal', true, { sandbox: true, note: 'سلام' }));
    expect(set).toEqual({
      key: 'zarinpal',
      enabled: true,
      config: { sandbox: true, note: 'سلام' },
      source: 'tenant',
    });
    expect(await flags.get('zarinpal')).toEqual(set);
    expect(await flags.isEnabled('zarinpal')).toBe(true);
    expect(await flags.config('zarinpal')).toEqual({ sandbox: true, note: 'سلام' });

    // turning off a default-on feature is a tenant value too, and the config is replaced
    expectOk(await flags.set('card_to_card', false));
    expectOk(await flags.set('zarinpal', false));
    expect(await flags.get('card_to_card')).toMatchObject({ enabled: false, source: 'tenant' });
    expect(await flags.get('zarinpal')).toEqual({
      key: 'zarinpal',
      enabled: false,
      config: {},
      source: 'tenant',
    });

    const listed = await flags.list();
    expect(
      listed
        .filter((flag) => flag.source === 'tenant')
        .map((flag) => flag.key)
        .sort(),
    ).toEqual(['card_to_card', 'zarinpal']);
    expect(listed.find((flag) => flag.key === 'mini_app')).toMatchObject({
      enabled: false,
      source: 'default',
    });
  });

  it('getAll answers every feature by key, as list does', async () => {
    const { flags } = await freshShop();
    expectOk(await flags.set('mini_app', true, { url: 'https://app.example/shop' }));
    const all = await flags.getAll();
    expect(Object.keys(all).sort()).toEqual([...BUILT_KEYS].sort());
    expect(all.mini_app).toEqual({
      key: 'mini_app',
      enabled: true,
      config: { url: 'https://app.example/shop' },
      source: 'tenant',
    });
    expect(all.card_to_card).toEqual({ key: 'card_to_card', enabled: true, config: {}, source: 'default' });
    for (const flag of await flags.list()) expect(all[flag.key]).toEqual(flag);
  });

  it('ignores the stored row of a feature the registry no longer has, and refuses to change it', async () => {
    // a switch removed until its feature is built may still have rows from before
    const id = (await createTenant(t.app)).tenant.id;
    await inTenant(t.database.handle.db, id, (tx) =>
      tx.insert(botFeatureFlags).values([
        { botId: id, featureKey: 'polls', enabled: true, config: { question: 'x' } },
        { botId: id, featureKey: 'zarinpal', enabled: true, config: {} },
      ]),
    );
    const { flags } = t.app.forTenant(id);
    const listed = await flags.list();
    expect(listed.map((flag) => flag.key).sort()).toEqual([...BUILT_KEYS].sort());
    expect(listed.filter((flag) => flag.source === 'tenant').map((flag) => flag.key)).toEqual(['zarinpal']);
    expect(Object.keys(await flags.getAll())).not.toContain('polls');
    expect(await flags.isEnabled('zarinpal')).toBe(true);
    for (const error of [
      expectErr(await flags.set('polls', false)),
      expectErr(await flags.delete('polls')),
    ]) {
      expect(error).toMatchObject({ code: 'invalid', field: 'key' });
      expect(error.message).toContain('unknown feature "polls"');
    }
  });

  it('delete returns a flag to its default, and says whether there was a row', async () => {
    const { flags } = await freshShop();
    expectOk(await flags.set('support_contact', false, { reason: 'holiday' }));
    expect(await flags.isEnabled('support_contact')).toBe(false);
    expect(expectOk(await flags.delete('support_contact'))).toEqual({ deleted: true });
    expect(await flags.get('support_contact')).toEqual({
      key: 'support_contact',
      enabled: true,
      config: {},
      source: 'default',
    });
    expect(expectOk(await flags.delete('support_contact'))).toEqual({ deleted: false });
  });

  it('refuses an unknown key with a message listing the valid keys', async () => {
    const { flags } = await freshShop();
    for (const error of [
      expectErr(await flags.set('bitcoin', true)),
      expectErr(await flags.delete('bitcoin')),
    ]) {
      expect(error).toMatchObject({ code: 'invalid', field: 'key' });
      expect(error.message).toContain('"bitcoin"');
      for (const key of BUILT_KEYS) expect(error.message).toContain(key);
    }
    // keys inherited from Object.prototype are not features either
    expect(expectErr(await flags.set('constructor', true)).code).toBe('invalid');
    expect(expectErr(await flags.set('__proto__', true)).code).toBe('invalid');
    expect((await flags.list()).every((flag) => flag.source === 'default')).toBe(true);
  });

  it("keeps one tenant's flags away from another's", async () => {
    const a = await freshShop();
    const b = await freshShop();
    expectOk(await a.flags.set('referral_program', true));
    expect(await a.flags.isEnabled('referral_program')).toBe(true);
    expect(await b.flags.get('referral_program')).toMatchObject({ enabled: false, source: 'default' });
  });

  it('a change is visible at once in the same process, also through another service object', async () => {
    const id = (await createTenant(t.app)).tenant.id;
    const reader = t.app.forTenant(id).flags;
    const writer = t.app.forTenant(id).flags;
    expect(await reader.isEnabled('referral_program')).toBe(false); // now cached
    expectOk(await writer.set('referral_program', true));
    expect(await reader.isEnabled('referral_program')).toBe(true);
    expectOk(await writer.delete('referral_program'));
    expect(await reader.isEnabled('referral_program')).toBe(false);
  });

  it('a change made by a second instance is seen by the first within a second', async () => {
    const id = (await createTenant(t.app)).tenant.id;
    const first = t.app.forTenant(id).flags;
    const other = await secondInstance(t);
    try {
      const second = other.app.forTenant(id).flags;
      // both instances have the flag cached
      expect(await first.isEnabled('mini_app')).toBe(false);
      expect(await second.isEnabled('mini_app')).toBe(false);

      expectOk(await second.set('mini_app', true, { url: 'https://app.example/shop' }));
      expect(await eventually(() => first.isEnabled('mini_app'), 1000)).toBe(true);
      expect(await first.config('mini_app')).toEqual({ url: 'https://app.example/shop' });

      // and the other way round
      expectOk(await t.app.forTenant(id).flags.set('mini_app', false));
      expect(await eventually(async () => !(await second.isEnabled('mini_app')), 1000)).toBe(true);

      expectOk(await second.delete('mini_app'));
      expect(await eventually(async () => (await first.get('mini_app')).source === 'default', 1000)).toBe(
        true,
      );
    } finally {
      await other.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURES } from '../../src/modules/feature-flags/features.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../support/database.js';
import { eventually, expectErr, expectOk, secondInstance } from './helpers.js';

/** The feature keys of the specification (docs/product.md, "Feature keys"). */
const SPEC_KEYS = [
  'card_to_card',
  'zarinpal',
  'telegram_stars',
  'trial_subscription',
  'auto_renewal',
  'simple_purchase',
  'referral_program',
  'promo_codes',
  'support_tickets',
  'support_contact',
  'mini_app',
  'server_status',
  'monitoring',
  'polls',
  'campaigns',
];

describe.each(BACKENDS)('feature flags on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const freshShop = async () => t.app.forTenant((await createTenant(t.app)).tenant.id);

  it('lists every feature of the specification with its default when nothing is set', async () => {
    const flags = await (await freshShop()).flags.list();
    expect(flags.map((flag) => flag.key).sort()).toEqual([...SPEC_KEYS].sort());
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
    expect(listed.find((flag) => flag.key === 'polls')).toMatchObject({ enabled: false, source: 'default' });
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
      for (const key of SPEC_KEYS) expect(error.message).toContain(key);
    }
    // keys inherited from Object.prototype are not features either
    expect(expectErr(await flags.set('constructor', true)).code).toBe('invalid');
    expect(expectErr(await flags.set('__proto__', true)).code).toBe('invalid');
    expect((await flags.list()).every((flag) => flag.source === 'default')).toBe(true);
  });

  it("keeps one tenant's flags away from another's", async () => {
    const a = await freshShop();
    const b = await freshShop();
    expectOk(await a.flags.set('polls', true));
    expect(await a.flags.isEnabled('polls')).toBe(true);
    expect(await b.flags.get('polls')).toMatchObject({ enabled: false, source: 'default' });
  });

  it('a change is visible at once in the same process, also through another service object', async () => {
    const id = (await createTenant(t.app)).tenant.id;
    const reader = t.app.forTenant(id).flags;
    const writer = t.app.forTenant(id).flags;
    expect(await reader.isEnabled('promo_codes')).toBe(false); // now cached
    expectOk(await writer.set('promo_codes', true));
    expect(await reader.isEnabled('promo_codes')).toBe(true);
    expectOk(await writer.delete('promo_codes'));
    expect(await reader.isEnabled('promo_codes')).toBe(false);
  });

  it('a change made by a second instance is seen by the first within a second', async () => {
    const id = (await createTenant(t.app)).tenant.id;
    const first = t.app.forTenant(id).flags;
    const other = await secondInstance(t);
    try {
      const second = other.app.forTenant(id).flags;
      // both instances have the flag cached
      expect(await first.isEnabled('monitoring')).toBe(false);
      expect(await second.isEnabled('monitoring')).toBe(false);

      expectOk(await second.set('monitoring', true, { interval: 5 }));
      expect(await eventually(() => first.isEnabled('monitoring'), 1000)).toBe(true);
      expect(await first.config('monitoring')).toEqual({ interval: 5 });

      // and the other way round
      expectOk(await t.app.forTenant(id).flags.set('monitoring', false));
      expect(await eventually(async () => !(await second.isEnabled('monitoring')), 1000)).toBe(true);

      expectOk(await second.delete('monitoring'));
      expect(await eventually(async () => (await first.get('monitoring')).source === 'default', 1000)).toBe(
        true,
      );
    } finally {
      await other.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botFeatureFlags } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { featureView } from '../../../src/http/api/features-routes.js';
import { FEATURE_KEYS, FEATURES } from '../../../src/modules/feature-flags/features.js';
import { BACKENDS } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, OPERATOR_TOKEN, startApi } from './support.js';

const op = { token: OPERATOR_TOKEN };

describe.each(BACKENDS)('features API on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend);
  });
  afterAll(() => h.close());

  it('lists every feature with its default, for the operator and for the tenant itself', async () => {
    const { id, apiToken } = await h.tenant();
    for (const token of [OPERATOR_TOKEN, apiToken]) {
      const listed = await h.call('GET', `/api/v1/bots/${id}/features`, { token });
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((f: { key: string }) => f.key)).toEqual(FEATURE_KEYS);
      for (const item of listed.body.items) {
        const feature = featureView.strict().parse(item);
        const key = feature.key as keyof typeof FEATURES;
        expect(feature).toEqual({
          key,
          enabled: FEATURES[key].default,
          config: {},
          source: 'default',
          default: FEATURES[key].default,
          description: FEATURES[key].description,
        });
      }
    }
  });

  it('gets one feature, and 404 for an unknown key', async () => {
    const { id, apiToken } = await h.tenant();
    const got = await h.call('GET', `/api/v1/bots/${id}/features/zarinpal`, { token: apiToken });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ key: 'zarinpal', enabled: false, source: 'default' });
    const unknown = await h.call('GET', `/api/v1/bots/${id}/features/teleport`, op);
    expectErrorBody(unknown, 404, 'not_found');
    expect(unknown.body.error.message).toContain('unknown feature "teleport"');
  });

  it('neither lists nor serves a feature removed from the registry, even with a stored row', async () => {
    const { id, apiToken } = await h.tenant();
    await inTenant(h.t.database.handle.db, id, (tx) =>
      tx
        .insert(botFeatureFlags)
        .values({ botId: id, featureKey: 'server_status', enabled: true, config: {} }),
    );
    const listed = await h.call('GET', `/api/v1/bots/${id}/features`, { token: apiToken });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((f: { key: string }) => f.key)).toEqual(FEATURE_KEYS);
    for (const [method, send] of [
      ['GET', op],
      ['PUT', { ...op, body: { enabled: false } }],
      ['DELETE', op],
    ] as const) {
      const answer = await h.call(method, `/api/v1/bots/${id}/features/server_status`, send);
      expectErrorBody(answer, 404, 'not_found');
      expect(answer.body.error.message).toContain('unknown feature "server_status"');
    }
  });

  it('sets a feature for one bot only, in the service the bots read', async () => {
    const { id } = await h.tenant();
    const other = await h.tenant();
    const set = await h.call('PUT', `/api/v1/bots/${id}/features/zarinpal`, {
      ...op,
      body: { enabled: true, config: { note: 'live' } },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      key: 'zarinpal',
      enabled: true,
      config: { note: 'live' },
      source: 'tenant',
    });
    expect(await h.app.forTenant(id).flags.isEnabled('zarinpal')).toBe(true);
    expect(await h.app.forTenant(other.id).flags.isEnabled('zarinpal')).toBe(false);

    const off = await h.call('PUT', `/api/v1/bots/${id}/features/card_to_card`, {
      ...op,
      body: { enabled: false },
    });
    expect(off.body).toMatchObject({ enabled: false, config: {}, source: 'tenant' });
    expect(await h.app.forTenant(id).flags.isEnabled('card_to_card')).toBe(false);
    const got = await h.call('GET', `/api/v1/bots/${id}/features/card_to_card`, op);
    expect(got.body).toMatchObject({ enabled: false, source: 'tenant' });
  });

  it('validates the body and the key', async () => {
    const { id } = await h.tenant();
    const bad = await h.call('PUT', `/api/v1/bots/${id}/features/zarinpal`, {
      ...op,
      body: { enabled: 'yes' },
    });
    expectErrorBody(bad, 400, 'invalid_request');
    expect(bad.body.error.fields[0].field).toBe('body.enabled');
    expectErrorBody(await h.call('PUT', `/api/v1/bots/${id}/features/zarinpal`, op), 400, 'invalid_request');
    const unknown = await h.call('PUT', `/api/v1/bots/${id}/features/teleport`, {
      ...op,
      body: { enabled: true },
    });
    expectErrorBody(unknown, 404, 'not_found');
    expect(await h.app.forTenant(id).flags.get('zarinpal')).toMatchObject({ source: 'default' });
  });

  it('resets a feature to its default', async () => {
    const { id } = await h.tenant();
    await h.app.forTenant(id).flags.set('trial_subscription', false);
    const reset = await h.call('DELETE', `/api/v1/bots/${id}/features/trial_subscription`, op);
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ key: 'trial_subscription', enabled: true, source: 'default' });
    expect(await h.app.forTenant(id).flags.get('trial_subscription')).toMatchObject({
      enabled: true,
      source: 'default',
    });
    // resetting what is already the default is not an error
    expect((await h.call('DELETE', `/api/v1/bots/${id}/features/trial_subscription`, op)).status).toBe(200);
    expectErrorBody(await h.call('DELETE', `/api/v1/bots/${id}/features/teleport`, op), 404, 'not_found');
  });
});

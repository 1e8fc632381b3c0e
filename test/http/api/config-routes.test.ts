import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botConfigurations } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { settingView } from '../../../src/http/api/config-routes.js';
import { SETTING_KEYS, SETTINGS } from '../../../src/modules/settings/registry.js';
import { BACKENDS } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, OPERATOR_TOKEN, startApi } from './support.js';

const op = { token: OPERATOR_TOKEN };
const SQUAD = '3f1c2b8e-9d4a-4c61-8e2f-5a7b9c0d1e2f';

describe.each(BACKENDS)('config API on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend);
  });
  afterAll(() => h.close());

  it('lists every setting with its value, default and who may change it', async () => {
    const { id, apiToken } = await h.tenant();
    await h.app.forTenant(id).settings.set('trial_days', 7, 'operator');
    const listed = await h.call('GET', `/api/v1/bots/${id}/config`, { token: apiToken });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((s: { key: string }) => s.key)).toEqual(SETTING_KEYS);
    for (const item of listed.body.items) settingView.strict().parse(item);
    const trial = listed.body.items.find((s: { key: string }) => s.key === 'trial_days');
    expect(trial).toEqual({
      key: 'trial_days',
      value: 7,
      source: 'tenant',
      default: 3,
      tenantEditable: true,
      group: 'trial',
      description: SETTINGS.trial_days.description,
      expects: SETTINGS.trial_days.expects,
    });
    const squads = listed.body.items.find((s: { key: string }) => s.key === 'panel_squads');
    expect(squads).toMatchObject({ value: [], source: 'default', tenantEditable: false });
  });

  it('gets one setting, and 404 for an unknown key', async () => {
    const { id } = await h.tenant();
    const got = await h.call('GET', `/api/v1/bots/${id}/config/card_rotation_strategy`, op);
    expect(got.body).toMatchObject({
      key: 'card_rotation_strategy',
      value: 'round_robin',
      source: 'default',
    });
    const unknown = await h.call('GET', `/api/v1/bots/${id}/config/colour`, op);
    expectErrorBody(unknown, 404, 'not_found');
    expect(unknown.body.error.message).toContain('unknown setting "colour"');
  });

  it('neither lists nor serves a setting removed from the registry, even with a stored value', async () => {
    const { id, apiToken } = await h.tenant();
    await inTenant(h.t.database.handle.db, id, (tx) =>
      tx.insert(botConfigurations).values({ botId: id, configKey: 'reports_time', value: '22:30' }),
    );
    const listed = await h.call('GET', `/api/v1/bots/${id}/config`, { token: apiToken });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((s: { key: string }) => s.key)).toEqual(SETTING_KEYS);
    for (const [method, send] of [
      ['GET', op],
      ['PUT', { ...op, body: { value: '10:00' } }],
      ['DELETE', op],
      ['PUT', { token: apiToken, body: { value: '10:00' } }],
    ] as const) {
      const answer = await h.call(method, `/api/v1/bots/${id}/config/reports_time`, send);
      expectErrorBody(answer, 404, 'not_found');
      expect(answer.body.error.message).toContain('unknown setting "reports_time"');
    }
  });

  it('lets a tenant change its tenant-editable settings, validated by type and range', async () => {
    const { id, apiToken } = await h.tenant();
    const set = await h.call('PUT', `/api/v1/bots/${id}/config/trial_days`, {
      token: apiToken,
      body: { value: 5 },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ key: 'trial_days', value: 5, source: 'tenant' });
    expect(await h.app.forTenant(id).settings.get('trial_days')).toBe(5);

    // the registry's own normalisation applies
    const named = await h.call('PUT', `/api/v1/bots/${id}/config/support_username`, {
      token: apiToken,
      body: { value: '@help_desk' },
    });
    expect(named.body.value).toBe('help_desk');
    const cleared = await h.call('PUT', `/api/v1/bots/${id}/config/support_username`, {
      token: apiToken,
      body: { value: null },
    });
    expect(cleared.body).toMatchObject({ value: null, source: 'tenant' });

    const outOfRange = await h.call('PUT', `/api/v1/bots/${id}/config/trial_days`, {
      token: apiToken,
      body: { value: 99 },
    });
    expectErrorBody(outOfRange, 400, 'invalid_request');
    expect(outOfRange.body.error.message).toContain(SETTINGS.trial_days.expects);
    expect(outOfRange.body.error.fields).toEqual([{ field: 'body.value', message: expect.any(String) }]);
    expect(await h.app.forTenant(id).settings.get('trial_days')).toBe(5);
    expectErrorBody(
      await h.call('PUT', `/api/v1/bots/${id}/config/trial_days`, {
        token: apiToken,
        body: { value: 5, x: 1 },
      }),
      400,
      'invalid_request',
    );
    expectErrorBody(
      await h.call('PUT', `/api/v1/bots/${id}/config/nope`, { token: apiToken, body: { value: 1 } }),
      404,
      'not_found',
    );
  });

  it('keeps operator settings to the operator token', async () => {
    const { id, apiToken } = await h.tenant();
    const refused = await h.call('PUT', `/api/v1/bots/${id}/config/panel_squads`, {
      token: apiToken,
      body: { value: [SQUAD] },
    });
    expectErrorBody(refused, 403, 'forbidden');
    expect(await h.app.forTenant(id).settings.get('panel_squads')).toEqual([]);

    const set = await h.call('PUT', `/api/v1/bots/${id}/config/panel_squads`, {
      ...op,
      body: { value: [SQUAD] },
    });
    expect(set.body).toMatchObject({ value: [SQUAD], source: 'tenant', tenantEditable: false });
    expect(await h.app.forTenant(id).settings.get('panel_squads')).toEqual([SQUAD]);

    expectErrorBody(
      await h.call('DELETE', `/api/v1/bots/${id}/config/panel_squads`, { token: apiToken }),
      403,
      'forbidden',
    );
    expect(await h.app.forTenant(id).settings.get('panel_squads')).toEqual([SQUAD]);
    const reset = await h.call('DELETE', `/api/v1/bots/${id}/config/panel_squads`, op);
    expect(reset.body).toMatchObject({ value: [], source: 'default' });
    expect(await h.app.forTenant(id).settings.get('panel_squads')).toEqual([]);
  });

  it('resets a tenant-editable setting to its default, for the tenant too', async () => {
    const { id, apiToken } = await h.tenant();
    await h.app.forTenant(id).settings.set('timezone', 'Europe/Moscow', 'tenant');
    const reset = await h.call('DELETE', `/api/v1/bots/${id}/config/timezone`, { token: apiToken });
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ key: 'timezone', value: 'Asia/Tehran', source: 'default' });
    expect(await h.app.forTenant(id).settings.get('timezone')).toBe('Asia/Tehran');
    expectErrorBody(await h.call('DELETE', `/api/v1/bots/${id}/config/nope`, op), 404, 'not_found');
  });
});

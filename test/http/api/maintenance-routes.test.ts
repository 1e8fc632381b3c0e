import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, OPERATOR_TOKEN, startApi } from './support.js';

describe.each(BACKENDS)('maintenance API on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend);
  });
  afterAll(() => h.close());

  it("lets a tenant token switch its own bot's maintenance, and only its own", async () => {
    const a = await h.tenant('Alpha');
    const b = await h.tenant('Beta');
    const off = await h.call('GET', `/api/v1/bots/${a.id}/maintenance`, { token: a.apiToken });
    expect(off.status).toBe(200);
    expect(off.body).toEqual({
      shop: { enabled: false, since: null },
      platform: { enabled: false, since: null },
      effective: false,
    });

    const on = await h.call('PUT', `/api/v1/bots/${a.id}/maintenance`, {
      token: a.apiToken,
      body: { enabled: true },
    });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ shop: { enabled: true }, platform: { enabled: false }, effective: true });
    expect(Number.isNaN(Date.parse(on.body.shop.since))).toBe(false);
    expect((await h.app.forTenant(a.id).maintenance.state()).on).toBe(true);

    // another tenant's token: the same 404 as a bot that does not exist, and nothing changes
    const foreign = await h.call('PUT', `/api/v1/bots/${a.id}/maintenance`, {
      token: b.apiToken,
      body: { enabled: false },
    });
    expectErrorBody(foreign, 404, 'not_found');
    expect((await h.app.forTenant(a.id).maintenance.state()).on).toBe(true);
    expect((await h.app.forTenant(b.id).maintenance.state()).on).toBe(false);

    // the operator may switch any bot
    const byOperator = await h.call('PUT', `/api/v1/bots/${a.id}/maintenance`, {
      token: OPERATOR_TOKEN,
      body: { enabled: false },
    });
    expect(byOperator.body).toMatchObject({ shop: { enabled: false, since: null }, effective: false });

    const bad = await h.call('PUT', `/api/v1/bots/${a.id}/maintenance`, {
      token: a.apiToken,
      body: { enabled: 'yes' },
    });
    expectErrorBody(bad, 400, 'invalid_request');
  });

  it('keeps the platform switch to the operator token', async () => {
    const a = await h.tenant('Gamma');
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { enabled: true }],
    ] as const) {
      const refused = await h.call(method, '/api/v1/maintenance', {
        token: a.apiToken,
        ...(body ? { body } : {}),
      });
      expectErrorBody(refused, 403, 'forbidden');
    }
    expect((await h.app.platform.maintenance.get()).on).toBe(false);

    const on = await h.call('PUT', '/api/v1/maintenance', { token: OPERATOR_TOKEN, body: { enabled: true } });
    expect(on.status).toBe(200);
    expect(on.body.platform.enabled).toBe(true);
    // every bot is in maintenance now, its own switch untouched
    const seen = await h.call('GET', `/api/v1/bots/${a.id}/maintenance`, { token: a.apiToken });
    expect(seen.body).toMatchObject({
      shop: { enabled: false },
      platform: { enabled: true },
      effective: true,
    });

    await h.call('PUT', `/api/v1/bots/${a.id}/maintenance`, { token: a.apiToken, body: { enabled: true } });
    const read = await h.call('GET', '/api/v1/maintenance', { token: OPERATOR_TOKEN });
    expect(read.body).toMatchObject({ platform: { enabled: true }, shopsInMaintenance: 1 });

    const off = await h.call('PUT', '/api/v1/maintenance', {
      token: OPERATOR_TOKEN,
      body: { enabled: false },
    });
    expect(off.body).toEqual({ platform: { enabled: false, since: null }, shopsInMaintenance: 1 });
    expect((await h.app.forTenant(a.id).maintenance.state()).on).toBe(true);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = await h.call('GET', '/api/v1/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/maintenance', '/api/v1/bots/{id}/maintenance']),
    );
  });
});

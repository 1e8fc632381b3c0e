import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planView } from '../../../src/http/api/plans-routes.js';
import { asPlanId } from '../../../src/shared/ids.js';
import { BACKENDS } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, OPERATOR_TOKEN, startApi } from './support.js';

const month = { name: 'Month', periodDays: 30, price: 150_000, trafficGb: 50, deviceLimit: 2 };

describe.each(BACKENDS)('plans API on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend);
  });
  afterAll(() => h.close());

  it('creates a plan with defaults for what is left out', async () => {
    const { id, apiToken } = await h.tenant();
    const created = await h.call('POST', `/api/v1/bots/${id}/plans`, {
      token: apiToken,
      body: { name: 'Week', periodDays: 7, price: 50_000 },
    });
    expect(created.status).toBe(201);
    const plan = planView.strict().parse(created.body);
    expect(plan).toMatchObject({
      name: 'Week',
      periodDays: 7,
      price: 50_000,
      trafficGb: 0,
      deviceLimit: 1,
      isActive: true,
      sortOrder: 0,
    });
    expect(await h.app.forTenant(id).plans.get(asPlanId(plan.id))).toMatchObject({ name: 'Week', botId: id });
  });

  it('refuses an invalid plan with every bad field named', async () => {
    const { id, apiToken } = await h.tenant();
    const refused = await h.call('POST', `/api/v1/bots/${id}/plans`, {
      token: apiToken,
      body: { name: '', periodDays: 0, price: 1.5, botId: 1 },
    });
    expectErrorBody(refused, 400, 'invalid_request');
    const fields = refused.body.error.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['body.name', 'body.periodDays', 'body.price']));
    // unknown fields are refused, not silently dropped
    expect(fields).toContain('body');
    expect(refused.body.error.message).toContain('botId');
    expect(await h.app.forTenant(id).plans.findAll()).toEqual([]);
    const notJson = await h.server.inject({
      method: 'POST',
      url: `/api/v1/bots/${id}/plans`,
      headers: { 'x-api-token': apiToken, 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('invalid_request');
  });

  it('lists plans in the tenant order, a page at a time, optionally only active ones', async () => {
    const { id, apiToken } = await h.tenant();
    const plans = h.app.forTenant(id).plans;
    const late = await plans.create({ ...month, name: 'Late', sortOrder: 10 });
    const early = await plans.create({ ...month, name: 'Early', sortOrder: 1 });
    const off = await plans.create({ ...month, name: 'Off', sortOrder: 5, isActive: false });
    if (!late.ok || !early.ok || !off.ok) throw new Error('setup');

    const all = await h.call('GET', `/api/v1/bots/${id}/plans`, { token: apiToken });
    expect(all.status).toBe(200);
    expect(all.body.items.map((p: { name: string }) => p.name)).toEqual(['Early', 'Off', 'Late']);
    expect(all.body).toMatchObject({ total: 3, nextOffset: null });

    const page = await h.call('GET', `/api/v1/bots/${id}/plans?limit=1&offset=1`, { token: apiToken });
    expect(page.body.items.map((p: { name: string }) => p.name)).toEqual(['Off']);
    expect(page.body).toMatchObject({ total: 3, nextOffset: 2 });

    const active = await h.call('GET', `/api/v1/bots/${id}/plans?active=true`, { token: apiToken });
    expect(active.body.items.map((p: { name: string }) => p.name)).toEqual(['Early', 'Late']);
    expect(active.body.total).toBe(2);
    const inactive = await h.call('GET', `/api/v1/bots/${id}/plans?active=false`, { token: OPERATOR_TOKEN });
    expect(inactive.body.items.map((p: { name: string }) => p.name)).toEqual(['Off']);
    expectErrorBody(
      await h.call('GET', `/api/v1/bots/${id}/plans?sort=name`, { token: apiToken }),
      400,
      'invalid_request',
    );
  });

  it('gets one plan, and 404 for one that does not exist', async () => {
    const { id, apiToken } = await h.tenant();
    const created = await h.app.forTenant(id).plans.create(month);
    if (!created.ok) throw new Error('setup');
    const got = await h.call('GET', `/api/v1/bots/${id}/plans/${created.value.id}`, { token: apiToken });
    expect(got.body).toMatchObject({ id: created.value.id, ...month });
    expectErrorBody(
      await h.call('GET', `/api/v1/bots/${id}/plans/99999999`, { token: apiToken }),
      404,
      'not_found',
    );
    expectErrorBody(
      await h.call('GET', `/api/v1/bots/${id}/plans/x`, { token: apiToken }),
      400,
      'invalid_request',
    );
  });

  it('changes a plan: fields left out keep their value', async () => {
    const { id, apiToken } = await h.tenant();
    const created = await h.app.forTenant(id).plans.create(month);
    if (!created.ok) throw new Error('setup');
    const path = `/api/v1/bots/${id}/plans/${created.value.id}`;
    const changed = await h.call('PUT', path, { token: apiToken, body: { price: 175_000, sortOrder: 3 } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ ...month, price: 175_000, sortOrder: 3 });
    expect(await h.app.forTenant(id).plans.get(created.value.id)).toMatchObject({
      price: 175_000,
      name: 'Month',
    });

    expectErrorBody(await h.call('PUT', path, { token: apiToken, body: {} }), 400, 'invalid_request');
    expectErrorBody(
      await h.call('PUT', path, { token: apiToken, body: { price: -1 } }),
      400,
      'invalid_request',
    );
    expectErrorBody(
      await h.call('PUT', `/api/v1/bots/${id}/plans/99999999`, { token: apiToken, body: { price: 1 } }),
      404,
      'not_found',
    );
    expect(await h.app.forTenant(id).plans.get(created.value.id)).toMatchObject({ price: 175_000 });
  });

  it('switches a plan off with DELETE, and back on with PUT', async () => {
    const { id, apiToken } = await h.tenant();
    const created = await h.app.forTenant(id).plans.create(month);
    if (!created.ok) throw new Error('setup');
    const path = `/api/v1/bots/${id}/plans/${created.value.id}`;
    const off = await h.call('DELETE', path, { token: apiToken });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ id: created.value.id, isActive: false });
    expect(await h.app.forTenant(id).plans.findActive()).toEqual([]);
    // still there, for the subscriptions that point at it
    expect(await h.app.forTenant(id).plans.get(created.value.id)).toMatchObject({ isActive: false });

    const on = await h.call('PUT', path, { token: apiToken, body: { isActive: true } });
    expect(on.body.isActive).toBe(true);
    expect((await h.app.forTenant(id).plans.findActive()).map((p) => p.id)).toEqual([created.value.id]);
    expectErrorBody(
      await h.call('DELETE', `/api/v1/bots/${id}/plans/99999999`, { token: apiToken }),
      404,
      'not_found',
    );
  });
});

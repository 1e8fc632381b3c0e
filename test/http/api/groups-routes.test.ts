import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupDetailsView, groupView } from '../../../src/http/api/groups-routes.js';
import { asGroupId } from '../../../src/modules/groups/groups-service.js';
import { BACKENDS } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, startApi } from './support.js';

let nextTelegramId = 8_830_000_000;

describe.each(BACKENDS)('customer groups API on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend);
  });
  afterAll(() => h.close());

  it('creates, lists, prices, changes and deletes groups, and puts a customer in one', async () => {
    const { id, apiToken } = await h.tenant();
    const services = h.app.forTenant(id);
    const plan = await services.plans.create({ name: 'Month', periodDays: 30, price: 100_000 });
    if (!plan.ok) throw new Error('plan');
    const { customer } = await services.customers.register({ telegramId: nextTelegramId++ }, 'fa');
    const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
      h.call(method, `/api/v1/bots/${id}${path}`, {
        token: apiToken,
        ...(body === undefined ? {} : { body }),
      });

    const created = await call('POST', '/groups', { name: 'Colleagues', discountPercent: 20 });
    expect(created.status).toBe(201);
    const group = groupView.strict().parse(created.body);
    expect(group).toMatchObject({ name: 'Colleagues', discountPercent: 20, isActive: true });
    expectErrorBody(await call('POST', '/groups', { name: 'Colleagues' }), 409, 'conflict');
    expectErrorBody(
      await call('POST', '/groups', { name: 'X', discountPercent: 150 }),
      400,
      'invalid_request',
    );

    const priced = await call('PUT', `/groups/${group.id}/prices/${plan.value.id}`, { price: 55_000 });
    expect(priced.status).toBe(200);
    expect(groupDetailsView.strict().parse(priced.body).prices).toEqual([
      { planId: plan.value.id, price: 55_000 },
    ]);
    expectErrorBody(
      await call('PUT', `/groups/${group.id}/prices/999999999`, { price: 1 }),
      404,
      'not_found',
    );

    const assigned = await call('PUT', `/customers/${customer.id}/group`, { groupId: group.id });
    expect(assigned.body).toEqual({ customerId: customer.id, groupId: group.id });
    const quote = (await services.promo.quote(customer.id, [plan.value])).get(plan.value.id);
    expect(quote?.price).toBe(55_000);

    const listed = await call('GET', '/groups');
    expect(listed.body.items.map((g: { name: string }) => g.name)).toEqual(['Colleagues']);
    const details = await call('GET', `/groups/${group.id}`);
    expect(details.body).toMatchObject({ members: 1, prices: [{ planId: plan.value.id, price: 55_000 }] });

    expect((await call('DELETE', `/groups/${group.id}/prices/${plan.value.id}`)).status).toBe(204);
    expect((await call('PUT', `/groups/${group.id}`, { discountPercent: 10 })).body).toMatchObject({
      discountPercent: 10,
    });
    expect((await services.promo.quote(customer.id, [plan.value])).get(plan.value.id)?.price).toBe(90_000);
    expect((await call('PUT', `/customers/${customer.id}/group`, { groupId: null })).status).toBe(200);
    expect((await call('DELETE', `/groups/${group.id}`)).status).toBe(204);
    expect(await services.groups.get(asGroupId(group.id))).toBeUndefined();
    expectErrorBody(await call('GET', `/groups/${group.id}`), 404, 'not_found');
  });
});

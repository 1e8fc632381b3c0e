import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, startApi } from './support.js';

let nextTelegramId = 8_835_000_000;

describe.each(BACKENDS)('customer groups API security on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend);
  });
  afterAll(() => h.close());

  it("answers 404 to another tenant's bot, group, plan or customer and changes nothing", async () => {
    const a = await h.tenant('Alpha');
    const b = await h.tenant('Beta');
    const aServices = h.app.forTenant(a.id);
    const bServices = h.app.forTenant(b.id);
    const aGroup = await aServices.groups.create({ name: 'A', discountPercent: 5 });
    const bGroup = await bServices.groups.create({ name: 'B', discountPercent: 7 });
    const aPlan = await aServices.plans.create({ name: 'A', periodDays: 30, price: 10 });
    const bPlan = await bServices.plans.create({ name: 'B', periodDays: 30, price: 10 });
    if (!aGroup.ok || !bGroup.ok || !aPlan.ok || !bPlan.ok) throw new Error('fixture');
    const { customer: aCustomer } = await aServices.customers.register(
      { telegramId: nextTelegramId++ },
      'fa',
    );
    const { customer: bCustomer } = await bServices.customers.register(
      { telegramId: nextTelegramId++ },
      'fa',
    );
    const state = async () => ({
      a: await aServices.groups.get(aGroup.value.id),
      b: await bServices.groups.get(bGroup.value.id),
      aCustomer: (await aServices.customers.get(aCustomer.id))?.groupId,
      bCustomer: (await bServices.customers.get(bCustomer.id))?.groupId,
    });
    const before = await state();
    const cases: [string, string, unknown?][] = [
      ['GET', `/api/v1/bots/${a.id}/groups`],
      ['POST', `/api/v1/bots/${a.id}/groups`, { name: 'Z' }],
      ['GET', `/api/v1/bots/${a.id}/groups/${aGroup.value.id}`],
      ['PUT', `/api/v1/bots/${a.id}/groups/${aGroup.value.id}`, { discountPercent: 99 }],
      ['DELETE', `/api/v1/bots/${a.id}/groups/${aGroup.value.id}`],
      ['PUT', `/api/v1/bots/${a.id}/groups/${aGroup.value.id}/prices/${aPlan.value.id}`, { price: 1 }],
      ['PUT', `/api/v1/bots/${a.id}/customers/${aCustomer.id}/group`, { groupId: aGroup.value.id }],
    ];
    // b's token on a's bot
    for (const [method, path, body] of cases) {
      const answer = await h.call(method as 'GET', path, { token: b.apiToken, ...(body ? { body } : {}) });
      expect(answer.status, `${method} ${path}`).toBe(404);
    }
    // a's token on a's bot, naming b's group, plan or customer
    const nested: [string, string, unknown?][] = [
      ['GET', `/api/v1/bots/${a.id}/groups/${bGroup.value.id}`],
      ['PUT', `/api/v1/bots/${a.id}/groups/${bGroup.value.id}`, { discountPercent: 99 }],
      ['DELETE', `/api/v1/bots/${a.id}/groups/${bGroup.value.id}`],
      ['PUT', `/api/v1/bots/${a.id}/groups/${bGroup.value.id}/prices/${aPlan.value.id}`, { price: 1 }],
      ['PUT', `/api/v1/bots/${a.id}/groups/${aGroup.value.id}/prices/${bPlan.value.id}`, { price: 1 }],
      ['DELETE', `/api/v1/bots/${a.id}/groups/${bGroup.value.id}/prices/${bPlan.value.id}`],
      ['PUT', `/api/v1/bots/${a.id}/customers/${bCustomer.id}/group`, { groupId: aGroup.value.id }],
      ['PUT', `/api/v1/bots/${a.id}/customers/${aCustomer.id}/group`, { groupId: bGroup.value.id }],
    ];
    for (const [method, path, body] of nested) {
      const answer = await h.call(method as 'GET', path, { token: a.apiToken, ...(body ? { body } : {}) });
      expect(answer.status, `${method} ${path}`).toBe(404);
      expectErrorBody(answer, 404, 'not_found');
    }
    expect(await state()).toEqual(before);
    expect((await bServices.groups.findAll()).map((g) => g.name)).toEqual(['B']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promoView } from '../../../src/http/api/promo-routes.js';
import { BACKENDS } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, startApi } from './support.js';

let nextTelegramId = 8_840_000_000;

describe.each(BACKENDS)('promo codes API on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend);
  });
  afterAll(() => h.close());

  it('creates, lists with uses, gets, disables and enables codes', async () => {
    const { id, apiToken } = await h.tenant();
    const services = h.app.forTenant(id);
    await services.flags.set('promo_codes', true);
    const plan = await services.plans.create({ name: 'Month', periodDays: 30, price: 100_000 });
    if (!plan.ok) throw new Error('plan');
    const call = (method: string, path: string, body?: unknown) =>
      h.call(method, `/api/v1/bots/${id}${path}`, {
        token: apiToken,
        ...(body === undefined ? {} : { body }),
      });

    const created = await call('POST', '/promo-codes', {
      code: 'spring-20',
      kind: 'percent',
      percent: 20,
      planIds: [plan.value.id],
      maxUses: 50,
      validUntil: '2030-01-01T00:00:00.000Z',
    });
    expect(created.status).toBe(201);
    const code = promoView.strict().parse(created.body);
    expect(code).toMatchObject({
      code: 'SPRING-20',
      kind: 'percent',
      percent: 20,
      planIds: [plan.value.id],
      maxUses: 50,
      uses: 0,
      perCustomer: 1,
      validUntil: '2030-01-01T00:00:00.000Z',
      isActive: true,
    });
    expectErrorBody(
      await call('POST', '/promo-codes', { code: 'Spring-20', kind: 'balance', amount: 5 }),
      409,
      'conflict',
    );
    const bad = await call('POST', '/promo-codes', { code: 'X', kind: 'fixed' });
    expectErrorBody(bad, 400, 'invalid_request');
    expect(bad.body.error.fields[0].field).toBe('body.amount');
    expectErrorBody(
      await call('POST', '/promo-codes', { code: 'a b', kind: 'balance', amount: 1 }),
      400,
      'invalid_request',
    );
    expectErrorBody(
      await call('POST', '/promo-codes', { code: 'P', kind: 'percent', percent: 5, planIds: [999_999_999] }),
      400,
      'invalid_request',
    );

    const gift = await call('POST', '/promo-codes', { code: 'هدیه', kind: 'balance', amount: 5000 });
    expect(gift.status).toBe(201);
    const { customer } = await services.customers.register({ telegramId: nextTelegramId++ }, 'fa');
    expect(await services.promo.redeem(customer.id, 'هدیه')).toMatchObject({ status: 'credited' });

    const listed = await call('GET', '/promo-codes');
    expect(listed.body.total).toBe(2);
    expect(listed.body.items.map((c: { code: string; uses: number }) => [c.code, c.uses])).toEqual([
      ['هدیه', 1],
      ['SPRING-20', 0],
    ]);
    expect((await call('GET', `/promo-codes/${code.id}`)).body).toMatchObject({ code: 'SPRING-20' });

    const disabled = await call('DELETE', `/promo-codes/${code.id}`);
    expect(disabled.body).toMatchObject({ isActive: false });
    expect((await call('GET', '/promo-codes?active=true')).body.items).toHaveLength(1);
    expect((await call('PUT', `/promo-codes/${code.id}`, { isActive: true })).body).toMatchObject({
      isActive: true,
    });
    expectErrorBody(await call('GET', '/promo-codes/999999999'), 404, 'not_found');
  });
});

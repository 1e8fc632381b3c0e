import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, fakeBotToken } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, OPERATOR_TOKEN, openResellerSignup, startApi } from './support.js';

/*
 * The operators' reseller plans and signups over REST, and a reseller bot's own plan. The
 * refusals (tenant tokens, another tenant's bot) are in resellers-routes.security.test.ts.
 */
describe.each(BACKENDS)('resellers API on %s', (backend) => {
  let h: ApiHarness;
  let masterId: number;

  beforeAll(async () => {
    h = await startApi(backend);
    const master = await h.app.platform.tenants.create({
      name: 'Master',
      token: fakeBotToken(),
      isMaster: true,
    });
    if (!master.ok) throw new Error(master.error.message);
    masterId = master.value.tenant.id;
  }, 60_000);
  afterAll(() => h.close());

  const op = { token: OPERATOR_TOKEN };

  it('creates, lists and changes reseller plans; bad figures are 400 with the field', async () => {
    const created = await h.call('POST', '/api/v1/resellers/plans', {
      ...op,
      body: {
        name: 'Silver',
        monthlyFee: 200_000,
        includedCredit: 50_000,
        featureKeys: ['card_to_card'],
        customerCap: 500,
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Silver',
      monthlyFee: 200_000,
      includedCredit: 50_000,
      featureKeys: ['card_to_card'],
      customerCap: 500,
      isActive: true,
    });
    const id = created.body.id as number;
    const listed = await h.call('GET', '/api/v1/resellers/plans', op);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((p: { id: number }) => p.id)).toContain(id);
    const changed = await h.call('PUT', `/api/v1/resellers/plans/${id}`, {
      ...op,
      body: { monthlyFee: 250_000, isActive: false },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ monthlyFee: 250_000, isActive: false });
    expect((await h.app.forTenant(masterId as never).resellers.plans.get(id))?.monthlyFee).toBe(250_000);

    const bad = await h.call('POST', '/api/v1/resellers/plans', {
      ...op,
      body: { name: 'Bad', monthlyFee: -5 },
    });
    expect(bad.status).toBe(400);
    expectErrorBody(bad, 400, 'invalid_request');
    expect(bad.body.error.fields[0].field).toBe('body.monthlyFee');
    const unknownFeature = await h.call('POST', '/api/v1/resellers/plans', {
      ...op,
      body: { name: 'Bad', monthlyFee: 5, featureKeys: ['teleport'] },
    });
    expect(unknownFeature.status).toBe(400);
    const missing = await h.call('PUT', '/api/v1/resellers/plans/999999', { ...op, body: { monthlyFee: 1 } });
    expect(missing.status).toBe(404);
  });

  it("lists signups by state and answers a reseller bot's plan", async () => {
    const master = h.app.forTenant(masterId as never);
    const plan = await master.resellers.plans.create({ name: 'Gold', monthlyFee: 0, includedCredit: 10 });
    if (!plan.ok) throw new Error('plan');
    const opened = await openResellerSignup(master, plan.value.id, 7_990_000_001, {
      id: 8_300_001,
      username: 'api_shop_bot',
    });
    const { customer } = opened;
    const waiting = await h.call('GET', '/api/v1/resellers/signups?status=awaiting_payment', op);
    expect(waiting.status).toBe(200);
    expect(waiting.body.items).toEqual([
      expect.objectContaining({
        id: opened.signup.id,
        botUsername: 'api_shop_bot',
        status: 'awaiting_payment',
        shopBotId: null,
      }),
    ]);
    // the token never leaves the service
    expect(JSON.stringify(waiting.body)).not.toContain('8300001:');

    expect((await master.resellers.signups.pay(customer.id, opened.signup.id)).status).toBe('paid');
    const started = await master.resellers.startShop(opened.signup.id);
    if (started.status !== 'started') throw new Error(started.status);
    const shopPlan = await h.call('GET', `/api/v1/bots/${started.shopId}/reseller`, op);
    expect(shopPlan.status).toBe(200);
    expect(shopPlan.body).toMatchObject({
      planName: 'Gold',
      monthlyFee: 0,
      salesSuspendedAt: null,
      unpaidSince: null,
    });
    const notReseller = await h.call('GET', `/api/v1/bots/${masterId}/reseller`, op);
    expect(notReseller.status).toBe(404);
  });

  it('approves and rejects signups waiting for approval, once: a decided one is 409 with its state', async () => {
    const master = h.app.forTenant(masterId as never);
    const plan = await master.resellers.plans.create({ name: 'Bronze', monthlyFee: 40_000 });
    if (!plan.ok) throw new Error('plan');
    // paid signups wait for an operator
    await master.settings.set('reseller_approval_required', true, 'operator');
    const paidSignup = async (telegramId: number, botId: number, username: string) => {
      const opened = await openResellerSignup(master, plan.value.id, telegramId, { id: botId, username });
      const { customer } = opened;
      await master.ledger.credit({
        customerId: customer.id,
        amount: 40_000,
        kind: 'admin_credit',
        reason: 'test',
      });
      expect(await master.resellers.signups.pay(customer.id, opened.signup.id)).toMatchObject({
        status: 'paid',
        next: 'approval',
      });
      expect(await master.ledger.balance(customer.id)).toBe(0);
      return { customer, signupId: opened.signup.id };
    };

    const approved = await paidSignup(7_990_000_011, 8_300_011, 'approved_shop_bot');
    const approve = await h.call('POST', `/api/v1/resellers/signups/${approved.signupId}/approve`, op);
    expect(approve.status).toBe(200);
    expect(approve.body).toMatchObject({ id: approved.signupId, status: 'approved' });
    // the master bot's operator pressing too late, or a second call: decided already
    const again = await h.call('POST', `/api/v1/resellers/signups/${approved.signupId}/reject`, op);
    expectErrorBody(again, 409, 'conflict');
    expect(again.body.error.message).toContain('approved');

    const rejected = await paidSignup(7_990_000_012, 8_300_012, 'rejected_shop_bot');
    const reject = await h.call('POST', `/api/v1/resellers/signups/${rejected.signupId}/reject`, {
      ...op,
      body: { reason: 'The name is taken by another brand' },
    });
    expect(reject.status).toBe(200);
    expect(reject.body).toMatchObject({ id: rejected.signupId, status: 'rejected' });
    // the price went back to the customer's balance in the master bot, once
    expect(await master.ledger.balance(rejected.customer.id)).toBe(40_000);
    const twice = await h.call('POST', `/api/v1/resellers/signups/${rejected.signupId}/reject`, op);
    expectErrorBody(twice, 409, 'conflict');
    expect(await master.ledger.balance(rejected.customer.id)).toBe(40_000);

    const missing = await h.call('POST', '/api/v1/resellers/signups/999999/approve', op);
    expectErrorBody(missing, 404, 'not_found');
    const badReason = await h.call('POST', `/api/v1/resellers/signups/${rejected.signupId}/reject`, {
      ...op,
      body: { reason: 'x'.repeat(501) },
    });
    expectErrorBody(badReason, 400, 'invalid_request');
  });
});

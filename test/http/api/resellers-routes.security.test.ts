import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, fakeBotToken } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, OPERATOR_TOKEN, startApi } from './support.js';

/*
 * The resellers routes' refusals: the master bot's plans and signups are the operator's (a tenant
 * token gets 403 and changes nothing), and a bot's reseller plan is its own (another tenant's bot
 * is a 404).
 */
describe.each(BACKENDS)('resellers API security on %s', (backend) => {
  let h: ApiHarness;
  let masterId: number;
  let a: { id: number; apiToken: string };
  let b: { id: number; apiToken: string };
  let planId: number;

  beforeAll(async () => {
    h = await startApi(backend);
    const master = await h.app.platform.tenants.create({
      name: 'Master',
      token: fakeBotToken(),
      isMaster: true,
    });
    if (!master.ok) throw new Error(master.error.message);
    masterId = master.value.tenant.id;
    const plan = await h.app
      .forTenant(master.value.tenant.id)
      .resellers.plans.create({ name: 'P', monthlyFee: 100 });
    if (!plan.ok) throw new Error('plan');
    planId = plan.value.id;
    a = await h.tenant('A');
    b = await h.tenant('B');
  }, 60_000);
  afterAll(() => h.close());

  it('refuses tenant tokens on the operator routes, before anything else, and changes nothing', async () => {
    const before = await h.app.forTenant(masterId as never).resellers.plans.list();
    for (const [method, path, body] of [
      ['GET', '/api/v1/resellers/plans', undefined],
      ['POST', '/api/v1/resellers/plans', { name: 'Mine', monthlyFee: 1 }],
      ['PUT', `/api/v1/resellers/plans/${planId}`, { monthlyFee: 1 }],
      ['GET', '/api/v1/resellers/signups', undefined],
    ] as const) {
      const answer = await h.call(method, path, { token: a.apiToken, ...(body ? { body } : {}) });
      expect({ method, path, status: answer.status }).toEqual({ method, path, status: 403 });
      expectErrorBody(answer, 403, 'forbidden');
      const anonymous = await h.call(method, path, body ? { body } : {});
      expect(anonymous.status).toBe(401);
    }
    expect(await h.app.forTenant(masterId as never).resellers.plans.list()).toEqual(before);
  });

  it("answers a bot's own reseller plan to its token only: another tenant's bot is a 404", async () => {
    const own = await h.call('GET', `/api/v1/bots/${a.id}/reseller`, { token: a.apiToken });
    // A is on no plan: its own bot answers 404 for the plan, not for the bot
    expect(own.status).toBe(404);
    expect(own.body.error.message).toContain('reseller plan');
    const other = await h.call('GET', `/api/v1/bots/${b.id}/reseller`, { token: a.apiToken });
    expect(other.status).toBe(404);
    expect(other.body.error.message).not.toContain('reseller plan');
    const operator = await h.call('GET', `/api/v1/bots/${b.id}/reseller`, { token: OPERATOR_TOKEN });
    expect(operator.status).toBe(404);
  });
});

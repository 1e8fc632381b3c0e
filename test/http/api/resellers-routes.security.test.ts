import { expect, it } from 'vitest';
import type { BotId } from '../../../src/shared/ids.js';
import { fakeBotToken } from '../../support/database.js';
import { describeSecurity } from './security.js';
import { OPERATOR_TOKEN, openResellerSignup } from './support.js';

/*
 * The resellers routes' refusals: the master bot's plans and signups are the operator's (a tenant
 * token gets 403 before anything else and changes nothing), and a bot's reseller plan is its own
 * (another tenant's bot is a 404).
 */

let masterId: BotId;
let planId: number;
/** A paid signup waiting for approval: a refused approval or rejection leaves it waiting. */
let signupId: number;

describeSecurity(
  'resellers',
  [
    { method: 'GET', path: () => '/api/v1/resellers/plans', operatorOnly: true, unscoped: true },
    {
      method: 'POST',
      path: () => '/api/v1/resellers/plans',
      body: { name: 'Mine', monthlyFee: 1 },
      operatorOnly: true,
      unscoped: true,
    },
    {
      method: 'PUT',
      path: () => `/api/v1/resellers/plans/${planId}`,
      body: { monthlyFee: 1 },
      operatorOnly: true,
      unscoped: true,
    },
    { method: 'GET', path: () => '/api/v1/resellers/signups', operatorOnly: true, unscoped: true },
    {
      method: 'POST',
      path: () => `/api/v1/resellers/signups/${signupId}/approve`,
      operatorOnly: true,
      unscoped: true,
    },
    {
      method: 'POST',
      path: () => `/api/v1/resellers/signups/${signupId}/reject`,
      body: { reason: 'no' },
      operatorOnly: true,
      unscoped: true,
    },
  ],
  {
    setup: async (h) => {
      const master = await h.app.platform.tenants.create({
        name: 'Master',
        token: fakeBotToken(),
        isMaster: true,
      });
      if (!master.ok) throw new Error(master.error.message);
      masterId = master.value.tenant.id;
      const plan = await h.app.forTenant(masterId).resellers.plans.create({ name: 'P', monthlyFee: 100 });
      if (!plan.ok) throw new Error('plan');
      planId = plan.value.id;
      const shop = h.app.forTenant(masterId);
      await shop.settings.set('reseller_approval_required', true, 'operator');
      const free = await shop.resellers.plans.create({ name: 'Free', monthlyFee: 0 });
      if (!free.ok) throw new Error('plan');
      const { customer, signup } = await openResellerSignup(shop, free.value.id, 7_990_100_001, {
        id: 8_310_001,
        username: 'waiting_shop_bot',
      });
      if ((await shop.resellers.signups.pay(customer.id, signup.id)).status !== 'paid')
        throw new Error('pay');
      signupId = signup.id;
    },
    // the master bot's plans and signups, seen from either tenant's snapshot
    state: async (h) => {
      const resellers = h.app.forTenant(masterId).resellers;
      return {
        resellerPlans: await resellers.plans.list(),
        resellerSignups: await resellers.signups.list(['awaiting_approval', 'approved', 'rejected'], 200),
      };
    },
    more: (ctx) => {
      it("answers a bot's own reseller plan to its token only: another tenant's bot is a 404", async () => {
        const { h, a, b } = ctx();
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
    },
  },
);

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RemnawaveSim, startRemnawaveSim } from '../../../sim/remnawave/index.js';
import { createRemnawaveClient } from '../../../src/integrations/remnawave/client.js';
import {
  createRemnawavePanel,
  REMNAWAVE_SELLING_SCOPES,
} from '../../../src/integrations/remnawave/vpn-panel.js';
import type { Plan } from '../../../src/modules/plans/plans-service.js';
import type { VpnPanel } from '../../../src/modules/subscriptions/vpn-panel.js';
import { asSubscriptionId, type BotId, type CustomerId, type OrderId } from '../../../src/shared/ids.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';
import { rememberSecret } from '../../support/log-capture.js';

const GIB = 1024 ** 3;
const DAY = 86_400_000;

/**
 * Provisioning against the panel simulator behaving as Remnawave 3.3.2 does: a token holding only
 * the scopes the README lists, statuses set by sweeps (run here by hand, never on a timer), and an
 * update answered with the status it set rather than the one the next sweep leaves.
 */
describe.each(BACKENDS)('subscriptions on the panel on %s', (backend) => {
  let sim: RemnawaveSim;
  let panel: VpnPanel;
  let t: TestApp;
  let shop: BotId;
  let squad: string;
  let plan: Plan;
  let telegramId = 7_300_000_000;

  beforeAll(async () => {
    // one panel for the whole file: the app keeps the adapter it was built with
    sim = await startRemnawaveSim({
      apiTokenScopes: REMNAWAVE_SELLING_SCOPES,
      expireSweepMs: 0,
      limitSweepMs: 0,
    });
    rememberSecret('panel token', sim.apiToken);
    panel = createRemnawavePanel(
      createRemnawaveClient({ baseUrl: sim.baseUrl, apiToken: sim.apiToken, timeoutMs: 1000, retries: 0 }),
    );
    t = await createTestApp(backend, { panel });
    shop = (await createTenant(t.app, 'Panel')).tenant.id;
    squad = sim.addSquad('Panel-Squad');
    const services = t.app.forTenant(shop);
    await services.settings.set('panel_squads', [squad], 'operator');
    const created = await services.plans.create({ name: 'Month', periodDays: 30, price: 100, trafficGb: 1 });
    if (!created.ok) throw new Error('plan');
    plan = created.value;
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await sim.close();
  });
  beforeEach(() => sim.clearRequestLog());
  afterEach(() => {
    // every call the product made was within the README's scopes
    expect(sim.requests().filter((r) => r.status === 403)).toEqual([]);
  });

  const services = () => t.app.forTenant(shop);

  const customer = async (balance = 1000): Promise<CustomerId> => {
    const { customer } = await services().customers.register(
      { telegramId: telegramId++, firstName: 'C' },
      'en',
    );
    await services().ledger.credit({ customerId: customer.id, amount: balance, kind: 'admin_credit' });
    return customer.id;
  };

  /**
   * Buys the plan from the balance (renewing the customer's first subscription when they have one)
   * and returns the paid order's id and the panel username.
   */
  const buy = async (customerId: CustomerId) => {
    const existing = await services().subscriptions.getForCustomer(customerId);
    const outcome = await services().orders.purchasePlan({
      customerId,
      planId: plan.id,
      ...(existing ? { subscriptionId: asSubscriptionId(existing.id) } : {}),
    });
    if (outcome.status !== 'paid') throw new Error(`fixture: ${outcome.status}`);
    const subscription = await services().subscriptions.getForCustomer(customerId);
    return { orderId: outcome.order.id, panelUsername: subscription!.panelUsername };
  };

  const provision = async (orderId: OrderId) => {
    const outcome = await services().subscriptions.provision(orderId);
    expect(outcome.status).toBe('active');
    return outcome;
  };

  it('tags the panel user RF and the tenant id when panel_tag is empty, with only the README scopes', async () => {
    expect(await services().settings.get('panel_tag')).toBeNull();
    const id = await customer();
    const { orderId, panelUsername } = await buy(id);
    await provision(orderId);

    const user = sim.getUser(panelUsername)!;
    expect(user.tag).toBe(`RF${shop}`);
    expect(user.tag).toMatch(/^[A-Z0-9_]{1,16}$/);
    expect(user.activeInternalSquads).toEqual([squad]);

    // the customer's card (live, with the device count), the traffic sync and a renewal's reset
    sim.addDevice(user.id, 'phone-1', { requestIp: '203.0.113.9' });
    sim.setUsage(user.id, 0.5 * GIB);
    expect(await services().subscriptions.viewForCustomer(id)).toMatchObject({
      live: true,
      onlineDevices: 1,
    });
    expect(await services().syncTraffic()).toMatchObject({ synced: 1, failed: 0 });
    await provision((await buy(id)).orderId);
    expect(sim.getUser(user.id)?.usedTrafficBytes).toBe(0);
    expect(sim.requestCount({ method: 'POST', path: '/api/users/:id/actions/reset-traffic' })).toBe(1);
  });

  it('claims the traffic warning a sync brings, once, and only for the usage it changed', async () => {
    const id = await customer();
    const { orderId, panelUsername } = await buy(id);
    await provision(orderId);
    const user = sim.getUser(panelUsername)!;
    const noticeKinds = async () => {
      const subscription = await services().subscriptions.getForCustomer(id);
      const notices = await services().lifecycle.claimTrafficNotices([asSubscriptionId(subscription!.id)]);
      return notices.total;
    };

    // 85 % of the plan's 1 GB: the 80 % warning is claimed by the sync that brings it
    sim.setUsage(user.id, Math.round(0.85 * GIB));
    expect(await services().syncTraffic()).toMatchObject({ trafficWarnings: 1 });
    // the same usage again: nothing changed, nothing claimed (and a claim by hand finds it taken)
    expect(await services().syncTraffic()).toMatchObject({ trafficWarnings: 0 });
    expect(await noticeKinds()).toBe(0);
    // 96 %: the next threshold, once
    sim.setUsage(user.id, Math.round(0.96 * GIB));
    expect(await services().syncTraffic()).toMatchObject({ trafficWarnings: 1 });
    expect(await services().syncTraffic()).toMatchObject({ trafficWarnings: 0 });
  });

  it('follows panel_tag when set', async () => {
    await services().settings.set('panel_tag', 'PANEL_SHOP', 'operator');
    try {
      const { orderId, panelUsername } = await buy(await customer());
      await provision(orderId);
      expect(sim.getUser(panelUsername)?.tag).toBe('PANEL_SHOP');
    } finally {
      await services().settings.set('panel_tag', null, 'operator');
    }
  });

  it('stores LIMITED for a user the update left over its limit, though the panel answered ACTIVE', async () => {
    const id = await customer();
    const { orderId, panelUsername } = await buy(id);
    // a panel user of that name already exists and has used more than the plan allows
    const leftover = sim.createUser({
      username: panelUsername,
      expireAt: new Date(Date.now() + DAY).toISOString(),
    });
    sim.setUsage(leftover.id, 2 * GIB);

    const outcome = await provision(orderId);
    const patch = sim.requests({ method: 'PATCH', path: '/api/users' });
    expect(patch).toHaveLength(1);
    expect(sim.getUser(leftover.id)?.status).toBe('ACTIVE'); // what the update answered
    expect(outcome.status === 'active' && outcome.subscription).toMatchObject({
      panelUserId: leftover.id,
      status: 'limited',
      usedTrafficBytes: 2 * GIB,
    });
    // and that is where the panel's sweep lands
    expect(sim.runSweeps().limited).toEqual([leftover.id]);
  });

  it("stores ACTIVE for a renewal of a LIMITED user: the reset's answer, not the update's, is final", async () => {
    const id = await customer();
    const { orderId, panelUsername } = await buy(id);
    await provision(orderId);
    const user = sim.getUser(panelUsername)!;
    sim.setUsage(user.id, 3 * GIB);
    sim.runSweeps();
    expect(sim.getUser(user.id)?.status).toBe('LIMITED');
    expect((await services().subscriptions.viewForCustomer(id))?.subscription.status).toBe('limited');

    const renewal = await provision((await buy(id)).orderId);
    expect(renewal.status === 'active' && renewal.subscription).toMatchObject({
      status: 'active',
      usedTrafficBytes: 0,
    });
    expect(sim.runSweeps()).toEqual({ expired: [], limited: [] });
    expect(sim.getUser(user.id)).toMatchObject({ status: 'ACTIVE', usedTrafficBytes: 0 });
  });

  it('shows LIMITED or EXPIRED as soon as the panel user qualifies, before the panel sweeps', async () => {
    const id = await customer();
    const { orderId, panelUsername } = await buy(id);
    await provision(orderId);
    const user = sim.getUser(panelUsername)!;

    sim.setUsage(user.id, 1 * GIB);
    expect(sim.getUser(user.id)?.status).toBe('ACTIVE');
    expect((await services().subscriptions.viewForCustomer(id))?.subscription.status).toBe('limited');

    sim.patchUser(user.id, { expireAt: new Date(Date.now() - 1000) });
    expect((await services().subscriptions.viewForCustomer(id))?.subscription.status).toBe('expired');
    sim.runSweeps();
    expect(sim.getUser(user.id)?.status).toBe('EXPIRED');
  });
});

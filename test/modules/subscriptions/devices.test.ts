import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RemnawaveSim, startRemnawaveSim } from '../../../sim/remnawave/index.js';
import { subscriptions } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { createRemnawaveClient } from '../../../src/integrations/remnawave/client.js';
import {
  createRemnawavePanel,
  REMNAWAVE_SELLING_SCOPES,
} from '../../../src/integrations/remnawave/vpn-panel.js';
import { deviceKey, linkKey } from '../../../src/modules/subscriptions/devices.js';
import type { Subscription } from '../../../src/modules/subscriptions/subscriptions-service.js';
import {
  asSubscriptionId,
  type BotId,
  type CustomerId,
  type PlanId,
  type SubscriptionId,
} from '../../../src/shared/ids.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';
import { rememberSecret } from '../../support/log-capture.js';

/**
 * A customer's devices and a new link, through the tenant's services against the panel simulator
 * (a token holding only the README's scopes), on both databases.
 */
describe.each(BACKENDS)('devices and a new link on %s', (backend) => {
  let sim: RemnawaveSim;
  let t: TestApp;
  let shopA: BotId;
  let shopB: BotId;
  const plans = new Map<BotId, PlanId>();
  let telegramId = 7_400_000_000;

  beforeAll(async () => {
    sim = await startRemnawaveSim({
      apiTokenScopes: REMNAWAVE_SELLING_SCOPES,
      expireSweepMs: 0,
      limitSweepMs: 0,
    });
    rememberSecret('panel token', sim.apiToken);
    const panel = createRemnawavePanel(
      createRemnawaveClient({ baseUrl: sim.baseUrl, apiToken: sim.apiToken, timeoutMs: 500, retries: 0 }),
    );
    t = await createTestApp(backend, { panel });
    const squad = sim.addSquad('Devices-Squad');
    shopA = (await createTenant(t.app, 'Devices A')).tenant.id;
    shopB = (await createTenant(t.app, 'Devices B')).tenant.id;
    for (const shop of [shopA, shopB]) {
      const services = t.app.forTenant(shop);
      await services.settings.set('panel_squads', [squad], 'operator');
      const plan = await services.plans.create({
        name: 'Month',
        periodDays: 30,
        price: 100,
        trafficGb: 10,
        deviceLimit: 3,
      });
      if (!plan.ok) throw new Error('plan');
      plans.set(shop, plan.value.id as PlanId);
    }
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await sim.close();
  });
  beforeEach(() => sim.clearRequestLog());
  afterEach(async () => {
    await sim.setDown(false);
    // every call was within the README's scopes
    expect(sim.requests().filter((r) => r.status === 403)).toEqual([]);
  });

  const customer = async (shop: BotId): Promise<CustomerId> => {
    const services = t.app.forTenant(shop);
    const { customer } = await services.customers.register(
      { telegramId: telegramId++, firstName: 'D' },
      'en',
    );
    await services.ledger.credit({ customerId: customer.id, amount: 1000, kind: 'admin_credit' });
    return customer.id;
  };

  /** Buys (or renews `renewing`) from the balance; the subscription, provisioned unless asked not to. */
  const buy = async (
    shop: BotId,
    customerId: CustomerId,
    options: { renewing?: SubscriptionId; provision?: boolean } = {},
  ): Promise<Subscription> => {
    const services = t.app.forTenant(shop);
    const outcome = await services.orders.purchasePlan({
      customerId,
      planId: plans.get(shop)!,
      ...(options.renewing === undefined ? {} : { subscriptionId: options.renewing }),
    });
    if (outcome.status !== 'paid') throw new Error(`fixture: ${outcome.status}`);
    if (options.provision !== false) {
      expect((await services.subscriptions.provision(outcome.order.id)).status).toBe('active');
    }
    const subscriptionId = asSubscriptionId(outcome.order.subscriptionId!);
    return (await services.subscriptions.get(subscriptionId))!;
  };

  const panelUserOf = (subscription: Subscription) => sim.getUser(subscription.panelUsername)!;
  const deviceCalls = () =>
    sim.requests().filter((r) => r.path.startsWith('/api/hwid/') || r.path.endsWith('/actions/revoke'));

  it('lists the devices the panel has, first added first, without their hwids', async () => {
    const id = await customer(shopA);
    const subscription = await buy(shopA, id);
    const user = panelUserOf(subscription);
    const longHwid = 'x'.repeat(300);
    sim.addDevice(user.id, longHwid, { platform: 'iOS', osVersion: '17.2', deviceModel: 'iPhone 15' });
    sim.addDevice(user.id, 'hw-2');

    const listed = await t.app.forTenant(shopA).devices.listDevices(id, asSubscriptionId(subscription.id));
    expect(listed.ok).toBe(true);
    if (!listed.ok) return;
    expect(listed.value.subscription.id).toBe(subscription.id);
    expect(listed.value.devices).toEqual([
      {
        key: deviceKey(longHwid),
        platform: 'iOS',
        osVersion: '17.2',
        model: 'iPhone 15',
        addedAt: expect.any(Date),
      },
      { key: deviceKey('hw-2'), platform: null, osVersion: null, model: null, addedAt: expect.any(Date) },
    ]);
    expect(listed.value.devices[0]!.key).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(JSON.stringify(listed.value.devices)).not.toContain(longHwid);
  });

  it('removes the device a key names, once, from a list read again', async () => {
    const id = await customer(shopA);
    const subscription = await buy(shopA, id);
    const user = panelUserOf(subscription);
    sim.addDevice(user.id, 'hw-1');
    sim.addDevice(user.id, 'hw-2');
    const devices = t.app.forTenant(shopA).devices;
    const subscriptionId = asSubscriptionId(subscription.id);

    const first = await devices.removeDevice(id, subscriptionId, deviceKey('hw-1'));
    expect(first).toMatchObject({
      ok: true,
      value: { removed: true, devices: [{ key: deviceKey('hw-2') }] },
    });
    expect(sim.getUser(user.id)?.devices.map((d) => d.hwid)).toEqual(['hw-2']);
    // pressed again (an old list): nothing else goes, and the customer sees what is left
    const again = await devices.removeDevice(id, subscriptionId, deviceKey('hw-1'));
    expect(again).toMatchObject({
      ok: true,
      value: { removed: false, devices: [{ key: deviceKey('hw-2') }] },
    });
    expect(sim.requests({ path: '/api/hwid/devices/delete' })).toHaveLength(1);
    expect(sim.getUser(user.id)?.devices.map((d) => d.hwid)).toEqual(['hw-2']);
  });

  it('removes every device, repeatably', async () => {
    const id = await customer(shopA);
    const subscription = await buy(shopA, id);
    const user = panelUserOf(subscription);
    sim.addDevice(user.id, 'hw-1');
    sim.addDevice(user.id, 'hw-2');
    const devices = t.app.forTenant(shopA).devices;
    const subscriptionId = asSubscriptionId(subscription.id);
    expect((await devices.removeAllDevices(id, subscriptionId)).ok).toBe(true);
    expect(sim.getUser(user.id)?.devices).toEqual([]);
    expect((await devices.removeAllDevices(id, subscriptionId)).ok).toBe(true);
    expect(await devices.listDevices(id, subscriptionId)).toMatchObject({ ok: true, value: { devices: [] } });
  });

  it('gives a new link, stored on the subscription; a repeated confirmation does not replace it again', async () => {
    const id = await customer(shopA);
    const subscription = await buy(shopA, id);
    const before = panelUserOf(subscription);
    sim.addDevice(before.id, 'hw-1');
    const services = t.app.forTenant(shopA);
    const subscriptionId = asSubscriptionId(subscription.id);
    const shownFor = linkKey(subscription)!;

    const renewed = await services.devices.newLink(id, subscriptionId, shownFor);
    expect(renewed).toMatchObject({ ok: true, value: { renewed: true } });
    if (!renewed.ok) return;
    const after = panelUserOf(subscription);
    expect(after.shortUuid).not.toBe(before.shortUuid);
    const stored = (await services.subscriptions.get(subscriptionId))!;
    expect(stored).toMatchObject({ subscriptionUrl: after.subscriptionUrl, panelShortUuid: after.shortUuid });
    expect(stored.panelEventAt?.getTime()).toBe(after.updatedAt.getTime());
    expect(renewed.value.subscription.subscriptionUrl).toBe(after.subscriptionUrl);
    expect(stored.subscriptionUrl).not.toBe(subscription.subscriptionUrl);
    // the link goes, the device, the expiry and the limits stay
    expect(after.devices.map((d) => d.hwid)).toEqual(['hw-1']);
    expect(after.expireAt.getTime()).toBe(before.expireAt.getTime());

    // the same confirmation again (a double press, the update delivered twice): the link made above
    const repeated = await services.devices.newLink(id, subscriptionId, shownFor);
    expect(repeated).toMatchObject({ ok: true, value: { renewed: false } });
    expect(repeated.ok && repeated.value.subscription.subscriptionUrl).toBe(after.subscriptionUrl);
    expect(sim.requests({ path: '/api/users/:id/actions/revoke' })).toHaveLength(1);

    // a confirmation shown for the new link replaces it
    const next = await services.devices.newLink(id, subscriptionId, linkKey(stored)!);
    expect(next).toMatchObject({ ok: true, value: { renewed: true } });
    expect(panelUserOf(subscription).shortUuid).not.toBe(after.shortUuid);
  });

  it('keeps the link of a newer panel event applied while the panel answered', async () => {
    const id = await customer(shopA);
    const subscription = await buy(shopA, id);
    const services = t.app.forTenant(shopA);
    const subscriptionId = asSubscriptionId(subscription.id);
    // a webhook of a later change (another revoke made on the panel) got here first
    const later = new Date(sim.now().getTime() + 60_000);
    await inTenant(t.database.handle.db, shopA, (tx) =>
      tx
        .update(subscriptions)
        .set({
          panelEventAt: later,
          subscriptionUrl: 'https://panel.example/api/sub/newer',
          panelShortUuid: 'newer',
        })
        .where(and(eq(subscriptions.botId, shopA), eq(subscriptions.id, subscription.id))),
    );
    const newer = (await services.subscriptions.get(subscriptionId))!;
    const result = await services.devices.newLink(id, subscriptionId, linkKey(newer)!);
    expect(result).toMatchObject({
      ok: true,
      value: { renewed: true, subscription: { subscriptionUrl: 'https://panel.example/api/sub/newer' } },
    });
    expect(await services.subscriptions.get(subscriptionId)).toMatchObject({
      subscriptionUrl: 'https://panel.example/api/sub/newer',
      panelEventAt: later,
    });
  });

  it('keeps the devices through a renewal', async () => {
    const id = await customer(shopA);
    const subscription = await buy(shopA, id);
    const user = panelUserOf(subscription);
    sim.addDevice(user.id, 'hw-1', { platform: 'Android' });
    sim.addDevice(user.id, 'hw-2');
    sim.clearRequestLog();
    const renewed = await buy(shopA, id, { renewing: asSubscriptionId(subscription.id) });
    expect(renewed.id).toBe(subscription.id);
    expect(renewed.expiresAt!.getTime()).toBeGreaterThan(subscription.expiresAt!.getTime());
    expect(panelUserOf(subscription).devices.map((d) => d.hwid)).toEqual(['hw-1', 'hw-2']);
    expect(deviceCalls()).toEqual([]);
  });

  it('answers why when there is nothing to ask the panel: not provisioned, no panel user, panel down', async () => {
    const id = await customer(shopA);
    const devices = t.app.forTenant(shopA).devices;
    const pending = await buy(shopA, id, { provision: false });
    const pendingId = asSubscriptionId(pending.id);
    expect(await devices.listDevices(id, pendingId)).toEqual({
      ok: false,
      error: { code: 'not_provisioned' },
    });
    expect(await devices.newLink(id, pendingId, 'AAAAAAAA')).toEqual({
      ok: false,
      error: { code: 'not_provisioned' },
    });

    const other = await customer(shopA);
    const live = await buy(shopA, other);
    const liveId = asSubscriptionId(live.id);
    await sim.setDown(true);
    for (const result of [
      await devices.listDevices(other, liveId),
      await devices.removeDevice(other, liveId, deviceKey('hw-1')),
      await devices.removeAllDevices(other, liveId),
      await devices.newLink(other, liveId, linkKey(live)!),
    ])
      expect(result).toEqual({ ok: false, error: { code: 'panel_unavailable' } });
    await sim.setDown(false);
    // the link was not replaced while the panel was down
    expect((await t.app.forTenant(shopA).subscriptions.get(liveId))?.subscriptionUrl).toBe(
      live.subscriptionUrl,
    );

    // deleted on the panel behind the shop's back: its device and revoke calls answer A025
    const userGone = { timestamp: sim.now().toISOString(), message: 'User not found', errorCode: 'A025' };
    for (const path of ['/api/hwid/devices/:id', '/api/users/:id/actions/revoke'])
      sim.addFault({ kind: 'status', status: 404, body: userGone, path, times: 1 });
    const lost = { ok: false, error: { code: 'panel_lost' } };
    expect(await devices.listDevices(other, liveId)).toEqual(lost);
    expect(await devices.newLink(other, liveId, linkKey(live)!)).toEqual(lost);
  });

  it("never reaches another customer's subscription, nor another shop's", async () => {
    const owner = await customer(shopA);
    const subscription = await buy(shopA, owner);
    const user = panelUserOf(subscription);
    sim.addDevice(user.id, 'hw-1');
    const subscriptionId = asSubscriptionId(subscription.id);
    const stranger = await customer(shopA);
    const inB = await customer(shopB);
    sim.clearRequestLog();

    const notFound = { ok: false, error: { code: 'not_found' } };
    for (const [shop, customerId] of [
      [shopA, stranger],
      [shopB, inB],
      // the owner's own id, asked through the other shop
      [shopB, owner],
    ] as const) {
      const devices = t.app.forTenant(shop).devices;
      expect(await devices.listDevices(customerId, subscriptionId)).toEqual(notFound);
      expect(await devices.removeDevice(customerId, subscriptionId, deviceKey('hw-1'))).toEqual(notFound);
      expect(await devices.removeAllDevices(customerId, subscriptionId)).toEqual(notFound);
      expect(await devices.newLink(customerId, subscriptionId, linkKey(subscription)!)).toEqual(notFound);
    }
    expect(deviceCalls()).toEqual([]);
    expect(panelUserOf(subscription)).toMatchObject({
      shortUuid: user.shortUuid,
      devices: [{ hwid: 'hw-1' }],
    });
    expect(await t.app.forTenant(shopA).subscriptions.get(subscriptionId)).toMatchObject({
      subscriptionUrl: subscription.subscriptionUrl,
    });
  });
});

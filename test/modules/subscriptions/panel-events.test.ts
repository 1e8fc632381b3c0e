import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RemnawaveSim, type SimUser, startRemnawaveSim } from '../../../sim/remnawave/index.js';
import { jobs, subscriptionNotices, subscriptions } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { createRemnawaveClient } from '../../../src/integrations/remnawave/client.js';
import { createRemnawavePanel } from '../../../src/integrations/remnawave/vpn-panel.js';
import {
  panelUserLostAlert,
  panelUserLostOperatorAlert,
} from '../../../src/jobs/definitions/panel-user-lost.js';
import {
  MalformedPanelEvent,
  type PanelUserEvent,
  panelWebhookBody,
  routePanelEvent,
} from '../../../src/modules/subscriptions/panel-events.js';
import { panelUsername } from '../../../src/modules/subscriptions/panel-username.js';
import type { Subscription } from '../../../src/modules/subscriptions/subscriptions-service.js';
import { asCustomerId, asSubscriptionId, type BotId, type PlanId } from '../../../src/shared/ids.js';
import { BACKENDS, createTenant, createTestApp, freePort, type TestApp } from '../../support/database.js';
import { rememberSecret } from '../../support/log-capture.js';

const DAY = 86_400_000;
const GIB = 1024 ** 3;

/**
 * Applying the panel's events, as the simulator sends them (its webhook bodies, read back here
 * rather than over HTTP: test/http/panel-webhook.test.ts covers the route), in any order, twice, at
 * once, and for the wrong shop.
 */
describe.each(BACKENDS)('panel events on %s', (backend) => {
  let sim: RemnawaveSim;
  let t: TestApp;
  let shop: BotId;
  let other: BotId;
  let plans: Map<BotId, PlanId>;
  let telegramId = 7_400_000_000;
  /** The shop's clock, moved by tests that need "a day before the expiry". */
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs) };

  beforeAll(async () => {
    // the sim records every event it would send; nothing listens there, so nothing is delivered
    const nowhere = await freePort();
    sim = await startRemnawaveSim({
      expireSweepMs: 0,
      limitSweepMs: 0,
      bandwidthThresholds: [80, 95],
      webhook: { url: `http://127.0.0.1:${nowhere}/panel/webhook`, secret: 'x'.repeat(40), retries: 0 },
    });
    rememberSecret('panel token', sim.apiToken);
    const panel = createRemnawavePanel(
      createRemnawaveClient({ baseUrl: sim.baseUrl, apiToken: sim.apiToken, timeoutMs: 1000, retries: 0 }),
    );
    t = await createTestApp(backend, { panel, clock });
    shop = (await createTenant(t.app, 'Events')).tenant.id;
    other = (await createTenant(t.app, 'Other')).tenant.id;
    const squad = sim.addSquad('Events-Squad');
    plans = new Map();
    for (const id of [shop, other]) {
      const services = t.app.forTenant(id);
      await services.settings.set('panel_squads', [squad], 'operator');
      const plan = await services.plans.create({ name: 'Month', periodDays: 30, price: 100, trafficGb: 10 });
      if (!plan.ok) throw new Error('plan');
      plans.set(id, plan.value.id);
    }
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await sim.close();
  });
  beforeEach(() => {
    sim.clearWebhookDeliveries();
    offsetMs = 0;
  });

  const services = (id: BotId = shop) => t.app.forTenant(id);

  /** A customer of `id` with a paid, provisioned subscription; its row and its panel user. */
  const subscribed = async (id: BotId = shop): Promise<{ row: Subscription; user: SimUser }> => {
    const s = services(id);
    const { customer } = await s.customers.register({ telegramId: telegramId++, firstName: 'Eve' }, 'en');
    await s.ledger.credit({ customerId: customer.id, amount: 1000, kind: 'admin_credit' });
    const bought = await s.orders.purchasePlan({ customerId: customer.id, planId: plans.get(id)! });
    if (bought.status !== 'paid') throw new Error(bought.status);
    const provisioned = await s.subscriptions.provision(bought.order.id);
    if (provisioned.status !== 'active') throw new Error(provisioned.status);
    const user = sim.getUser(provisioned.subscription.panelUsername)!;
    for (const secret of [user.vlessUuid, user.trojanPassword, user.ssPassword])
      rememberSecret('panel token', secret);
    return { row: provisioned.subscription, user };
  };

  const row = async (subscription: { id: number }, id: BotId = shop) =>
    (await services(id).subscriptions.get(asSubscriptionId(subscription.id)))!;

  /** The events the panel sent about `username` since the last clear, oldest first. */
  const eventsOf = (username: string, name?: string): PanelUserEvent[] =>
    sim
      .webhookDeliveries()
      .filter((d) => d.username === username && (name === undefined || d.event === name))
      .map((d) => {
        const routed = routePanelEvent(panelWebhookBody.parse(JSON.parse(d.body)));
        if (routed.kind !== 'user') throw new Error(`not routed: ${d.event}`);
        return routed.event;
      });

  const lastEvent = (username: string, name: string): PanelUserEvent => {
    const event = eventsOf(username, name).at(-1);
    if (!event) throw new Error(`no ${name} for ${username}`);
    return event;
  };

  const apply = (event: PanelUserEvent, id: BotId = shop) => services(id).panelEvents.apply(event);

  const panelApi = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sim.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${sim.apiToken}`,
        'x-forwarded-for': '127.0.0.1',
        'x-forwarded-proto': 'https',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(res.status).toBeLessThan(300);
  };

  const noticesOf = (id: BotId, subscriptionId: number) =>
    inTenant(t.database.handle.db, id, (tx) =>
      tx
        .select({ kind: subscriptionNotices.kind, periodKey: subscriptionNotices.periodKey })
        .from(subscriptionNotices)
        .where(eq(subscriptionNotices.subscriptionId, subscriptionId)),
    );

  const jobsNamed = (id: BotId, name: string) =>
    inTenant(t.database.handle.db, id, (tx) =>
      tx
        .select({ payload: jobs.payload })
        .from(jobs)
        .where(and(eq(jobs.botId, id), eq(jobs.name, name))),
    );

  it('mirrors what the panel did: disabled, enabled, limited, expired', async () => {
    const { row: sub, user } = await subscribed();
    await panelApi('POST', `/api/users/${user.id}/actions/disable`);
    expect(await apply(lastEvent(user.username, 'user.disabled'))).toMatchObject({
      status: 'applied',
      effects: ['mirrored'],
    });
    expect((await row(sub)).status).toBe('disabled');

    sim.advanceTime(1000);
    await panelApi('POST', `/api/users/${user.id}/actions/enable`);
    await apply(lastEvent(user.username, 'user.enabled'));
    expect((await row(sub)).status).toBe('active');

    sim.advanceTime(1000);
    sim.setUsage(user.id, 10 * GIB);
    sim.runSweeps();
    await apply(lastEvent(user.username, 'user.limited'));
    expect(await row(sub)).toMatchObject({ status: 'limited', usedTrafficBytes: 10 * GIB });
    expect((await row(sub)).panelEventAt?.getTime()).toBe(sim.getUser(user.id)!.updatedAt.getTime());
  });

  it('applies the same event twice to the same state, and claims its notice once', async () => {
    const { row: sub, user } = await subscribed();
    // the panel's own reminder, a day before the expiry: the shop's 1-day warning, claimed once
    sim.remindExpiration(user.id, 24);
    const reminder = lastEvent(user.username, 'user.expiration');
    expect(reminder.hoursBeforeExpiry).toBe(24);
    offsetMs = sub.expiresAt!.getTime() - Date.now() - DAY + 60_000;
    const first = await apply(reminder);
    const again = await apply(reminder);
    expect(first).toMatchObject({ status: 'applied', effects: ['mirrored', 'notice'] });
    expect(again).toMatchObject({ status: 'applied', effects: ['mirrored'] });
    expect(await noticesOf(shop, sub.id)).toEqual([
      { kind: 'expiry-1d', periodKey: `${sub.expiresAt!.toISOString().slice(0, 19)}Z` },
    ]);
    offsetMs = 0;

    // a threshold event the panel sent twice (a retried delivery) claims the 80 % warning once
    sim.setUsage(user.id, 8.5 * GIB);
    const threshold = lastEvent(user.username, 'user.bandwidth_usage_threshold_reached');
    const before = await row(sub);
    expect(await apply(threshold)).toMatchObject({ status: 'applied', effects: ['mirrored', 'notice'] });
    expect(await apply(threshold)).toMatchObject({ status: 'applied', effects: ['mirrored'] });
    const after = await row(sub);
    expect(after).toMatchObject({ usedTrafficBytes: 8.5 * GIB, status: before.status });
    expect(await noticesOf(shop, sub.id)).toContainEqual({
      kind: 'traffic-80',
      periodKey: `${before.trafficPeriodStartedAt.toISOString().slice(0, 19)}Z`,
    });
    expect(await noticesOf(shop, sub.id)).toHaveLength(2);
  });

  it('ignores an event older than one already applied', async () => {
    const { row: sub, user } = await subscribed();
    await panelApi('POST', `/api/users/${user.id}/actions/disable`);
    sim.advanceTime(1000);
    await panelApi('POST', `/api/users/${user.id}/actions/enable`);
    const disabled = lastEvent(user.username, 'user.disabled');
    const enabled = lastEvent(user.username, 'user.enabled');
    // delivered the other way round
    await apply(enabled);
    expect(await apply(disabled)).toEqual({ status: 'stale', subscriptionId: sub.id });
    expect(await row(sub)).toMatchObject({ status: 'active', panelEventAt: enabled.user.updatedAt });
  });

  it('keeps the right state under 20 concurrent events for five subscriptions', async () => {
    const subs = await Promise.all(Array.from({ length: 5 }, () => subscribed()));
    for (const { user } of subs) {
      await panelApi('POST', `/api/users/${user.id}/actions/disable`);
      sim.advanceTime(1000);
      await panelApi('POST', `/api/users/${user.id}/actions/enable`);
      sim.advanceTime(1000);
      await panelApi('POST', `/api/users/${user.id}/actions/revoke`, {});
      sim.advanceTime(1000);
      await panelApi('POST', `/api/users/${user.id}/actions/disable`);
    }
    const made = new Set(['user.disabled', 'user.enabled', 'user.revoked']);
    const events = subs.flatMap(({ user }) => eventsOf(user.username).filter((e) => made.has(e.name)));
    expect(events).toHaveLength(20);
    // all at once, newest sent first (so older ones mostly come after newer ones)
    const outcomes = await Promise.all([...events].reverse().map((event) => apply(event)));
    // whichever takes each row's lock first, the newest state wins and nothing fails
    expect(outcomes.every((o) => o.status === 'applied' || o.status === 'stale')).toBe(true);
    for (const { row: sub, user } of subs) {
      const now = sim.getUser(user.id)!;
      expect(await row(sub)).toMatchObject({
        status: 'disabled',
        panelShortUuid: now.shortUuid,
        subscriptionUrl: now.subscriptionUrl,
        panelEventAt: now.updatedAt,
      });
    }
  });

  it('starts a new traffic period on a traffic reset, and stores a new link on a revoke', async () => {
    const { row: sub, user } = await subscribed();
    sim.setUsage(user.id, 3 * GIB);
    sim.advanceTime(1000);
    await panelApi('POST', `/api/users/${user.id}/actions/reset-traffic`);
    const reset = lastEvent(user.username, 'user.traffic_reset');
    expect(await apply(reset)).toMatchObject({ effects: ['mirrored', 'traffic_period'] });
    const afterReset = await row(sub);
    expect(afterReset.usedTrafficBytes).toBe(0);
    expect(afterReset.trafficPeriodStartedAt.getTime()).toBe(
      sim.getUser(user.id)!.lastTrafficResetAt!.getTime(),
    );
    await apply(reset);
    expect((await row(sub)).trafficPeriodStartedAt).toEqual(afterReset.trafficPeriodStartedAt);

    sim.advanceTime(1000);
    await panelApi('POST', `/api/users/${user.id}/actions/revoke`, {});
    await apply(lastEvent(user.username, 'user.revoked'));
    const revoked = sim.getUser(user.id)!;
    expect(revoked.shortUuid).not.toBe(user.shortUuid);
    expect(await row(sub)).toMatchObject({
      panelShortUuid: revoked.shortUuid,
      subscriptionUrl: revoked.subscriptionUrl,
    });
  });

  it('records the first connection once, whatever order the events come in', async () => {
    const { row: sub, user } = await subscribed();
    sim.setUsage(user.id, GIB);
    sim.advanceTime(1000);
    await panelApi('POST', `/api/users/${user.id}/actions/disable`);
    await apply(lastEvent(user.username, 'user.disabled'));
    const connected = lastEvent(user.username, 'user.first_connected');
    expect(await apply(connected)).toMatchObject({ status: 'applied', effects: ['first_connected'] });
    expect((await row(sub)).firstConnectedAt).toEqual(sim.getUser(user.id)!.firstConnectedAt);
    expect(await apply(connected)).toEqual({ status: 'stale', subscriptionId: sub.id });
    // the late event mirrored nothing over the newer state
    expect((await row(sub)).status).toBe('disabled');
  });

  it('does not take a status from before a renewal the panel has not been given yet', async () => {
    const { row: sub, user } = await subscribed();
    sim.setUsage(user.id, 10 * GIB);
    sim.runSweeps();
    const limited = lastEvent(user.username, 'user.limited');
    // a renewal paid meanwhile: a new expiry and quota that provisioning has not pushed yet
    const s = services();
    await s.ledger.credit({ customerId: asCustomerId(sub.customerId), amount: 100, kind: 'admin_credit' });
    const renewal = await s.orders.purchasePlan({
      customerId: asCustomerId(sub.customerId),
      planId: plans.get(shop)!,
      subscriptionId: asSubscriptionId(sub.id),
    });
    expect(renewal.status).toBe('paid');
    const renewed = await row(sub);
    expect(renewed.expiresAt!.getTime()).toBeGreaterThan(sub.expiresAt!.getTime());
    expect(await apply(limited)).toMatchObject({ status: 'applied', effects: [] });
    expect((await row(sub)).status).toBe(renewed.status);
  });

  it('does not let an event sent before provisioning undo it (a renewal retried after a lost reset)', async () => {
    const { row: sub, user } = await subscribed();
    sim.advanceTime(1000);
    sim.setUsage(user.id, 10 * GIB);
    sim.runSweeps();
    const s = services();
    await s.ledger.credit({ customerId: asCustomerId(sub.customerId), amount: 100, kind: 'admin_credit' });
    const renewal = await s.orders.purchasePlan({
      customerId: asCustomerId(sub.customerId),
      planId: plans.get(shop)!,
      subscriptionId: asSubscriptionId(sub.id),
    });
    if (renewal.status !== 'paid') throw new Error(renewal.status);
    const renewed = await row(sub);
    // the first run pushes the new expiry, then the traffic reset fails: the job will run again
    sim.advanceTime(1000);
    const lostReset = sim.addFault({
      kind: 'status',
      status: 503,
      method: 'POST',
      path: `/api/users/${user.id}/actions/reset-traffic`,
      times: 1,
    });
    await expect(s.subscriptions.provision(renewal.order.id)).rejects.toThrow();
    expect(lostReset.hits).toBe(1);
    // meanwhile the panel's traffic job limits the user again: an event about the new expiry
    sim.advanceTime(1000);
    sim.runSweeps();
    const limited = lastEvent(user.username, 'user.limited');
    expect(limited.user.expireAt.getTime()).toBe(renewed.expiresAt!.getTime());
    expect(limited.user.usedTrafficBytes).toBe(10 * GIB);

    // the run again converges: a fresh quota, active, as of the panel's last change
    sim.advanceTime(1000);
    const provisioned = await s.subscriptions.provision(renewal.order.id);
    if (provisioned.status !== 'active') throw new Error(provisioned.status);
    const panelUser = sim.getUser(user.id)!;
    expect(panelUser).toMatchObject({ status: 'ACTIVE', usedTrafficBytes: 0 });
    expect(provisioned.subscription).toMatchObject({
      status: 'active',
      usedTrafficBytes: 0,
      panelEventAt: panelUser.updatedAt,
    });
    // the limited event, sent before that run and delivered after it, is older: it changes nothing
    expect(await apply(limited)).toEqual({ status: 'stale', subscriptionId: sub.id });
    expect(await row(sub)).toMatchObject({ status: 'active', usedTrafficBytes: 0 });
    // the panel's events from the run itself, or later, still apply
    expect(await apply(lastEvent(user.username, 'user.traffic_reset'))).toMatchObject({ status: 'applied' });
    sim.advanceTime(1000);
    sim.setUsage(user.id, 2 * GIB);
    await panelApi('POST', `/api/users/${user.id}/actions/disable`);
    expect(await apply(lastEvent(user.username, 'user.disabled'))).toMatchObject({ status: 'applied' });
    expect(await row(sub)).toMatchObject({ status: 'disabled', usedTrafficBytes: 2 * GIB });
  });

  it('keeps what later events wrote while provisioning waited for the panel: the user disabled, the link revoked', async () => {
    const s = services();
    const { customer } = await s.customers.register({ telegramId: telegramId++, firstName: 'Leila' }, 'en');
    await s.ledger.credit({ customerId: customer.id, amount: 1000, kind: 'admin_credit' });
    const bought = await s.orders.purchasePlan({ customerId: customer.id, planId: plans.get(shop)! });
    if (bought.status !== 'paid') throw new Error(bought.status);
    const sub = (await s.subscriptions.getForCustomer(customer.id))!;
    // the panel creates the user at once; its answer takes a while to come back
    sim.addFault({ kind: 'commit-then-hang', delayMs: 500, method: 'POST', path: '/api/users', times: 1 });
    const provisioning = s.subscriptions.provision(bought.order.id);
    const deadline = Date.now() + 5_000;
    while (!sim.getUser(sub.panelUsername)) {
      if (Date.now() > deadline) throw new Error('the panel user was not created');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const created = sim.getUser(sub.panelUsername)!;
    // meanwhile an admin disables the user and revokes its link on the panel; the events come first
    sim.advanceTime(1000);
    await panelApi('POST', `/api/users/${created.id}/actions/disable`);
    sim.advanceTime(1000);
    await panelApi('POST', `/api/users/${created.id}/actions/revoke`, {});
    expect(await apply(lastEvent(sub.panelUsername, 'user.disabled'))).toMatchObject({ status: 'applied' });
    expect(await apply(lastEvent(sub.panelUsername, 'user.revoked'))).toMatchObject({ status: 'applied' });

    // the create's answer, older than both, provisions the order and takes nothing back
    const provisioned = await provisioning;
    expect(provisioned.status).toBe('active');
    const now = sim.getUser(created.id)!;
    expect(now.shortUuid).not.toBe(created.shortUuid);
    expect(await row(sub)).toMatchObject({
      panelUserId: created.id,
      status: 'disabled',
      panelShortUuid: now.shortUuid,
      subscriptionUrl: now.subscriptionUrl,
      panelEventAt: now.updatedAt,
    });
  });

  it('marks a deleted user lost once, alerts the admins and the operators, and forgets its late events', async () => {
    const { row: sub, user } = await subscribed();
    await panelApi('POST', `/api/users/${user.id}/actions/disable`);
    sim.deleteUser(user.id);
    const deleted = lastEvent(user.username, 'user.deleted');
    expect(await apply(deleted)).toMatchObject({ status: 'applied', effects: ['lost'] });
    expect(await apply(deleted)).toMatchObject({ status: 'applied', effects: [] });
    const lost = await row(sub);
    expect(lost.lostAt).not.toBeNull();
    // the paid entitlement is untouched
    expect(lost).toMatchObject({ expiresAt: sub.expiresAt, trafficLimitBytes: sub.trafficLimitBytes });
    const alert = { subscriptionId: sub.id, lostAt: lost.lostAt!.toISOString() };
    expect(
      (await jobsNamed(shop, panelUserLostAlert.name)).filter((j) => j.payload.subscriptionId === sub.id),
    ).toEqual([{ payload: alert }]);
    expect(
      (await jobsNamed(shop, panelUserLostOperatorAlert.name)).filter(
        (j) => j.payload.subscriptionId === sub.id,
      ),
    ).toEqual([{ payload: alert }]);
    // an event from before the deletion, arriving after it
    expect(await apply(lastEvent(user.username, 'user.disabled'))).toEqual({
      status: 'superseded',
      subscriptionId: sub.id,
    });

    // restored: a new panel user with what was paid for; the old user's late events change nothing
    expect(await services().subscriptions.reprovision(asSubscriptionId(sub.id))).toBe('restored');
    const restored = await row(sub);
    expect(restored.lostAt).toBeNull();
    const recreated = sim.getUser(sub.panelUsername)!;
    expect(recreated.id).not.toBe(user.id);
    expect(recreated.expireAt.getTime()).toBe(sub.expiresAt!.getTime());
    expect(await apply(deleted)).toEqual({ status: 'superseded', subscriptionId: sub.id });
    expect((await row(sub)).lostAt).toBeNull();
  });

  it('ignores users it does not know, shops that are not active, and events it has no use for', async () => {
    const { row: sub, user } = await subscribed();
    await panelApi('POST', `/api/users/${user.id}/actions/disable`);
    const event = lastEvent(user.username, 'user.disabled');
    // a well-formed username of this shop naming no subscription
    const nobody = {
      ...event,
      user: { ...event.user, username: panelUsername(shop, asCustomerId(999_999)) },
    };
    expect(await apply(nobody)).toEqual({ status: 'unknown' });
    // a user the fleet did not create, and events of other scopes
    const foreign = panelWebhookBody.parse({
      scope: 'user',
      event: 'user.disabled',
      data: { ...JSON.parse(sim.webhookDeliveries().at(-1)!.body).data, username: 'someone_else' },
    });
    // not named by this fleet: carried on for the shop that may hold it (an imported one)
    expect(routePanelEvent(foreign)).toEqual({
      kind: 'ignored',
      reason: 'foreign',
      username: 'someone_else',
      event: expect.objectContaining({
        name: 'user.disabled',
        user: expect.objectContaining({ username: 'someone_else' }),
      }),
    });
    expect(
      routePanelEvent(panelWebhookBody.parse({ scope: 'node', event: 'node.modified', data: {} })),
    ).toEqual({
      kind: 'ignored',
      reason: 'scope',
    });
    expect(
      routePanelEvent(
        panelWebhookBody.parse({ scope: 'user', event: 'user.subscription_request', data: {} }),
      ),
    ).toEqual({ kind: 'ignored', reason: 'event' });
    expect(() =>
      routePanelEvent(panelWebhookBody.parse({ event: 'user.disabled', data: { id: 1 } })),
    ).toThrow(MalformedPanelEvent);

    // a suspended shop's users are left alone
    await t.app.platform.tenants.deactivate(shop);
    try {
      expect(await apply(event)).toEqual({ status: 'unknown' });
    } finally {
      await t.app.platform.tenants.activate(shop);
    }
    expect((await row(sub)).status).toBe('active');
  });

  it("never touches another shop's subscription, whatever the username claims", async () => {
    const mine = await subscribed(shop);
    const theirs = await subscribed(other);
    await panelApi('POST', `/api/users/${theirs.user.id}/actions/disable`);
    const event = lastEvent(theirs.user.username, 'user.disabled');
    // the other shop's customer id under this shop's id: routed to this shop, which has no such user
    const crafted = {
      ...event,
      user: { ...event.user, username: panelUsername(shop, asCustomerId(theirs.row.customerId)) },
    };
    expect(await apply(crafted, shop)).toEqual({ status: 'unknown' });
    // and the real username, applied through this shop's door, finds nothing either (row-level security)
    expect(await apply(event, shop)).toEqual({ status: 'unknown' });
    expect((await row(theirs.row, other)).status).toBe('active');
    expect((await row(mine.row, shop)).status).toBe('active');
    // routed by its username, it reaches the other shop only
    const routed = routePanelEvent(
      panelWebhookBody.parse(
        JSON.parse(sim.webhookDeliveries().find((d) => d.event === 'user.disabled')!.body),
      ),
    );
    expect(routed).toMatchObject({ kind: 'user', botId: other });
    if (routed.kind === 'user') await apply(routed.event, routed.botId);
    expect((await row(theirs.row, other)).status).toBe('disabled');
    expect((await row(mine.row, shop)).status).toBe('active');
    expect(await noticesOf(other, theirs.row.id)).toEqual([]);
    expect(
      await inTenant(t.database.handle.db, shop, (tx) =>
        tx.select({ id: subscriptions.id }).from(subscriptions).where(eq(subscriptions.id, theirs.row.id)),
      ),
    ).toEqual([]);
  });
});

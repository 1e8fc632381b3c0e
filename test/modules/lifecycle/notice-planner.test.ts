import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { subscriptionNotices } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { planSubscriptionNotices as plannerJob } from '../../../src/jobs/definitions/subscription-notices.js';
import { EXPIRY_NOTICE_KEEP_MS } from '../../../src/modules/lifecycle/lifecycle-service.js';
import {
  CATCH_UP_MS,
  hourStart,
  PLANNING_WINDOW_MS,
  slotSeconds,
  trafficThresholds,
  warningLookup,
  windowStart,
} from '../../../src/modules/lifecycle/notice-planner.js';
import {
  dueExpiryWarning,
  expiryPeriodKey,
  expiryWarningKind,
  reachedTrafficThreshold,
  trafficKind,
  trafficPeriodKey,
} from '../../../src/modules/lifecycle/subscription-notices.js';
import { asSubscriptionId, type BotId, type SubscriptionId } from '../../../src/shared/ids.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';
import {
  addCustomer,
  addSubscription,
  anotherProcess,
  DAY,
  GB,
  HOUR,
  noticesOf,
  sendJobsOf,
  testClock,
  updateSubscription,
} from './lifecycle-fixtures.js';

describe('planning helpers', () => {
  it('looks up the due warning of a whole number of days', () => {
    // entry k: the smallest threshold of at least k days
    expect(warningLookup([3, 1])).toEqual([1, 1, 3, 3]);
    expect(warningLookup([7])).toEqual([7, 7, 7, 7, 7, 7, 7, 7]);
  });

  it('pads the traffic thresholds with a percent never reached', () => {
    expect(trafficThresholds([95, 80])).toEqual([80, 95, 101, 101, 101]);
    expect(trafficThresholds([])).toEqual([101, 101, 101, 101, 101]);
    expect(() => trafficThresholds([1, 2, 3, 4, 5, 6])).toThrow(/at most 5/);
  });

  it('spreads consecutive subscriptions over the hour', () => {
    const slots = Array.from({ length: 12 }, (_, index) => slotSeconds(index + 1));
    expect(new Set(slots).size).toBe(12);
    expect(Math.max(...slots) - Math.min(...slots)).toBeGreaterThan(1800);
    expect(slots.every((slot) => slot >= 0 && slot < 3600)).toBe(true);
  });

  it('plans whole UTC days, as often as the job runs', () => {
    expect(windowStart(new Date('2031-03-10T23:59:59.999Z')).toISOString()).toBe('2031-03-10T00:00:00.000Z');
    expect(hourStart(new Date('2031-03-10T08:59:59.999Z')).toISOString()).toBe('2031-03-10T08:00:00.000Z');
    expect(plannerJob.schedule?.everyMs).toBe(PLANNING_WINDOW_MS);
  });
});

describe.each(BACKENDS)('the notice planner on %s', (backend) => {
  const clock = testClock();
  let t: TestApp;
  let shop: BotId;
  const plan = (botId = shop) => t.app.forTenant(botId).lifecycle.planNotices();
  const claimTraffic = (ids?: number[], botId = shop) =>
    t.app.forTenant(botId).lifecycle.claimTrafficNotices(ids?.map(asSubscriptionId));
  const at = (ms: number) => new Date(clock.now().getTime() + ms);

  beforeAll(async () => {
    t = await createTestApp(backend, { clock });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    clock.set(new Date(Date.UTC(2031, 2, 10, 8, 10)));
    shop = (await createTenant(t.app, 'Planner')).tenant.id;
  });

  it('claims the warning falling due today once, however many runs and processes plan it', async () => {
    const customer = await addCustomer(t, shop);
    // the 3-day moment is 20 minutes ahead, within this hour
    const expiresAt = at(3 * DAY + 20 * 60_000);
    const id = await addSubscription(t, shop, customer, { expiresAt });

    expect(await plan()).toMatchObject({ expiryWarnings: 1, total: 1 });
    expect(await plan()).toMatchObject({ total: 0 });
    const other = await anotherProcess(t, clock);
    try {
      const planned = await Promise.all([plan(), other.app.forTenant(shop).lifecycle.planNotices()]);
      expect(planned.map((p) => p.total)).toEqual([0, 0]);
    } finally {
      await other.close();
    }

    const notices = await noticesOf(t, shop);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      subscriptionId: id,
      kind: expiryWarningKind(3),
      periodKey: expiryPeriodKey(expiresAt),
    });
    const [job] = await sendJobsOf(t, shop);
    expect(job?.noticeId).toBe(notices[0]!.id);
    expect(job?.dedupeKey).toBe(`subscription-notice:${notices[0]!.id}`);
    // at the subscription's slot in the moment's hour, never after the warning's moment
    const moment = expiresAt.getTime() - 3 * DAY;
    const slot = hourStart(new Date(moment)).getTime() + slotSeconds(id) * 1000;
    expect(job?.delayMs).toBe(Math.max(0, Math.min(slot, moment) - clock.now().getTime()));
    expect(job!.delayMs).toBeLessThanOrEqual(20 * 60_000);
  });

  it('claims only the nearest due threshold after a gap, and never one due before the subscription existed', async () => {
    const late = await addSubscription(t, shop, await addCustomer(t, shop), { expiresAt: at(20 * HOUR) });
    // bought now for a day: "one day left" on its first minute would be noise
    await addSubscription(t, shop, await addCustomer(t, shop), {
      expiresAt: at(DAY),
      createdAt: clock.now(),
    });

    expect(await plan()).toMatchObject({ expiryWarnings: 1, total: 1 });
    expect(await noticesOf(t, shop)).toMatchObject([{ subscriptionId: late, kind: expiryWarningKind(1) }]);
  });

  it('claims the expired notice for its expiry and never sends it before', async () => {
    const expiresAt = at(40 * 60_000);
    const id = await addSubscription(t, shop, await addCustomer(t, shop), { expiresAt });

    expect(await plan()).toMatchObject({ expired: 1 });
    const [job] = await sendJobsOf(t, shop);
    const slot = hourStart(expiresAt).getTime() + slotSeconds(id) * 1000;
    expect(job?.delayMs).toBe(Math.max(slot, expiresAt.getTime()) - clock.now().getTime());
  });

  it('invites back after the come-back days, unless the customer has another subscription running', async () => {
    const gone = await addCustomer(t, shop);
    const stayed = await addCustomer(t, shop);
    const expiredAt = at(-3 * DAY + 30 * 60_000);
    const lapsed = await addSubscription(t, shop, gone, { expiresAt: expiredAt, status: 'expired' });
    await addSubscription(t, shop, stayed, { expiresAt: expiredAt, status: 'expired' });
    await addSubscription(t, shop, stayed, { expiresAt: at(20 * DAY), ordinal: 2 });

    expect(await plan()).toMatchObject({ comeBack: 1 });
    expect((await noticesOf(t, shop)).filter((n) => n.kind === 'come-back')).toMatchObject([
      { subscriptionId: lapsed },
    ]);
  });

  it('leaves expiries older than the catch-up alone (a first deployment greets nobody)', async () => {
    const customer = await addCustomer(t, shop);
    await addSubscription(t, shop, customer, { expiresAt: at(-CATCH_UP_MS - HOUR), status: 'expired' });
    await addSubscription(t, shop, customer, {
      expiresAt: at(-400 * DAY),
      status: 'expired',
      ordinal: 2,
    });

    expect(await plan()).toMatchObject({ total: 0 });
  });

  it('catches up an expiry missed while no process ran', async () => {
    const expiresAt = at(-10 * HOUR);
    const id = await addSubscription(t, shop, await addCustomer(t, shop), { expiresAt, status: 'expired' });

    expect(await plan()).toMatchObject({ expired: 1 });
    const [job] = await sendJobsOf(t, shop);
    // its slot passed with its hour: sent at once
    expect(hourStart(expiresAt).getTime() + slotSeconds(id) * 1000).toBeLessThan(clock.now().getTime());
    expect(job?.delayMs).toBe(0);
  });

  it('warns at the highest traffic threshold reached, once per traffic period', async () => {
    const customer = await addCustomer(t, shop);
    const id = await addSubscription(t, shop, customer, {
      expiresAt: at(20 * DAY),
      usedTrafficBytes: 41 * GB,
    });
    // unlimited (0) and exhausted-but-expired subscriptions get no traffic warning
    await addSubscription(t, shop, customer, {
      expiresAt: at(20 * DAY),
      trafficLimitBytes: 0,
      usedTrafficBytes: 900 * GB,
      ordinal: 2,
    });
    await addSubscription(t, shop, customer, {
      expiresAt: at(-5 * DAY),
      status: 'expired',
      usedTrafficBytes: 50 * GB,
      ordinal: 3,
    });

    // the hourly planning leaves traffic to the claims where usage changes
    expect(await plan()).toMatchObject({ total: 0 });
    // a sync that changed other subscriptions' usage claims nothing for this one
    expect(await claimTraffic([id + 100])).toMatchObject({ total: 0 });
    expect(await claimTraffic([id])).toMatchObject({ traffic: 1, total: 1 });
    await updateSubscription(t, shop, id, { usedTrafficBytes: 48 * GB });
    expect(await claimTraffic()).toMatchObject({ traffic: 1 });
    expect(await claimTraffic()).toMatchObject({ total: 0 });

    // a traffic reset starts a new period: the same thresholds warn again
    const reset = at(HOUR);
    await updateSubscription(t, shop, id, { usedTrafficBytes: 0, trafficPeriodStartedAt: reset });
    expect(await claimTraffic([id])).toMatchObject({ total: 0 });
    await updateSubscription(t, shop, id, { usedTrafficBytes: 40 * GB });
    expect(await claimTraffic([id])).toMatchObject({ traffic: 1 });

    const traffic = (await noticesOf(t, shop)).map((n) => [n.kind, n.periodKey]);
    const first = trafficPeriodKey({ trafficPeriodStartedAt: at(20 * DAY - 30 * DAY) });
    const second = trafficPeriodKey({ trafficPeriodStartedAt: reset });
    expect(traffic).toEqual([
      [trafficKind(80), first],
      [trafficKind(95), first],
      [trafficKind(80), second],
    ]);
    // traffic warnings go out at once
    expect((await sendJobsOf(t, shop)).map((job) => job.delayMs)).toEqual([0, 0, 0]);
  });

  it('starts over for the new expiry after a renewal', async () => {
    const expiresAt = at(20 * HOUR);
    const id = await addSubscription(t, shop, await addCustomer(t, shop), { expiresAt });
    expect(await plan()).toMatchObject({ expiryWarnings: 1 });

    const renewed = new Date(expiresAt.getTime() + 30 * DAY);
    await updateSubscription(t, shop, id, { expiresAt: renewed });
    expect(await plan()).toMatchObject({ total: 0 });
    clock.set(new Date(renewed.getTime() - 3 * DAY - 10 * 60_000));
    expect(await plan()).toMatchObject({ expiryWarnings: 1 });
    clock.set(new Date(renewed.getTime() - DAY - 10 * 60_000));
    expect(await plan()).toMatchObject({ expiryWarnings: 1 });

    expect((await noticesOf(t, shop)).map((n) => [n.kind, n.periodKey])).toEqual([
      [expiryWarningKind(1), expiryPeriodKey(expiresAt)],
      [expiryWarningKind(3), expiryPeriodKey(renewed)],
      [expiryWarningKind(1), expiryPeriodKey(renewed)],
    ]);
  });

  it('claims nothing for banned or unreachable customers, or pending and disabled subscriptions', async () => {
    const expiresAt = at(20 * HOUR);
    const unreachable = await addCustomer(t, shop, { unreachable: true });
    await addSubscription(t, shop, await addCustomer(t, shop, { banned: true }), { expiresAt });
    await addSubscription(t, shop, unreachable, { expiresAt });
    const customer = await addCustomer(t, shop);
    await addSubscription(t, shop, customer, { expiresAt, status: 'pending' });
    await addSubscription(t, shop, customer, { expiresAt, status: 'disabled', ordinal: 2 });
    expect(await plan()).toMatchObject({ total: 0 });

    // back through /start within the period: the warning is still claimed for them
    await t.app.forTenant(shop).customers.markReachable(unreachable);
    expect(await plan()).toMatchObject({ expiryWarnings: 1 });
  });

  it('does what the settings say: no lists, no notices', async () => {
    const settings = t.app.forTenant(shop).settings;
    const customer = await addCustomer(t, shop);
    // the 2-day moment came 4 hours ago; 98 % of the traffic used
    await addSubscription(t, shop, customer, {
      expiresAt: at(2 * DAY - 4 * HOUR),
      usedTrafficBytes: 49 * GB,
    });
    await addSubscription(t, shop, customer, {
      expiresAt: at(-3 * DAY + 30 * 60_000),
      status: 'expired',
      ordinal: 2,
    });
    await settings.set('renewal_warning_days', [], 'tenant');
    await settings.set('traffic_warning_percents', [], 'tenant');
    await settings.set('comeback_days', 0, 'tenant');
    expect(await plan()).toMatchObject({ total: 0 });
    expect(await claimTraffic()).toMatchObject({ total: 0 });

    await settings.set('traffic_warning_percents', [99], 'tenant');
    await settings.set('renewal_warning_days', [2], 'tenant');
    expect(await plan()).toMatchObject({ expiryWarnings: 1, traffic: 0, comeBack: 0, total: 1 });
    expect(await claimTraffic()).toMatchObject({ total: 0 });
    expect((await noticesOf(t, shop)).map((n) => n.kind)).toEqual([expiryWarningKind(2)]);
  });

  it("never sees or claims another shop's subscriptions", async () => {
    const other = (await createTenant(t.app, 'Other planner')).tenant.id;
    const expiresAt = at(20 * HOUR);
    const mine = await addSubscription(t, shop, await addCustomer(t, shop), { expiresAt });
    const theirs = await addSubscription(t, other, await addCustomer(t, other), { expiresAt });

    expect(await plan(shop)).toMatchObject({ total: 1 });
    expect(await noticesOf(t, other)).toEqual([]);
    expect(await sendJobsOf(t, other)).toEqual([]);
    expect((await noticesOf(t, shop)).map((n) => n.subscriptionId)).toEqual([mine]);

    // another shop's subscription id named to a shop's traffic claim is not found
    await updateSubscription(t, other, theirs, { usedTrafficBytes: 49 * GB });
    expect(await claimTraffic([theirs])).toMatchObject({ total: 0 });
    expect(await noticesOf(t, other)).toEqual([]);

    expect(await plan(other)).toMatchObject({ total: 1 });
    expect(await claimTraffic([theirs], other)).toMatchObject({ traffic: 1 });
    expect((await noticesOf(t, other)).map((n) => n.subscriptionId)).toEqual([theirs, theirs]);
    expect(await noticesOf(t, shop)).toHaveLength(1);
  });

  it('prunes the claims no planning can make again, and keeps every other', async () => {
    const customer = await addCustomer(t, shop);
    const expiredLongAgo = at(-EXPIRY_NOTICE_KEEP_MS - DAY);
    const old = await addSubscription(t, shop, customer, { expiresAt: expiredLongAgo, status: 'expired' });
    const periodStart = at(-10 * DAY);
    const running = await addSubscription(t, shop, customer, {
      expiresAt: at(20 * DAY),
      trafficPeriodStartedAt: periodStart,
      ordinal: 2,
    });
    const claimed = (subscriptionId: SubscriptionId, kind: string, periodKey: string, createdAt: Date) => ({
      botId: shop,
      subscriptionId,
      kind,
      periodKey,
      createdAt,
    });
    const longAgo = at(-30 * DAY);
    await inTenant(t.database.handle.db, shop, (tx) =>
      tx.insert(subscriptionNotices).values([
        // gone: an expiry past the come-back and catch-up, and a traffic period that ended
        claimed(old, expiryWarningKind(1), expiryPeriodKey(expiredLongAgo), longAgo),
        claimed(old, 'come-back', expiryPeriodKey(expiredLongAgo), longAgo),
        claimed(
          running,
          trafficKind(80),
          trafficPeriodKey({ trafficPeriodStartedAt: at(-40 * DAY) }),
          longAgo,
        ),
        // kept: the current traffic period, a recent expiry, and a claim whose send may be queued
        claimed(running, trafficKind(80), trafficPeriodKey({ trafficPeriodStartedAt: periodStart }), longAgo),
        claimed(running, 'expired', expiryPeriodKey(at(-80 * DAY)), longAgo),
        claimed(
          running,
          trafficKind(95),
          trafficPeriodKey({ trafficPeriodStartedAt: at(-40 * DAY) }),
          at(-HOUR),
        ),
      ]),
    );
    const other = (await createTenant(t.app, 'Other pruner')).tenant.id;
    const theirs = await addSubscription(t, other, await addCustomer(t, other), {
      expiresAt: expiredLongAgo,
      status: 'expired',
    });
    await inTenant(t.database.handle.db, other, (tx) =>
      tx
        .insert(subscriptionNotices)
        .values({ ...claimed(theirs, 'expired', expiryPeriodKey(expiredLongAgo), longAgo), botId: other }),
    );

    expect(await t.app.forTenant(shop).lifecycle.pruneNotices()).toBe(3);
    expect((await noticesOf(t, shop)).map((n) => `${n.subscriptionId} ${n.kind} ${n.periodKey}`)).toEqual([
      `${running} ${trafficKind(80)} ${trafficPeriodKey({ trafficPeriodStartedAt: periodStart })}`,
      `${running} expired ${expiryPeriodKey(at(-80 * DAY))}`,
      `${running} ${trafficKind(95)} ${trafficPeriodKey({ trafficPeriodStartedAt: at(-40 * DAY) })}`,
    ]);
    // another shop's claims are its own prune's
    expect(await noticesOf(t, other)).toHaveLength(1);
    expect(await t.app.forTenant(shop).lifecycle.pruneNotices()).toBe(0);
  });

  it('follows the same rules as the code the webhooks use, on many subscriptions', async () => {
    const settings = t.app.forTenant(shop).settings;
    const warningDays = [7, 3, 1];
    const percents = [50, 80, 95];
    await settings.set('renewal_warning_days', warningDays, 'tenant');
    await settings.set('traffic_warning_percents', percents, 'tenant');
    await settings.set('comeback_days', 0, 'tenant');
    // a fixed pseudo-random walk, so a failure can be replayed
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const subscriptions = [];
    for (let index = 0; index < 60; index++) {
      const customer = await addCustomer(t, shop);
      const expiresAt = at(Math.round((random() * 10 - 0.5) * DAY));
      const fixture = {
        expiresAt,
        createdAt: new Date(expiresAt.getTime() - Math.round(random() * 12 * DAY)),
        usedTrafficBytes: Math.round(random() * 60 * GB),
        status: expiresAt > clock.now() ? ('active' as const) : ('expired' as const),
      };
      const id = await addSubscription(t, shop, customer, fixture);
      subscriptions.push({ id, trafficLimitBytes: 50 * GB, trafficPeriodStartedAt: new Date(0), ...fixture });
    }

    await plan();
    await claimTraffic();
    const windowEnd = new Date(windowStart(clock.now()).getTime() + PLANNING_WINDOW_MS - 1);
    const expected = subscriptions.flatMap((s) => {
      const kinds: string[] = [];
      const days = dueExpiryWarning(s, windowEnd, warningDays);
      if (days !== undefined && s.expiresAt.getTime() - days * DAY >= clock.now().getTime() - CATCH_UP_MS)
        kinds.push(`${s.id} ${expiryWarningKind(days)}`);
      const percent = reachedTrafficThreshold(s, percents);
      if (percent !== undefined && s.expiresAt > clock.now()) kinds.push(`${s.id} ${trafficKind(percent)}`);
      const expiredAgo = clock.now().getTime() - s.expiresAt.getTime();
      if (s.expiresAt <= windowEnd && expiredAgo <= CATCH_UP_MS) kinds.push(`${s.id} expired`);
      return kinds;
    });
    const claimed = (await noticesOf(t, shop)).map((n) => `${n.subscriptionId} ${n.kind}`);
    expect(claimed.sort()).toEqual(expected.sort());
    expect(claimed.length).toBeGreaterThan(20);
  });
});

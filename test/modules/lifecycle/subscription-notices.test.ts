import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inTenant } from '../../../src/db/tenant-tx.js';
import {
  COME_BACK_KIND,
  claimSubscriptionNotice,
  dueExpiryWarning,
  EXPIRED_KIND,
  expiryPeriodKey,
  expiryWarningFromPanel,
  expiryWarningKind,
  parseNoticeKind,
  reachedTrafficThreshold,
  trafficKind,
  trafficPeriodKey,
  trafficWarningFromPanel,
} from '../../../src/modules/lifecycle/subscription-notices.js';
import type { Subscription } from '../../../src/modules/subscriptions/subscriptions-service.js';
import type { BotId, SubscriptionId } from '../../../src/shared/ids.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';
import {
  addCustomer,
  addSubscription,
  DAY,
  GB,
  HOUR,
  noticesOf,
  sendJobsOf,
  testClock,
} from './lifecycle-fixtures.js';

describe('notice kinds and periods', () => {
  it('reads back every kind it writes, and nothing else', () => {
    expect(parseNoticeKind(expiryWarningKind(3))).toEqual({ type: 'expiry-warning', days: 3 });
    expect(parseNoticeKind(EXPIRED_KIND)).toEqual({ type: 'expired' });
    expect(parseNoticeKind(COME_BACK_KIND)).toEqual({ type: 'come-back' });
    expect(parseNoticeKind(trafficKind(95))).toEqual({ type: 'traffic', percent: 95 });
    for (const unknown of ['expiry-0d', 'expiry-3', 'traffic-100', 'traffic-', 'expired ', ''])
      expect(parseNoticeKind(unknown)).toBeUndefined();
  });

  it('names a period by its instant to the second, in UTC', () => {
    const at = new Date('2031-03-10T08:10:59.987Z');
    expect(expiryPeriodKey(at)).toBe('2031-03-10T08:10:59Z');
    expect(trafficPeriodKey({ trafficPeriodStartedAt: at })).toBe('2031-03-10T08:10:59Z');
  });
});

describe('which warning is due', () => {
  const now = new Date('2031-03-10T08:10:00Z');
  const subscription = (expiresIn: number, createdAgo = 30 * DAY) => ({
    expiresAt: new Date(now.getTime() + expiresIn),
    createdAt: new Date(now.getTime() - createdAgo),
  });

  it('is the smallest threshold whose moment has come', () => {
    expect(dueExpiryWarning(subscription(4 * DAY), now, [3, 1])).toBeUndefined();
    expect(dueExpiryWarning(subscription(3 * DAY), now, [3, 1])).toBe(3);
    expect(dueExpiryWarning(subscription(2 * DAY), now, [1, 3])).toBe(3);
    expect(dueExpiryWarning(subscription(20 * HOUR), now, [3, 1])).toBe(1);
  });

  it('is none once expired, with no thresholds, or for a moment before the subscription existed', () => {
    expect(dueExpiryWarning(subscription(0), now, [3, 1])).toBeUndefined();
    expect(dueExpiryWarning({ expiresAt: null, createdAt: now }, now, [3, 1])).toBeUndefined();
    expect(dueExpiryWarning(subscription(20 * HOUR), now, [])).toBeUndefined();
    expect(dueExpiryWarning(subscription(20 * HOUR, HOUR), now, [3, 1])).toBeUndefined();
    // bought 2 days before its expiry: the 1-day warning still applies, the 3-day one never did
    expect(dueExpiryWarning(subscription(20 * HOUR, 28 * HOUR), now, [3, 1])).toBe(1);
  });

  it('warns at the highest traffic threshold reached, in whole bytes', () => {
    const used = (bytes: number, limit = 50 * GB) => ({ trafficLimitBytes: limit, usedTrafficBytes: bytes });
    expect(reachedTrafficThreshold(used(40 * GB - 1), [80, 95])).toBeUndefined();
    expect(reachedTrafficThreshold(used(40 * GB), [80, 95])).toBe(80);
    expect(reachedTrafficThreshold(used(49 * GB), [95, 80])).toBe(95);
    expect(reachedTrafficThreshold(used(900 * GB, 0), [80, 95])).toBeUndefined();
  });
});

describe.each(BACKENDS)('claiming a notice on %s', (backend) => {
  const clock = testClock();
  let t: TestApp;
  let shop: BotId;
  let other: BotId;
  const claim = (botId: BotId, work: Parameters<typeof inTenant>[2]) =>
    inTenant(t.database.handle.db, botId, work);
  const subscriptionOf = async (botId: BotId, id: SubscriptionId) =>
    (await t.app.forTenant(botId).subscriptions.get(id)) as Subscription;

  beforeAll(async () => {
    t = await createTestApp(backend, { clock });
    other = (await createTenant(t.app, 'Other')).tenant.id;
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    shop = (await createTenant(t.app, 'Claims')).tenant.id;
  });

  it('claims once and queues its sending once, in the same transaction', async () => {
    const id = await addSubscription(t, shop, await addCustomer(t, shop), {
      expiresAt: new Date(clock.now().getTime() + DAY),
    });
    const notice = { subscriptionId: id, kind: EXPIRED_KIND, periodKey: 'p1', delayMs: 90_000 };
    expect(await claim(shop, (tx) => claimSubscriptionNotice(tx, notice))).toBe(true);
    expect(await claim(shop, (tx) => claimSubscriptionNotice(tx, notice))).toBe(false);
    // a rolled-back claim leaves neither the row nor the job
    await expect(
      claim(shop, async (tx) => {
        await claimSubscriptionNotice(tx, { ...notice, periodKey: 'p2' });
        throw new Error('the change that needed it failed');
      }),
    ).rejects.toThrow(/failed/);

    const notices = await noticesOf(t, shop);
    expect(notices.map((n) => n.periodKey)).toEqual(['p1']);
    const jobs = await sendJobsOf(t, shop);
    expect(jobs.map((job) => [job.noticeId, job.delayMs])).toEqual([[notices[0]!.id, 90_000]]);
  });

  it("cannot claim for another shop's subscription", async () => {
    const theirs = await addSubscription(t, other, await addCustomer(t, other), {
      expiresAt: new Date(clock.now().getTime() + DAY),
    });
    await expect(
      claim(shop, (tx) =>
        claimSubscriptionNotice(tx, { subscriptionId: theirs, kind: EXPIRED_KIND, periodKey: 'x' }),
      ),
    ).rejects.toThrow();
    expect(await noticesOf(t, shop)).toEqual([]);
    expect(await noticesOf(t, other)).toEqual([]);
  });

  it("turns the panel's expiry reminders into this shop's warnings, one per threshold", async () => {
    const expiresAt = new Date(clock.now().getTime() + 60 * HOUR);
    const id = await addSubscription(t, shop, await addCustomer(t, shop), { expiresAt });
    const subscription = await subscriptionOf(shop, id);
    const remind = (hoursLeft: number) =>
      claim(shop, (tx) =>
        expiryWarningFromPanel(tx, subscription, new Date(expiresAt.getTime() - hoursLeft * HOUR), [3, 1]),
      );

    // the panel's 72-hour reminder arrives 12 hours late: still the 3-day warning, once
    expect(await remind(60)).toBe(true);
    expect(await remind(48)).toBe(false);
    expect(await remind(24)).toBe(true);
    expect(await remind(2)).toBe(false);
    // a reminder further out than any threshold claims nothing
    expect(await claim(shop, (tx) => expiryWarningFromPanel(tx, subscription, clock.now(), [1]))).toBe(false);

    // the planner, seeing the same moments, finds them claimed (and claims the expired notice,
    // due later that day)
    clock.set(new Date(expiresAt.getTime() - 20 * HOUR));
    expect(await t.app.forTenant(shop).lifecycle.planNotices()).toMatchObject({
      expiryWarnings: 0,
      expired: 1,
    });
    clock.set(new Date(Date.UTC(2031, 2, 10, 8, 10)));

    expect((await noticesOf(t, shop)).map((n) => [n.kind, n.periodKey])).toEqual([
      [expiryWarningKind(3), expiryPeriodKey(expiresAt)],
      [expiryWarningKind(1), expiryPeriodKey(expiresAt)],
      [EXPIRED_KIND, expiryPeriodKey(expiresAt)],
    ]);
  });

  it("turns the panel's traffic events into the highest threshold reached, once per period", async () => {
    const id = await addSubscription(t, shop, await addCustomer(t, shop), {
      expiresAt: new Date(clock.now().getTime() + 20 * DAY),
    });
    const subscription = await subscriptionOf(shop, id);
    const used = (percent: number, thresholds = [80, 95]) =>
      claim(shop, (tx) => trafficWarningFromPanel(tx, subscription, percent, thresholds));

    expect(await used(79.9)).toBe(false);
    expect(await used(96)).toBe(true);
    expect(await used(99)).toBe(false);
    expect(await used(Number.NaN)).toBe(false);
    expect(await used(85, [])).toBe(false);
    const unlimited = { ...subscription, trafficLimitBytes: 0 };
    expect(await claim(shop, (tx) => trafficWarningFromPanel(tx, unlimited, 99, [80]))).toBe(false);

    expect((await noticesOf(t, shop)).map((n) => [n.kind, n.periodKey])).toEqual([
      [trafficKind(95), trafficPeriodKey(subscription)],
    ]);
  });

  it('uses the period keys the planner writes', async () => {
    // a timestamp with microseconds, as PostgreSQL keeps them: both drop the fraction
    const [row] = await claim(shop, (tx) =>
      tx.execute(
        sql`select to_char(timestamptz '2031-03-10 08:10:59.987654+00' at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as key`,
      ),
    ).then((result) => (result as unknown as { rows: { key: string }[] }).rows);
    expect(row?.key).toBe(expiryPeriodKey(new Date('2031-03-10T08:10:59.987Z')));
  });
});

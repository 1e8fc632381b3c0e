import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RemnawaveSim, startRemnawaveSim } from '../../../sim/remnawave/index.js';
import { type App, createApp } from '../../../src/app.js';
import { jobs, subscriptionNotices } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { createRemnawaveClient } from '../../../src/integrations/remnawave/client.js';
import { createRemnawavePanel } from '../../../src/integrations/remnawave/vpn-panel.js';
import type { JobDeps } from '../../../src/jobs/define.js';
import { autopayRenewals } from '../../../src/jobs/definitions/autopay.js';
import { AUTOPAY_SHORT_KIND } from '../../../src/modules/lifecycle/subscription-notices.js';
import type { Plan } from '../../../src/modules/plans/plans-service.js';
import { createSecretBox } from '../../../src/shared/crypto.js';
import {
  asSubscriptionId,
  type BotId,
  type CustomerId,
  type SubscriptionId,
} from '../../../src/shared/ids.js';
import {
  BACKENDS,
  createTenant,
  createTestApp,
  TEST_ENCRYPTION_KEY,
  type TestApp,
} from '../../support/database.js';
import { testLogs } from '../../support/log-capture.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * Autopay against the panel simulator: renewals from the balance before expiry, exactly once per
 * period whatever runs them (two processes at once, a retry after a crash), through the same order
 * path as a renewal by hand.
 */
describe.each(BACKENDS)('autopay on %s', (backend) => {
  let sim: RemnawaveSim;
  let t: TestApp;
  /** A second process on the same database: its own app, caches and clock reading. */
  let other: App;
  // near the simulator's own (real) clock: the panel refuses an expiry in its past
  let now = new Date();
  const clock = { now: () => now };
  let shop: BotId;
  let plan: Plan;
  let telegramId = 7_700_000_000;

  beforeAll(async () => {
    sim = await startRemnawaveSim({ expireSweepMs: 0, limitSweepMs: 0 });
    const panel = createRemnawavePanel(
      createRemnawaveClient({ baseUrl: sim.baseUrl, apiToken: sim.apiToken, timeoutMs: 1000, retries: 0 }),
    );
    t = await createTestApp(backend, { panel, clock });
    other = createApp({
      database: t.database.handle,
      secrets: createSecretBox(TEST_ENCRYPTION_KEY),
      logger: testLogs.logger,
      panel,
      clock,
    });
    await other.start();
    shop = (await createTenant(t.app, 'Autopay')).tenant.id;
    const services = t.app.forTenant(shop);
    await services.settings.set('panel_squads', [sim.addSquad('Autopay-Squad')], 'operator');
    const created = await services.plans.create({ name: 'Month', periodDays: 30, price: 100, trafficGb: 5 });
    if (!created.ok) throw new Error('plan');
    plan = created.value;
  }, 60_000);
  afterAll(async () => {
    await other.stop();
    await t.close();
    await sim.close();
  });

  const services = () => t.app.forTenant(shop);

  /** A customer with a paid, provisioned 30-day subscription and `balance` left afterwards. */
  async function subscriber(balance: number, autopay: boolean | null = true) {
    const { customer } = await services().customers.register(
      { telegramId: telegramId++, firstName: 'A' },
      'en',
    );
    await services().ledger.credit({ customerId: customer.id, amount: 100 + balance, kind: 'admin_credit' });
    const bought = await services().orders.purchasePlan({ customerId: customer.id, planId: plan.id });
    if (bought.status !== 'paid') throw new Error(bought.status);
    await services().subscriptions.provision(bought.order.id);
    const subscriptionId = asSubscriptionId(bought.order.subscriptionId!);
    if (autopay !== null) await services().autopay.setForSubscription(customer.id, subscriptionId, autopay);
    const subscription = (await services().subscriptions.get(subscriptionId))!;
    return { customerId: customer.id, subscriptionId, expiresAt: subscription.expiresAt! };
  }

  /** Moves the clock to `hours` before the subscription's expiry. */
  const hoursBefore = (expiresAt: Date, hours: number) => {
    now = new Date(expiresAt.getTime() - hours * HOUR);
  };

  const debits = async (customerId: CustomerId) =>
    (await services().ledger.entries(customerId)).filter((entry) => entry.amount < 0).reverse();

  const runJob = (app: App) =>
    autopayRenewals.handler(
      {
        botId: shop,
        payload: {},
        attempt: 1,
        isLastAttempt: false,
        logger: testLogs.logger,
        signal: new AbortController().signal,
        // run outside a runner: nothing records the job
        completeIn: async () => {},
      },
      { app } as unknown as JobDeps,
    );

  const shortNotices = (subscriptionId: SubscriptionId) =>
    inTenant(t.database.handle.db, shop, (tx) =>
      tx
        .select()
        .from(subscriptionNotices)
        .where(
          and(
            eq(subscriptionNotices.subscriptionId, subscriptionId),
            eq(subscriptionNotices.kind, AUTOPAY_SHORT_KIND),
          ),
        ),
    );

  it('renews once when two processes run the same period at once, through the order path', async () => {
    const { customerId, subscriptionId, expiresAt } = await subscriber(500);
    hoursBefore(expiresAt, 12);
    const outcomes = await Promise.all([
      t.app.forTenant(shop).autopay.renew(subscriptionId, expiresAt),
      other.forTenant(shop).autopay.renew(subscriptionId, expiresAt),
      runJob(t.app).then(() => undefined),
      runJob(other).then(() => undefined),
    ]);
    const [a, b] = outcomes;
    expect(a).toMatchObject({ status: 'renewed' });
    expect(b).toEqual(a);
    const orderId = a && 'orderId' in a ? a.orderId : 0;
    // one debit for the first purchase, one for the renewal
    expect((await debits(customerId)).map((entry) => entry.amount)).toEqual([-100, -100]);
    expect(await services().ledger.balance(customerId)).toBe(400);
    const renewed = (await services().subscriptions.get(subscriptionId))!;
    expect(renewed.expiresAt!.getTime()).toBe(expiresAt.getTime() + 30 * DAY);
    // the same provisioning a manual renewal gets, and the panel user carries the new expiry
    const order = (await services().orders.get(orderId as never))!;
    expect(order).toMatchObject({ kind: 'renewal', status: 'paid', subscriptionId });
    await services().subscriptions.provision(order.id as never);
    expect(sim.getUser(renewed.panelUserId!)?.expireAt.getTime()).toBe(renewed.expiresAt!.getTime());
    // no longer due: the expiry moved a period on
    expect(await services().autopay.due()).not.toContainEqual(expect.objectContaining({ subscriptionId }));
  });

  it('after a crash between the debit and provisioning, a restart provisions without paying again', async () => {
    const { customerId, subscriptionId, expiresAt } = await subscriber(300);
    hoursBefore(expiresAt, 2);
    const first = await services().autopay.renew(subscriptionId, expiresAt);
    expect(first).toMatchObject({ status: 'renewed' });
    const orderId = first.status === 'renewed' ? first.orderId : 0;
    // the process dies here: the debit, the new expiry and the provisioning job committed together
    const queued = await inTenant(t.database.handle.db, shop, (tx) =>
      tx
        .select()
        .from(jobs)
        .where(eq(jobs.dedupeKey, `provision:${orderId}`)),
    );
    expect(queued).toHaveLength(1);
    // a restarted process runs the period again: the order it finds is the one already paid
    expect(await other.forTenant(shop).autopay.renew(subscriptionId, expiresAt)).toEqual(first);
    await runJob(other);
    expect(await debits(customerId)).toHaveLength(2);
    const provisioned = await other.forTenant(shop).subscriptions.provision(orderId as never);
    expect(provisioned.status).toBe('active');
    expect(await services().ledger.balance(customerId)).toBe(200);
  });

  it('keeps autopay_min_balance and tells a short customer once per period', async () => {
    await services().settings.set('autopay_min_balance', 50, 'tenant');
    // the other process hears of the change through the change bus, a moment later
    await vi.waitFor(async () =>
      expect(await other.forTenant(shop).settings.get('autopay_min_balance')).toBe(50),
    );
    try {
      const short = await subscriber(149);
      hoursBefore(short.expiresAt, 20);
      expect(await services().autopay.renew(short.subscriptionId, short.expiresAt)).toEqual({
        status: 'short',
        balance: 149,
        needed: 150,
      });
      await runJob(t.app);
      await runJob(other);
      expect(await shortNotices(short.subscriptionId)).toHaveLength(1);
      expect(await debits(short.customerId)).toHaveLength(1);
      // nothing was ordered: no order waits for money
      expect(
        (await services().orders.findByCustomer(short.customerId)).filter((o) => o.status === 'created'),
      ).toEqual([]);

      const enough = await subscriber(150);
      hoursBefore(enough.expiresAt, 20);
      expect(await services().autopay.renew(enough.subscriptionId, enough.expiresAt)).toMatchObject({
        status: 'renewed',
      });
      expect(await services().ledger.balance(enough.customerId)).toBe(50);
    } finally {
      await services().settings.set('autopay_min_balance', 0, 'tenant');
    }
  });

  it('is due only inside the window, for paid subscriptions with autopay on (their own choice or the default)', async () => {
    const on = await subscriber(100, true);
    const off = await subscriber(100, false);
    const byDefault = await subscriber(100, null);
    const trialCustomer = await services().customers.register(
      { telegramId: telegramId++, firstName: 'T' },
      'en',
    );
    await services().orders.startTrial(trialCustomer.customer.id);
    const dueIds = async () => (await services().autopay.due()).map((due) => due.subscriptionId);

    hoursBefore(on.expiresAt, 25); // the default window is 24 hours
    expect(await dueIds()).not.toContain(on.subscriptionId);
    hoursBefore(on.expiresAt, 23);
    expect(await dueIds()).toContain(on.subscriptionId);
    expect(await dueIds()).not.toContain(off.subscriptionId);
    expect(await dueIds()).not.toContain(byDefault.subscriptionId);
    await services().settings.set('autopay_default', true, 'tenant');
    try {
      expect(await dueIds()).toContain(byDefault.subscriptionId);
      expect(await dueIds()).not.toContain(off.subscriptionId);
      const trial = await services().subscriptions.getForCustomer(trialCustomer.customer.id);
      expect(await dueIds()).not.toContain(trial?.id);
      // expired: too late for autopay (the customer renews by hand)
      now = new Date(on.expiresAt.getTime() + HOUR);
      expect(await dueIds()).not.toContain(on.subscriptionId);
    } finally {
      await services().settings.set('autopay_default', false, 'tenant');
    }
  });

  it("never renews another shop's subscription", async () => {
    const { subscriptionId, expiresAt, customerId } = await subscriber(500);
    hoursBefore(expiresAt, 1);
    const otherShop = (await createTenant(t.app, 'Elsewhere')).tenant.id;
    const elsewhere = t.app.forTenant(otherShop);
    await elsewhere.settings.set('autopay_default', true, 'tenant');
    expect(await elsewhere.autopay.due()).toEqual([]);
    expect(await elsewhere.autopay.renew(subscriptionId, expiresAt)).toEqual({
      status: 'skipped',
      reason: 'not_due',
    });
    expect(await elsewhere.autopay.setForSubscription(customerId, subscriptionId, false)).toBe(false);
    expect(await debits(customerId)).toHaveLength(1);
  });
});

import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantServices } from '../../../src/app.js';
import { bots, jobs, orders, walletConsumptionCharges, walletTransactions } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import type { JobDeps } from '../../../src/jobs/define.js';
import { chargeConsumption } from '../../../src/jobs/definitions/consumption-billing.js';
import type { Plan } from '../../../src/modules/plans/plans-service.js';
import {
  chargeConsumptionDay,
  consumptionRef,
  priceConsumption,
} from '../../../src/modules/wallet/consumption-billing.js';
import type { Clock } from '../../../src/shared/clock.js';
import { asPackId, asSubscriptionId, type BotId, type CustomerId } from '../../../src/shared/ids.js';
import { createSilentLogger } from '../../../src/shared/logger.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';
import { rejection } from '../../support/errors.js';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

describe('pricing consumed bytes in whole units', () => {
  it('charges whole units and covers the bytes they pay for, the rest worth less than a unit', () => {
    // 1024 per GB: one unit pays for exactly 1 MiB
    expect(priceConsumption(5 * GIB, 1024)).toEqual({ amount: 5 * 1024, coveredBytes: 5 * GIB });
    expect(priceConsumption(3 * MIB + 1000, 1024)).toEqual({ amount: 3, coveredBytes: 3 * MIB });
    expect(priceConsumption(MIB - 1, 1024)).toEqual({ amount: 0, coveredBytes: 0 });
    expect(priceConsumption(0, 1024)).toEqual({ amount: 0, coveredBytes: 0 });
    expect(priceConsumption(10 * GIB, 0)).toEqual({ amount: 0, coveredBytes: 0 });
    // 1000 per GB: a unit is 1073741.824 bytes; covered is rounded up to a whole byte
    const { amount, coveredBytes } = priceConsumption(2_500_000, 1000);
    expect(amount).toBe(2);
    expect(coveredBytes).toBe(2_147_484);
    expect(((2_500_000 - coveredBytes) * 1000) / GIB).toBeLessThan(1);
    // exact past 2^53 in the product (bytes × price), e.g. a petabyte at a large price
    expect(priceConsumption(2 ** 50, 1_000_000_000)).toEqual({
      amount: 2 ** 20 * 1_000_000_000,
      coveredBytes: 2 ** 50,
    });
    expect(() => priceConsumption(-1, 10)).toThrow(RangeError);
    expect(() => priceConsumption(1.5, 10)).toThrow(RangeError);
  });
});

describe.each(BACKENDS)('billing by consumption on %s', (backend) => {
  let t: TestApp;
  let now = new Date('2026-03-01T00:05:00Z');
  const clock: Clock = { now: () => now };
  let telegramId = 7_500_000_000;
  beforeAll(async () => {
    t = await createTestApp(backend, { clock });
  }, 60_000);
  afterAll(() => t.close());

  const db = () => t.database.handle.db;

  /** A shop billed by consumption at `price` per GB with `balance` in its wallet. */
  const consumptionShop = async (options: { price?: number; balance?: number; grace?: number } = {}) => {
    const botId = (await createTenant(t.app)).tenant.id;
    const shop = t.app.forTenant(botId);
    await shop.wallet.setWholesalePrice(options.price ?? 1024);
    if (options.balance) await shop.wallet.topUp({ amount: options.balance });
    await shop.settings.set('wallet_billing_mode', 'consumption', 'operator');
    if (options.grace !== undefined)
      await shop.settings.set('wallet_consumption_grace', options.grace, 'operator');
    return { botId, shop };
  };

  /** What the 15-minute sync stores (the end-to-end test below goes through the panel). */
  const setConsumed = (botId: BotId, bytes: number) =>
    inTenant(db(), botId, (tx) =>
      tx.update(bots).set({ trafficConsumedBytes: bytes }).where(eq(bots.id, botId)),
    );

  const charges = (botId: BotId) =>
    inTenant(db(), botId, (tx) =>
      tx
        .select()
        .from(walletConsumptionCharges)
        .where(eq(walletConsumptionCharges.botId, botId))
        .orderBy(walletConsumptionCharges.day),
    );

  const consumptionEntries = (botId: BotId) =>
    inTenant(db(), botId, (tx) =>
      tx
        .select()
        .from(walletTransactions)
        .where(and(eq(walletTransactions.botId, botId), eq(walletTransactions.kind, 'consumption')))
        .orderBy(walletTransactions.id),
    );

  /** The wallet's stored balance is the sum of its entries, and each entry's balance_after the running sum. */
  const expectConsistent = async (shop: TenantServices) => {
    const audit = await shop.wallet.audit();
    expect(audit.consistent, JSON.stringify(audit)).toBe(true);
    let running = 0;
    for (const entry of [...(await shop.wallet.entries({ limit: 500 }))].reverse()) {
      running += entry.amount;
      expect(entry.balanceAfter).toBe(running);
    }
    return audit.balance;
  };

  const runJob = (botId: BotId) =>
    chargeConsumption.handler(
      {
        botId,
        payload: {},
        attempt: 1,
        isLastAttempt: false,
        logger: createSilentLogger(),
        signal: new AbortController().signal,
        // run outside a runner: nothing records the job
        completeIn: async () => {},
      },
      { app: t.app, notices: {} as JobDeps['notices'] },
    );

  it('opens the mark on the first day, then charges each day only the delta since, once', async () => {
    const { botId, shop } = await consumptionShop({ balance: 100_000 });
    await setConsumed(botId, 40 * GIB); // consumed while billed per sale: already paid

    expect(await shop.walletBilling.chargeDay('2026-03-01')).toMatchObject({
      status: 'recorded',
      charge: { kind: 'opening', fromBytes: 40 * GIB, toBytes: 40 * GIB, amount: 0, walletEntryId: null },
    });
    await setConsumed(botId, 43 * GIB);
    const second = await shop.walletBilling.chargeDay('2026-03-02');
    expect(second).toMatchObject({
      status: 'recorded',
      balance: 100_000 - 3 * 1024,
      charge: { kind: 'charge', fromBytes: 40 * GIB, toBytes: 43 * GIB, amount: 3 * 1024 },
    });
    // a retry, a second run the same day: the same row, no money
    expect(await shop.walletBilling.chargeDay('2026-03-02')).toMatchObject({
      status: 'already',
      charge: { day: '2026-03-02', amount: 3 * 1024 },
    });
    await runJob(botId); // the job's own day (the clock: 2026-03-01) is recorded already
    expect(await shop.wallet.balance()).toBe(100_000 - 3 * 1024);

    const entries = await consumptionEntries(botId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      amount: -3 * 1024,
      bytes: 3 * GIB,
      externalRef: consumptionRef('2026-03-02'),
      orderId: null,
    });
    if (second.status !== 'recorded') throw new Error(second.status);
    expect(second.charge.walletEntryId).toBe(entries[0]!.id);

    // no new traffic: a day with nothing charged, the mark where it was
    expect(await shop.walletBilling.chargeDay('2026-03-03')).toMatchObject({
      charge: { kind: 'charge', fromBytes: 43 * GIB, toBytes: 43 * GIB, amount: 0 },
    });
    expect((await charges(botId)).map((row) => row.day)).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
    expect(await expectConsistent(shop)).toBe(100_000 - 3 * 1024);
  });

  it('carries the bytes worth less than a unit to the next day: nothing lost, nothing charged twice', async () => {
    const { botId, shop } = await consumptionShop({ balance: 1_000 });
    await setConsumed(botId, 0);
    await shop.walletBilling.chargeDay('2026-04-01');
    // 1024 per GB: a unit is 1 MiB. Day 2: 2.5 MiB → 2 units, 0.5 MiB carried
    await setConsumed(botId, 2 * MIB + MIB / 2);
    expect(await shop.walletBilling.chargeDay('2026-04-02')).toMatchObject({
      charge: { fromBytes: 0, toBytes: 2 * MIB, consumedBytes: 2 * MIB + MIB / 2, amount: 2 },
    });
    // day 3: 0.25 MiB more → 0.75 MiB unpaid, under a unit: nothing charged, still carried
    await setConsumed(botId, 2 * MIB + (3 * MIB) / 4);
    expect(await shop.walletBilling.chargeDay('2026-04-03')).toMatchObject({
      charge: { fromBytes: 2 * MIB, toBytes: 2 * MIB, amount: 0, walletEntryId: null },
    });
    // day 4: 0.5 MiB more → 1.25 MiB since the mark: 1 unit, 0.25 MiB carried
    await setConsumed(botId, 3 * MIB + MIB / 4);
    expect(await shop.walletBilling.chargeDay('2026-04-04')).toMatchObject({
      charge: { fromBytes: 2 * MIB, toBytes: 3 * MIB, amount: 1 },
    });
    // every unit of the 3.25 MiB used, charged once: 3 units, 0.25 MiB waiting
    expect(await shop.wallet.balance()).toBe(1_000 - 3);
    expect((await consumptionEntries(botId)).map((entry) => entry.amount)).toEqual([-2, -1]);
  });

  it('charges the price of the day and carries the rest at a price that does not divide a GB', async () => {
    const { botId, shop } = await consumptionShop({ price: 1_000, balance: 10_000 });
    await setConsumed(botId, 0);
    await shop.walletBilling.chargeDay('2026-04-10');
    // 30 days of uneven use: the total charged is what the whole use costs, less under one unit
    let consumed = 0;
    for (let day = 11; day <= 30; day += 1) {
      consumed += 123_456_789 * (day % 7) + 17;
      await setConsumed(botId, consumed);
      await shop.walletBilling.chargeDay(`2026-04-${day}`);
    }
    const charged = (await consumptionEntries(botId)).reduce((sum, entry) => sum - entry.amount, 0);
    const exact = Number((BigInt(consumed) * 1000n) / BigInt(GIB));
    expect(charged).toBe(exact);
    const last = (await charges(botId)).at(-1)!;
    expect(((consumed - last.toBytes) * 1000) / GIB).toBeLessThan(1);
  });

  it('charges a day once when 20 runners race and when a run crashes before its commit', async () => {
    const { botId, shop } = await consumptionShop({ balance: 50_000 });
    await setConsumed(botId, 10 * GIB);
    await shop.walletBilling.chargeDay('2026-05-01');
    await setConsumed(botId, 15 * GIB);

    const raced = await Promise.all(
      Array.from({ length: 20 }, () => t.app.forTenant(botId).walletBilling.chargeDay('2026-05-02')),
    );
    expect(raced.filter((result) => result.status === 'recorded')).toHaveLength(1);
    expect(raced.filter((result) => result.status === 'already')).toHaveLength(19);
    expect(await shop.wallet.balance()).toBe(50_000 - 5 * 1024);

    // a process that dies after posting the entry but before its commit leaves nothing behind
    await setConsumed(botId, 17 * GIB);
    const crash = new Error('process killed');
    expect(
      await rejection(
        inTenant(db(), botId, async (tx) => {
          const result = await chargeConsumptionDay(tx, { day: '2026-05-03' });
          expect(result).toMatchObject({ status: 'recorded', charge: { amount: 2 * 1024 } });
          throw crash;
        }),
      ),
    ).toMatch(/process killed/);
    expect((await charges(botId)).map((row) => row.day)).toEqual(['2026-05-01', '2026-05-02']);
    expect(await shop.wallet.balance()).toBe(50_000 - 5 * 1024);
    // the retry charges it, once
    expect(await shop.walletBilling.chargeDay('2026-05-03')).toMatchObject({ charge: { amount: 2 * 1024 } });
    expect(await shop.walletBilling.chargeDay('2026-05-03')).toMatchObject({ status: 'already' });
    expect((await consumptionEntries(botId)).map((entry) => entry.amount)).toEqual([-5 * 1024, -2 * 1024]);
    expect(await expectConsistent(shop)).toBe(50_000 - 7 * 1024);
  });

  it('takes the wallet below zero for traffic already used; a top-up pays the debt first', async () => {
    const { botId, shop } = await consumptionShop({ balance: 1_000 });
    await setConsumed(botId, 0);
    await shop.walletBilling.chargeDay('2026-06-01');
    await setConsumed(botId, 3 * GIB);
    expect(await shop.walletBilling.chargeDay('2026-06-02')).toMatchObject({ balance: 1_000 - 3 * 1024 });
    expect(await shop.wallet.balance()).toBe(-2_072);
    // other debits still never end below zero
    expect(await shop.wallet.adjust({ amount: -1, reason: 'test' })).toMatchObject({
      status: 'insufficient',
      missing: 2_073,
    });
    expect(await shop.wallet.topUp({ amount: 2_000 })).toMatchObject({ status: 'posted', balance: -72 });
    expect(await shop.wallet.topUp({ amount: 100 })).toMatchObject({ status: 'posted', balance: 28 });
    expect(await expectConsistent(shop)).toBe(28);
  });

  it('lowers the mark when the consumed total goes back, and follows it while billed per sale', async () => {
    const { botId, shop } = await consumptionShop({ balance: 100_000 });
    await setConsumed(botId, 10 * GIB);
    await shop.walletBilling.chargeDay('2026-07-01');
    // a panel user made again counts from zero: the total drops; nothing is charged, the mark follows
    await setConsumed(botId, 8 * GIB);
    expect(await shop.walletBilling.chargeDay('2026-07-02')).toMatchObject({
      charge: { fromBytes: 10 * GIB, toBytes: 8 * GIB, amount: 0 },
    });
    await setConsumed(botId, 9 * GIB);
    expect(await shop.walletBilling.chargeDay('2026-07-03')).toMatchObject({ charge: { amount: 1024 } });

    // back to per sale: the sales pay for the traffic, the mark follows it without charging
    await shop.settings.set('wallet_billing_mode', 'per_sale', 'operator');
    await setConsumed(botId, 20 * GIB);
    expect(await shop.walletBilling.chargeDay('2026-07-04')).toMatchObject({
      charge: { kind: 'per_sale', fromBytes: 9 * GIB, toBytes: 20 * GIB, amount: 0 },
    });
    // and by consumption again: only what was used since
    await shop.settings.set('wallet_billing_mode', 'consumption', 'operator');
    await setConsumed(botId, 21 * GIB);
    expect(await shop.walletBilling.chargeDay('2026-07-05')).toMatchObject({
      charge: { kind: 'charge', fromBytes: 20 * GIB, toBytes: 21 * GIB, amount: 1024 },
    });
    expect(await shop.wallet.balance()).toBe(100_000 - 2 * 1024);
  });

  it('writes nothing for a shop billed per sale, whose sales are charged as before', async () => {
    const botId = (await createTenant(t.app)).tenant.id;
    const shop = t.app.forTenant(botId);
    await shop.wallet.setWholesalePrice(1_000);
    await shop.wallet.topUp({ amount: 50_000 });
    await setConsumed(botId, 500 * GIB);
    expect((await shop.walletBilling.billing()).mode).toBe('per_sale');
    expect(await shop.walletBilling.chargeDay('2026-08-01')).toEqual({ status: 'per_sale' });
    await runJob(botId);
    expect(await charges(botId)).toEqual([]);

    const plan = expectPlan(
      await shop.plans.create({ name: 'M', periodDays: 30, price: 100, trafficGb: 20 }),
    );
    const customerId = await customer(shop, 1_000);
    expect((await shop.orders.purchasePlan({ customerId, planId: plan.id })).status).toBe('paid');
    expect(await shop.wallet.balance()).toBe(50_000 - 20 * 1_000);
    expect((await shop.wallet.entries())[0]).toMatchObject({ kind: 'sale', amount: -20_000 });
  });

  it('keeps each shop to its own wallet: charging shop A never touches shop B', async () => {
    const a = await consumptionShop({ balance: 10_000 });
    const b = await consumptionShop({ balance: 10_000 });
    await setConsumed(a.botId, 0);
    await setConsumed(b.botId, 0);
    await a.shop.walletBilling.chargeDay('2026-09-01');
    await setConsumed(a.botId, 4 * GIB);
    await setConsumed(b.botId, 7 * GIB);
    await a.shop.walletBilling.chargeDay('2026-09-02');
    expect(await a.shop.wallet.balance()).toBe(10_000 - 4 * 1024);
    expect(await b.shop.wallet.balance()).toBe(10_000);
    expect(await b.shop.walletBilling.history()).toEqual([]);
    expect(await charges(b.botId)).toEqual([]);
    // b's first day opens b's own mark at b's own consumption
    expect(await b.shop.walletBilling.chargeDay('2026-09-02')).toMatchObject({
      status: 'recorded',
      charge: { botId: b.botId, kind: 'opening', toBytes: 7 * GIB },
    });
    // the row is b's alone: a tenant-bound transaction of a cannot see it
    const seenByA = await inTenant(db(), a.botId, (tx) =>
      tx.select().from(walletConsumptionCharges).where(eq(walletConsumptionCharges.botId, b.botId)),
    );
    expect(seenByA).toEqual([]);
    expect((await a.shop.walletBilling.history()).map((row) => row.botId)).toEqual([a.botId, a.botId]);
  });

  describe('selling while billed by consumption', () => {
    let plan: Plan;

    const buy = (shop: TenantServices, customerId: CustomerId, subscriptionId?: number) =>
      shop.orders.purchasePlan({
        customerId,
        planId: plan.id,
        ...(subscriptionId === undefined ? {} : { subscriptionId: asSubscriptionId(subscriptionId) }),
      });

    const refusalAlerts = (botId: BotId) =>
      inTenant(db(), botId, (tx) =>
        tx
          .select({ payload: jobs.payload })
          .from(jobs)
          .where(and(eq(jobs.botId, botId), eq(jobs.name, 'alert-sale-refused'))),
      );

    it('sells without charging the sale while the balance is above zero', async () => {
      const { botId, shop } = await consumptionShop({ balance: 500 });
      plan = expectPlan(await shop.plans.create({ name: 'M', periodDays: 30, price: 100, trafficGb: 20 }));
      const customerId = await customer(shop, 1_000);
      const bought = await buy(shop, customerId);
      expect(bought.status).toBe('paid');
      expect(await shop.wallet.balance()).toBe(500);
      expect((await shop.wallet.entries()).map((entry) => entry.kind)).toEqual(['topup']);
      expect(await refusalAlerts(botId)).toEqual([]);
    });

    it('at zero refuses a new subscription but renews and adds packs within the grace', async () => {
      const { botId, shop } = await consumptionShop({ balance: 5 * 1024, grace: 2_000 });
      plan = expectPlan(await shop.plans.create({ name: 'M', periodDays: 30, price: 100, trafficGb: 20 }));
      const pack = await shop.packs.create({ kind: 'traffic', amount: 10, price: 50 });
      if (!pack.ok) throw new Error('pack');
      const loyal = await customer(shop, 10_000);
      const first = await buy(shop, loyal);
      if (first.status !== 'paid') throw new Error(first.status);
      const subscriptionId = first.order.subscriptionId!;

      // the day's charge takes the wallet to -1024: inside the 2000 grace
      await setConsumed(botId, 0);
      await shop.walletBilling.chargeDay('2026-10-01');
      await setConsumed(botId, 6 * GIB);
      await shop.walletBilling.chargeDay('2026-10-02');
      expect(await shop.wallet.balance()).toBe(-1024);

      // a newcomer cannot start a subscription: the same refusal as a per-sale wallet short of money
      const newcomer = await customer(shop, 1_000);
      const refused = await buy(shop, newcomer);
      expect(refused).toMatchObject({
        status: 'wallet_insufficient',
        wallet: { balance: -1024, missing: 1025 },
      });
      expect(await shop.ledger.balance(newcomer)).toBe(1_000);
      const [cancelled] = await inTenant(db(), botId, (tx) =>
        tx
          .select({ status: orders.status })
          .from(orders)
          .where(and(eq(orders.botId, botId), eq(orders.customerId, newcomer))),
      );
      expect(cancelled?.status).toBe('cancelled');
      expect((await refusalAlerts(botId)).map((row) => row.payload)).toEqual([
        { orderId: expect.any(Number), walletBalance: -1024, walletMissing: 1025 },
      ]);
      // a second subscription of an existing customer is new as well
      expect((await buy(shop, loyal)).status).toBe('wallet_insufficient');

      // the existing customer renews and buys a pack: existing service goes on within the grace
      expect((await buy(shop, loyal, subscriptionId)).status).toBe('paid');
      const packed = await shop.orders.purchasePack({
        customerId: loyal,
        packId: asPackId(pack.value.id),
        subscriptionId: asSubscriptionId(subscriptionId),
      });
      expect(packed.status).toBe('paid');
      expect(await shop.wallet.balance()).toBe(-1024);

      // past the grace (balance ≤ -2000) renewals stop too
      await setConsumed(botId, 7 * GIB - 1);
      await shop.walletBilling.chargeDay('2026-10-03');
      expect(await shop.wallet.balance()).toBe(-2047);
      expect(await buy(shop, loyal, subscriptionId)).toMatchObject({
        status: 'wallet_insufficient',
        wallet: { balance: -2047, missing: 48 },
      });
      // a top-up of exactly the missing amount lets the renewal through, not yet a new subscription
      await shop.wallet.topUp({ amount: 48 });
      expect((await buy(shop, loyal, subscriptionId)).status).toBe('paid');
      expect((await buy(shop, newcomer)).status).toBe('wallet_insufficient');
      await shop.wallet.topUp({ amount: 2_000 });
      expect(await shop.wallet.balance()).toBe(1);
      expect((await buy(shop, newcomer)).status).toBe('paid');
      expect(await expectConsistent(shop)).toBe(1);
    });

    it('with no grace stops renewals at zero as well; trials are not sales and still start', async () => {
      const { botId, shop } = await consumptionShop({ balance: 1024 });
      plan = expectPlan(await shop.plans.create({ name: 'M', periodDays: 30, price: 100, trafficGb: 20 }));
      const owner = await customer(shop, 1_000);
      const bought = await buy(shop, owner);
      if (bought.status !== 'paid') throw new Error(bought.status);
      await setConsumed(botId, 0);
      await shop.walletBilling.chargeDay('2026-10-10');
      await setConsumed(botId, GIB);
      await shop.walletBilling.chargeDay('2026-10-11');
      expect(await shop.wallet.balance()).toBe(0);
      expect(await buy(shop, owner, bought.order.subscriptionId!)).toMatchObject({
        status: 'wallet_insufficient',
        wallet: { balance: 0, missing: 1 },
      });

      const trialist = await customer(shop, 1_000);
      const trial = await shop.orders.startTrial(trialist);
      expect(trial.status).toBe('started');
      const subscription = await shop.subscriptions.getForCustomer(trialist);
      // activating the trial is a new sale: refused at zero
      expect(await buy(shop, trialist, subscription!.id)).toMatchObject({
        status: 'wallet_insufficient',
        wallet: { balance: 0, missing: 1 },
      });
    });
  });

  let nextPlanCheck = 0;
  function expectPlan(result: { ok: true; value: Plan } | { ok: false }): Plan {
    nextPlanCheck += 1;
    if (!result.ok) throw new Error(`plan fixture ${nextPlanCheck}`);
    return result.value;
  }

  async function customer(shop: TenantServices, balance: number): Promise<CustomerId> {
    const { customer } = await shop.customers.register({ telegramId: telegramId++, firstName: 'C' }, 'en');
    if (balance > 0)
      await shop.ledger.credit({ customerId: customer.id, amount: balance, kind: 'admin_credit' });
    return customer.id;
  }

  // the job's day is the clock's UTC day
  it('names the job run by the UTC day of its clock', async () => {
    const { botId } = await consumptionShop({ balance: 10 });
    now = new Date('2026-11-30T23:59:59Z');
    await runJob(botId);
    now = new Date('2026-12-01T00:00:01Z');
    await runJob(botId);
    await runJob(botId);
    expect((await charges(botId)).map((row) => row.day)).toEqual(['2026-11-30', '2026-12-01']);
  });
});

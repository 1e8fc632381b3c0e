import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantServices } from '../../../src/app.js';
import { jobs, subscriptions, walletTransactions } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import type { JobDeps } from '../../../src/jobs/define.js';
import { resellerRenewal } from '../../../src/jobs/definitions/reseller-renewal.js';
import { resellerWalletCredit } from '../../../src/jobs/definitions/reseller-wallet-topup.js';
import { RESELLER_PERIOD_MS } from '../../../src/modules/resellers/start-shop.js';
import type { Clock } from '../../../src/shared/clock.js';
import type { BotId, CustomerId } from '../../../src/shared/ids.js';
import { createSilentLogger } from '../../../src/shared/logger.js';
import { BACKENDS, createTestApp, fakeBotToken, type TestApp } from '../../support/database.js';
import { expectOk } from '../helpers.js';

const DAY_MS = 86_400_000;
let nextTelegramId = 7_950_000_000;
let nextBotNumber = 8_200_000;

/*
 * A reseller shop's monthly fee from its wallet: once per period whatever runs the job, notices
 * while unpaid, sales suspended after the master's grace period (existing subscriptions untouched),
 * and lifted by a wallet top-up its admin pays the operator in the master shop.
 */
describe.each(BACKENDS)('reseller plan renewal on %s', (backend) => {
  let t: TestApp;
  let now = new Date('2026-05-01T10:00:00Z');
  const clock: Clock = { now: () => now };
  let master: TenantServices;

  beforeAll(async () => {
    t = await createTestApp(backend, { clock });
    const created = expectOk(
      await t.app.platform.tenants.create({ name: 'Master', token: fakeBotToken(), isMaster: true }),
    );
    master = t.app.forTenant(created.tenant.id);
    await master.settings.set('reseller_grace_days', 2, 'operator');
  }, 60_000);
  afterAll(() => t.close());

  const db = () => t.database.handle.db;
  const deps = () => ({ app: t.app }) as unknown as JobDeps;
  const runJob = (botId: BotId, job: typeof resellerRenewal) =>
    job.handler(
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
      deps(),
    );

  /** A running reseller shop on a plan of `fee` a month with `credit` included; its admin's ids. */
  async function resellerShop(fee: number, credit: number) {
    const plan = expectOk(
      await master.resellers.plans.create({ name: `Plan ${fee}`, monthlyFee: fee, includedCredit: credit }),
    );
    const { customer } = await master.customers.register({ telegramId: nextTelegramId++ }, 'en');
    await master.ledger.credit({ customerId: customer.id, amount: fee, kind: 'admin_credit' });
    const botNumber = nextBotNumber++;
    const opened = await master.resellers.signups.open({
      customerId: customer.id,
      planId: plan.id,
      token: fakeBotToken(botNumber),
      bot: { id: botNumber, username: `r${botNumber}_bot`, firstName: 'Reseller' },
    });
    if (opened.status !== 'opened') throw new Error(opened.status);
    expect((await master.resellers.signups.pay(customer.id, opened.signup.id)).status).toBe('paid');
    const started = await master.resellers.startShop(opened.signup.id);
    if (started.status !== 'started') throw new Error(started.status);
    return { shopId: started.shopId, shop: t.app.forTenant(started.shopId), adminCustomerId: customer.id };
  }

  const feeEntries = (shopId: BotId) =>
    inTenant(db(), shopId, (tx) =>
      tx
        .select()
        .from(walletTransactions)
        .where(and(eq(walletTransactions.botId, shopId), eq(walletTransactions.kind, 'adjustment'))),
    );
  const noticeKeys = async (shopId: BotId) =>
    (
      await inTenant(db(), shopId, (tx) =>
        tx
          .select({ dedupeKey: jobs.dedupeKey })
          .from(jobs)
          .where(and(eq(jobs.botId, shopId), eq(jobs.name, 'reseller-fee-notice'))),
      )
    ).map((row) => row.dedupeKey);

  it('charges the fee once per period, however many runs at once', async () => {
    const { shopId, shop } = await resellerShop(100_000, 250_000);
    const start = (await shop.resellerShop.get())!.periodEnd;
    expect(start.getTime()).toBe(now.getTime() + RESELLER_PERIOD_MS);
    // before the period ends: nothing
    await runJob(shopId, resellerRenewal);
    expect(await feeEntries(shopId)).toEqual([]);

    now = new Date(start.getTime() + 60_000);
    await Promise.all(Array.from({ length: 5 }, () => runJob(shopId, resellerRenewal)));
    await runJob(shopId, resellerRenewal);
    const fees = await feeEntries(shopId);
    expect(fees).toHaveLength(1);
    expect(fees[0]).toMatchObject({ amount: -100_000, externalRef: `reseller-fee:${start.toISOString()}` });
    expect(await shop.wallet.balance()).toBe(150_000);
    expect((await shop.resellerShop.get())!.periodEnd.getTime()).toBe(start.getTime() + RESELLER_PERIOD_MS);
    expect((await shop.wallet.audit()).consistent).toBe(true);
    expect(await noticeKeys(shopId)).toContain(
      `reseller-fee:renewed:${new Date(start.getTime() + RESELLER_PERIOD_MS).toISOString()}:0`,
    );
  });

  it('tells the admins while unpaid, suspends sales after the grace period, keeps subscriptions, and a top-up lifts it', async () => {
    const { shopId, shop, adminCustomerId } = await resellerShop(100_000, 50_000);
    // a customer with a subscription the shop sold before
    const plan = expectOk(
      await shop.plans.create({ name: 'Quarter', periodDays: 90, price: 10_000, trafficGb: 10 }),
    );
    const { customer } = await shop.customers.register({ telegramId: nextTelegramId++ }, 'en');
    await shop.ledger.credit({ customerId: customer.id, amount: 100_000, kind: 'admin_credit' });
    const bought = await shop.orders.purchasePlan({ customerId: customer.id, planId: plan.id });
    expect(bought.status).toBe('paid');
    const subscriptionBefore = await inTenant(db(), shopId, (tx) =>
      tx.select().from(subscriptions).where(eq(subscriptions.botId, shopId)),
    );
    expect(subscriptionBefore).toHaveLength(1);

    const due = (await shop.resellerShop.get())!.periodEnd;
    now = new Date(due.getTime() + 60_000);
    await Promise.all([runJob(shopId, resellerRenewal), runJob(shopId, resellerRenewal)]);
    let state = (await shop.resellerShop.get())!;
    expect(state.unpaidSince?.getTime()).toBe(due.getTime());
    expect(state.salesSuspendedAt).toBeNull();
    expect(await feeEntries(shopId)).toEqual([]);
    expect(await noticeKeys(shopId)).toContain(`reseller-fee:unpaid:${due.toISOString()}:0`);
    // still selling within the grace period
    const within = await shop.orders.purchasePlan({ customerId: customer.id, planId: plan.id });
    expect(within.status).toBe('paid');

    // a day later: another notice, the next day's
    now = new Date(due.getTime() + DAY_MS + 60_000);
    await runJob(shopId, resellerRenewal);
    expect(await noticeKeys(shopId)).toContain(`reseller-fee:unpaid:${due.toISOString()}:1`);
    expect((await shop.resellerShop.get())!.salesSuspendedAt).toBeNull();

    // past the two days of grace: suspended, once
    now = new Date(due.getTime() + 2 * DAY_MS + 60_000);
    await Promise.all([runJob(shopId, resellerRenewal), runJob(shopId, resellerRenewal)]);
    state = (await shop.resellerShop.get())!;
    expect(state.salesSuspendedAt).not.toBeNull();
    expect((await noticeKeys(shopId)).filter((k) => k?.startsWith('reseller-fee:suspended:'))).toHaveLength(
      1,
    );

    // sales refused (a new subscription and a renewal), nothing taken from the customer
    const balanceBefore = await shop.ledger.balance(customer.id);
    const refused = await shop.orders.purchasePlan({ customerId: customer.id, planId: plan.id });
    expect(refused.status).toBe('wallet_insufficient');
    const renewal = await shop.orders.purchasePlan({
      customerId: customer.id,
      planId: plan.id,
      subscriptionId: subscriptionBefore[0]!.id as never,
    });
    expect(renewal.status).toBe('wallet_insufficient');
    expect(await shop.ledger.balance(customer.id)).toBe(balanceBefore);
    // the subscriptions sold before are as they were
    const subscriptionAfter = await inTenant(db(), shopId, (tx) =>
      tx.select().from(subscriptions).where(eq(subscriptions.botId, shopId)),
    );
    const first = subscriptionAfter.find((s) => s.id === subscriptionBefore[0]!.id);
    expect(first?.expiresAt?.getTime()).toBeGreaterThan(now.getTime());
    expect(first?.expiresAt).toEqual(subscriptionBefore[0]!.expiresAt);
    expect(first?.status).toBe(subscriptionBefore[0]!.status);
    expect(first?.lostAt ?? null).toBeNull();

    // the admin pays the operator for wallet credit in the master shop: credited once, fee paid, selling again
    const topUp = await master.resellers.topUps.request(adminCustomerId as CustomerId, shopId, 200_000);
    const short = await master.resellers.topUps.pay(adminCustomerId as CustomerId, topUp.id);
    expect(short.status).toBe('insufficient');
    await master.ledger.credit({ customerId: adminCustomerId, amount: 200_000, kind: 'admin_credit' });
    const presses = await Promise.all([
      master.resellers.topUps.pay(adminCustomerId as CustomerId, topUp.id),
      master.resellers.topUps.pay(adminCustomerId as CustomerId, topUp.id),
    ]);
    expect(presses.filter((p) => p.status === 'paid')).toHaveLength(1);
    expect(await master.ledger.balance(adminCustomerId)).toBe(0);
    const creditJob = () =>
      resellerWalletCredit.handler(
        {
          botId: master.botId,
          payload: { topUpId: topUp.id },
          attempt: 1,
          isLastAttempt: false,
          logger: createSilentLogger(),
          signal: new AbortController().signal,
          // run outside a runner: nothing records the job
          completeIn: async () => {},
        },
        { app: t.app, notices: { resellerWalletCredited: async () => undefined } } as unknown as JobDeps,
      );
    await Promise.all([creditJob(), creditJob(), creditJob()]);
    const credits = await inTenant(db(), shopId, (tx) =>
      tx
        .select()
        .from(walletTransactions)
        .where(
          and(
            eq(walletTransactions.botId, shopId),
            eq(walletTransactions.externalRef, `reseller-topup:${master.botId}:${topUp.id}`),
          ),
        ),
    );
    expect(credits).toHaveLength(1);
    state = (await shop.resellerShop.get())!;
    expect(state.salesSuspendedAt).toBeNull();
    expect(state.unpaidSince).toBeNull();
    expect(await feeEntries(shopId)).toHaveLength(1);
    expect((await shop.wallet.audit()).consistent).toBe(true);
    expect((await master.resellers.topUps.get(topUp.id))?.status).toBe('credited');
    const again = await shop.orders.purchasePlan({ customerId: customer.id, planId: plan.id });
    expect(again.status).toBe('paid');
  });

  it("keeps a shop's plan row to itself and leaves shops without one alone", async () => {
    const { shopId } = await resellerShop(10_000, 0);
    expect(await master.resellerShop.renew()).toEqual({ status: 'none' });
    const seen = await inTenant(db(), master.botId, (tx) =>
      tx.select().from(walletTransactions).where(eq(walletTransactions.botId, shopId)),
    );
    expect(seen).toEqual([]);
  });
});

import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RemnawaveSim, startRemnawaveSim } from '../../sim/remnawave/index.js';
import { jobs, walletConsumptionCharges } from '../../src/db/schema.js';
import { inTenant } from '../../src/db/tenant-tx.js';
import { createRemnawaveClient } from '../../src/integrations/remnawave/client.js';
import {
  createRemnawavePanel,
  REMNAWAVE_SELLING_SCOPES,
} from '../../src/integrations/remnawave/vpn-panel.js';
import type { AnyJobDefinition, JobDeps } from '../../src/jobs/define.js';
import { chargeConsumption } from '../../src/jobs/definitions/consumption-billing.js';
import { syncTraffic } from '../../src/jobs/definitions/sync-traffic.js';
import { createJobRunner } from '../../src/jobs/runner.js';
import type { Clock } from '../../src/shared/clock.js';
import type { BotId, CustomerId, OrderId } from '../../src/shared/ids.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../support/database.js';
import { eventually } from '../support/fleet.js';
import { rememberSecret } from '../support/log-capture.js';

const GIB = 1024 ** 3;
const DAY = 86_400_000;

/**
 * End to end through the panel simulator: customers use traffic on the panel (setUsage), the
 * 15-minute sync job stores it, the daily job charges the shop billed by consumption for what was
 * used since the day before, once per day whichever processes run it.
 */
describe.each(BACKENDS)('charge-consumption job through the panel on %s', (backend) => {
  let sim: RemnawaveSim;
  let t: TestApp;
  let shop: BotId;
  /** Days ahead of the real time (the panel simulator checks expiries against the real clock). */
  let days = 0;
  const clock: Clock = { now: () => new Date(Date.now() + days * DAY) };
  let telegramId = 7_600_000_000;

  beforeAll(async () => {
    sim = await startRemnawaveSim({
      apiTokenScopes: REMNAWAVE_SELLING_SCOPES,
      expireSweepMs: 0,
      limitSweepMs: 0,
    });
    rememberSecret('panel token', sim.apiToken);
    const panel = createRemnawavePanel(
      createRemnawaveClient({ baseUrl: sim.baseUrl, apiToken: sim.apiToken, timeoutMs: 1000, retries: 0 }),
    );
    t = await createTestApp(backend, { panel, clock });
    shop = (await createTenant(t.app, 'Metered')).tenant.id;
    const services = t.app.forTenant(shop);
    await services.settings.set('panel_squads', [sim.addSquad('Metered-Squad')], 'operator');
    await services.settings.set('wallet_billing_mode', 'consumption', 'operator');
    await services.wallet.setWholesalePrice(1024);
    await services.wallet.topUp({ amount: 100_000 });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await sim.close();
  });

  const services = () => t.app.forTenant(shop);
  const run = (job: AnyJobDefinition, botId = shop) =>
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
      { app: t.app, notices: {} as JobDeps['notices'] },
    );
  const charges = () =>
    inTenant(t.database.handle.db, shop, (tx) =>
      tx
        .select()
        .from(walletConsumptionCharges)
        .where(eq(walletConsumptionCharges.botId, shop))
        .orderBy(walletConsumptionCharges.day),
    );

  /** A customer with a provisioned subscription (a panel user); returns its panel username. */
  const subscriber = async (): Promise<string> => {
    const created = await services().plans.create({
      name: 'Month',
      periodDays: 30,
      price: 100,
      trafficGb: 50,
    });
    if (!created.ok) throw new Error('plan');
    const { customer } = await services().customers.register(
      { telegramId: telegramId++, firstName: 'C' },
      'en',
    );
    const customerId = customer.id as CustomerId;
    await services().ledger.credit({ customerId, amount: 100, kind: 'admin_credit' });
    const bought = await services().orders.purchasePlan({ customerId, planId: created.value.id });
    if (bought.status !== 'paid') throw new Error(bought.status);
    expect((await services().subscriptions.provision(bought.order.id as OrderId)).status).toBe('active');
    return (await services().subscriptions.getForCustomer(customerId))!.panelUsername;
  };

  it('charges the usage the panel reports, the delta once a day, even with two runners at it', async () => {
    const first = await subscriber();
    const second = await subscriber();
    // billed by consumption from the start: the sales debited nothing
    expect(await services().wallet.balance()).toBe(100_000);

    // day 0: the first run opens the mark at what the panel has counted so far
    sim.setUsage(first, GIB / 2);
    await run(syncTraffic);
    await run(chargeConsumption);
    expect(await charges()).toMatchObject([{ kind: 'opening', toBytes: GIB / 2, amount: 0 }]);

    // day 1: 2.5 GiB and 1.5 GiB more on the panel → 4 GiB at 1024 a GB
    days = 1;
    sim.setUsage(first, 3 * GIB);
    sim.setUsage(second, GIB + GIB / 2);
    await run(syncTraffic);
    expect((await services().wallet.summary()).trafficConsumedBytes).toBe(4.5 * GIB);
    await Promise.all([run(chargeConsumption), run(chargeConsumption), run(chargeConsumption)]);
    expect(await services().wallet.balance()).toBe(100_000 - 4 * 1024);

    // day 2: usage the sync has not seen yet is not charged; what it saw is, once
    days = 2;
    sim.setUsage(first, 3 * GIB + GIB / 4);
    await run(syncTraffic);
    sim.setUsage(first, 10 * GIB);
    await run(chargeConsumption);
    await run(chargeConsumption);
    expect(await services().wallet.balance()).toBe(100_000 - 4 * 1024 - 256);

    // day 3: the rest, seen by the next sync
    days = 3;
    await run(syncTraffic);
    await run(chargeConsumption);
    expect(await services().wallet.balance()).toBe(100_000 - 11 * 1024);
    expect((await charges()).map((row) => [row.fromBytes / GIB, row.toBytes / GIB, row.amount])).toEqual([
      [0.5, 0.5, 0],
      [0.5, 4.5, 4096],
      [4.5, 4.75, 256],
      [4.75, 11.5, 6912],
    ]);
    const entries = (await services().wallet.entries()).filter((entry) => entry.kind === 'consumption');
    expect(entries.map((entry) => entry.externalRef).sort()).toEqual(
      (await charges()).slice(1).map((row) => `consumption:${row.day}`),
    );
    expect((await services().wallet.audit()).consistent).toBe(true);
  });

  it('records a day once when two job runners enqueue and run it window after window', async () => {
    days = 10;
    const other = (await createTenant(t.app, 'Per sale')).tenant.id;
    const runners = [1, 2].map(() =>
      createJobRunner({
        queue: t.app.platform.jobs,
        logger: createSilentLogger(),
        definitions: [chargeConsumption],
        jobDeps: { app: t.app, notices: {} as JobDeps['notices'] },
        // a window every 150 ms instead of a day: many scheduled jobs for the same UTC day
        options: { pollIntervalMs: 20, overrides: { 'charge-consumption': { everyMs: 150 } } },
      }),
    );
    const before = await services().wallet.balance();
    const day = new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
    await Promise.all(runners.map((runner) => runner.start()));
    try {
      await eventually(
        async () => (await charges()).some((row) => row.day === day),
        'the day is recorded',
        10_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    } finally {
      await Promise.all(runners.map((runner) => runner.stop()));
    }
    const today = (await charges()).filter((row) => row.day === day);
    expect(today).toHaveLength(1);
    // nothing new was used since day 3: a day with nothing to charge
    expect(today[0]).toMatchObject({ kind: 'charge', amount: 0 });
    expect(await services().wallet.balance()).toBe(before);
    // the shop billed per sale got its scheduled runs and wrote nothing
    const otherRows = await inTenant(t.database.handle.db, other, (tx) =>
      tx.select().from(walletConsumptionCharges).where(eq(walletConsumptionCharges.botId, other)),
    );
    expect(otherRows).toEqual([]);
    const ran = await inTenant(t.database.handle.db, other, (tx) =>
      tx
        .select({ status: jobs.status })
        .from(jobs)
        .where(and(eq(jobs.botId, other), eq(jobs.name, 'charge-consumption'))),
    );
    // (the last window's job may still be queued when the runners stop)
    expect(ran.some((job) => job.status === 'done')).toBe(true);
    expect(ran.filter((job) => job.status === 'failed')).toEqual([]);
  });
});

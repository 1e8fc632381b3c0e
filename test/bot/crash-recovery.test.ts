import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RemnawaveSim, startRemnawaveSim } from '../../sim/remnawave/index.js';
import {
  type SimMessage,
  type SimUser,
  startTelegramSim,
  type TelegramSim,
} from '../../sim/telegram/index.js';
import { type App, createApp } from '../../src/app.js';
import { cardToCardPayments, starsPayments } from '../../src/db/schema.js';
import { inTenant, inTenantStatement } from '../../src/db/tenant-tx.js';
import { createSecretBox } from '../../src/shared/crypto.js';
import type { BotId, CustomerId } from '../../src/shared/ids.js';
import { createLogger, createSilentLogger } from '../../src/shared/logger.js';
import { freePort, openTestDatabase, TEST_ENCRYPTION_KEY, type TestDatabase } from '../support/database.js';
import { eventually } from '../support/fleet.js';
import { rememberSecret, testLogs } from '../support/log-capture.js';
import { type PgProxy, startPgProxy } from '../support/pg-proxy.js';
import { type ServiceProcess, startServiceProcess } from '../support/process.js';
import { ledgerRowsByRef } from '../support/shop.js';

/**
 * A service process killed at every step of an update: its connections to PostgreSQL are cut right
 * before its n-th statement (n = 1, 2, ... until the update finishes before the cut), which is what
 * PostgreSQL sees when a process dies (its open transactions roll back). A second process then
 * starts on the same database, as a restart or a sibling would, and must handle every update exactly
 * once: no update lost, no money moved twice, every Stars payment credited.
 *
 * PostgreSQL only: PGlite runs inside the process and dies with it.
 */
const POSTGRES = process.env.TEST_DATABASE_URL;
const MAX_STEPS = 40;
const MIN_STEPS = 3;

describe.skipIf(!POSTGRES)('updates survive a process killed at every step (postgres)', () => {
  let sim: TelegramSim;
  let panel: RemnawaveSim;
  let database: TestDatabase;
  let proxy: PgProxy;
  /** Sets shops up and checks outcomes; runs no bot. */
  let setup: App;
  let squad: string;

  beforeAll(async () => {
    sim = await startTelegramSim({ preCheckoutTimeoutMs: 1500 });
    panel = await startRemnawaveSim();
    squad = panel.addSquad('Germany');
    database = await openTestDatabase('postgres');
    const server = new URL(POSTGRES!);
    proxy = await startPgProxy({ host: server.hostname, port: Number(server.port || 5432) });
    setup = createApp({
      database: database.handle,
      secrets: createSecretBox(TEST_ENCRYPTION_KEY),
      logger: createSilentLogger(),
    });
  }, 60_000);

  afterAll(async () => {
    testLogs.expectNoLeaks();
    await proxy?.close();
    await database?.close();
    await sim?.close();
    await panel?.close();
  });

  const start = (viaProxy: boolean) =>
    startServiceProcess({
      ownerUrl: database.url!,
      appUrl: viaProxy ? proxy.via(database.appUrl!) : database.appUrl!,
      sim,
      panel,
      quiet: viaProxy,
      // RF_DEBUG=1 shows what the processes log while a test is being debugged
      ...(process.env.RF_DEBUG ? { logger: createLogger({ level: 'debug' }) } : {}),
    });

  async function openShop(name: string, admin: SimUser) {
    const bot = sim.addBot({ username: `${name.toLowerCase()}_${Date.now() % 100_000}_bot` });
    rememberSecret('bot token', bot.token);
    const created = await setup.platform.tenants.create({
      name,
      token: bot.token,
      adminTelegramIds: [admin.id],
    });
    if (!created.ok) throw new Error(created.error.message);
    const id = created.value.tenant.id;
    const services = setup.forTenant(id);
    await services.settings.set('language_selection_enabled', false, 'operator');
    await services.settings.set('skip_rules_acceptance', true, 'operator');
    await services.settings.set('default_language', 'en', 'operator');
    await services.settings.set('panel_squads', [squad], 'operator');
    await services.settings.set('topup_presets', [50_000], 'operator');
    await services.settings.set('stars_per_unit_price', 2, 'operator');
    await services.flags.set('telegram_stars', true);
    const card = await services.cards.create({
      cardNumber: '6037991234567893',
      holderName: 'Holder',
      bankName: 'Melli',
    });
    if (!card.ok) throw new Error(card.error.message);
    const plan = await services.plans.create({
      name: 'Monthly',
      periodDays: 30,
      price: 120_000,
      trafficGb: 50,
    });
    if (!plan.ok) throw new Error('plan');
    return { id, bot, services, planId: plan.value.id };
  }
  type Shop = Awaited<ReturnType<typeof openShop>>;

  const fromBot = (shop: Shop, user: SimUser, since: number, match: (m: SimMessage) => boolean) =>
    sim.waitForMessage(shop.bot, user, (m) => m.fromBot && m.messageId > since && match(m), {
      timeoutMs: 10_000,
    });
  const lastId = (shop: Shop, user: SimUser) => sim.chat(shop.bot, user).messages.at(-1)?.messageId ?? 0;
  const hasButton = (data: string) => (m: SimMessage) =>
    m.buttons.flat().some((button) => button.callbackData === data);
  /**
   * Presses a button and waits for the answer and for the end of the update's handling (its
   * session saved): the step counting of the next update starts after it.
   */
  const press = async (shop: Shop, user: SimUser, data: string, wanted: (m: SimMessage) => boolean) => {
    const since = lastId(shop, user);
    const { updateId } = user.pressButton(shop.bot, data);
    await fromBot(shop, user, since, wanted);
    await finished(shop, updateId);
  };
  const finished = (shop: Shop, updateId: number) =>
    eventually(async () => (await updateState(shop, updateId)) === 'done', `update ${updateId} finished`);
  const textOf = (shop: Shop, user: SimUser, text: string) =>
    sim.chat(shop.bot, user).messages.filter((m) => m.fromBot && (m.text ?? '').includes(text));

  /** Lets every lease of the shop's unfinished updates run out now, as if a minute had passed. */
  const expireLeases = (shop: Shop) =>
    inTenantStatement(
      database.handle.db,
      shop.id,
      `UPDATE update_inbox SET lease_until = now() WHERE state IN ('received', 'handling')`,
    );

  const updateState = async (shop: Shop, updateId: number) =>
    (await setup.forTenant(shop.id).updates.get(updateId))?.state;

  /**
   * One run: `prepare` drives the shop in a process up to the update under test; `act` sends it
   * with that process to be killed right before its `step`-th statement from then. When the kill
   * came first, a restarted process finishes the work. `verify` checks the outcome while a healthy
   * process still runs (its jobs provision and notify). Returns whether the kill came first.
   */
  async function runKilledAt<T>(
    step: number,
    shop: Shop,
    run: {
      prepare: () => Promise<void>;
      act: () => Promise<{ updateId: number | undefined; value: T }>;
      verify: (value: T) => Promise<void>;
    },
  ): Promise<boolean> {
    const first: ServiceProcess = await start(true);
    let outcome: { updateId: number | undefined; value: T };
    try {
      await run.prepare();
      proxy.cutBefore(step);
      outcome = await run.act();
      const updateId = outcome.updateId;
      await eventually(
        async () => proxy.cut || (updateId !== undefined && (await updateState(shop, updateId)) === 'done'),
        'the update handled or the process killed',
        10_000,
      );
      if (!proxy.cut) {
        proxy.disarm();
        await run.verify(outcome.value);
        return false;
      }
    } finally {
      proxy.disarm();
      await first.stop();
      proxy.up();
    }
    // restarted: the update is fetched again from Telegram, or recovered from the inbox
    const second = await start(false);
    try {
      await expireLeases(shop);
      await second.platform.fleet.recoverUnfinished();
      const updateId = outcome.updateId;
      if (updateId !== undefined) {
        await eventually(
          async () => (await updateState(shop, updateId)) === 'done',
          `update ${updateId} handled after the restart`,
          10_000,
        );
      }
      await run.verify(outcome.value);
    } finally {
      await second.stop();
    }
    return true;
  }

  /**
   * Runs `runFor(step)` killed at step 1, 2, ... until the update finishes before the kill; each
   * step with a new customer. Fails when it never finishes or was killed at fewer than MIN_STEPS.
   */
  async function killAtEveryStep<T>(
    shop: Shop,
    runFor: (step: number) => Parameters<typeof runKilledAt<T>>[2],
  ): Promise<void> {
    let kills = 0;
    for (let step = 1; step <= MAX_STEPS; step += 1) {
      if (!(await runKilledAt(step, shop, runFor(step)))) {
        console.info(`${expect.getState().currentTestName}: killed at ${kills} steps`);
        // admission, the money's transaction and the finish at least
        expect(kills).toBeGreaterThanOrEqual(MIN_STEPS);
        return;
      }
      kills += 1;
    }
    throw new Error(`the update never finished before the kill in ${MAX_STEPS} steps`);
  }

  const ledgerRows = (botId: BotId, customerId: CustomerId, prefix: string) =>
    ledgerRowsByRef(database.handle.db, botId, customerId, prefix);

  async function customerOf(shop: Shop, user: SimUser): Promise<CustomerId> {
    const customer = await shop.services.customers.getByTelegramId(user.id);
    return customer!.id as CustomerId;
  }

  /** /start in the healthy part of a run: the customer and the main menu. */
  const enter = async (shop: Shop, user: SimUser) => {
    const since = lastId(shop, user);
    const { updateId } = user.start(shop.bot);
    await fromBot(shop, user, since, hasButton('menu:buy'));
    await finished(shop, updateId);
  };

  it('a purchase from the balance: one order, one debit, activated once', async () => {
    const admin = sim.user({ firstName: 'Admin', languageCode: 'en' });
    const shop = await openShop('Buy', admin);
    await killAtEveryStep(shop, (step) => {
      const user = sim.user({ firstName: `Buyer${step}`, languageCode: 'en' });
      return {
        prepare: async () => {
          await enter(shop, user);
          const customerId = await customerOf(shop, user);
          await shop.services.ledger.credit({
            customerId,
            amount: 120_000,
            kind: 'admin_credit',
            reason: 't',
          });
          await press(shop, user, 'menu:buy', hasButton(`plan:${shop.planId}:0`));
          await press(shop, user, `plan:${shop.planId}:0`, hasButton(`buy:${shop.planId}:0`));
        },
        act: async () => ({
          updateId: user.pressButton(shop.bot, `buy:${shop.planId}:0`).updateId,
          value: 0,
        }),
        verify: async () => {
          const customerId = await customerOf(shop, user);
          const orders = await shop.services.orders.findByCustomer(customerId);
          expect(orders, `step ${step}: one order`).toHaveLength(1);
          expect(await ledgerRows(shop.id, customerId, 'order:'), `step ${step}: one debit`).toHaveLength(1);
          expect(await shop.services.ledger.balance(customerId)).toBe(0);
          await eventually(
            async () => (await shop.services.orders.get(orders[0]!.id))?.status === 'active',
            `step ${step}: the order activated`,
            15_000,
          );
          expect(textOf(shop, user, 'went wrong'), `step ${step}: no apology`).toEqual([]);
        },
      };
    });
  }, 600_000);

  it('a Telegram Stars payment: credited exactly once (or never taken), and the customer is told', async () => {
    const admin = sim.user({ firstName: 'Admin', languageCode: 'en' });
    const shop = await openShop('Stars', admin);
    await killAtEveryStep(shop, (step) => {
      const user = sim.user({ firstName: `Payer${step}`, languageCode: 'en' });
      return {
        prepare: async () => {
          await enter(shop, user);
          await press(shop, user, 'menu:topup', hasButton('topup:amt:50000'));
          await press(shop, user, 'topup:amt:50000', hasButton('pay:stars:50000:0'));
          await press(shop, user, 'pay:stars:50000:0', (m) => m.invoice !== undefined);
        },
        act: async () => {
          // the pre-checkout may be the step cut short: then Telegram takes no Stars at all
          const payment = await user.pay(shop.bot).catch(() => undefined);
          return { updateId: payment?.updateId, value: payment };
        },
        verify: async (paid) => {
          const customerId = await customerOf(shop, user);
          const credits = await ledgerRows(shop.id, customerId, 'stars:');
          if (!paid) {
            expect(credits, `step ${step}: nothing taken, nothing credited`).toHaveLength(0);
            return;
          }
          const invoices = await inTenant(database.handle.db, shop.id, (tx) =>
            tx.select().from(starsPayments).where(eq(starsPayments.customerId, customerId)),
          );
          expect(credits, `step ${step}: one credit`).toHaveLength(1);
          expect(invoices.map((invoice) => invoice.status)).toEqual(['paid']);
          expect(await shop.services.ledger.balance(customerId)).toBe(50_000);
          await eventually(
            () => textOf(shop, user, '⭐ received').length >= 1,
            `step ${step}: the customer told`,
          );
        },
      };
    });
  }, 600_000);

  it('a card-to-card receipt: recorded once and sent to the admins once', async () => {
    const admin = sim.user({ firstName: 'Admin', languageCode: 'en' });
    const shop = await openShop('Receipt', admin);
    await killAtEveryStep(shop, (step) => {
      const user = sim.user({ firstName: `Sender${step}`, languageCode: 'en' });
      return {
        prepare: async () => {
          // Telegram lets a bot write only to users who started it
          if (step === 1) await enter(shop, admin);
          await enter(shop, user);
          await press(shop, user, 'menu:topup', hasButton('topup:amt:50000'));
          await press(shop, user, 'topup:amt:50000', hasButton('pay:card:50000:0'));
          await press(shop, user, 'pay:card:50000:0', hasButton('c2c:cancel'));
        },
        act: async () => ({ updateId: user.sendPhoto(shop.bot).updateId, value: 0 }),
        verify: async () => {
          const customerId = await customerOf(shop, user);
          const receipts = await inTenant(database.handle.db, shop.id, (tx) =>
            tx.select().from(cardToCardPayments).where(eq(cardToCardPayments.customerId, customerId)),
          );
          expect(receipts, `step ${step}: one receipt`).toHaveLength(1);
          const tracking = receipts[0]!.trackingNumber;
          const atAdmin = () =>
            sim
              .chat(shop.bot, admin)
              .messages.filter((m) => m.fromBot && (m.caption ?? m.text ?? '').includes(tracking));
          await eventually(() => textOf(shop, user, tracking).length >= 1, `step ${step}: the customer told`);
          await eventually(() => atAdmin().length >= 1, `step ${step}: the admins got the receipt`);
          expect(atAdmin(), `step ${step}: sent to the admin once`).toHaveLength(1);
        },
      };
    });
  }, 600_000);

  it('webhook: updates that arrive while the database is down are refused and handled once it is back; /health tells', async () => {
    const admin = sim.user({ firstName: 'Admin', languageCode: 'en' });
    const shop = await openShop('Hooked', admin);
    const port = await freePort();
    const service = await startServiceProcess({
      ownerUrl: database.url!,
      appUrl: proxy.via(database.appUrl!),
      sim,
      panel,
      mode: 'webhook',
      port,
    });
    const health = async () => {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      return { status: response.status, body: (await response.json()) as { database: string } };
    };
    try {
      expect(await health()).toMatchObject({ status: 200, body: { database: 'up' } });
      const users = ['en', 'ru', 'fa'].map((languageCode, i) =>
        sim.user({ firstName: `Hook${i}`, languageCode }),
      );
      proxy.down();
      expect(await health()).toMatchObject({ status: 503, body: { database: 'down' } });
      for (const user of users) user.start(shop.bot);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(
        users.flatMap((user) => sim.chat(shop.bot, user).messages.filter((m) => m.fromBot)),
        'nobody answered, nobody apologised',
      ).toEqual([]);
      proxy.up();
      for (const user of users) {
        await sim.waitForMessage(shop.bot, user, (m) => m.fromBot && hasButton('menu:buy')(m), {
          timeoutMs: 20_000,
        });
      }
      expect(await health()).toMatchObject({ status: 200, body: { database: 'up' } });
    } finally {
      proxy.up();
      await service.stop();
    }
  }, 120_000);

  it('keeps updates sent while the database is down and handles them once it is back', async () => {
    const admin = sim.user({ firstName: 'Admin', languageCode: 'en' });
    const shop = await openShop('Outage', admin);
    const service = await start(true);
    try {
      const users = Array.from({ length: 4 }, (_, i) =>
        sim.user({ firstName: `Early${i}`, languageCode: 'en' }),
      );
      proxy.down();
      for (const user of users) user.start(shop.bot);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(
        users.flatMap((user) => sim.chat(shop.bot, user).messages.filter((m) => m.fromBot)),
        'nobody answered, nobody apologised',
      ).toEqual([]);
      proxy.up();
      for (const user of users) {
        await sim.waitForMessage(shop.bot, user, (m) => m.fromBot && hasButton('menu:buy')(m), {
          timeoutMs: 20_000,
        });
        expect(textOf(shop, user, 'went wrong')).toEqual([]);
      }
    } finally {
      proxy.up();
      await service.stop();
    }
  }, 120_000);
});

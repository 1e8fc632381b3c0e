import { and, eq, inArray, notLike, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SimBot, SimMessage, SimUser, TelegramSim } from '../../sim/telegram/index.js';
import { startTelegramSim } from '../../sim/telegram/index.js';
import { type App, createApp } from '../../src/app.js';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import { jobs } from '../../src/db/schema.js';
import { inPlatform } from '../../src/db/tenant-tx.js';
import { planSubscriptionNotices } from '../../src/jobs/definitions/subscription-notices.js';
import { type Platform, startPlatform } from '../../src/platform.js';
import { createSecretBox } from '../../src/shared/crypto.js';
import { asCustomerId, type BotId, type CustomerId } from '../../src/shared/ids.js';
import {
  addSubscription,
  DAY,
  GB,
  HOUR,
  noticesOf,
  sendJobsOf,
  testClock,
  updateSubscription,
} from '../modules/lifecycle/lifecycle-fixtures.js';
import { BACKENDS, createTestApp, freePort, TEST_ENCRYPTION_KEY, type TestApp } from '../support/database.js';
import { rememberSecret, testLogs } from '../support/log-capture.js';

/**
 * Expiry and traffic notices end to end: the planner and send jobs run by the job runners of
 * service processes sharing one database, the messages read from the Telegram simulator over real
 * HTTP, time moved by a controllable clock (and the queue's delays moved with it), on both
 * databases.
 */
describe.each(BACKENDS)('subscription notices through the job runners on %s', (backend) => {
  const clock = testClock();
  let sim: TelegramSim;
  let t: TestApp;
  const running: ServiceProcess[] = [];
  let planRuns = 0;

  interface ServiceProcess {
    readonly app: App;
    readonly platform: Platform;
    stop(): Promise<void>;
  }

  /** A service process on the test database and clock: its own app, bots, HTTP server and job runner. */
  async function startProcess(): Promise<ServiceProcess> {
    // PGlite is one connection: its processes share the handle; PostgreSQL ones get their own pool
    const own: DatabaseHandle | undefined =
      t.database.url === undefined
        ? undefined
        : await openDatabase({
            url: t.database.url,
            appUrl: t.database.appUrl,
            logger: testLogs.logger,
            migrate: false,
            poolMax: 5,
          });
    const app =
      running.length === 0 && !own
        ? t.app
        : createApp({
            database: own ?? t.database.handle,
            secrets: createSecretBox(TEST_ENCRYPTION_KEY),
            logger: testLogs.logger,
            clock,
          });
    if (app !== t.app) await app.start();
    const port = await freePort();
    const platform = await startPlatform(app, testLogs.logger, {
      apiRoot: sim.apiRoot,
      mode: 'webhook',
      publicBaseUrl: `http://127.0.0.1:${port}`,
      secretKey: TEST_ENCRYPTION_KEY,
      http: { host: '127.0.0.1', port },
      jobs: { pollIntervalMs: 30 },
    });
    const service: ServiceProcess = {
      app,
      platform,
      async stop() {
        running.splice(running.indexOf(service), 1);
        await platform.stop();
        if (app !== t.app) await app.stop();
        await own?.close();
      },
    };
    running.push(service);
    return service;
  }

  /** Time passes: the clock, and the queue's delays (the database's own clock does not move). */
  async function advance(ms: number) {
    clock.advance(ms);
    await inPlatform(t.database.handle.db, (tx) =>
      tx.execute(sql`UPDATE jobs SET run_at = run_at - make_interval(secs => ${ms / 1000})
                      WHERE status = 'queued'`),
    );
    await settle();
  }

  /** Waits until no job is due or running in any process. */
  async function settle() {
    for (const service of running) await service.platform.jobs.drain(10_000);
  }

  /** The shop's hourly planner job, enqueued by `process` as its schedule would, then run. */
  async function planHour(botId: BotId, service = running[0]!) {
    await service.app
      .forTenant(botId)
      .jobs.enqueue(planSubscriptionNotices, {}, { dedupeKey: `test-plan:${++planRuns}` });
    await settle();
  }

  /** Waits until the schedule's own planner (not a test's `planHour`) has run for each shop. */
  async function scheduledPlannersRan(ids: readonly BotId[]) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const done = await inPlatform(t.database.handle.db, (tx) =>
        tx
          .select({ botId: jobs.botId })
          .from(jobs)
          .where(
            and(
              eq(jobs.name, planSubscriptionNotices.name),
              inArray(jobs.botId, [...ids]),
              notLike(jobs.dedupeKey, 'test-plan:%'),
              eq(jobs.status, 'done'),
            ),
          ),
      );
      if (ids.every((id) => done.some((row) => row.botId === id))) return;
      if (Date.now() > deadline) throw new Error(`the schedule did not plan shops ${ids.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** A usage sync's traffic claims (what the sync-traffic job runs after the panel answered), then the sends. */
  async function syncedUsage(botId: BotId, service = running[0]!) {
    await service.app.forTenant(botId).lifecycle.claimTrafficNotices();
    await settle();
  }

  async function openShop(name: string): Promise<{ id: BotId; bot: SimBot }> {
    const bot = sim.addBot({ username: `${name.toLowerCase()}_${planRuns}_${Date.now() % 100_000}_bot` });
    rememberSecret('bot token', bot.token);
    const created = await t.app.platform.tenants.create({ name, token: bot.token });
    if (!created.ok) throw new Error(created.error.message);
    rememberSecret('api token', created.value.apiToken);
    const id = created.value.tenant.id;
    const settings = t.app.forTenant(id).settings;
    await settings.set('language_selection_enabled', false, 'operator');
    await settings.set('skip_rules_acceptance', true, 'operator');
    await settings.set('default_language', 'en', 'operator');
    for (const service of running) await service.platform.fleet.refresh(id);
    return { id, bot };
  }

  interface Customer {
    readonly user: SimUser;
    readonly customerId: CustomerId;
    /** The main menu /start showed: every later bot message is a notice. */
    readonly menuMessageId: number;
  }

  /** A Telegram user who went through /start, speaking `language`. */
  async function customerOf(
    shop: { id: BotId; bot: SimBot },
    language: 'fa' | 'en' = 'en',
  ): Promise<Customer> {
    const user = sim.user({ firstName: 'Sara', languageCode: language });
    user.start(shop.bot);
    const menu = await sim.waitForMessage(shop.bot, user, (m) => m.fromBot && hasButton(m, 'menu:buy'));
    const services = t.app.forTenant(shop.id);
    const customer = await services.customers.getByTelegramId(user.id);
    await services.customers.setLanguage(asCustomerId(customer!.id), language);
    return { user, customerId: asCustomerId(customer!.id), menuMessageId: menu.messageId };
  }

  const hasButton = (m: SimMessage, data: string) => m.buttons.flat().some((b) => b.callbackData === data);
  /** The bot's messages to the customer since the menu: the notices. */
  const noticesIn = (shop: { bot: SimBot }, customer: Customer) =>
    sim
      .chat(shop.bot, customer.user)
      .messages.filter((m) => m.fromBot && m.messageId > customer.menuMessageId);
  const at = (ms: number) => new Date(clock.now().getTime() + ms);

  beforeAll(async () => {
    sim = await startTelegramSim({ webhookRetryBaseMs: 20, webhookRetryMaxMs: 200 });
    t = await createTestApp(backend, { clock });
  });
  afterEach(async () => {
    while (running.length > 0) await running.at(-1)!.stop();
  });
  afterAll(async () => {
    await t.close();
    await sim.close();
  });

  it('sends each notice once across two processes and a restart', async () => {
    clock.set(new Date(Date.UTC(2031, 2, 10, 8, 10)));
    const first = await startProcess();
    const second = await startProcess();
    const shop = await openShop('Twice');
    const customer = await customerOf(shop);
    const { customerId } = customer;
    const subscriptionId = await addSubscription(t, shop.id, customerId, {
      expiresAt: at(3 * DAY + 20 * 60_000),
    });

    // both processes plan the same hour
    await Promise.all([planHour(shop.id, first), planHour(shop.id, second)]);
    expect(await noticesOf(t, shop.id)).toHaveLength(1);
    expect(noticesIn(shop, customer)).toEqual([]);

    // the first process stops before the send is due; a new one starts and the hour passes
    await first.stop();
    await startProcess();
    await advance(HOUR);

    const sent = noticesIn(shop, customer);
    expect(sent.map((m) => m.text)).toEqual([expect.stringContaining('Your subscription ends in 3 days')]);
    expect(hasButton(sent[0]!, `sub:open:${subscriptionId}`)).toBe(true);
    // nothing more however often the hour is planned again
    await planHour(shop.id);
    await advance(HOUR);
    expect(noticesIn(shop, customer)).toHaveLength(1);
  });

  it('drops a notice a renewal made untrue and warns again before the new expiry', async () => {
    clock.set(new Date(Date.UTC(2031, 2, 10, 8, 10)));
    await startProcess();
    const shop = await openShop('Renew');
    const customer = await customerOf(shop);
    const expiresAt = at(30 * 60_000);
    const id = await addSubscription(t, shop.id, customer.customerId, { expiresAt });
    await planHour(shop.id);
    expect((await noticesOf(t, shop.id)).map((n) => n.kind)).toEqual(['expired']);

    // renewed before the expiry: the expired notice, due then, is about an expiry that no longer is
    const renewed = new Date(expiresAt.getTime() + 30 * DAY);
    await updateSubscription(t, shop.id, id, { expiresAt: renewed });
    await advance(HOUR);
    expect(noticesIn(shop, customer)).toEqual([]);
    // its job ran and let it go
    expect((await sendJobsOf(t, shop.id)).map((job) => job.status)).toEqual(['done']);

    clock.set(new Date(renewed.getTime() - 3 * DAY - 10 * 60_000));
    await planHour(shop.id);
    await advance(HOUR);
    clock.set(new Date(renewed.getTime() - DAY - 10 * 60_000));
    await planHour(shop.id);
    await advance(HOUR);
    expect(noticesIn(shop, customer).map((m) => m.text)).toEqual([
      expect.stringContaining('Your subscription ends in 3 days'),
      expect.stringContaining('Your subscription ends in 1 day,'),
    ]);
  });

  it('warns about traffic once per traffic period, and again after a reset', async () => {
    clock.set(new Date(Date.UTC(2031, 2, 10, 8, 10)));
    await startProcess();
    const shop = await openShop('Traffic');
    const customer = await customerOf(shop);
    const { customerId } = customer;
    const id = await addSubscription(t, shop.id, customerId, {
      expiresAt: at(20 * DAY),
      usedTrafficBytes: 41 * GB,
    });
    await syncedUsage(shop.id);
    await syncedUsage(shop.id);
    const [warning] = noticesIn(shop, customer);
    expect(noticesIn(shop, customer)).toHaveLength(1);
    expect(warning?.text).toContain('80% of the traffic of Your subscription is used (41 GB of 50 GB)');
    expect(hasButton(warning!, `sub:open:${id}`)).toBe(true);

    // the panel reset the traffic: a new period starts with the reset
    await updateSubscription(t, shop.id, id, { usedTrafficBytes: 0, trafficPeriodStartedAt: clock.now() });
    await syncedUsage(shop.id);
    await updateSubscription(t, shop.id, id, { usedTrafficBytes: 42 * GB });
    await advance(HOUR);
    await syncedUsage(shop.id);
    expect(noticesIn(shop, customer)).toHaveLength(2);
  });

  it('marks a customer who blocked the bot and sends them nothing more', async () => {
    clock.set(new Date(Date.UTC(2031, 2, 10, 8, 10)));
    await startProcess();
    const shop = await openShop('Blocked');
    const customer = await customerOf(shop);
    const { customerId } = customer;
    const id = await addSubscription(t, shop.id, customerId, { expiresAt: at(30 * 60_000) });
    await planHour(shop.id);

    // the customer blocks the bot before the expired notice goes: Telegram answers 403
    sim.fault({ kind: 'blocked', botId: shop.bot.id, method: 'sendMessage', chatId: customer.user.id });
    const blockedAt = sim.mark();
    await advance(HOUR);
    const marked = await t.app.forTenant(shop.id).customers.get(customerId);
    expect(marked?.unreachableSince).not.toBeNull();

    // a traffic warning and the come-back come due: none is claimed, none is sent
    await updateSubscription(t, shop.id, id, { usedTrafficBytes: 49 * GB });
    await syncedUsage(shop.id);
    clock.set(new Date(at(3 * DAY).getTime()));
    await planHour(shop.id);
    await advance(HOUR);
    expect((await noticesOf(t, shop.id)).map((n) => n.kind)).toEqual(['expired']);
    // one refused attempt, then silence
    const sends = sim.calls({ botId: shop.bot, method: 'sendMessage', since: blockedAt });
    expect(sends.map((call) => call.ok)).toEqual([false]);
    expect(noticesIn(shop, customer)).toEqual([]);
  });

  it("speaks the customer's language: Persian with Persian digits and a Jalali date, and a trial's own words", async () => {
    clock.set(new Date(Date.UTC(2031, 2, 10, 8, 10)));
    await startProcess();
    const shop = await openShop('Languages');
    const persian = await customerOf(shop, 'fa');
    const english = await customerOf(shop, 'en');
    await addSubscription(t, shop.id, persian.customerId, { expiresAt: at(20 * HOUR), isTrial: true });
    await addSubscription(t, shop.id, english.customerId, { expiresAt: at(20 * HOUR), isTrial: true });
    await planHour(shop.id);
    await advance(HOUR);

    const [fa] = noticesIn(shop, persian);
    expect(fa?.text).toContain('اشتراک آزمایشی شما');
    expect(fa?.text).toContain('۱ روز');
    // 10 March 2031 is in Esfand 1409 of the Persian calendar
    expect(fa?.text).toContain('اسفند ۱۴۰۹');
    expect(fa?.text).not.toMatch(/[A-Za-z0-9]/);
    expect(hasButton(fa!, 'menu:buy')).toBe(true);
    const [en] = noticesIn(shop, english);
    expect(en?.text).toContain('Your trial ends in 1 day, on 11 March 2031.');
    expect(hasButton(en!, 'menu:buy')).toBe(true);
  });

  it("never plans or sends one shop's notices from another shop's planner", async () => {
    clock.set(new Date(Date.UTC(2031, 2, 10, 8, 10)));
    // Theirs' own planner must not run once their subscription is due: the runner's schedule
    // enqueues it (a process's first tick, by the real clock, for every shop with a subscription)
    // whenever that tick comes, and on PostgreSQL it runs on its own connection, a few transactions
    // after the process started, so it may come after the subscription was added. So both
    // subscriptions are far from their expiry when a second process starts; the scheduled planners
    // run and plan nothing, the day's window is then taken for both shops (whichever process's tick
    // enqueued them), and only then do the subscriptions fall due.
    await startProcess();
    const mine = await openShop('Mine');
    const theirs = await openShop('Theirs');
    const me = await customerOf(mine);
    const them = await customerOf(theirs);
    // bought as for an expiry in 20 hours, but ending far from now for the moment
    const bought = at(20 * HOUR - 30 * DAY);
    const far = { expiresAt: at(60 * DAY), createdAt: bought, trafficPeriodStartedAt: bought };
    const myId = await addSubscription(t, mine.id, me.customerId, far);
    const theirId = await addSubscription(t, theirs.id, them.customerId, far);
    await startProcess();
    await scheduledPlannersRan([mine.id, theirs.id]);
    await updateSubscription(t, mine.id, myId, { expiresAt: at(20 * HOUR) });
    await updateSubscription(t, theirs.id, theirId, { expiresAt: at(20 * HOUR) });

    await planHour(mine.id);
    await advance(HOUR);
    expect(noticesIn(mine, me)).toHaveLength(1);
    expect(noticesIn(theirs, them)).toEqual([]);
    expect(await noticesOf(t, theirs.id)).toEqual([]);
  });
});

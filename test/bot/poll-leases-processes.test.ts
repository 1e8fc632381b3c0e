import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimBot, type SimUser, startTelegramSim, type TelegramSim } from '../../sim/telegram/index.js';
import { type App, createApp } from '../../src/app.js';
import { createSecretBox } from '../../src/shared/crypto.js';
import type { BotId } from '../../src/shared/ids.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { freePort, openTestDatabase, TEST_ENCRYPTION_KEY, type TestDatabase } from '../support/database.js';
import { type ServiceInstance, startInstance } from '../support/instances.js';
import { rememberSecret } from '../support/log-capture.js';

/**
 * Polling mode with several service processes (src/main.ts each, environment only) on one
 * PostgreSQL: each bot polled by exactly one of them, the bots spread evenly, a process killed with
 * SIGKILL taken over within 30 s, a process started later given its share without restarting the
 * others, and no update handled twice. Short heartbeats and leases through the environment keep it
 * quick; the defaults (5 s, 15 s) are checked against the 30 s in poll-leases.test.ts.
 *
 * PostgreSQL only: the processes must share one database, and the embedded one serves one process.
 */
const POSTGRES = process.env.TEST_DATABASE_URL;
const BOTS = 9;
const LEASE_ENV = { POLL_HEARTBEAT_SECONDS: '1', POLL_LEASE_SECONDS: '4' };
const TAKEOVER_LIMIT_MS = 30_000;

describe.skipIf(!POSTGRES)(
  'poll leases across processes (postgres; TEST_DATABASE_URL unset: skipped)',
  () => {
    let sim: TelegramSim;
    let database: TestDatabase;
    let setup: App;
    const shops: { id: BotId; bot: SimBot; user: SimUser }[] = [];
    const running: ServiceInstance[] = [];

    beforeAll(async () => {
      sim = await startTelegramSim();
      database = await openTestDatabase('postgres');
      setup = createApp({
        database: database.handle,
        secrets: createSecretBox(TEST_ENCRYPTION_KEY),
        logger: createSilentLogger(),
      });
      for (let i = 0; i < BOTS; i++) {
        const bot = sim.addBot({ username: `lease_${i}_bot` });
        rememberSecret('bot token', bot.token);
        const created = await setup.platform.tenants.create({ name: `Shop ${i}`, token: bot.token });
        if (!created.ok) throw new Error(created.error.message);
        const services = setup.forTenant(created.value.tenant.id);
        await services.settings.set('language_selection_enabled', false, 'operator');
        await services.settings.set('skip_rules_acceptance', true, 'operator');
        await services.settings.set('default_language', 'en', 'operator');
        shops.push({ id: created.value.tenant.id, bot, user: sim.user({ firstName: `Customer${i}` }) });
      }
    }, 60_000);

    afterAll(async () => {
      await Promise.allSettled(running.map((instance) => instance.kill()));
      await database?.close();
      await sim?.close();
    });

    const start = async (id: string) => {
      const instance = await startInstance({
        id,
        ownerUrl: database.url!,
        appUrl: database.appUrl!,
        apiRoot: sim.apiRoot,
        port: await freePort(),
        mode: 'polling',
        env: LEASE_ENV,
      });
      running.push(instance);
      return instance;
    };

    const conflicts = () => shops.reduce((sum, shop) => sum + sim.pollConflicts(shop.bot), 0);
    const dump = () => running.map((instance) => instance.output()).join('\n');

    /**
     * The bots are spread as `shares` (largest first) over `live`, every bot's lease is held by a live
     * instance, and what each instance polls (its /health/bots) is exactly what it holds.
     */
    const spreadAs = async (live: readonly ServiceInstance[], shares: readonly number[]) => {
      const leases = await setup.platform.coordination.leases();
      if (leases.length !== BOTS) return false;
      const liveIds = new Set(live.map((instance) => instance.id));
      if (leases.some((lease) => !liveIds.has(lease.instanceId))) return false;
      const counts = live.map(
        (instance) => leases.filter((lease) => lease.instanceId === instance.id).length,
      );
      if (JSON.stringify([...counts].sort((a, b) => b - a)) !== JSON.stringify(shares)) return false;
      for (const instance of live) {
        const bots = await instance.bots().catch(() => undefined);
        if (!bots || bots.filter((bot) => bot.state === 'running').length !== BOTS) return false;
        const polled = bots
          .filter((bot) => bot.polling)
          .map((bot) => bot.botId)
          .sort((a, b) => a - b);
        const held = leases
          .filter((lease) => lease.instanceId === instance.id)
          .map((lease) => lease.botId)
          .sort((a, b) => a - b);
        if (JSON.stringify(polled) !== JSON.stringify(held)) return false;
      }
      return true;
    };

    const until = async (check: () => Promise<boolean>, what: string, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (await check()) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`timed out: ${what}\n${dump()}`);
    };

    const botMessages = (shop: (typeof shops)[number]) =>
      sim.chat(shop.bot, shop.user).messages.filter((message) => message.fromBot).length;
    const handled = (shop: (typeof shops)[number], updateId: number) =>
      until(
        async () => (await setup.forTenant(shop.id).updates.get(updateId))?.state === 'done',
        `update ${updateId} of shop ${shop.id} handled`,
        30_000,
      );
    /** Sends /start to every bot (or those given) and returns the updates to wait for. */
    const startEverywhere = (which = shops) =>
      which.map((shop) => ({ shop, updateId: shop.user.start(shop.bot).updateId }));
    const allHandled = (sent: { shop: (typeof shops)[number]; updateId: number }[]) =>
      Promise.all(sent.map(({ shop, updateId }) => handled(shop, updateId)));

    it('three instances share nine bots, survive a kill -9 and make room for a fourth', async () => {
      const [a, b, c] = await Promise.all([start('inst-a'), start('inst-b'), start('inst-c')]);
      await until(() => spreadAs([a!, b!, c!], [3, 3, 3]), 'nine bots spread 3/3/3', 60_000);

      // a /start to every bot, then another: each /start handled once, so each one's messages come
      // once; the second shows what one more /start of a known customer adds
      await allHandled(startEverywhere());
      await allHandled(startEverywhere());
      const afterTwo = shops.map(botMessages);
      await allHandled(startEverywhere());
      const perStart = shops.map((shop, i) => botMessages(shop) - afterTwo[i]!);
      expect(perStart.every((count) => count > 0)).toBe(true);
      let expectedStarts = 1;

      // kill -9 one of them: its bots go to the other two within 30 s, and what was sent meanwhile
      // is handled once
      const victim = a!;
      const victimBots = (await setup.platform.coordination.leases())
        .filter((lease) => lease.instanceId === victim.id)
        .map((lease) => lease.botId);
      expect(victimBots).toHaveLength(3);
      const killedAt = Date.now();
      await victim.kill();
      const duringTakeover = startEverywhere();
      expectedStarts++;
      await until(
        () => spreadAs([b!, c!], [5, 4]),
        'the killed instance’s bots taken over',
        TAKEOVER_LIMIT_MS,
      );
      const takeoverMs = Date.now() - killedAt;
      expect(takeoverMs, `taken over after ${takeoverMs} ms`).toBeLessThan(TAKEOVER_LIMIT_MS);
      await allHandled(duringTakeover);

      // a fourth instance: it takes its share while the others keep running (same processes)
      const pids = [b!.process.pid, c!.process.pid];
      const d = await start('inst-d');
      const duringJoin = startEverywhere();
      expectedStarts++;
      await until(() => spreadAs([b!, c!, d], [3, 3, 3]), 'the newcomer given its share', 60_000);
      expect([b!.process.pid, c!.process.pid]).toEqual(pids);
      expect(b!.exited || c!.exited).toBe(false);
      await allHandled(duringJoin);

      // settled: one more round, a few heartbeats, and no poller ended another's getUpdates
      const beforeRound = conflicts();
      await allHandled(startEverywhere());
      expectedStarts++;
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(conflicts()).toBe(beforeRound);
      expect(await spreadAs([b!, c!, d], [3, 3, 3])).toBe(true);

      // every /start was handled exactly once: each chat holds exactly its share of messages
      for (const [i, shop] of shops.entries()) {
        expect(botMessages(shop), `shop ${shop.id}`).toBe(afterTwo[i]! + perStart[i]! * expectedStarts);
      }

      // clean stops let go of every lease at once
      await Promise.all([b!.stop(), c!.stop(), d.stop()]);
      expect(await setup.platform.coordination.leases()).toEqual([]);
    }, 300_000);
  },
);

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimBot, type SimUser, startTelegramSim, type TelegramSim } from '../../sim/telegram/index.js';
import { type Platform, startPlatform } from '../../src/platform.js';
import type { BotId } from '../../src/shared/ids.js';
import { BACKENDS, createTestApp, TEST_ENCRYPTION_KEY, type TestApp } from '../support/database.js';
import { eventually } from '../support/fleet.js';
import { rememberSecret, testLogs } from '../support/log-capture.js';

/**
 * The fleet with poll leases, two platforms in one process on one database (PGlite too: one
 * process, two fleets): each bot polled by one of them, half each, every /start answered once, and
 * a clean stop hands every bot to the other at once. Several real processes, a kill -9 and a
 * newcomer: poll-leases-processes.test.ts (PostgreSQL).
 */
describe.each(BACKENDS)('fleets with poll leases on %s', (backend) => {
  let sim: TelegramSim;
  let t: TestApp;
  const shops: { id: BotId; bot: SimBot; user: SimUser }[] = [];

  beforeAll(async () => {
    sim = await startTelegramSim();
    t = await createTestApp(backend);
    for (let i = 0; i < 4; i++) {
      const bot = sim.addBot({ username: `fleet_lease_${i}_bot` });
      rememberSecret('bot token', bot.token);
      const created = await t.app.platform.tenants.create({ name: `Shop ${i}`, token: bot.token });
      if (!created.ok) throw new Error(created.error.message);
      const services = t.app.forTenant(created.value.tenant.id);
      await services.settings.set('language_selection_enabled', false, 'operator');
      await services.settings.set('skip_rules_acceptance', true, 'operator');
      await services.settings.set('default_language', 'en', 'operator');
      shops.push({ id: created.value.tenant.id, bot, user: sim.user({ firstName: `Customer${i}` }) });
    }
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const start = (instanceId: string) =>
    startPlatform(t.app, testLogs.logger, {
      apiRoot: sim.apiRoot,
      mode: 'polling',
      secretKey: TEST_ENCRYPTION_KEY,
      http: { host: '127.0.0.1', port: 0 },
      pollLeases: { instanceId, heartbeatMs: 250, leaseMs: 2000 },
      jobs: { pollIntervalMs: 200 },
    });
  const polled = (platform: Platform) =>
    platform.fleet
      .status()
      .filter((bot) => bot.polling)
      .map((bot) => bot.botId);
  const fromBot = (shop: (typeof shops)[number]) =>
    sim.chat(shop.bot, shop.user).messages.filter((m) => m.fromBot).length;
  /** /start to every bot, each waited for until its handling finished. */
  const startEverywhere = async () => {
    const sent = shops.map((shop) => ({ shop, updateId: shop.user.start(shop.bot).updateId }));
    for (const { shop, updateId } of sent) {
      await eventually(
        async () => (await t.app.forTenant(shop.id).updates.get(updateId))?.state === 'done',
        `update ${updateId} of shop ${shop.id} handled`,
        10_000,
      );
    }
  };
  const conflicts = () => shops.reduce((sum, shop) => sum + sim.pollConflicts(shop.bot), 0);

  it('two fleets poll half the bots each; a clean stop hands them over at once', async () => {
    const first = await start('fleet-1');
    const second = await start('fleet-2');
    try {
      await eventually(
        () => polled(first).length === 2 && polled(second).length === 2,
        'two bots polled by each fleet',
        10_000,
      );
      expect(new Set([...polled(first), ...polled(second)]).size).toBe(4);
      // both fleets run every bot (jobs send through either); only the polling is split
      for (const platform of [first, second])
        expect(platform.fleet.status().filter((bot) => bot.state === 'running')).toHaveLength(4);

      // two /starts each; the second shows what one /start of a known customer adds
      await startEverywhere();
      const afterOne = shops.map(fromBot);
      await startEverywhere();
      const perStart = shops.map((shop, i) => fromBot(shop) - afterOne[i]!);
      expect(perStart.every((count) => count > 0)).toBe(true);

      await first.stop();
      await eventually(() => polled(second).length === 4, 'every bot polled by the fleet left', 5000);
      await startEverywhere();
      for (const [i, shop] of shops.entries())
        expect(fromBot(shop), `shop ${shop.id}`).toBe(afterOne[i]! + 2 * perStart[i]!);
      expect(conflicts()).toBe(0);
      expect((await t.app.platform.coordination.leases()).map((lease) => lease.instanceId)).toEqual(
        Array.from({ length: 4 }, () => 'fleet-2'),
      );
    } finally {
      await first.stop();
      await second.stop();
    }
    expect(await t.app.platform.coordination.leases()).toEqual([]);
  });
});

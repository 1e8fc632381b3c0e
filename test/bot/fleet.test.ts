import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { firstPollSeconds } from '../../src/bot/fleet.js';
import { CHANGE_CHANNEL } from '../../src/db/change-bus.js';
import { openDatabase } from '../../src/db/database.js';
import { inPlatform } from '../../src/db/tenant-tx.js';
import { createSecretBox } from '../../src/shared/crypto.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { BACKENDS, TEST_ENCRYPTION_KEY } from '../support/database.js';
import { eventually, type FleetHarness, startFleetHarness } from '../support/fleet.js';

const MODES = ['polling', 'webhook'] as const;
const cases = BACKENDS.flatMap((backend) => MODES.map((mode) => [backend, mode] as const));

describe.each(cases)('fleet on %s in %s mode', (backend, mode) => {
  let h: FleetHarness;
  beforeAll(async () => {
    h = await startFleetHarness(backend, mode);
  });
  afterAll(() => h.close());

  it('runs three bots in one process, each answering its own customers', async () => {
    const shops = await Promise.all(['Alpha', 'Beta', 'Gamma'].map((name) => h.addTenant(name)));
    const user = h.sim.user({ firstName: 'Sara' });
    for (const shop of shops) user.start(shop.bot);
    for (const shop of shops) {
      const menu = await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && m.buttons.length > 0);
      expect(menu.text).toContain('Sara');
      expect(menu.buttons.flat().map((b) => b.callbackData)).toContain('menu:buy');
    }
    expect(h.platform.fleet.status().filter((s) => s.state === 'running')).toHaveLength(3);
  });

  it.runIf(mode === 'polling')(
    "spreads its bots' polls: a bot's first long poll is held a part of 50 s by its id, the next ones 50 s",
    async () => {
      const shop = await h.addTenant('Spread');
      const polls = () =>
        h.sim
          .calls({ botId: shop.bot, method: 'getUpdates' })
          .map((call) => (call.params as { timeout?: number }).timeout);
      // an update ends the first poll (the simulator records a call when it answers it); the polls
      // after it are held the whole 50 s
      const user = h.sim.user({ firstName: 'Spread' });
      user.start(shop.bot);
      await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot);
      // and another update the second
      user.sendText(shop.bot, 'سلام');
      await eventually(() => polls().length >= 2, 'later polls', 2000);
      expect(polls()[0]).toBe(firstPollSeconds(shop.id));
      expect(new Set(polls().slice(1))).toEqual(new Set([50]));
      // bot ids in a row start their polls a second apart
      expect([1, 2, 49, 50, 51].map(firstPollSeconds)).toEqual([2, 3, 50, 1, 2]);
    },
  );

  it('treats the same Telegram user in two tenants as two customers', async () => {
    const [a, b] = await Promise.all([h.addTenant('ShopA'), h.addTenant('ShopB')]);
    const user = h.sim.user({ firstName: 'Reza', username: 'reza' });
    user.start(a!.bot);
    user.start(b!.bot);
    await h.sim.waitForMessage(a!.bot, user, (m) => m.fromBot);
    await h.sim.waitForMessage(b!.bot, user, (m) => m.fromBot);
    const inA = await h.testApp.app.forTenant(a!.id).customers.getByTelegramId(user.id);
    const inB = await h.testApp.app.forTenant(b!.id).customers.getByTelegramId(user.id);
    expect(inA?.botId).toBe(a!.id);
    expect(inB?.botId).toBe(b!.id);
    expect(inA?.id).not.toBe(inB?.id);
  });

  it('starts a tenant added at runtime and stops one deactivated at runtime, without a restart', async () => {
    const bot = h.sim.addBot({ username: `late_${mode}_bot` });
    const created = await h.testApp.app.platform.tenants.create({ name: 'Late', token: bot.token });
    if (!created.ok) throw new Error(created.error.message);
    const id = created.value.tenant.id;
    // no explicit refresh: the registry's change notification must start it
    await eventually(
      () => h.platform.fleet.status().some((s) => s.botId === id && s.state === 'running'),
      'late bot running',
      2000,
    );
    const user = h.sim.user({ firstName: 'Late' });
    user.start(bot);
    await h.sim.waitForMessage(bot, user, (m) => m.fromBot);

    await h.testApp.app.platform.tenants.deactivate(id);
    await eventually(() => !h.platform.fleet.status().some((s) => s.botId === id), 'bot stopped', 2000);
    const mark = h.sim.mark();
    user.sendText(bot, 'hello?');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.sim.calls({ botId: bot.id, method: 'sendMessage' }).filter((c) => c.seq > mark)).toHaveLength(0);
  });

  it('applies changes whose notifications it missed when it reconciles', async () => {
    const stays = await h.addTenant('Stays');
    const leaves = await h.addTenant('Leaves');
    const returns = await h.addTenant('Returns');
    await h.testApp.app.platform.tenants.deactivate(returns.id);
    const running = (id: number) =>
      h.platform.fleet.status().some((s) => s.botId === id && s.state === 'running');
    await eventually(() => !running(returns.id), 'deactivated bot stopped', 2000);
    // written behind the registry's back: no change notification reaches the fleet
    await inPlatform(h.testApp.database.handle.db, async (tx) => {
      await tx.execute(sql`update bots set is_active = false, updated_at = now() where id = ${leaves.id}`);
      await tx.execute(sql`update bots set is_active = true, updated_at = now() where id = ${returns.id}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([running(stays.id), running(leaves.id), running(returns.id)]).toEqual([true, true, false]);
    // what the change bus announces when its connection came back and notifications may be lost
    await inPlatform(h.testApp.database.handle.db, (tx) =>
      tx.execute(sql`select pg_notify(${CHANGE_CHANNEL}, '')`),
    );
    await eventually(() => !running(leaves.id) && running(returns.id), 'the reconcile applied both', 3000);
    expect(running(stays.id)).toBe(true);
  });

  it('reads no tenant when it reconciles a registry that has not changed since it applied it', async () => {
    const shop = await h.addTenant('Unchanged');
    const tenants = h.testApp.app.platform.tenants;
    const reads = { digests: 0, versions: 0 };
    const { activeDigest, activeVersions } = tenants;
    tenants.activeDigest = () => {
      reads.digests += 1;
      return activeDigest();
    };
    tenants.activeVersions = () => {
      reads.versions += 1;
      return activeVersions();
    };
    const reconcile = async () => {
      const before = { ...reads };
      // what the change bus announces when notifications may have been lost: a reconcile
      await inPlatform(h.testApp.database.handle.db, (tx) =>
        tx.execute(sql`select pg_notify(${CHANGE_CHANNEL}, '')`),
      );
      await eventually(() => reads.digests > before.digests, 'reconciled', 3000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { versions: reads.versions - before.versions };
    };
    try {
      await reconcile(); // whatever the tests before left to apply
      expect(await reconcile()).toEqual({ versions: 0 });
      // a change behind the registry's back: the digest differs, the versions are read and applied
      await inPlatform(h.testApp.database.handle.db, (tx) =>
        tx.execute(sql`update bots set is_active = false, updated_at = now() where id = ${shop.id}`),
      );
      expect(await reconcile()).toEqual({ versions: 1 });
      await eventually(
        () => !h.platform.fleet.status().some((s) => s.botId === shop.id),
        'the reconcile stopped it',
        3000,
      );
      expect(await reconcile()).toEqual({ versions: 0 });
    } finally {
      tenants.activeDigest = activeDigest;
      tenants.activeVersions = activeVersions;
    }
  });

  it('switches to a new token of the same bot without a restart', async () => {
    const shop = await h.addTenant('Rotated');
    const user = h.sim.user({ firstName: 'Rota' });
    const newToken = h.sim.reissueToken(shop.bot);
    const changed = await h.testApp.app.platform.tenants.changeToken(shop.id, newToken);
    expect(changed.ok).toBe(true);
    await eventually(
      () => h.platform.fleet.status().some((s) => s.botId === shop.id && s.state === 'running'),
      'bot running with the new token',
    );
    user.start(shop.bot);
    const menu = await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot, { timeoutMs: 3000 });
    expect(menu.text).toContain('Rota');
  });

  it.skipIf(backend !== 'postgres')(
    'applies a tenant added by another process within two seconds',
    async () => {
      const other = await openDatabase({
        url: h.testApp.database.url,
        appUrl: h.testApp.database.appUrl,
        logger: createSilentLogger(),
        migrate: false,
      });
      try {
        const otherApp = createApp({
          database: other,
          secrets: createSecretBox(TEST_ENCRYPTION_KEY),
          logger: createSilentLogger(),
        });
        const bot = h.sim.addBot({ username: `remote_${mode}_bot` });
        const created = await otherApp.platform.tenants.create({ name: 'Remote', token: bot.token });
        if (!created.ok) throw new Error(created.error.message);
        await eventually(
          () =>
            h.platform.fleet
              .status()
              .some((s) => s.botId === created.value.tenant.id && s.state === 'running'),
          'bot added by another process running',
          2000,
        );
        await otherApp.platform.tenants.deactivate(created.value.tenant.id);
        await eventually(
          () => !h.platform.fleet.status().some((s) => s.botId === created.value.tenant.id),
          'bot deactivated by another process stopped',
          2000,
        );
      } finally {
        await other.close();
      }
    },
  );

  it('marks a bot with a revoked token unhealthy and keeps the others serving', async () => {
    const [healthy, revoked] = await Promise.all([h.addTenant('Healthy'), h.addTenant('Revoked')]);
    const user = h.sim.user({ firstName: 'Nima' });
    h.sim.revokeToken(revoked!.bot.token);
    // polling notices on its next getUpdates; webhook mode on the next API call
    user.start(revoked!.bot);
    await eventually(
      async () => (await h.testApp.app.platform.tenants.get(revoked!.id))?.healthStatus === 'unauthorized',
      'revoked bot marked unauthorized',
      5000,
    );
    user.start(healthy!.bot);
    const menu = await h.sim.waitForMessage(healthy!.bot, user, (m) => m.fromBot && m.buttons.length > 0);
    expect(menu.text).toContain('Nima');
  });

  it('waits out a 429 and still answers', async () => {
    const shop = await h.addTenant('Limited');
    h.sim.fault({ botId: shop.bot, method: 'sendMessage', kind: 'rate-limit', retryAfter: 1, times: 1 });
    const user = h.sim.user({ firstName: 'Ali' });
    const started = Date.now();
    user.start(shop.bot);
    await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot, { timeoutMs: 5000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

/** A tenant whose customers get the main menu at once (no language or rules step). */
async function menuShop(h: FleetHarness, name: string) {
  const shop = await h.addTenant(name);
  const settings = h.testApp.app.forTenant(shop.id).settings;
  await settings.set('language_selection_enabled', false, 'operator');
  await settings.set('skip_rules_acceptance', true, 'operator');
  await settings.set('support_username', '@hooked_support', 'operator');
  return shop;
}

describe.each(BACKENDS)('webhook delivery on %s', (backend) => {
  let h: FleetHarness;
  beforeAll(async () => {
    h = await startFleetHarness(backend, 'webhook');
  });
  afterAll(() => h.close());

  it('sets each webhook with its own secret and the right allowed_updates', async () => {
    const shop = await h.addTenant('Hooked');
    const info = h.sim.webhookInfo(shop.bot);
    expect(info.url).toBe(`${h.platform.url}/tg/${shop.id}`);
    expect(info.allowed_updates).toEqual(
      expect.arrayContaining(['message', 'callback_query', 'pre_checkout_query']),
    );
  });

  it('handles an update delivered twice only once', async () => {
    const shop = await h.addTenant('Twice');
    const user = h.sim.user({ firstName: 'Dup' });
    const sent = user.start(shop.bot);
    await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot);
    h.sim.redeliver(shop.bot, sent.updateId);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(h.sim.calls({ botId: shop.bot.id, method: 'sendMessage' })).toHaveLength(1);
  });

  it('answers a pressed button in the webhook response; messages stay calls of their own', async () => {
    const shop = await menuShop(h, 'Replies');
    const user = h.sim.user({ firstName: 'Presser' });
    user.start(shop.bot);
    await h.sim.waitForCall({ botId: shop.bot.id, method: 'sendMessage', chatId: user.id });
    const since = h.sim.mark();
    const press = user.pressButton(shop.bot, /^menu:support$/);
    await h.sim.waitForCall({ botId: shop.bot.id, method: 'sendMessage', chatId: user.id, since });
    const answers = h.sim.calls({ botId: shop.bot.id, method: 'answerCallbackQuery', since });
    expect(answers.map((call) => [call.source, call.params.callback_query_id, call.ok])).toEqual([
      ['webhook-reply', press.callbackQueryId, true],
    ]);
    expect(h.sim.calls({ botId: shop.bot.id, method: 'sendMessage', since }).map((c) => c.source)).toEqual([
      'http',
    ]);

    // a redelivery of the press is dropped: no second answer, no second message
    h.sim.redeliver(shop.bot, press.updateId);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(h.sim.calls({ botId: shop.bot.id, method: 'answerCallbackQuery', since })).toHaveLength(1);
    expect(h.sim.calls({ botId: shop.bot.id, method: 'sendMessage', since })).toHaveLength(1);
  });

  it('refuses a webhook call without the bot secret', async () => {
    const shop = await h.addTenant('Secret');
    const response = await fetch(`${h.platform.url}/tg/${shop.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'wrong' },
      body: JSON.stringify({ update_id: 1 }),
    });
    expect(response.status).toBe(401);
  });
});

describe('graceful shutdown after a webhook reply', () => {
  it('finishes an update whose webhook request was already answered', async () => {
    const h = await startFleetHarness('pglite', 'webhook');
    try {
      const shop = await menuShop(h, 'Replied');
      const user = h.sim.user({ firstName: 'Late' });
      user.start(shop.bot);
      await h.sim.waitForCall({ botId: shop.bot.id, method: 'sendMessage', chatId: user.id });
      const since = h.sim.mark();
      h.sim.fault({ botId: shop.bot, method: 'sendMessage', kind: 'delay', ms: 600, times: 1 });
      user.pressButton(shop.bot, /^menu:support$/);
      await h.sim.waitForCall({ botId: shop.bot.id, method: 'answerCallbackQuery', since });
      // the webhook request is answered; the handler still waits on the slow sendMessage
      expect(h.sim.calls({ botId: shop.bot.id, method: 'sendMessage', since })).toHaveLength(0);
      await h.platform.stop();
      expect(h.sim.calls({ botId: shop.bot.id, method: 'sendMessage', since, ok: true })).toHaveLength(1);
    } finally {
      await h.testApp.close();
      await h.sim.close();
    }
  });
});

describe.each(MODES)('graceful shutdown in %s mode', (mode) => {
  it('stops taking updates but finishes the ones in flight', async () => {
    const h = await startFleetHarness('pglite', mode);
    try {
      const shop = await h.addTenant('Closing');
      h.sim.fault({ botId: shop.bot, method: 'sendMessage', kind: 'delay', ms: 600, times: 1 });
      const user = h.sim.user({ firstName: 'Last' });
      user.start(shop.bot);
      // give the update time to reach the handler, which then waits on the slow sendMessage
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(h.sim.calls({ botId: shop.bot.id, method: 'sendMessage' })).toHaveLength(0);
      await h.platform.stop();
      expect(h.sim.calls({ botId: shop.bot.id, method: 'sendMessage', ok: true })).toHaveLength(1);
    } finally {
      await h.testApp.close();
      await h.sim.close();
    }
  });
});

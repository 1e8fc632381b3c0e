import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotId } from '../../src/shared/ids.js';
import { BACKENDS } from '../support/database.js';
import { eventually, type FleetHarness, startFleetHarness } from '../support/fleet.js';

/** A bot's health follows what its calls do now, not what they once did. */
describe.each(BACKENDS)('bot health on %s', (backend) => {
  let h: FleetHarness;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
  }, 60_000);
  afterAll(() => h.close());

  const healthOf = async (id: BotId) => (await h.testApp.app.platform.tenants.get(id))?.healthStatus;

  it('is failing after a handler error and healthy again once an update is handled', async () => {
    const shop = await h.addTenant('Recovers');
    const user = h.sim.user({ firstName: 'Nima', languageCode: 'en' });
    // the welcome cannot be sent: the handler fails
    h.sim.fault({
      botId: shop.bot,
      method: 'sendMessage',
      kind: 'error',
      errorCode: 400,
      description: 'Bad Request: message is too long',
      times: 1,
    });
    user.start(shop.bot);
    await eventually(async () => (await healthOf(shop.id)) === 'failing', 'marked failing', 10_000);
    expect(h.platform.fleet.status().find((bot) => bot.botId === shop.id)?.health).toBe('failing');

    user.start(shop.bot);
    await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && m.buttons.length > 0);
    await eventually(async () => (await healthOf(shop.id)) === 'healthy', 'healthy again', 10_000);
    expect(h.platform.fleet.status().find((bot) => bot.botId === shop.id)?.health).toBe('healthy');
  });

  it('a health change the database could not take is written once it can', async () => {
    const shop = await h.addTenant('Unrecorded');
    const user = h.sim.user({ firstName: 'Reza', languageCode: 'en' });
    user.start(shop.bot);
    await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && m.buttons.length > 0);
    await eventually(async () => (await healthOf(shop.id)) === 'healthy', 'healthy first', 10_000);
    // the next health write fails, as it would while the database is down
    const tenants = h.testApp.app.platform.tenants;
    const write = tenants.setHealth;
    let refused = 0;
    tenants.setHealth = async (...args) => {
      if (refused === 0) {
        refused += 1;
        throw new Error('database unreachable');
      }
      return write(...args);
    };
    try {
      h.sim.fault({
        botId: shop.bot,
        method: 'sendMessage',
        kind: 'error',
        errorCode: 400,
        description: 'Bad Request: message is too long',
        times: 1,
      });
      user.start(shop.bot);
      await eventually(() => refused === 1, 'the failing write refused', 10_000);
      // the next health probe tick writes what could not be written then
      await eventually(async () => (await healthOf(shop.id)) === 'failing', 'failing recorded', 10_000);
    } finally {
      tenants.setHealth = write;
    }
  });

  it('answers through Telegram 5xx answers, and stays healthy', async () => {
    const shop = await h.addTenant('Bumpy');
    const user = h.sim.user({ firstName: 'Sara', languageCode: 'en' });
    h.sim.fault({ botId: shop.bot, method: 'sendMessage', kind: 'server-error', status: 502, times: 2 });
    user.start(shop.bot);
    await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && m.buttons.length > 0, {
      timeoutMs: 10_000,
    });
    expect(await healthOf(shop.id)).toBe('healthy');
  });

  it('a failing bot is healthy again after it starts, instead of failing forever', async () => {
    const shop = await h.addTenant('Restarted');
    await h.testApp.app.platform.tenants.setHealth(shop.id, 'failing', 'an old failure');
    // a restart of the bot (a new token, a process restart) starts from what the registry says
    const changed = await h.testApp.app.platform.tenants.changeToken(shop.id, h.sim.addBot().token);
    expect(changed.ok).toBe(true);
    await h.platform.fleet.refresh(shop.id);
    await eventually(async () => (await healthOf(shop.id)) === 'healthy', 'healthy after the start', 10_000);
  });
});

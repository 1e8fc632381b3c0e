import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { eventually, type FleetHarness, startFleetHarness } from '../../support/fleet.js';
import { testLogs } from '../../support/log-capture.js';
import { hasButton } from '../../support/shop.js';

/**
 * Updates of one chat are handled one after another; the middleware tree is shared by every bot of
 * the fleet and a private chat's id is the user's, so the order is kept per bot and chat: one
 * person talking to two shops is two conversations, neither waiting for the other.
 */
describe.each(BACKENDS)('ordering per bot and chat on %s', (backend) => {
  let h: FleetHarness;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
  }, 60_000);
  afterAll(() => h.close());

  it("does not hold a customer's update to one shop behind their update to another", async () => {
    const slow = await h.addTenant('Slow shop');
    const quick = await h.addTenant('Quick shop');
    const user = h.sim.user({ firstName: 'Nima', languageCode: 'en' });
    // the slow shop's answer to this user takes three seconds to reach Telegram
    h.sim.fault({
      botId: slow.bot,
      method: 'sendMessage',
      chatId: user.id,
      kind: 'delay',
      ms: 3000,
      times: 1,
    });

    const started = Date.now();
    user.start(slow.bot);
    // the slow shop is in the middle of the update (registered the customer, about to answer)
    const customers = h.testApp.app.forTenant(slow.id).customers;
    await eventually(async () => (await customers.getByTelegramId(user.id)) !== undefined, 'registered');
    user.start(quick.bot);
    await h.sim.waitForMessage(quick.bot, user, (m) => m.fromBot && hasButton(m, 'menu:buy'));
    const quickAfter = Date.now() - started;
    await h.sim.waitForMessage(slow.bot, user, (m) => m.fromBot && hasButton(m, 'menu:buy'), {
      timeoutMs: 10_000,
    });
    const slowAfter = Date.now() - started;

    expect(quickAfter).toBeLessThan(slowAfter);
    expect(quickAfter).toBeLessThan(2500);
  });

  it("logs an update's lines with its shop and update id (the child logger made on first use)", async () => {
    const shop = await h.addTenant('Logged shop');
    const user = h.sim.user({ firstName: 'Sara', languageCode: 'en' });
    const { updateId } = user.start(shop.bot);
    await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && hasButton(m, 'menu:buy'));
    const handled = () =>
      testLogs.lines
        .map((line) => JSON.parse(line) as { msg?: string; botId?: number; updateId?: number })
        .find((entry) => entry.msg === 'update handled' && entry.updateId === updateId);
    await eventually(async () => handled() !== undefined, 'the update logged');
    expect(handled()).toMatchObject({ botId: shop.id, updateId });
  });
});

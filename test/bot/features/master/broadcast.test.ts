import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimUser } from '../../../../sim/telegram/index.js';
import { BACKENDS } from '../../../support/database.js';
import {
  eventually,
  type FleetHarness,
  type ShopUnderTest,
  startFleetHarness,
} from '../../../support/fleet.js';
import { enterShop, latestMessageId, openTestShop } from '../../../support/shop.js';

/** The operators' broadcast: from the master bot, through each shop's own bot, to its admins. */
describe.each(BACKENDS)("operators' broadcast to shop admins on %s", (backend) => {
  let h: FleetHarness;
  let operator: SimUser;
  let master: ShopUnderTest;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling', { rateLimit: { perBotPerSecond: 30 } });
    operator = h.sim.user({ firstName: 'Olga', username: 'olga_ops' });
    master = await h.addTenant('Master', { isMaster: true, adminTelegramIds: [operator.id] });
    await h.testApp.app.forTenant(master.id).settings.set('default_language', 'en', 'operator');
  }, 60_000);
  afterAll(() => h.close());

  const fromMaster = (since: number, predicate: (text: string) => boolean) =>
    h.sim.waitForMessage(
      master.bot,
      operator,
      (m) => m.fromBot && m.messageId > since && predicate(m.text ?? ''),
    );

  it("reaches every active shop's admins who started their bot, through that bot, once", async () => {
    const [aliId, binaId, carlId] = [991_101, 991_102, 991_103];
    const one = await openTestShop(h, 'One', { admins: [aliId, binaId] });
    const two = await openTestShop(h, 'Two', { admins: [carlId] });
    const [ali, bina, carl] = [aliId, binaId, carlId].map((id) =>
      h.sim.user({ id, firstName: `A${id}` }),
    ) as [SimUser, SimUser, SimUser];
    // Bina never started her shop's bot: Telegram would not let it write to her
    await enterShop(h, one.shop, ali);
    await enterShop(h, two.shop, carl);
    const customer = h.sim.user({ firstName: 'Just a customer' });
    await enterShop(h, one.shop, customer);

    let since = latestMessageId(h, master, operator);
    operator.sendCommand(master.bot, 'fleet');
    await fromMaster(since, (text) => text.includes('Fleet control panel'));
    const pressed = operator.pressButton(master.bot, 'fleet:bc');
    await h.sim.waitForCallbackAnswer(pressed.callbackQueryId);
    await h.sim.waitForMessage(master.bot, operator, (m) =>
      (m.text ?? '').includes('admins of every active shop'),
    );
    since = latestMessageId(h, master, operator);
    operator.sendText(master.bot, 'Maintenance tonight at 02:00');
    const review = await fromMaster(since, (text) => text.includes('2 admins in 2 shops'));
    expect(review.text).toContain('Maintenance tonight at 02:00');
    const send = operator.pressButton(master.bot, { button: 'fleet:bc:go', messageId: review.messageId });
    await h.sim.waitForCallbackAnswer(send.callbackQueryId);
    await h.sim.waitForMessage(master.bot, operator, (m) =>
      (m.text ?? '').includes('Queued: 2 admins in 2 shops'),
    );

    const got = (shop: ShopUnderTest, user: SimUser) =>
      h.sim
        .chat(shop.bot, user)
        .messages.filter((m) => m.fromBot && m.text === 'Maintenance tonight at 02:00');
    await eventually(
      () => got(one.shop, ali).length === 1 && got(two.shop, carl).length === 1,
      'admins got it',
      10_000,
    );
    expect(got(one.shop, bina)).toEqual([]);
    expect(got(one.shop, customer)).toEqual([]);
    expect(h.sim.chat(master.bot, ali).messages).toEqual([]);
    const list = await one.services.broadcasts.list();
    expect(list).toMatchObject([{ origin: 'operator', segment: 'admins', total: 1, createdBy: operator.id }]);
  });
});

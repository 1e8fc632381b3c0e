import { Api } from 'grammy';
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
  /** The operator presses a button of the master bot (on its latest message unless said); waits for the answer. */
  const press = async (button: string, messageId?: number) => {
    const pressed = operator.pressButton(
      master.bot,
      messageId === undefined ? button : { button, messageId },
    );
    await h.sim.waitForCallbackAnswer(pressed.callbackQueryId);
  };
  /** /fleet → Broadcast: the master bot asks for the message. */
  async function newBroadcast() {
    const since = latestMessageId(h, master, operator);
    operator.sendCommand(master.bot, 'fleet');
    await fromMaster(since, (text) => text.includes('Fleet control panel'));
    await press('fleet:bc');
  }

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

    await newBroadcast();
    await h.sim.waitForMessage(master.bot, operator, (m) =>
      (m.text ?? '').includes('admins of every active shop'),
    );
    let since = latestMessageId(h, master, operator);
    operator.sendText(master.bot, 'Maintenance tonight at 02:00');
    await fromMaster(since, (text) => text.includes('Add a link button'));
    since = latestMessageId(h, master, operator);
    await press('fleet:bc:btn:no');
    const review = await fromMaster(since, (text) => text.includes('2 admins in 2 shops'));
    // the preview above the count: the message exactly as the admins get it
    const preview = h.sim
      .chat(master.bot, operator)
      .messages.filter((m) => m.fromBot && m.messageId > since && m.messageId < review.messageId);
    expect(preview.map((m) => m.text)).toEqual(['Maintenance tonight at 02:00']);
    await press('fleet:bc:go', review.messageId);
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

  it("sends a photo with its caption and a link button: each shop bot uploads the master bot's photo", async () => {
    const adminId = 991_201;
    const three = await openTestShop(h, 'Three', { admins: [adminId] });
    const admin = h.sim.user({ id: adminId, firstName: 'Dara' });
    await enterShop(h, three.shop, admin);

    await newBroadcast();
    let since = latestMessageId(h, master, operator);
    operator.sendPhoto(master.bot, { caption: 'New panel version' });
    await fromMaster(since, (text) => text.includes('Add a link button'));
    await press('fleet:bc:btn:yes');
    await fromMaster(since, (text) => text.includes('two lines'));
    since = latestMessageId(h, master, operator);
    operator.sendText(master.bot, 'Release notes\nhttps://example.com/notes');
    const review = await fromMaster(since, (text) => text.includes('will get the message above'));
    const preview = h.sim
      .chat(master.bot, operator)
      .messages.filter((m) => m.fromBot && m.messageId > since && m.messageId < review.messageId);
    expect(preview).toHaveLength(1);
    expect(preview[0]).toMatchObject({ caption: 'New panel version' });
    expect(preview[0]?.photo?.length).toBeGreaterThan(0);
    expect(preview[0]?.buttons.flat()).toEqual([
      expect.objectContaining({ text: 'Release notes', url: 'https://example.com/notes' }),
    ]);
    await press('fleet:bc:go', review.messageId);

    const got = await h.sim.waitForMessage(
      three.shop.bot,
      admin,
      (m) => m.fromBot && m.caption === 'New panel version',
      { timeoutMs: 15_000 },
    );
    expect(got.photo?.length).toBeGreaterThan(0);
    // the same picture, uploaded by the shop's bot (the master bot's file id is not valid there)
    const bytes = async (bot: { token: string }, fileId: string) => {
      const file = await new Api(bot.token, { apiRoot: h.sim.apiRoot }).getFile(fileId);
      const res = await fetch(`${h.sim.apiRoot}/file/bot${bot.token}/${file.file_path}`);
      return Buffer.from(await res.arrayBuffer());
    };
    expect(await bytes(three.shop.bot, got.photo!.at(-1)!.file_id)).toEqual(
      await bytes(master.bot, preview[0]!.photo!.at(-1)!.file_id),
    );
    expect(got.buttons.flat()).toEqual([
      expect.objectContaining({ text: 'Release notes', url: 'https://example.com/notes' }),
    ]);
    const [latest] = await three.services.broadcasts.list({ limit: 1 });
    expect(latest).toMatchObject({ origin: 'operator', photoBotId: master.id, segment: 'admins' });
    await eventually(
      async () => (await three.services.broadcasts.get(latest!.id))?.status === 'done',
      'the broadcast finished',
      10_000,
    );
    expect((await three.services.broadcasts.progress(latest!.id))?.counts).toMatchObject({ sent: 1 });
  });
});

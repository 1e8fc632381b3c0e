import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimMessage, SimUser } from '../../../../sim/telegram/index.js';
import type { CustomerId } from '../../../../src/shared/ids.js';
import { BACKENDS } from '../../../support/database.js';
import {
  eventually,
  type FleetHarness,
  type ShopUnderTest,
  startFleetHarness,
} from '../../../support/fleet.js';
import { latestMessageId, newCustomer, openTestShop, pressForAnswer } from '../../../support/shop.js';

/**
 * Broadcasts end to end: the admin composes in the tenant bot, the broadcast-deliver job sends
 * through the Telegram simulator with its flood limits on (30 a second per bot), the admin's message
 * shows progress and the report.
 */
describe.each(BACKENDS)('broadcasts through the simulator on %s', (backend) => {
  let h: FleetHarness;
  let nextAdminId = 990_001;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling', { rateLimit: { perBotPerSecond: 30 } });
  }, 60_000);
  afterAll(() => h.close());

  /** A shop in English with one admin, and a customer (who went through /start) for each name. */
  async function openShop(name: string, customers: readonly string[] = []) {
    const adminId = nextAdminId++;
    const { shop, services } = await openTestShop(h, name, { admins: [adminId] });
    const admin = h.sim.user({ id: adminId, firstName: 'Ava', languageCode: 'en' });
    const users: SimUser[] = [];
    for (const customer of customers) users.push((await newCustomer(h, shop, customer)).user);
    return { shop, services, admin, users };
  }

  /** The bot's messages in a user's chat whose text or caption is `text`. */
  const received = (shop: ShopUnderTest, user: SimUser, text: string): SimMessage[] =>
    h.sim.chat(shop.bot, user).messages.filter((m) => m.fromBot && (m.text === text || m.caption === text));

  /** Does `act`; resolves to the bot's next message to the admin whose text includes `wanted`. */
  async function adminAction(shop: ShopUnderTest, admin: SimUser, act: () => void, wanted: string) {
    const since = latestMessageId(h, shop, admin);
    act();
    return h.sim.waitForMessage(
      shop.bot,
      admin,
      (m) => m.fromBot && m.messageId > since && (m.text ?? '').includes(wanted),
    );
  }

  const press = async (
    shop: ShopUnderTest,
    admin: SimUser,
    data: string,
    match: (text: string) => boolean,
  ) => {
    const pressed = admin.pressButton(shop.bot, data);
    await h.sim.waitForCallbackAnswer(pressed.callbackQueryId);
    return h.sim.waitForMessage(shop.bot, admin, (m) => m.fromBot && match(m.text ?? ''));
  };

  /**
   * /admin → Broadcasts (its screen showing `listed`) → New → the message `send` sends; resolves
   * once the bot asks whether to add a link button.
   */
  async function compose(shop: ShopUnderTest, admin: SimUser, send: () => void, listed = 'broadcast') {
    await adminAction(shop, admin, () => admin.sendCommand(shop.bot, 'admin'), 'Admin menu');
    await press(shop, admin, 'adm:bc', (text) => text.includes(listed));
    await press(shop, admin, 'adm:bc:new', (text) => text.includes('Send the message to broadcast'));
    await adminAction(shop, admin, send, 'Add a link button');
  }

  /** compose() a text with no link button, to everyone; resolves to the review of `recipients`. */
  async function composeForAll(
    shop: ShopUnderTest,
    admin: SimUser,
    text: string,
    recipients: number,
    listed?: string,
  ) {
    await compose(shop, admin, () => admin.sendText(shop.bot, text), listed);
    await press(shop, admin, 'adm:bc:btn:no', (screen) => screen.includes('Who should get it?'));
    return press(shop, admin, 'adm:bc:seg:all', (screen) => screen.includes(`Recipients: ${recipients}`));
  }

  /** Presses Send on the review (or preview) message `messageId`; resolves once the press is answered. */
  async function send(shop: ShopUnderTest, admin: SimUser, messageId: number) {
    const go = admin.pressButton(shop.bot, { button: 'adm:bc:go', messageId });
    await h.sim.waitForCallbackAnswer(go.callbackQueryId);
  }

  it('composes, counts, previews, sends to everyone but who blocked the bot, and reports', async () => {
    const { shop, services, admin, users } = await openShop('Announce', ['Sara', 'Omid', 'Nima']);
    // blocked the bot without the bot hearing of it: the broadcast's send is what finds out (403)
    const blocker = users[2]!;
    h.sim.fault({ botId: shop.bot, chatId: blocker.id, method: 'sendMessage', kind: 'blocked' });

    const review = await composeForAll(shop, admin, 'Big sale today', 3, 'No broadcast has been sent yet');

    const preview = await adminAction(
      shop,
      admin,
      () => admin.pressButton(shop.bot, 'adm:bc:preview'),
      'This is how customers will see it',
    );
    expect(received(shop, admin, 'Big sale today')).toHaveLength(1);
    expect(received(shop, users[0]!, 'Big sale today')).toHaveLength(0);

    await send(shop, admin, preview.messageId);
    for (const user of users.slice(0, 2))
      await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && m.text === 'Big sale today');
    const report = await h.sim.waitForMessage(
      shop.bot,
      admin,
      (m) => m.messageId === preview.messageId && (m.text ?? '').includes('Broadcast finished'),
      { timeoutMs: 10_000 },
    );
    expect(report.text).toContain('Sent: 2 of 3');
    expect(report.text).toContain('Blocked the bot: 1');
    expect(report.buttons).toEqual([]);
    expect(review.messageId).not.toBe(preview.messageId);
    const blocked = await services.customers.getByTelegramId(blocker.id);
    expect(blocked?.unreachableSince).toBeInstanceOf(Date);
    expect(await services.broadcasts.list()).toHaveLength(1);
  });

  it('sends a photo with its caption and a link button to one language only', async () => {
    const { shop, admin } = await openShop('Photo');
    const persian = (await newCustomer(h, shop, 'Reza', { languageCode: 'fa' })).user;
    const english = (await newCustomer(h, shop, 'John')).user;
    await compose(shop, admin, () => admin.sendPhoto(shop.bot, { caption: 'New servers' }));
    await press(shop, admin, 'adm:bc:btn:yes', (text) => text.includes('two lines'));
    await adminAction(shop, admin, () => admin.sendText(shop.bot, 'Open\nnot a link'), 'That does not fit');
    await adminAction(
      shop,
      admin,
      () => admin.sendText(shop.bot, 'Open\nhttps://example.com/servers'),
      'Who should get it?',
    );
    await press(shop, admin, 'adm:bc:seg:language', (text) => text.includes('which language'));
    await press(shop, admin, 'adm:bc:lang:fa', (text) => text.includes('Recipients: 1'));
    // the preview is exactly what the customers get: the photo, its caption, the button
    const review = await adminAction(
      shop,
      admin,
      () => admin.pressButton(shop.bot, 'adm:bc:preview'),
      'This is how customers will see it',
    );
    const [preview] = received(shop, admin, 'New servers');
    expect(preview?.photo?.length).toBeGreaterThan(0);
    expect(preview?.buttons.flat()).toEqual([
      expect.objectContaining({ text: 'Open', url: 'https://example.com/servers' }),
    ]);
    await send(shop, admin, review.messageId);
    const photo = await h.sim.waitForMessage(
      shop.bot,
      persian,
      (m) => m.fromBot && m.caption === 'New servers',
    );
    expect(photo.photo?.length).toBeGreaterThan(0);
    expect(photo.buttons.flat()).toEqual([
      expect.objectContaining({ text: 'Open', url: 'https://example.com/servers' }),
    ]);
    await h.sim.waitForMessage(
      shop.bot,
      admin,
      (m) => m.messageId === review.messageId && (m.text ?? '').includes('Broadcast finished'),
      { timeoutMs: 10_000 },
    );
    expect(received(shop, english, 'New servers')).toEqual([]);
  });

  it("keeps to the bot's pace and waits out retry_after before sending anything else", async () => {
    const { shop, services } = await openShop('Paced');
    await services.settings.set('broadcast_rate_per_second', 5, 'operator');
    const users: SimUser[] = [];
    for (let i = 0; i < 12; i += 1) users.push(h.sim.user({ firstName: `P${i}`, languageCode: 'en' }));
    for (const user of users) user.start(shop.bot);
    await eventually(
      async () => (await services.broadcasts.countRecipients({ segment: 'all' })) === 12,
      'twelve customers registered',
      10_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const since = h.sim.mark();
    h.sim.fault({ botId: shop.bot, method: 'sendMessage', kind: 'rate-limit', retryAfter: 2, times: 1 });
    const created = await services.broadcasts.create({
      text: 'Paced news',
      audience: { segment: 'all' },
      origin: 'api',
    });
    if (!created.ok) throw new Error(created.error.message);
    for (const user of users)
      await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && m.text === 'Paced news', {
        timeoutMs: 15_000,
      });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sends = h.sim.calls({ botId: shop.bot, method: 'sendMessage', since });
    const limited = sends.filter((call) => call.status === 429);
    const delivered = sends.filter((call) => call.ok && call.params.text === 'Paced news');
    expect(limited).toHaveLength(1);
    expect(delivered).toHaveLength(12);
    // nothing went out during the two seconds Telegram asked for (but the sends already in flight
    // beside the refused one, which left together with it)
    const after = delivered.filter((call) => call.at > limited[0]!.at + 100);
    expect(after.length).toBeGreaterThan(0);
    expect(Math.min(...after.map((call) => call.at)) - limited[0]!.at).toBeGreaterThanOrEqual(2000);
    // never more than five in any second
    for (const call of delivered) {
      expect(
        delivered.filter((other) => other.at >= call.at && other.at < call.at + 1000).length,
      ).toBeLessThanOrEqual(5);
    }
    await eventually(
      async () => (await services.broadcasts.progress(created.value.id))?.broadcast.status === 'done',
      'broadcast done',
      10_000,
    );
    expect((await services.broadcasts.progress(created.value.id))?.counts).toMatchObject({
      sent: 12,
      failed: 0,
    });
  });

  it('stops when the admin presses Stop: the rest is never sent', async () => {
    const { shop, services, admin, users } = await openShop('Stopped', ['A1', 'A2', 'A3', 'A4', 'A5']);
    await services.settings.set('broadcast_rate_per_second', 1, 'operator');
    const review = await composeForAll(shop, admin, 'Slow news', 5);
    await send(shop, admin, review.messageId);
    const progress = await h.sim.waitForMessage(
      shop.bot,
      admin,
      (m) =>
        m.messageId === review.messageId && m.buttons.length > 0 && (m.text ?? '').includes('Broadcasting'),
    );
    const stop = progress.buttons.flat()[0]!.callbackData!;
    expect(stop).toMatch(/^adm:bc:stop:\d+$/);
    const pressed = admin.pressButton(shop.bot, { button: stop, messageId: review.messageId });
    const toast = await h.sim.waitForCallbackAnswer(pressed.callbackQueryId);
    expect(toast.text).toContain('The broadcast is stopped');
    const report = await h.sim.waitForMessage(
      shop.bot,
      admin,
      (m) => m.messageId === review.messageId && (m.text ?? '').includes('Broadcast stopped'),
      { timeoutMs: 10_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const got = users.filter((user) => received(shop, user, 'Slow news').length > 0).length;
    expect(got).toBeLessThan(5);
    expect(report.text).toContain(`Sent: ${got} of 5`);
    expect(
      await pressForAnswer(h, shop, admin, `adm:bc:stop:${stop.split(':').at(-1)}`).catch(() => undefined),
    ).toBeUndefined();
  });

  it("never delivers tenant B's broadcast to tenant A's customers, the same person in both", async () => {
    const a = await openShop('Alpha');
    const b = await openShop('Beta');
    const user = h.sim.user({ firstName: 'Both', languageCode: 'en' });
    for (const shop of [a.shop, b.shop]) {
      const since = latestMessageId(h, shop, user);
      user.start(shop.bot);
      await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && m.messageId > since);
    }
    const created = await b.services.broadcasts.create({
      text: 'Only Beta',
      audience: { segment: 'all' },
      origin: 'api',
    });
    if (!created.ok) throw new Error(created.error.message);
    await h.sim.waitForMessage(b.shop.bot, user, (m) => m.fromBot && m.text === 'Only Beta');
    await eventually(
      async () => (await b.services.broadcasts.get(created.value.id))?.status === 'done',
      'done',
      10_000,
    );
    expect(received(a.shop, user, 'Only Beta')).toEqual([]);
    expect(await a.services.broadcasts.get(created.value.id)).toBeUndefined();
    const bCustomer = (await b.services.customers.getByTelegramId(user.id))?.id as CustomerId;
    expect((await a.services.customers.get(bCustomer))?.telegramId).not.toBe(user.id);
  });
});

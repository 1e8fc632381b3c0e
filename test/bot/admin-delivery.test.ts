import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimGroup, SimMessage, SimUser } from '../../sim/telegram/index.js';
import type { TenantServices } from '../../src/app.js';
import { createTranslator } from '../../src/bot/i18n.js';
import { BACKENDS } from '../support/database.js';
import { eventually, type FleetHarness, type ShopUnderTest, startFleetHarness } from '../support/fleet.js';
import { enterShop, openTestShop, topUpWith } from '../support/shop.js';

const en = createTranslator().forLanguage('en');

/** Where receipts go when the admin chat moved or stopped taking the bot. */
describe.each(BACKENDS)('the admin chat on %s', (backend) => {
  let h: FleetHarness;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
  }, 60_000);
  afterAll(() => h.close());

  async function openShop(name: string, admins: SimUser[], adminChat: SimGroup) {
    const { shop, services } = await openTestShop(h, name, { admins: admins.map((admin) => admin.id) });
    const created = await services.cards.create({
      cardNumber: '6037990000000006',
      holderName: 'Holder',
      bankName: 'Melli',
      weight: 1,
    });
    if (!created.ok) throw new Error(created.error.message);
    adminChat.addBot(shop.bot);
    await services.settings.set('admin_chat_id', adminChat.id, 'tenant');
    // admins open the bot once, as they must before it may write to them privately
    for (const admin of admins) await enterShop(h, shop, admin);
    return { shop, services };
  }

  /** A customer tops up by card and sends a photo receipt; resolves to the receipt's tracking number. */
  async function sendReceipt(shop: ShopUnderTest, firstName: string): Promise<string> {
    const customer = h.sim.user({ firstName, languageCode: 'en' });
    await enterShop(h, shop, customer);
    await topUpWith(h, shop, customer, { method: 'card', amount: 100_000 }, (m) =>
      (m.text ?? '').startsWith('💳 Card-to-card payment'),
    );
    customer.sendPhoto(shop.bot, { bytes: Buffer.from(`receipt-of-${firstName}`) });
    const received = await h.sim.waitForMessage(
      shop.bot,
      customer,
      (m) => m.fromBot && (m.text ?? '').startsWith('✅ Receipt received'),
    );
    const tracking = /Tracking number: (\d{10})/.exec(received.text ?? '')?.[1];
    expect(tracking).toMatch(/^\d{10}$/);
    return tracking!;
  }

  /** The chats a receipt's admin messages were recorded in (recorded just after each send). */
  const shownIn = async (services: TenantServices, tracking: string) =>
    ((await services.cardPayments.getByTrackingNumber(tracking))?.adminMessages ?? [])
      .map((message) => message.chatId)
      .sort((x, y) => x - y);

  const receiptIn = (shop: ShopUnderTest, chat: SimUser | SimGroup, tracking: string) =>
    h.sim.waitForMessage(
      shop.bot,
      chat,
      (m: SimMessage) => m.fromBot && (m.caption ?? m.text ?? '').includes(`receipt ${tracking}`),
      { timeoutMs: 5000 },
    );

  it('follows a group Telegram upgraded to a supergroup and keeps the new id', async () => {
    const admin = h.sim.user({ firstName: 'Ali', languageCode: 'en' });
    const group = h.sim.group({ type: 'group', title: 'Shop admins' });
    const { shop, services } = await openShop('Upgraded', [admin], group);
    const supergroup = h.sim.upgradeToSupergroup(group);

    const tracking = await sendReceipt(shop, 'Sara');
    const shown = await receiptIn(shop, supergroup, tracking);
    expect(shown.photo?.length).toBeGreaterThan(0);
    expect(await services.settings.get('admin_chat_id')).toBe(supergroup.id);
    await eventually(
      async () => (await shownIn(services, tracking)).join() === String(supergroup.id),
      'the receipt recorded as shown in the supergroup',
    );

    // the next receipt goes straight to the supergroup: the old id is not tried again
    const since = h.sim.mark();
    const next = await sendReceipt(shop, 'Omid');
    await receiptIn(shop, supergroup, next);
    expect(h.sim.calls({ botId: shop.bot, chatId: group.id, since })).toEqual([]);
  });

  it("falls back to the admins' private chats when the bot was removed from the admin chat", async () => {
    const admins = [
      h.sim.user({ firstName: 'Reza', languageCode: 'en' }),
      h.sim.user({ firstName: 'Mina', languageCode: 'en' }),
    ];
    const group = h.sim.group({ title: 'Lost admins' });
    const { shop, services } = await openShop('Kicked', admins, group);
    group.removeBot(shop.bot);

    const tracking = await sendReceipt(shop, 'Nima');
    for (const admin of admins) {
      const shown = await receiptIn(shop, admin, tracking);
      // approve, reject, details and ban
      expect(shown.buttons.flat().map((b) => b.callbackData)).toHaveLength(4);
      // and they learn why receipts now come to them privately
      const note = await h.sim.waitForMessage(shop.bot, admin, (m) =>
        (m.text ?? '').startsWith(en('admin-chat-unreachable').slice(0, 20)),
      );
      expect(note.text).toBe(en('admin-chat-unreachable'));
      // Telegram's English reason stays in the log: the note is read in the shop's language
      expect(note.text).not.toContain('bot was kicked');
    }
    const expected = admins.map((admin) => admin.id).sort((x, y) => x - y);
    await eventually(
      async () => (await shownIn(services, tracking)).join() === expected.join(),
      "the receipt recorded as shown in both admins' private chats",
    );
  });
});

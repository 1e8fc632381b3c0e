import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimGroup, SimMessage, SimUser } from '../../../../sim/telegram/index.js';
import { jobs } from '../../../../src/db/schema.js';
import { inTenant } from '../../../../src/db/tenant-tx.js';
import { floodWaitNotice } from '../../../../src/jobs/definitions/flood-wait-notice.js';
import type { CardPayment } from '../../../../src/modules/payments/card-to-card.js';
import type { CardId, CustomerId } from '../../../../src/shared/ids.js';
import { withLuhnDigit } from '../../../modules/helpers.js';
import { BACKENDS } from '../../../support/database.js';
import {
  eventually,
  type FleetHarness,
  type ShopUnderTest,
  startFleetHarness,
} from '../../../support/fleet.js';
import {
  callbacks,
  enterShop,
  hasButton,
  latestMessageId,
  nextBotMessage,
  openTestShop,
  pressForAnswer,
  pressForEdit,
} from '../../../support/shop.js';

describe.each(BACKENDS)('banning and writing to a customer from the admin menu on %s', (backend) => {
  let h: FleetHarness;
  let nextAdminId = 893_001;
  let nextCard = 300_000_000_000_000;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
  }, 60_000);
  afterAll(() => h.close());

  /** A shop in English with one admin and one card; receipts go to `adminChat` when given, else to the admin. */
  async function openShop(name: string, adminChat?: SimGroup) {
    const adminId = nextAdminId++;
    const { shop, services } = await openTestShop(h, name, { admins: [adminId] });
    const admin = h.sim.user({ id: adminId, firstName: 'Ava', languageCode: 'en' });
    if (adminChat) {
      adminChat.addBot(shop.bot);
      await services.settings.set('admin_chat_id', adminChat.id, 'tenant');
    }
    const card = await services.cards.create({
      cardNumber: withLuhnDigit(String(nextCard++)),
      holderName: 'Holder',
    });
    if (!card.ok) throw new Error(card.error.message);
    // the admin starts the bot, so it may write to them
    await enterShop(h, shop, admin);
    return { shop, services, admin, cardId: card.value.id as CardId };
  }

  const press = (shop: ShopUnderTest, user: SimUser, data: string, wanted: (m: SimMessage) => boolean) =>
    nextBotMessage(h, shop, user, wanted, () => user.pressButton(shop.bot, data));

  /** Menu → top up 100,000 → card-to-card → a text receipt; the pending payment. */
  async function sendReceipt(shop: ShopUnderTest, user: SimUser): Promise<CardPayment> {
    await press(shop, user, 'menu:topup', (m) => hasButton(m, 'topup:amt:100000'));
    await press(shop, user, 'topup:amt:100000', (m) => hasButton(m, 'pay:card:100000:0'));
    const card = await press(shop, user, 'pay:card:100000:0', (m) => hasButton(m, 'c2c:cancel'));
    user.sendText(shop.bot, 'paid from Melli');
    const received = await h.sim.waitForMessage(
      shop.bot,
      user,
      (m) => m.fromBot && m.messageId > card.messageId && (m.text ?? '').startsWith('✅ Receipt received'),
    );
    const tracking = /Tracking number: (\d{10})/.exec(received.text ?? '')?.[1];
    return (await h.testApp.app.forTenant(shop.id).cardPayments.getByTrackingNumber(tracking!))!;
  }

  /** The bot's messages to `user` after message `since`. */
  const botMessagesSince = (shop: ShopUnderTest, user: SimUser, since: number) =>
    h.sim.chat(shop.bot, user).messages.filter((m) => m.fromBot && m.messageId > since);

  /** /admin → Customers → the customer's Telegram id: their card. */
  async function openCard(shop: ShopUnderTest, admin: SimUser, customer: SimUser) {
    const since = latestMessageId(h, shop, admin);
    admin.sendCommand(shop.bot, 'admin');
    await h.sim.waitForMessage(
      shop.bot,
      admin,
      (m) => m.fromBot && m.messageId > since && hasButton(m, 'adm:customers'),
    );
    await pressForEdit(h, shop, admin, 'adm:customers', (text) => text.includes('Telegram id'));
    return nextBotMessage(
      h,
      shop,
      admin,
      (m) =>
        (m.text ?? '').includes(String(customer.id)) && callbacks(m).some((d) => /^adm:(un)?ban:/.test(d)),
      () => admin.sendText(shop.bot, String(customer.id)),
    );
  }

  it('bans from the customer card: the receipt is rejected, the customer told once, then nothing', async () => {
    const { shop, services, admin, cardId } = await openShop('Banner');
    const sara = h.sim.user({ firstName: 'Sara', languageCode: 'en' });
    const customerId = (await enterShop(h, shop, sara)) as CustomerId;
    const payment = await sendReceipt(shop, sara);
    const shown = await h.sim.waitForMessage(shop.bot, admin, (m) =>
      (m.text ?? '').includes(`receipt ${payment.trackingNumber}`),
    );
    expect(callbacks(shown)).toContain(`c2c:ban:${payment.id}`);

    const card = await openCard(shop, admin, sara);
    expect(callbacks(card)).toEqual(
      expect.arrayContaining([`adm:ban:${customerId}`, `adm:msg:${customerId}`]),
    );
    const confirm = await pressForEdit(h, shop, admin, `adm:ban:${customerId}`, (text) =>
      text.startsWith('Ban Sara'),
    );
    expect(callbacks(confirm)).toContain(`adm:ban:${customerId}:ok`);
    const sinceBan = latestMessageId(h, shop, sara);
    const done = await pressForEdit(h, shop, admin, `adm:ban:${customerId}:ok`, (text) =>
      text.includes('Customer banned. Receipts rejected: 1 · orders cancelled: 0'),
    );
    expect(done.text).toContain('⛔️ This customer is banned.');
    expect(callbacks(done)).toContain(`adm:unban:${customerId}`);
    expect(callbacks(done)).not.toContain(`adm:ban:${customerId}`);

    // one short notice for the customer
    await h.sim.waitForMessage(shop.bot, sara, (m) =>
      (m.text ?? '').includes("The shop's admins have restricted your access"),
    );
    // the receipt was rejected through the usual path: the admin's copy shows it, the card counts it
    await h.sim.waitForMessage(
      shop.bot,
      admin,
      (m) => m.messageId === shown.messageId && (m.text ?? '').includes('Rejected by Ava'),
    );
    expect(await services.cardPayments.get(payment.id)).toMatchObject({
      status: 'rejected',
      reviewedBy: admin.id,
    });
    expect(await services.cards.get(cardId)).toMatchObject({ failureCount: 1 });

    // a later notice is not sent: the job runs and finds a banned customer
    await services.jobs.enqueue(floodWaitNotice, { chatId: sara.id, language: 'en' });
    await eventually(
      async () => {
        const rows = await inTenant(h.testApp.database.handle.db, shop.id, (tx) =>
          tx
            .select({ status: jobs.status })
            .from(jobs)
            .where(and(eq(jobs.botId, shop.id), eq(jobs.name, floodWaitNotice.name))),
        );
        return rows.length === 1 && rows[0]!.status === 'done';
      },
      'the flood-wait notice job ran',
      5000,
    );
    // the menu answers with the one line; /start too
    const pressed = await pressForAnswer(h, shop, sara, 'menu:buy');
    expect(pressed.text).toBe('⛔️ Your access to this bot is restricted.');
    await nextBotMessage(
      h,
      shop,
      sara,
      (m) => m.text === '⛔️ Your access to this bot is restricted.',
      () => sara.sendCommand(shop.bot, 'start'),
    );
    // the job outcome of the rejection came and went: still only the notice and the one line
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(botMessagesSince(shop, sara, sinceBan).map((m) => m.text)).toEqual([
      "⛔️ The shop's admins have restricted your access to this bot.",
      '⛔️ Your access to this bot is restricted.',
    ]);
    expect((await services.customers.get(customerId))?.isBlocked).toBe(true);
  });

  it('bans from a receipt in the admin group, after asking; a stranger cannot', async () => {
    const group = h.sim.group({ title: 'Receipt admins' });
    const { shop, services, admin } = await openShop('GroupBan', group);
    const reza = h.sim.user({ firstName: 'Reza', languageCode: 'en' });
    const customerId = (await enterShop(h, shop, reza)) as CustomerId;
    const payment = await sendReceipt(shop, reza);
    const shown = await h.sim.waitForMessage(shop.bot, group, (m) =>
      (m.text ?? '').includes(`receipt ${payment.trackingNumber}`),
    );
    expect(callbacks(shown)).toEqual([
      `c2c:ok:${payment.id}`,
      `c2c:no:${payment.id}`,
      `c2c:info:${payment.id}`,
      `c2c:ban:${payment.id}`,
    ]);

    const stranger = h.sim.user({ firstName: 'Eve' });
    const refused = stranger.pressButton(shop.bot, {
      chat: group,
      messageId: shown.messageId,
      button: `c2c:ban:${payment.id}`,
    });
    expect(await h.sim.waitForCallbackAnswer(refused.callbackQueryId)).toMatchObject({
      text: "Only this shop's admins can review receipts.",
      showAlert: true,
    });

    admin.pressButton(shop.bot, { chat: group, messageId: shown.messageId, button: `c2c:ban:${payment.id}` });
    const question = await h.sim.waitForMessage(shop.bot, group, (m) =>
      (m.text ?? '').startsWith(`Ban Reza (receipt ${payment.trackingNumber})?`),
    );
    expect(callbacks(question)).toEqual([`c2c:ban:${payment.id}:ok`, `c2c:ban:${payment.id}:keep`]);
    expect((await services.customers.get(customerId))?.isBlocked).toBe(false);
    const confirmed = admin.pressButton(shop.bot, {
      chat: group,
      messageId: question.messageId,
      button: `c2c:ban:${payment.id}:ok`,
    });
    expect((await h.sim.waitForCallbackAnswer(confirmed.callbackQueryId)).text).toBe('Customer banned.');
    await h.sim.waitForMessage(
      shop.bot,
      group,
      (m) => m.messageId === question.messageId && (m.text ?? '') === '⛔️ Reza banned. Receipts rejected: 1',
    );
    // the receipt shows the rejection and keeps only Details
    const decided = await h.sim.waitForMessage(
      shop.bot,
      group,
      (m) => m.messageId === shown.messageId && (m.text ?? '').includes('Rejected by Ava'),
    );
    expect(callbacks(decided)).toEqual([`c2c:info:${payment.id}`]);
    await h.sim.waitForMessage(shop.bot, reza, (m) => (m.text ?? '').includes('restricted your access'));
    expect(await services.cardPayments.get(payment.id)).toMatchObject({ status: 'rejected' });
  });

  it('lifts a ban and writes to the customer; a customer who blocked the bot is marked unreachable', async () => {
    const { shop, services, admin } = await openShop('Writer');
    const nika = h.sim.user({ firstName: 'Nika', languageCode: 'en' });
    const customerId = (await enterShop(h, shop, nika)) as CustomerId;
    await services.moderation.block(customerId, { telegramId: admin.id, name: 'Ava' });
    await h.sim.waitForMessage(shop.bot, nika, (m) => (m.text ?? '').includes('restricted your access'));

    await openCard(shop, admin, nika);
    const lifted = await pressForEdit(h, shop, admin, `adm:unban:${customerId}`, (text) =>
      text.includes('The ban was lifted and the customer told.'),
    );
    expect(callbacks(lifted)).toContain(`adm:ban:${customerId}`);
    await h.sim.waitForMessage(shop.bot, nika, (m) =>
      (m.text ?? '').includes('The restriction on your account was lifted'),
    );
    // and the bot serves them again
    await nextBotMessage(
      h,
      shop,
      nika,
      (m) => hasButton(m, 'menu:buy'),
      () => nika.sendCommand(shop.bot, 'start'),
    );

    await pressForEdit(h, shop, admin, `adm:msg:${customerId}`, (text) =>
      text.startsWith('✉️ Send the message for Nika'),
    );
    const queued = await nextBotMessage(
      h,
      shop,
      admin,
      (m) => (m.text ?? '').startsWith('✉️ Message queued for delivery.'),
      () => admin.sendText(shop.bot, 'Your renewal is ready, Nika.'),
    );
    expect(queued.text).toContain(String(nika.id));
    await h.sim.waitForMessage(
      shop.bot,
      nika,
      (m) => m.text === '📩 Message from the shop:\n\nYour renewal is ready, Nika.',
    );

    // Nika blocks the bot: the next message is refused and she is marked unreachable
    nika.blockBot(shop.bot);
    await services.moderation.message(customerId, 'Are you there?');
    await eventually(
      async () => (await services.customers.get(customerId))?.unreachableSince != null,
      'the customer marked unreachable',
      5000,
    );
  });
});

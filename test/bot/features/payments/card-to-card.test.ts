import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimGroup, SimMessage, SimUser } from '../../../../sim/telegram/index.js';
import { cardToCardPayments } from '../../../../src/db/schema.js';
import { inTenant } from '../../../../src/db/tenant-tx.js';
import { expireReceipts } from '../../../../src/jobs/definitions/expire-receipts.js';
import { type CardPayment, cardPaymentRef } from '../../../../src/modules/payments/card-to-card.js';
import type { CardId, CustomerId } from '../../../../src/shared/ids.js';
import { BACKENDS } from '../../../support/database.js';
import {
  eventually,
  type FleetHarness,
  type ShopUnderTest,
  startFleetHarness,
} from '../../../support/fleet.js';
import {
  createMonthlyPlan,
  enterShop,
  hasButton,
  nextBotMessage,
  openTestShop,
  waitForSubscriptionPhoto,
} from '../../../support/shop.js';

/** A 16-digit card number passing Luhn: the 15 given digits and their check digit. */
function cardNumber(first15: string): string {
  let sum = 0;
  for (let index = 0; index < 15; index += 1) {
    let digit = Number(first15[14 - index]);
    if (index % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return `${first15}${(10 - (sum % 10)) % 10}`;
}

const inGroups = (digits: string) => digits.replace(/(\d{4})(?=\d)/g, '$1 ');
const trackingOf = (message: SimMessage) => /Tracking number: (\d{10})/.exec(message.text ?? '')?.[1];

describe.each(BACKENDS)('card-to-card payments on %s', (backend) => {
  let h: FleetHarness;
  let squad: string;
  let nextCard = 100_000_000;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
    squad = h.panel.addSquad('Germany');
  }, 60_000);
  afterAll(() => h.close());

  /** A shop in English with its admins, `cards` cards and one plan. */
  async function openShop(
    name: string,
    options: {
      admins: SimUser[];
      cards?: number;
      adminChat?: SimGroup;
      strategy?: string;
      weights?: number[];
    },
  ) {
    const admins = options.admins.map((admin) => admin.id);
    const { shop, services } = await openTestShop(h, name, { squad, admins });
    await services.settings.set('panel_tag', name.toUpperCase().replace(/\W/g, '').slice(0, 16), 'operator');
    if (options.strategy) await services.settings.set('card_rotation_strategy', options.strategy, 'tenant');
    if (options.adminChat) {
      options.adminChat.addBot(shop.bot);
      await services.settings.set('admin_chat_id', options.adminChat.id, 'tenant');
    }
    const cards = [];
    for (let index = 0; index < (options.cards ?? 1); index += 1) {
      nextCard += 1;
      const created = await services.cards.create({
        cardNumber: cardNumber(`603799${nextCard}`),
        holderName: `Holder ${index + 1}`,
        bankName: 'Melli',
        weight: options.weights?.[index] ?? 1,
      });
      if (!created.ok) throw new Error(created.error.message);
      cards.push(created.value);
    }
    return { shop, services, cards, plan: await createMonthlyPlan(services, name, { deviceLimit: 2 }) };
  }

  const person = (firstName: string) => h.sim.user({ firstName, languageCode: 'en' });

  /** Presses a button and waits for the bot's new message that answers it. */
  const press = (shop: ShopUnderTest, user: SimUser, data: string, wanted: (m: SimMessage) => boolean) =>
    nextBotMessage(h, shop, user, wanted, () => user.pressButton(shop.bot, data));

  /** From the methods screen: card-to-card, then the receipt; returns the payment. */
  async function payByCard(
    shop: ShopUnderTest,
    user: SimUser,
    methodData: string,
    send: (user: SimUser) => void,
  ): Promise<{ payment: CardPayment; cardMessage: SimMessage }> {
    const cardMessage = await press(
      shop,
      user,
      methodData,
      (m) => (m.text ?? '').startsWith('💳 Card-to-card payment') && hasButton(m, 'c2c:cancel'),
    );
    send(user);
    const received = await h.sim.waitForMessage(
      shop.bot,
      user,
      (m) =>
        m.fromBot && (m.text ?? '').startsWith('✅ Receipt received') && m.messageId > cardMessage.messageId,
    );
    const tracking = trackingOf(received);
    expect(tracking).toMatch(/^[1-9]\d{9}$/);
    const payment = await h.testApp.app.forTenant(shop.id).cardPayments.getByTrackingNumber(tracking!);
    return { payment: payment!, cardMessage };
  }

  /** Menu → top-up → a preset amount → the methods screen. */
  async function openTopUp(shop: ShopUnderTest, user: SimUser, amount: number) {
    const screen = await press(shop, user, 'menu:topup', (m) =>
      (m.text ?? '').startsWith('💳 Top up your balance'),
    );
    expect(hasButton(screen, `topup:amt:${amount}`)).toBe(true);
    return press(shop, user, `topup:amt:${amount}`, (m) => hasButton(m, `pay:card:${amount}:0`));
  }

  const adminMessage = (shop: ShopUnderTest, chat: SimUser | SimGroup, payment: CardPayment) =>
    h.sim.waitForMessage(
      shop.bot,
      chat,
      (m) => m.fromBot && (m.caption ?? m.text ?? '').includes(`receipt ${payment.trackingNumber}`),
      { timeoutMs: 5000 },
    );

  const topUpEntries = async (shop: ShopUnderTest, customerId: CustomerId) =>
    (await h.testApp.app.forTenant(shop.id).ledger.entries(customerId)).filter((e) => e.kind === 'topup');

  it('tops up from the menu: preset amount, card shown, photo receipt, approved in the admin chat', async () => {
    const admin = person('Ali');
    const group = h.sim.group({ title: 'Happy admins' });
    const { shop, services, cards } = await openShop('Happy', { admins: [admin], adminChat: group });
    const sara = person('Sara');
    const customerId = await enterShop(h, shop, sara);

    const methods = await openTopUp(shop, sara, 100_000);
    expect(methods.text).toContain('Amount to pay: 100,000 Toman');
    const photo = { bytes: Buffer.from('receipt-photo-happy') };
    let sentPhoto: ReturnType<SimUser['sendPhoto']> | undefined;
    const { payment, cardMessage } = await payByCard(shop, sara, 'pay:card:100000:0', (user) => {
      sentPhoto = user.sendPhoto(shop.bot, photo);
    });
    const card = cards[0]!;
    expect(cardMessage.text).toContain('Transfer exactly 100,000 Toman to this card');
    expect(cardMessage.text).toContain(inGroups(card.cardNumber));
    expect(cardMessage.text).toContain('👤 Holder 1');
    expect(cardMessage.text).toContain('🏦 Melli');
    expect(payment).toMatchObject({
      status: 'pending',
      amount: 100_000,
      cardId: card.id,
      receiptType: 'image',
      receiptFileKind: 'photo',
      receiptFileUniqueId: sentPhoto!.message.photo!.at(-1)!.file_unique_id,
      orderId: null,
    });

    // the receipt in the admin chat, as a photo with the details and the four buttons
    const shown = await adminMessage(shop, group, payment);
    expect(shown.photo?.length).toBeGreaterThan(0);
    expect(shown.caption).toContain('Customer: Sara');
    expect(shown.caption).toContain(`Telegram id ${sara.id}`);
    expect(shown.caption).toContain('Amount: 100,000 Toman');
    expect(shown.caption).toContain(`**** ${card.cardNumber.slice(-4)} · Holder 1`);
    expect(shown.caption).toContain('For: balance top-up');
    expect(shown.caption).toContain('Waiting for review');
    expect(shown.caption).not.toContain('⚠️');
    expect(shown.buttons.flat().map((b) => b.callbackData)).toEqual([
      `c2c:ok:${payment.id}`,
      `c2c:no:${payment.id}`,
      `c2c:info:${payment.id}`,
      `c2c:ban:${payment.id}`,
    ]);

    // Details: who the customer is
    admin.pressButton(shop.bot, {
      chat: group,
      messageId: shown.messageId,
      button: `c2c:info:${payment.id}`,
    });
    const details = await h.sim.waitForMessage(shop.bot, group, (m) =>
      (m.text ?? '').startsWith(`ℹ️ Receipt ${payment.trackingNumber}`),
    );
    expect(details.text).toContain(`Telegram id: ${sara.id}`);
    expect(details.text).toContain('1 pending');
    expect(details.text).toContain(inGroups(card.cardNumber));

    const approve = admin.pressButton(shop.bot, {
      chat: group,
      messageId: shown.messageId,
      button: `c2c:ok:${payment.id}`,
    });
    expect((await h.sim.waitForCallbackAnswer(approve.callbackQueryId)).text).toBe(
      'Approved: 100,000 Toman credited.',
    );
    const told = await h.sim.waitForMessage(shop.bot, sara, (m) => (m.text ?? '').includes('is approved'));
    expect(told.text).toContain(`payment ${payment.trackingNumber} of 100,000 Toman is approved`);
    expect(told.text).toContain('Your balance: 100,000 Toman');
    expect(await services.ledger.balance(customerId)).toBe(100_000);
    const [entry] = await topUpEntries(shop, customerId);
    expect(entry).toMatchObject({
      amount: 100_000,
      externalRef: cardPaymentRef(payment.id),
      createdBy: admin.id,
    });
    expect(await services.cardPayments.get(payment.id)).toMatchObject({
      status: 'approved',
      reviewedBy: admin.id,
      transactionId: entry!.id,
    });
    expect(await services.cards.get(card.id as CardId)).toMatchObject({ successCount: 1, failureCount: 0 });
    // the admin message shows the decision and who made it, and keeps only Details
    const decided = await h.sim.waitForMessage(
      shop.bot,
      group,
      (m) => m.messageId === shown.messageId && m.editDate !== undefined,
    );
    expect(decided.caption).toContain(`✅ Approved by Ali (${admin.id})`);
    expect(decided.buttons.flat().map((b) => b.callbackData)).toEqual([`c2c:info:${payment.id}`]);
  });

  it('takes a typed amount within the limits, in Persian digits too, and refuses others clearly', async () => {
    const admin = person('Amir');
    const { shop } = await openShop('Custom', { admins: [admin] });
    const kian = person('Kian');
    await enterShop(h, shop, kian);
    await press(shop, kian, 'menu:topup', (m) => hasButton(m, 'topup:custom'));
    const prompt = await press(shop, kian, 'topup:custom', (m) =>
      (m.text ?? '').startsWith('Type the amount'),
    );
    expect(prompt.text).toContain('from 10,000 Toman to 50,000,000 Toman');
    const answer = async (text: string) => {
      const sent = kian.sendText(shop.bot, text);
      return h.sim.waitForMessage(shop.bot, kian, (m) => m.fromBot && m.messageId > sent.messageId);
    };
    expect((await answer('a lot')).text).toContain('That is not an amount');
    expect((await answer('5000')).text).toBe(
      'The smallest top-up is 10,000 Toman. Please type a larger amount.',
    );
    expect((await answer('60,000,000')).text).toContain('The largest top-up is 50,000,000 Toman');
    const methods = await answer('۱۵۰٬۰۰۰ تومان');
    expect(methods.text).toContain('Amount to pay: 150,000 Toman');
    expect(hasButton(methods, 'pay:card:150000:0')).toBe(true);
    // the prompt is over: a later message is an ordinary one again (the main menu)
    const later = await answer('hello');
    expect(hasButton(later, 'menu:topup')).toBe(true);
  });

  it('completes a purchase short of money once the card payment for the missing amount is approved', async () => {
    const admin = person('Reza');
    const { shop, services, plan } = await openShop('Short', { admins: [admin] });
    await enterShop(h, shop, admin);
    const omid = person('Omid');
    const customerId = await enterShop(h, shop, omid);
    await services.ledger.credit({ customerId, amount: 20_000, kind: 'admin_credit', reason: 'test' });

    await press(shop, omid, 'menu:buy', (m) => hasButton(m, `plan:${plan.id}:0`));
    await press(shop, omid, `plan:${plan.id}:0`, (m) => hasButton(m, `buy:${plan.id}:0`));
    const offer = await press(shop, omid, `buy:${plan.id}:0`, (m) => (m.text ?? '').includes('is missing'));
    const [order] = await services.orders.findByCustomer(customerId);
    expect(order).toMatchObject({ status: 'created' });
    expect(hasButton(offer, `topup:order:${order!.id}`)).toBe(true);
    const methods = await press(shop, omid, `topup:order:${order!.id}`, (m) =>
      hasButton(m, `pay:card:100000:${order!.id}`),
    );
    expect(methods.text).toContain(`To complete "Short Monthly", 100,000 Toman is missing.`);

    const { payment, cardMessage } = await payByCard(shop, omid, `pay:card:100000:${order!.id}`, (user) =>
      user.sendText(shop.bot, 'Transfer 100000 ref 883311 from card 6219...1234'),
    );
    expect(cardMessage.text).toContain('Transfer exactly 100,000 Toman');
    expect(payment).toMatchObject({ orderId: order!.id, receiptType: 'text', amount: 100_000 });

    // no admin chat: the receipt goes to the admin's private chat, as a text message
    const shown = await adminMessage(shop, admin, payment);
    expect(shown.text).toContain(`For: Short Monthly (order #${order!.id})`);
    expect(shown.text).toContain('Transfer 100000 ref 883311');
    const mark = h.sim.mark();
    admin.pressButton(shop.bot, { messageId: shown.messageId, button: `c2c:ok:${payment.id}` });

    const told = await h.sim.waitForMessage(shop.bot, omid, (m) => (m.text ?? '').includes('is approved'));
    expect(told.text).toContain('Your purchase of "Short Monthly" is being activated');
    await waitForSubscriptionPhoto(h, shop, omid, { since: mark, timeoutMs: 10_000 });
    await eventually(
      async () => (await services.orders.get(order!.id as never))?.status === 'active',
      'the order to be active',
      5000,
    );
    expect(await services.ledger.balance(customerId)).toBe(0);
    expect(h.panel.getUser(`rf${shop.id}c${customerId}`)).toMatchObject({
      trafficLimitBytes: 50 * 1024 ** 3,
    });
    const edited = await h.sim.waitForMessage(
      shop.bot,
      admin,
      (m) => m.messageId === shown.messageId && m.editDate !== undefined,
    );
    expect(edited.text).toContain('✅ Approved by Reza');
  });

  it('credits once when 20 approvals of one receipt arrive at once from four admins', async () => {
    const admins = ['Ava', 'Bita', 'Cyrus', 'Dara'].map(person);
    const { shop, services, cards } = await openShop('Race', { admins });
    for (const admin of admins) await enterShop(h, shop, admin);
    const nima = person('Nima');
    const customerId = await enterShop(h, shop, nima);
    await openTopUp(shop, nima, 200_000);
    const { payment } = await payByCard(shop, nima, 'pay:card:200000:0', (user) =>
      user.sendPhoto(shop.bot, { caption: 'paid' }),
    );
    const shown = await Promise.all(admins.map((admin) => adminMessage(shop, admin, payment)));
    expect(shown[0]?.caption).toContain('📝 Receipt text:\npaid');

    const presses = admins.flatMap((admin, index) =>
      Array.from({ length: 5 }, () =>
        admin.pressButton(shop.bot, { messageId: shown[index]!.messageId, button: `c2c:ok:${payment.id}` }),
      ),
    );
    const answers = await Promise.all(
      presses.map((p) => h.sim.waitForCallbackAnswer(p.callbackQueryId, { timeoutMs: 10_000 })),
    );
    expect(answers.filter((a) => a.text === 'Approved: 200,000 Toman credited.')).toHaveLength(1);
    expect(answers.filter((a) => a.text === 'This receipt was already approved.')).toHaveLength(19);

    expect(await services.ledger.balance(customerId)).toBe(200_000);
    expect(await topUpEntries(shop, customerId)).toHaveLength(1);
    expect(await services.cards.get(cards[0]!.id as CardId)).toMatchObject({ successCount: 1 });
    // every admin's copy shows the decision; the customer is told once
    for (const [index, admin] of admins.entries()) {
      const edited = await h.sim.waitForMessage(
        shop.bot,
        admin,
        (m) => m.messageId === shown[index]!.messageId && (m.caption ?? '').includes('Approved by'),
      );
      expect(edited.buttons.flat().map((b) => b.callbackData)).toEqual([`c2c:info:${payment.id}`]);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const notices = h.sim.chat(shop.bot, nima).messages.filter((m) => (m.text ?? '').includes('is approved'));
    expect(notices).toHaveLength(1);
    expect(await services.ledger.findImbalances()).toEqual([]);
  });

  it("edits each admin's copy of a decided receipt once, the pressed one at once", async () => {
    const admins = ['Elham', 'Farid'].map(person);
    const { shop } = await openShop('Once', { admins });
    for (const admin of admins) await enterShop(h, shop, admin);
    const sina = person('Sina');
    await enterShop(h, shop, sina);
    await openTopUp(shop, sina, 200_000);
    const { payment } = await payByCard(shop, sina, 'pay:card:200000:0', (user) =>
      user.sendPhoto(shop.bot, { caption: 'paid' }),
    );
    const shown = await Promise.all(admins.map((admin) => adminMessage(shop, admin, payment)));
    const mark = h.sim.mark();
    const pressing = admins[0]!.pressButton(shop.bot, {
      messageId: shown[0]!.messageId,
      button: `c2c:ok:${payment.id}`,
    });
    await h.sim.waitForCallbackAnswer(pressing.callbackQueryId, { timeoutMs: 5000 });
    // the press's own edit of the pressed copy, and the outcome job, which edits the admins' copies
    // before it tells the customer: after both, every edit of this decision has been made
    await h.sim.waitForCall({
      botId: shop.bot,
      method: 'editMessageCaption',
      chatId: admins[0]!.id,
      since: mark,
      timeoutMs: 5000,
    });
    await h.sim.waitForMessage(shop.bot, sina, (m) => (m.text ?? '').includes('is approved'), {
      timeoutMs: 5000,
    });
    const edits = h.sim
      .calls({ botId: shop.bot, since: mark })
      .filter((c) => c.method.startsWith('editMessage'));
    expect(edits.filter((c) => !c.ok).map((c) => c.response)).toEqual([]);
    const editedMessages = edits.map((c) => `${c.params.chat_id}:${c.params.message_id}`).sort();
    expect(editedMessages).toEqual(
      admins.map((admin, index) => `${admin.id}:${shown[index]!.messageId}`).sort(),
    );
    for (const [index, admin] of admins.entries()) {
      expect(h.sim.message(shop.bot, admin, shown[index]!.messageId)?.caption).toContain('Approved by Elham');
    }
  });

  it("lets neither a stranger nor another shop's admin decide a receipt", async () => {
    const aAdmin = person('Arash');
    const bAdmin = person('Bahram');
    const stranger = person('Stranger');
    const group = h.sim.group({ title: 'B admins' });
    const a = await openShop('Shop A', { admins: [aAdmin] });
    const b = await openShop('Shop B', { admins: [bAdmin], adminChat: group });
    await enterShop(h, a.shop, aAdmin);
    const mina = person('Mina');
    const customerId = await enterShop(h, b.shop, mina);
    await openTopUp(b.shop, mina, 50_000);
    const { payment } = await payByCard(b.shop, mina, 'pay:card:50000:0', (user) =>
      user.sendPhoto(b.shop.bot),
    );
    const shown = await adminMessage(b.shop, group, payment);

    for (const outsider of [stranger, aAdmin]) {
      for (const action of ['ok', 'no', 'info']) {
        const pressed = outsider.pressButton(b.shop.bot, {
          chat: group,
          messageId: shown.messageId,
          button: `c2c:${action}:${payment.id}`,
        });
        const answer = await h.sim.waitForCallbackAnswer(pressed.callbackQueryId);
        expect(answer).toMatchObject({
          text: "Only this shop's admins can review receipts.",
          showAlert: true,
        });
      }
    }
    // shop A's admin forging B's payment id in shop A's own bot: that shop has no such receipt
    const anyMessage = h.sim.chat(a.shop.bot, aAdmin).lastBotMessage!;
    h.sim.enqueueUpdate(a.shop.bot, {
      callback_query: {
        id: 'forged-approval',
        from: aAdmin.info,
        message: anyMessage.raw,
        chat_instance: 'forged',
        data: `c2c:ok:${payment.id}`,
      },
    });
    const forged = await h.sim.waitForCall({
      botId: a.shop.bot.id,
      method: 'answerCallbackQuery',
      match: (params) => params.callback_query_id === 'forged-approval',
    });
    expect(forged.params.text).toBe('This receipt does not exist.');

    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await b.services.cardPayments.get(payment.id)).toMatchObject({
      status: 'pending',
      reviewedBy: null,
    });
    expect(await b.services.ledger.balance(customerId)).toBe(0);
    expect(h.sim.message(b.shop.bot, group, shown.messageId)?.caption).toContain('Waiting for review');
    // the shop's own admin still can
    const approve = bAdmin.pressButton(b.shop.bot, {
      chat: group,
      messageId: shown.messageId,
      button: `c2c:ok:${payment.id}`,
    });
    expect((await h.sim.waitForCallbackAnswer(approve.callbackQueryId)).text).toContain('Approved');
    expect(await b.services.ledger.balance(customerId)).toBe(50_000);
  });

  it('rejects with a typed reason: the customer is told why, the card counts a failure', async () => {
    const admin = person('Neda');
    const group = h.sim.group({ title: 'Reject admins' });
    const { shop, services, cards } = await openShop('Reject', { admins: [admin], adminChat: group });
    const taha = person('Taha');
    const customerId = await enterShop(h, shop, taha);
    await openTopUp(shop, taha, 50_000);
    const { payment } = await payByCard(shop, taha, 'pay:card:50000:0', (user) =>
      user.sendDocument(shop.bot, { fileName: 'receipt.pdf', caption: 'bank pdf' }),
    );
    expect(payment).toMatchObject({ receiptType: 'both', receiptFileKind: 'document' });
    const shown = await adminMessage(shop, group, payment);
    expect(shown.document?.file_name).toBe('receipt.pdf');

    admin.pressButton(shop.bot, { chat: group, messageId: shown.messageId, button: `c2c:no:${payment.id}` });
    const prompt = await h.sim.waitForMessage(shop.bot, group, (m) =>
      (m.text ?? '').startsWith(`Why is receipt ${payment.trackingNumber} rejected?`),
    );
    expect(hasButton(prompt, `c2c:nr:${payment.id}`)).toBe(true);
    // nothing is decided until the reason comes
    expect((await services.cardPayments.get(payment.id))?.status).toBe('pending');
    admin.sendText(shop.bot, 'The amount on the receipt is 5,000 Toman', { chat: group });

    const told = await h.sim.waitForMessage(shop.bot, taha, (m) =>
      (m.text ?? '').includes('was not approved'),
    );
    expect(told.text).toContain(`payment ${payment.trackingNumber} of 50,000 Toman was not approved`);
    expect(told.text).toContain('Reason: The amount on the receipt is 5,000 Toman');
    expect(await services.cardPayments.get(payment.id)).toMatchObject({
      status: 'rejected',
      rejectReason: 'The amount on the receipt is 5,000 Toman',
      reviewedBy: admin.id,
      transactionId: null,
    });
    expect(await services.ledger.balance(customerId)).toBe(0);
    expect(await services.cards.get(cards[0]!.id as CardId)).toMatchObject({
      successCount: 0,
      failureCount: 1,
    });
    const edited = await h.sim.waitForMessage(
      shop.bot,
      group,
      (m) => m.messageId === shown.messageId && m.editDate !== undefined,
    );
    expect(edited.caption).toContain(`❌ Rejected by Neda (${admin.id})`);
    expect(edited.caption).toContain('Reason: The amount on the receipt is 5,000 Toman');
    const closed = await h.sim.waitForMessage(
      shop.bot,
      group,
      (m) => m.messageId === prompt.messageId && m.editDate !== undefined,
    );
    expect(closed.text).toBe(`Receipt ${payment.trackingNumber} is rejected.`);
    // a late approval changes nothing
    expect(
      (await services.cardPayments.approve(payment.id, { telegramId: admin.id, name: 'x' })).status,
    ).toBe('already');
    expect(await services.ledger.balance(customerId)).toBe(0);
  });

  it('rejects without a reason from the button', async () => {
    const admin = person('Parsa');
    const { shop, services } = await openShop('NoReason', { admins: [admin] });
    await enterShop(h, shop, admin);
    const leila = person('Leila');
    await enterShop(h, shop, leila);
    await openTopUp(shop, leila, 50_000);
    const { payment } = await payByCard(shop, leila, 'pay:card:50000:0', (user) =>
      user.sendText(shop.bot, 'done'),
    );
    const shown = await adminMessage(shop, admin, payment);
    admin.pressButton(shop.bot, { messageId: shown.messageId, button: `c2c:no:${payment.id}` });
    await h.sim.waitForMessage(shop.bot, admin, (m) => hasButton(m, `c2c:nr:${payment.id}`));
    admin.pressButton(shop.bot, `c2c:nr:${payment.id}`);
    const told = await h.sim.waitForMessage(shop.bot, leila, (m) =>
      (m.text ?? '').includes('was not approved'),
    );
    expect(told.text).not.toContain('Reason:');
    expect(await services.cardPayments.get(payment.id)).toMatchObject({
      status: 'rejected',
      rejectReason: null,
    });
  });

  it('flags a receipt image used before, in this shop or in another, without revealing the other shop', async () => {
    const aAdmin = person('Kaveh');
    const bAdmin = person('Shirin');
    const a = await openShop('Reuse A', { admins: [aAdmin] });
    const b = await openShop('Reuse B', { admins: [bAdmin] });
    await enterShop(h, a.shop, aAdmin);
    await enterShop(h, b.shop, bAdmin);
    const cheater = person('Cheater');
    await enterShop(h, a.shop, cheater);
    await enterShop(h, b.shop, cheater);

    await openTopUp(a.shop, cheater, 100_000);
    let fileUniqueId = '';
    const first = await payByCard(a.shop, cheater, 'pay:card:100000:0', (user) => {
      fileUniqueId = user.sendPhoto(a.shop.bot).message.photo!.at(-1)!.file_unique_id;
    });
    expect(first.payment).toMatchObject({ duplicateOf: null, reusedElsewhere: false });
    expect((await adminMessage(a.shop, aAdmin, first.payment)).caption).not.toContain('⚠️');

    // the same screenshot in another shop
    await openTopUp(b.shop, cheater, 100_000);
    const elsewhere = await payByCard(b.shop, cheater, 'pay:card:100000:0', (user) =>
      user.sendPhoto(b.shop.bot, { fileUniqueId }),
    );
    expect(elsewhere.payment).toMatchObject({ duplicateOf: null, reusedElsewhere: true });
    const bShown = await adminMessage(b.shop, bAdmin, elsewhere.payment);
    expect(bShown.caption).toContain('⚠️ This receipt image was already used in another shop.');
    expect(bShown.caption).not.toContain(first.payment.trackingNumber);
    expect(bShown.caption).not.toContain('Reuse A');

    // and again in the first shop
    await openTopUp(a.shop, cheater, 100_000);
    const again = await payByCard(a.shop, cheater, 'pay:card:100000:0', (user) =>
      user.sendPhoto(a.shop.bot, { fileUniqueId }),
    );
    expect(again.payment).toMatchObject({ duplicateOf: first.payment.id, reusedElsewhere: true });
    const aShown = await adminMessage(a.shop, aAdmin, again.payment);
    expect(aShown.caption).toContain(
      `⚠️ This receipt image was already sent with payment ${first.payment.trackingNumber} of this shop.`,
    );
    expect(aShown.caption).toContain('already used in another shop');
  });

  it("expires receipts left pending longer than the shop's setting and tells the customer", async () => {
    const admin = person('Sina');
    const group = h.sim.group({ title: 'Expiry admins' });
    const { shop, services } = await openShop('Expiry', { admins: [admin], adminChat: group });
    await services.settings.set('receipt_expiry_hours', 2, 'tenant');
    const yas = person('Yas');
    const customerId = await enterShop(h, shop, yas);
    await openTopUp(shop, yas, 50_000);
    const old = await payByCard(shop, yas, 'pay:card:50000:0', (user) => user.sendText(shop.bot, 'old one'));
    await openTopUp(shop, yas, 50_000);
    const fresh = await payByCard(shop, yas, 'pay:card:50000:0', (user) =>
      user.sendText(shop.bot, 'new one'),
    );
    const shown = await adminMessage(shop, group, old.payment);
    await inTenant(h.testApp.database.handle.db, shop.id, (tx) =>
      tx
        .update(cardToCardPayments)
        .set({ createdAt: new Date(Date.now() - 3 * 3_600_000) })
        .where(and(eq(cardToCardPayments.botId, shop.id), eq(cardToCardPayments.id, old.payment.id))),
    );

    // what the schedule enqueues for every tenant, run by the real job runner
    await h.testApp.app
      .forTenant(shop.id)
      .jobs.enqueue(expireReceipts, {}, { dedupeKey: `test-expire:${Date.now()}` });
    const told = await h.sim.waitForMessage(shop.bot, yas, (m) => (m.text ?? '').includes('has expired'), {
      timeoutMs: 5000,
    });
    expect(told.text).toContain(
      `receipt ${old.payment.trackingNumber} of 50,000 Toman was not reviewed in time`,
    );
    expect((await services.cardPayments.get(old.payment.id))?.status).toBe('expired');
    expect((await services.cardPayments.get(fresh.payment.id))?.status).toBe('pending');
    const edited = await h.sim.waitForMessage(
      shop.bot,
      group,
      (m) => m.messageId === shown.messageId && m.editDate !== undefined,
    );
    expect(edited.text).toContain('⌛ Expired without review');
    // an admin pressing Approve on the expired receipt changes nothing
    expect(
      (await services.cardPayments.approve(old.payment.id, { telegramId: admin.id, name: 'x' })).status,
    ).toBe('already');
    expect(await services.ledger.balance(customerId)).toBe(0);
  });

  it('spreads receipts over three cards in turn with round_robin', async () => {
    const admin = person('Rotor');
    const { shop, services, cards } = await openShop('Robin', {
      admins: [admin],
      cards: 3,
      strategy: 'round_robin',
    });
    const user = person('Roya');
    await enterShop(h, shop, user);
    await openTopUp(shop, user, 50_000);
    const used: number[] = [];
    for (let index = 0; index < 6; index += 1) {
      const { payment, cardMessage } = await payByCard(shop, user, 'pay:card:50000:0', (u) =>
        u.sendText(shop.bot, `receipt ${index}`),
      );
      const card = cards.find((c) => c.id === payment.cardId)!;
      expect(cardMessage.text).toContain(inGroups(card.cardNumber));
      used.push(payment.cardId!);
    }
    const ids = cards.map((card) => card.id);
    expect(used).toEqual([...ids, ...ids]);
    for (const card of await services.cards.findAll()) expect(card.usageCount).toBe(2);
  });

  it('gives the heavier card most receipts with weighted rotation', async () => {
    const admin = person('Weigh');
    const { shop, cards } = await openShop('Weighted', {
      admins: [admin],
      cards: 2,
      strategy: 'weighted',
      weights: [1, 6],
    });
    const user = person('Vida');
    await enterShop(h, shop, user);
    await openTopUp(shop, user, 50_000);
    const counts = new Map<number, number>();
    const rounds = 35;
    for (let index = 0; index < rounds; index += 1) {
      const { payment } = await payByCard(shop, user, 'pay:card:50000:0', (u) =>
        u.sendText(shop.bot, `w${index}`),
      );
      counts.set(payment.cardId!, (counts.get(payment.cardId!) ?? 0) + 1);
    }
    const light = counts.get(cards[0]!.id) ?? 0;
    const heavy = counts.get(cards[1]!.id) ?? 0;
    expect(light + heavy).toBe(rounds);
    // expected 30 of 35; 21 is more than four standard deviations away
    expect(heavy).toBeGreaterThanOrEqual(21);
    expect(heavy).toBeGreaterThan(light);
  });
});

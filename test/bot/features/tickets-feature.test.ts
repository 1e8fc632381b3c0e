import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimGroup, SimMessage, SimUser } from '../../../sim/telegram/index.js';
import type { TenantServices } from '../../../src/app.js';
import { asTicketId, type TicketId } from '../../../src/modules/tickets/tickets-service.js';
import { BACKENDS } from '../../support/database.js';
import { eventually, type FleetHarness, type ShopUnderTest, startFleetHarness } from '../../support/fleet.js';
import {
  enterShop,
  forgePress,
  hasButton,
  latestMessageId,
  newCustomer,
  nextBotMessage,
  openTestShop,
  pressForAnswer,
  withButton,
} from '../../support/shop.js';

const textOf = (m: SimMessage) => m.text ?? m.caption ?? '';
const ticketIdIn = (m: SimMessage): TicketId => {
  const found = /#(\d+)/.exec(textOf(m));
  if (!found) throw new Error(`no ticket number in ${textOf(m)}`);
  return asTicketId(Number(found[1]));
};

describe.each(BACKENDS)('support tickets through the bot on %s', (backend) => {
  let h: FleetHarness;
  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
  }, 60_000);
  afterAll(() => h.close());

  /** A shop taking tickets, in English, with its admins; its admin chat (a forum topic) when given. */
  async function ticketShop(
    name: string,
    options: { admins: SimUser[]; chat?: SimGroup; topic?: boolean; mode?: 'tickets' | 'both' },
  ): Promise<{ shop: ShopUnderTest; services: TenantServices; topicId: number | undefined }> {
    const { shop, services } = await openTestShop(h, name, { admins: options.admins.map((a) => a.id) });
    await services.flags.set('support_tickets', true);
    await services.settings.set('support_mode', options.mode ?? 'tickets', 'tenant');
    let topicId: number | undefined;
    if (options.chat) {
      options.chat.addBot(shop.bot);
      await services.settings.set('admin_chat_id', options.chat.id, 'tenant');
      if (options.topic) {
        topicId = options.chat.createTopic('Tickets');
        await services.settings.set('ticket_topic_id', topicId, 'tenant');
      }
    }
    return { shop, services, topicId };
  }

  const person = (firstName: string) => h.sim.user({ firstName, languageCode: 'en' });
  const press = (shop: ShopUnderTest, user: SimUser, data: string, wanted: (m: SimMessage) => boolean) =>
    nextBotMessage(h, shop, user, wanted, () => user.pressButton(shop.bot, data));
  const botSays = (shop: ShopUnderTest, chat: SimUser | SimGroup, wanted: (m: SimMessage) => boolean) =>
    h.sim.waitForMessage(shop.bot, chat, (m) => m.fromBot && wanted(m), { timeoutMs: 15_000 });
  /**
   * Waits until the shop has recorded a ticket message it sent (the simulator shows it as soon as
   * Telegram took it, a moment before): only then does a reply to it find its ticket. A person
   * cannot answer that fast; a test can.
   */
  const recorded = (services: TenantServices, chat: SimUser | SimGroup, message: SimMessage) =>
    eventually(
      async () => (await services.tickets.findByDelivery(chat.id, message.messageId)) !== undefined,
      'the ticket message recorded',
    );
  const botMessagesIn = (shop: ShopUnderTest, chat: SimUser | SimGroup, since: number) =>
    h.sim.chat(shop.bot, chat).messages.filter((m) => m.fromBot && m.messageId > since);

  /** A press of a button no message offered (a crafted update); resolves to the answer's text. */
  async function forge(shop: ShopUnderTest, user: SimUser, data: string): Promise<unknown> {
    return (await forgePress(h, shop, user, data)).answer.text;
  }
  /** Presses a button on a bot message in a group; resolves to the answer's text. */
  async function pressInGroup(
    shop: ShopUnderTest,
    user: SimUser,
    group: SimGroup,
    message: SimMessage,
    data: string,
  ) {
    const pressed = user.pressButton(shop.bot, { chat: group, messageId: message.messageId, button: data });
    return (await h.sim.waitForCallbackAnswer(pressed.callbackQueryId)).text;
  }

  /** Support → New ticket → the message; resolves to the ticket's confirmation. */
  async function openTicket(shop: ShopUnderTest, user: SimUser, text: string) {
    await press(shop, user, 'menu:support', withButton('tkt:new'));
    await press(shop, user, 'tkt:new', withButton('tkt:x'));
    return nextBotMessage(
      h,
      shop,
      user,
      (m) => textOf(m).startsWith('✅ Ticket #'),
      () => user.sendText(shop.bot, text),
    );
  }

  it('a ticket goes to the admin chat topic, an answer by reply reaches the customer and back, close and reopen', async () => {
    const admin = person('Amir');
    const group = h.sim.group({ title: 'Happy admins', isForum: true });
    const { shop, services, topicId } = await ticketShop('Happy', {
      admins: [admin],
      chat: group,
      topic: true,
    });
    const { user: customer, customerId } = await newCustomer(h, shop, 'Sara', { username: 'sara_vpn' });

    // text first: the ticket opens and the admins' topic gets it with the customer named
    const opened = await openTicket(shop, customer, 'My VPN stopped working this morning');
    const id = ticketIdIn(opened);
    const arrived = await botSays(shop, group, (m) => textOf(m).includes(`New ticket #${id}`));
    expect(arrived.threadId).toBe(topicId);
    expect(textOf(arrived)).toContain('Sara (@sara_vpn)');
    expect(textOf(arrived)).toContain('My VPN stopped working this morning');
    expect(hasButton(arrived, `tka:c:${id}`)).toBe(true);

    // then a photo with a caption, as a reply from the ticket's button
    await press(shop, customer, `tkt:r:${id}`, withButton('tkt:x'));
    await nextBotMessage(
      h,
      shop,
      customer,
      (m) => textOf(m).startsWith(`✅ Your message was added to ticket #${id}`),
      () => customer.sendPhoto(shop.bot, { caption: 'screenshot of the error' }),
    );
    const photo = await botSays(
      shop,
      group,
      (m) => m.photo !== undefined && textOf(m).includes('screenshot'),
    );
    expect(photo.threadId).toBe(topicId);
    expect(textOf(photo)).toContain(`Ticket #${id} · the customer wrote`);

    // the admin answers by replying to the photo in the topic
    await recorded(services, group, photo);
    const beforeAnswer = latestMessageId(h, shop, customer);
    admin.sendText(shop.bot, 'Please update the app and try again', {
      chat: group,
      threadId: topicId!,
      replyTo: photo.messageId,
    });
    const answer = await botSays(
      shop,
      customer,
      (m) => m.messageId > beforeAnswer && textOf(m).includes('Please update the app'),
    );
    expect(textOf(answer)).toContain(`Support answered your ticket #${id}`);
    expect(hasButton(answer, `tkt:r:${id}`)).toBe(true);
    const sent = await botSays(shop, group, (m) =>
      textOf(m).includes(`Sent to the customer (ticket #${id})`),
    );
    expect(sent.threadId).toBe(topicId);
    expect((await services.tickets.get(id))?.status).toBe('answered');

    // the customer replies to the answer itself; the admins get it in the topic
    await recorded(services, customer, answer);
    const beforeReply = latestMessageId(h, shop, group);
    customer.sendText(shop.bot, 'It works now, thanks', { replyTo: answer.messageId });
    const back = await botSays(
      shop,
      group,
      (m) => m.messageId > beforeReply && textOf(m).includes('It works now, thanks'),
    );
    expect(back.threadId).toBe(topicId);
    expect((await services.tickets.get(id))?.status).toBe('open');

    // the admin closes it from the group; the customer is told and may reopen
    // someone in the group who is not an admin cannot
    const stranger = person('Stranger');
    expect(await pressInGroup(shop, stranger, group, back, `tka:c:${id}`)).toBe(
      "Only the shop's admins can do this.",
    );
    expect(await pressInGroup(shop, admin, group, back, `tka:c:${id}`)).toBe(`Ticket #${id} is closed.`);
    const closedNotice = await botSays(shop, customer, (m) =>
      textOf(m).includes(`Support closed your ticket #${id}`),
    );
    expect(hasButton(closedNotice, `tkt:o:${id}`)).toBe(true);
    // a customer's reply to a closed ticket is refused with the way to reopen it
    const refused = await nextBotMessage(
      h,
      shop,
      customer,
      (m) => textOf(m).includes('is closed'),
      () => customer.sendText(shop.bot, 'one more thing', { replyTo: answer.messageId }),
    );
    expect(hasButton(refused, `tkt:o:${id}`)).toBe(true);

    const beforeReopen = latestMessageId(h, shop, group);
    const reopened = await pressForAnswer(h, shop, customer, `tkt:o:${id}`);
    expect(reopened.text).toBe(`Ticket #${id} is open again.`);
    await botSays(
      shop,
      group,
      (m) => m.messageId > beforeReopen && textOf(m).includes(`reopened ticket #${id}`),
    );

    // the customer's list shows it with its state
    // the list replaces the screen the button was pressed on
    customer.pressButton(shop.bot, 'tkt:list');
    const list = await botSays(shop, customer, (m) => textOf(m).startsWith('📋 Your tickets'));
    expect(textOf(list)).toContain(`#${id} · My VPN stopped working this morning · waiting for support`);
    expect(hasButton(list, `tkt:v:${id}`)).toBe(true);

    const history = await services.tickets.history(id);
    expect(history.map((m) => [m.kind, m.author])).toEqual([
      ['message', 'customer'],
      ['message', 'customer'],
      ['message', 'admin'],
      ['message', 'customer'],
      ['closed', 'admin'],
      ['reopened', 'customer'],
    ]);
    expect(history[1]).toMatchObject({ fileKind: 'photo', text: 'screenshot of the error' });
    expect(history[2]).toMatchObject({ adminTelegramId: admin.id });
    expect((await services.tickets.findForCustomer(customerId)).map((t) => t.id)).toEqual([id]);
  });

  it("without an admin chat a ticket reaches every admin privately, and any admin's reply answers it", async () => {
    const first = person('Admin One');
    const second = person('Admin Two');
    const { shop, services } = await ticketShop('Private', { admins: [first, second] });
    // an admin who never opened the bot cannot be written to: both open it
    await enterShop(h, shop, first);
    await enterShop(h, shop, second);
    const { user: customer } = await newCustomer(h, shop, 'Reza');
    const id = ticketIdIn(await openTicket(shop, customer, 'Cannot pay by card'));
    const toFirst = await botSays(shop, first, (m) => textOf(m).includes(`New ticket #${id}`));
    const toSecond = await botSays(shop, second, (m) => textOf(m).includes(`New ticket #${id}`));
    expect(textOf(toFirst)).toContain('Cannot pay by card');

    await recorded(services, second, toSecond);
    second.sendText(shop.bot, 'Send us the card number please', { replyTo: toSecond.messageId });
    await botSays(shop, customer, (m) => textOf(m).includes('Send us the card number please'));
    await botSays(shop, second, (m) => textOf(m).includes(`Sent to the customer (ticket #${id})`));
    expect(await services.tickets.history(id)).toHaveLength(2);
    expect(toFirst.messageId).toBeGreaterThan(0);
  });

  it('refuses politely past the open-ticket and per-minute limits', async () => {
    const admin = person('Limit admin');
    const { shop, services } = await ticketShop('Limits', { admins: [admin] });
    await services.settings.set('ticket_max_open', 1, 'tenant');
    await services.settings.set('ticket_messages_per_minute', 2, 'tenant');
    const { user: customer } = await newCustomer(h, shop, 'Busy');
    const id = ticketIdIn(await openTicket(shop, customer, 'first problem'));

    await press(shop, customer, 'menu:support', withButton('tkt:new'));
    const refusal = await pressForAnswer(h, shop, customer, 'tkt:new');
    expect(refusal.text).toBe(
      'You already have 1 open tickets. Please wait for an answer, or close one you no longer need.',
    );

    await press(shop, customer, `tkt:r:${id}`, withButton('tkt:x'));
    await nextBotMessage(
      h,
      shop,
      customer,
      (m) => textOf(m).startsWith('✅ Your message was added'),
      () => customer.sendText(shop.bot, 'second message'),
    );
    await press(shop, customer, `tkt:r:${id}`, withButton('tkt:x'));
    await nextBotMessage(
      h,
      shop,
      customer,
      (m) => textOf(m) === 'You are sending messages too quickly. Please wait a minute and try again.',
      () => customer.sendText(shop.bot, 'third message'),
    );
    expect(await services.tickets.history(id)).toHaveLength(2);
  });

  it("shop B's admins and customers cannot see or answer shop A's tickets, whatever the message ids", async () => {
    const adminA = person('Admin A');
    const adminB = person('Admin B');
    const groupA = h.sim.group({ title: 'A admins' });
    const groupB = h.sim.group({ title: 'B admins' });
    const a = await ticketShop('Shop A', { admins: [adminA], chat: groupA });
    const b = await ticketShop('Shop B', { admins: [adminB], chat: groupB });
    const { user: customerA } = await newCustomer(h, a.shop, 'Customer A');
    const { user: customerB } = await newCustomer(h, b.shop, 'Customer B');

    const idA = ticketIdIn(await openTicket(a.shop, customerA, 'A needs help'));
    const inA = await botSays(a.shop, groupA, (m) => textOf(m).includes(`New ticket #${idA}`));
    const idB = ticketIdIn(await openTicket(b.shop, customerB, 'B needs help'));
    const inB = await botSays(b.shop, groupB, (m) => textOf(m).includes(`New ticket #${idB}`));
    // both admin chats started alike: the two deliveries carry the same message id
    expect(inB.messageId).toBe(inA.messageId);

    await recorded(a.services, groupA, inA);
    await recorded(b.services, groupB, inB);
    // B's admin answers in B's chat to that message id: B's ticket, never A's
    adminB.sendText(b.shop.bot, 'Answer from B', { chat: groupB, replyTo: inB.messageId });
    await botSays(b.shop, customerB, (m) => textOf(m).includes('Answer from B'));
    // B's admin replying in A's chat is not one of A's admins: nothing happens there
    const quietSince = latestMessageId(h, a.shop, groupA);
    adminB.sendText(a.shop.bot, 'Answer from B in A', { chat: groupA, replyTo: inA.messageId });
    // B's customer asks bot B for A's ticket by its id
    await forge(b.shop, customerB, `tkt:v:${idA}`);
    await botSays(b.shop, customerB, (m) => textOf(m) === 'This ticket was not found.');
    expect(await forge(b.shop, customerB, `tkt:c:${idA}`)).toBe('This ticket was not found.');
    // and B's admin pressing Close with A's ticket id in B's chat closes nothing of A's
    expect(await pressInGroup(b.shop, adminB, groupB, inB, `tka:c:${idB}`)).toBe(`Ticket #${idB} is closed.`);

    await eventually(
      async () => (await b.services.tickets.history(idB)).some((m) => m.text === 'Answer from B'),
      "B's answer stored",
    );
    expect((await b.services.tickets.get(idB))?.status).toBe('closed');
    expect(await a.services.tickets.history(idA)).toHaveLength(1);
    expect((await a.services.tickets.get(idA))?.status).toBe('open');
    expect(await b.services.tickets.get(idA)).toBeUndefined();
    expect(botMessagesIn(a.shop, groupA, quietSince)).toEqual([]);
    expect(
      h.sim
        .chat(a.shop.bot, customerA)
        .messages.some((m) => m.fromBot && textOf(m).includes('Answer from B')),
    ).toBe(false);
  });

  it('the admin menu lists open tickets and answers one; a plain message in the admin chat is left alone', async () => {
    const admin = person('Menu admin');
    const group = h.sim.group({ title: 'Menu admins' });
    const { shop, services } = await ticketShop('Menu', { admins: [admin], chat: group, mode: 'both' });
    await services.settings.set('support_username', 'menu_support', 'tenant');
    const { user: customer } = await newCustomer(h, shop, 'Listed');
    // "both": the contact and the ticket buttons on one screen
    const support = await press(shop, customer, 'menu:support', withButton('tkt:new'));
    expect(textOf(support)).toContain('@menu_support');
    const id = ticketIdIn(await openTicket(shop, customer, 'Where is my link?'));
    await botSays(shop, group, (m) => textOf(m).includes(`New ticket #${id}`));

    await enterShop(h, shop, admin);
    const home = await nextBotMessage(h, shop, admin, withButton('adm:tickets'), () =>
      admin.sendCommand(shop.bot, 'admin'),
    );
    expect(home.buttons.flat().find((b) => b.callbackData === 'adm:tickets')?.text).toBe('🎫 Tickets (1)');
    admin.pressButton(shop.bot, 'adm:tickets');
    const list = await botSays(shop, admin, withButton(`adm:tkt:${id}`));
    expect(textOf(list)).toContain('Open tickets: 1');
    admin.pressButton(shop.bot, `adm:tkt:${id}`);
    const card = await botSays(shop, admin, withButton(`adm:tkt:${id}:answer`));
    expect(textOf(card)).toContain('Where is my link?');
    admin.pressButton(shop.bot, `adm:tkt:${id}:answer`);
    await botSays(shop, admin, (m) => textOf(m).startsWith(`Type your answer to ticket #${id}`));
    admin.sendText(shop.bot, 'Your link is in My subscription');
    await botSays(shop, customer, (m) => textOf(m).includes('Your link is in My subscription'));
    await botSays(shop, admin, (m) => textOf(m) === '✅ Answer sent to the customer.');

    // a message in the admin chat that answers no ticket message gets no ticket reaction
    const since = latestMessageId(h, shop, group);
    admin.sendText(shop.bot, 'just chatting', { chat: group });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(botMessagesIn(shop, group, since)).toEqual([]);
    expect(await services.tickets.history(id)).toHaveLength(2);
  });

  it('reads as Persian for a Persian shop: no Latin letters or raw keys, Persian digits, Jalali dates', async () => {
    const admin = h.sim.user({ firstName: 'مدیر', languageCode: 'fa' });
    const group = h.sim.group({ title: 'مدیران' });
    const { shop, services } = await openTestShop(h, 'Parsi', { admins: [admin.id], language: 'fa' });
    await services.flags.set('support_tickets', true);
    await services.settings.set('support_mode', 'tickets', 'tenant');
    group.addBot(shop.bot);
    await services.settings.set('admin_chat_id', group.id, 'tenant');
    const { user: customer, customerId } = await newCustomer(h, shop, 'سارا', { languageCode: 'fa' });
    const screens: string[] = [];
    const keep = (m: SimMessage) => {
      screens.push(textOf(m), ...m.buttons.flat().map((b) => b.text));
      return m;
    };
    keep(await press(shop, customer, 'menu:support', withButton('tkt:new')));
    keep(await press(shop, customer, 'tkt:new', withButton('tkt:x')));
    keep(
      await nextBotMessage(
        h,
        shop,
        customer,
        (m) => textOf(m).startsWith('✅'),
        () => customer.sendText(shop.bot, 'اینترنتم از صبح وصل نمی‌شود'),
      ),
    );
    const [ticket] = await services.tickets.findForCustomer(customerId);
    const toAdmins = keep(await botSays(shop, group, (m) => textOf(m).includes('اینترنتم')));
    await recorded(services, group, toAdmins);
    admin.sendText(shop.bot, 'لطفاً برنامه را به‌روز کنید', { chat: group, replyTo: toAdmins.messageId });
    keep(await botSays(shop, customer, (m) => textOf(m).includes('لطفاً برنامه را به‌روز کنید')));
    keep(await botSays(shop, group, (m) => textOf(m).startsWith('✅')));
    customer.pressButton(shop.bot, 'tkt:list');
    const list = keep(await botSays(shop, customer, (m) => textOf(m).startsWith('📋')));
    customer.pressButton(shop.bot, `tkt:v:${ticket!.id}`);
    keep(await botSays(shop, customer, (m) => m.messageId === list.messageId && textOf(m).startsWith('🎫')));

    for (const screen of screens) {
      expect(screen, screen).not.toMatch(/[A-Za-z0-9]/);
    }
    expect(screens.join('\n')).toContain(
      `#${new Intl.NumberFormat('fa-IR', { useGrouping: false }).format(ticket!.id)}`,
    );
    // the Jalali year of the ticket's date, in Persian digits
    const year = new Intl.DateTimeFormat('fa-IR-u-ca-persian', {
      year: 'numeric',
      timeZone: 'Asia/Tehran',
    }).format(ticket!.createdAt);
    expect(textOf(list)).toContain(/[۰-۹]{4}/.exec(year)![0]);
    expect(/[۰-۹]{4}/.exec(year)![0]).toMatch(/^۱۴/);
  });

  it('with support mode "contact" (the default) the support screen shows no ticket buttons', async () => {
    const admin = person('Contact admin');
    const { shop, services } = await openTestShop(h, 'Contact', { admins: [admin.id] });
    await services.flags.set('support_tickets', true);
    await services.settings.set('support_username', 'contact_me', 'tenant');
    const { user: customer } = await newCustomer(h, shop, 'Asker');
    const support = await press(shop, customer, 'menu:support', (m) => textOf(m).includes('@contact_me'));
    expect(hasButton(support, 'tkt:new')).toBe(false);
    expect(await forge(shop, customer, 'tkt:new')).toBe('Support tickets are not available at the moment.');
  });
});

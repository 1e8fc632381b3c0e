import { and, eq, like } from 'drizzle-orm';
import type { SimGroup, SimMessage, SimUser, WaitForMessageOptions } from '../../sim/telegram/index.js';
import type { TenantServices } from '../../src/app.js';
import type { Database } from '../../src/db/database.js';
import { type Language, ledgerTransactions } from '../../src/db/schema.js';
import { inTenant } from '../../src/db/tenant-tx.js';
import type { BotId, CustomerId } from '../../src/shared/ids.js';
import type { FleetHarness, ShopUnderTest } from './fleet.js';

/*
 * A shop under test as its customers and admins use it, through the Telegram simulator: setting it
 * up, entering it, pressing its buttons and waiting for its answers.
 */

/** The callback data of a message's buttons, row after row. */
export const callbacks = (m: { buttons: { callbackData?: string }[][] }) =>
  m.buttons.flat().flatMap((b) => (b.callbackData ? [b.callbackData] : []));

/** The message has a button with this callback data. */
export const hasButton = (m: SimMessage, data: string) =>
  m.buttons.flat().some((b) => b.callbackData === data);

/** A message predicate: it has a button with this callback data. */
export const withButton = (data: string) => (m: SimMessage) => hasButton(m, data);

/**
 * A shop in `language` (English unless said, for readable assertions), selling on the panel's
 * `squad` when one is given, with `admins` (Telegram ids) as its admins.
 */
export async function openTestShop(
  h: FleetHarness,
  name: string,
  options: { squad?: string; language?: Language; admins?: readonly number[] } = {},
): Promise<{ shop: ShopUnderTest; services: TenantServices }> {
  const shop = await h.addTenant(name, options.admins ? { adminTelegramIds: [...options.admins] } : {});
  const services = h.testApp.app.forTenant(shop.id);
  await services.settings.set('default_language', options.language ?? 'en', 'operator');
  if (options.squad) await services.settings.set('panel_squads', [options.squad], 'operator');
  return { shop, services };
}

/**
 * A shop (see openTestShop) with one admin, a sim user named Ava whose Telegram id `adminId` is the
 * one the shop lists (who has not started the bot yet), and `d`, the admin's driver.
 */
export async function openAdminShop(
  h: FleetHarness,
  name: string,
  adminId: number,
  options: { language?: Language; username?: string } = {},
) {
  const { shop, services } = await openTestShop(h, name, {
    admins: [adminId],
    ...(options.language ? { language: options.language } : {}),
  });
  const admin = h.sim.user({
    id: adminId,
    firstName: 'Ava',
    ...(options.username ? { username: options.username } : {}),
  });
  return { shop, services, admin, d: adminDriver(h, shop, admin) };
}

/** The plan most tests sell: "<name> Monthly", 30 days, 120,000 Toman, 50 GB. */
export async function createMonthlyPlan(
  services: TenantServices,
  name: string,
  extra: { deviceLimit?: number } = {},
) {
  const plan = await services.plans.create({
    name: `${name} Monthly`,
    periodDays: 30,
    price: 120_000,
    trafficGb: 50,
    ...extra,
  });
  if (!plan.ok) throw new Error('plan');
  return plan.value;
}

/** /start until the main menu shows (admins do this too, so the bot may write to them); the customer's id. */
export async function enterShop(h: FleetHarness, shop: ShopUnderTest, user: SimUser): Promise<CustomerId> {
  user.start(shop.bot);
  await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && hasButton(m, 'menu:buy'));
  const customer = await h.testApp.app.forTenant(shop.id).customers.getByTelegramId(user.id);
  return customer!.id as CustomerId;
}

/** A new Telegram user (English-speaking unless said) who went through /start: a customer of the shop. */
export async function newCustomer(
  h: FleetHarness,
  shop: ShopUnderTest,
  firstName: string,
  options: { languageCode?: string; username?: string } = {},
) {
  const user = h.sim.user({
    firstName,
    ...(options.username ? { username: options.username } : {}),
    languageCode: options.languageCode ?? 'en',
  });
  return { user, customerId: await enterShop(h, shop, user) };
}

/** The id of the latest message in a chat with the shop's bot (0 when none), to wait only for newer ones. */
export const latestMessageId = (h: FleetHarness, shop: ShopUnderTest, chat: SimUser | SimGroup) =>
  h.sim.chat(shop.bot, chat).messages.at(-1)?.messageId ?? 0;

/** Does `action`, then resolves to a bot message, newer than those already in the chat, that matches. */
export async function nextBotMessage(
  h: FleetHarness,
  shop: ShopUnderTest,
  user: SimUser,
  match: (m: SimMessage) => boolean,
  action: () => void,
  options: WaitForMessageOptions = {},
) {
  const since = latestMessageId(h, shop, user);
  action();
  return h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && m.messageId > since && match(m), options);
}

/** The latest bot message in the chat whose text includes `text`, waited for if need be. */
export const botMessageWith = (
  h: FleetHarness,
  shop: ShopUnderTest,
  user: SimUser,
  text: string,
  options: WaitForMessageOptions = {},
) => h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && (m.text ?? '').includes(text), options);

/** Presses a button; resolves to the bot's answer to the press (the toast). */
export async function pressForAnswer(h: FleetHarness, shop: ShopUnderTest, user: SimUser, data: string) {
  const pressed = user.pressButton(shop.bot, data);
  return h.sim.waitForCallbackAnswer(pressed.callbackQueryId);
}

/** Presses a button and waits for the message it sits on to show `predicate` (menus edit in place). */
export async function pressForEdit(
  h: FleetHarness,
  shop: ShopUnderTest,
  user: SimUser,
  data: string,
  predicate: (text: string) => boolean,
) {
  const pressed = user.pressButton(shop.bot, data);
  await h.sim.waitForCallbackAnswer(pressed.callbackQueryId);
  return h.sim.waitForMessage(
    shop.bot,
    user,
    (m) => m.messageId === pressed.messageId && predicate(m.text ?? ''),
  );
}

/** The bot's answer to a press (the toast). */
export interface PressAnswer {
  readonly text?: string;
  readonly show_alert?: boolean;
}

let forgedPresses = 0;

/**
 * Delivers a press of `data` that no message offered (a crafted update, or a button of an old
 * message) on message `messageId` of the user's private chat with the bot (its latest message
 * unless said), without waiting for the bot; the callback query's id and that message's id.
 */
export function enqueueForgedPress(
  h: FleetHarness,
  shop: ShopUnderTest,
  user: SimUser,
  data: string,
  options: { messageId?: number } = {},
) {
  const id = `forged-${++forgedPresses}`;
  const messageId = options.messageId ?? latestMessageId(h, shop, user);
  h.sim.enqueueUpdate(shop.bot, {
    callback_query: {
      id,
      from: user.info,
      chat_instance: 'forged',
      data,
      message: {
        message_id: messageId,
        date: Math.floor(Date.now() / 1000),
        chat: { id: user.id, type: 'private', first_name: user.firstName },
        text: 'old',
      },
    },
  });
  return { id, messageId };
}

/**
 * A forged press (see enqueueForgedPress); resolves, once the bot answered it, to the answer and
 * the id of the message it was pressed on.
 */
export async function forgePress(
  h: FleetHarness,
  shop: ShopUnderTest,
  user: SimUser,
  data: string,
  options: { messageId?: number } = {},
) {
  const mark = h.sim.mark();
  const { id, messageId } = enqueueForgedPress(h, shop, user, data, options);
  const call = await h.sim.waitForCall({
    botId: shop.bot.id,
    method: 'answerCallbackQuery',
    since: mark,
    match: (params) => params.callback_query_id === id,
  });
  return { answer: call.params as PressAnswer, messageId };
}

/**
 * A user's (mostly an admin's) conversation with a shop's bot, as the admin-menu tests drive it:
 * /admin, typing, pressing buttons, and presses no message offered.
 */
export function adminDriver(h: FleetHarness, shop: ShopUnderTest, user: SimUser) {
  const latestId = () => latestMessageId(h, shop, user);
  /** The first bot message newer than `since` whose text (or caption) and message match. */
  const next = (since: number, predicate: (text: string, m: SimMessage) => boolean) =>
    h.sim.waitForMessage(
      shop.bot,
      user,
      (m) => m.fromBot && m.messageId > since && predicate(m.text ?? m.caption ?? '', m),
    );
  return {
    latestId,
    next,
    /** /admin; resolves to the admin menu, or to the answer that matches `predicate`. */
    open(predicate: (text: string, m: SimMessage) => boolean = (text) => text.includes('Admin menu')) {
      const since = latestId();
      user.sendCommand(shop.bot, 'admin');
      return next(since, predicate);
    },
    /** Types a message; resolves to the bot's answer that matches. */
    type(text: string, predicate: (text: string, m: SimMessage) => boolean) {
      const since = latestId();
      user.sendText(shop.bot, text);
      return next(since, predicate);
    },
    /** Presses a button; resolves to the toast. */
    press: (data: string) => pressForAnswer(h, shop, user, data),
    /** Presses a button and waits for the message it sits on to show `predicate`. */
    pressTo: (data: string, predicate: (text: string) => boolean) =>
      pressForEdit(h, shop, user, data, predicate),
    /** A press no message offered, on the latest message; see forgePress. */
    forge: (data: string, options: { messageId?: number } = {}) => forgePress(h, shop, user, data, options),
  };
}

/**
 * Menu → top up → the preset `amount` → the payment method's button (`pay:<method>:<amount>:0`);
 * resolves to the bot's answer to that press that matches.
 */
export async function topUpWith(
  h: FleetHarness,
  shop: ShopUnderTest,
  user: SimUser,
  payment: { method: string; amount: number },
  match: (m: SimMessage) => boolean,
  options: WaitForMessageOptions = {},
) {
  const { method, amount } = payment;
  const press = (data: string) => () => user.pressButton(shop.bot, data);
  await nextBotMessage(h, shop, user, withButton(`topup:amt:${amount}`), press('menu:topup'), options);
  await nextBotMessage(
    h,
    shop,
    user,
    withButton(`pay:${method}:${amount}:0`),
    press(`topup:amt:${amount}`),
    options,
  );
  return nextBotMessage(h, shop, user, match, press(`pay:${method}:${amount}:0`), options);
}

/**
 * Menu → Buy → the plan → Buy, with too little balance, then the offer to pay the missing amount;
 * resolves to the purchase's order id once the payment methods for it show the method's button
 * for `missing` (`pay:<method>:<missing>:<order>`).
 */
export async function buyShortOfMoney(
  h: FleetHarness,
  shop: ShopUnderTest,
  user: SimUser,
  planId: number,
  payment: { method: string; missing: number },
  options: WaitForMessageOptions = {},
): Promise<number> {
  const press = (data: string) => () => user.pressButton(shop.bot, data);
  const isOrderButton = (b: { callbackData?: string }) => b.callbackData?.startsWith('topup:order:');
  await nextBotMessage(h, shop, user, withButton(`plan:${planId}:0`), press('menu:buy'), options);
  await nextBotMessage(h, shop, user, withButton(`buy:${planId}:0`), press(`plan:${planId}:0`), options);
  const offer = await nextBotMessage(
    h,
    shop,
    user,
    (m) => m.buttons.flat().some(isOrderButton),
    press(`buy:${planId}:0`),
    options,
  );
  const orderData = offer.buttons.flat().find(isOrderButton)!.callbackData!;
  const orderId = Number(orderData.split(':')[2]);
  await nextBotMessage(
    h,
    shop,
    user,
    withButton(`pay:${payment.method}:${payment.missing}:${orderId}`),
    press(orderData),
    options,
  );
  return orderId;
}

/** The subscription card (a photo) sent to `user` after `since` (a `h.sim.mark()`), under `heading`. */
export const waitForSubscriptionPhoto = (
  h: FleetHarness,
  shop: ShopUnderTest,
  user: SimUser,
  options: { since: number; timeoutMs: number; heading?: string },
) =>
  h.sim.waitForCall({
    botId: shop.bot.id,
    method: 'sendPhoto',
    chatId: user.id,
    since: options.since,
    match: (params) => String(params.caption ?? '').includes(options.heading ?? 'Your subscription is ready'),
    timeoutMs: options.timeoutMs,
  });

/** A customer's ledger rows whose external reference starts with `prefix` (e.g. `stars:`). */
export const ledgerRowsByRef = (db: Database, botId: BotId, customerId: CustomerId, prefix: string) =>
  inTenant(db, botId, (tx) =>
    tx
      .select()
      .from(ledgerTransactions)
      .where(
        and(
          eq(ledgerTransactions.botId, botId),
          eq(ledgerTransactions.customerId, customerId),
          like(ledgerTransactions.externalRef, `${prefix}%`),
        ),
      ),
  );

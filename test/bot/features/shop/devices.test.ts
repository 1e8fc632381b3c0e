import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimMessage, SimUser } from '../../../../sim/telegram/index.js';
import type { TenantServices } from '../../../../src/app.js';
import { deviceName } from '../../../../src/bot/features/shop/devices.js';
import { createTranslator } from '../../../../src/bot/i18n.js';
import { type Device, deviceKey, linkKey } from '../../../../src/modules/subscriptions/devices.js';
import type { Subscription } from '../../../../src/modules/subscriptions/subscriptions-service.js';
import { asOrderId, asPlanId, asSubscriptionId, type OrderId } from '../../../../src/shared/ids.js';
import { BACKENDS } from '../../../support/database.js';
import {
  eventually,
  type FleetHarness,
  type ShopUnderTest,
  startFleetHarness,
} from '../../../support/fleet.js';
import {
  callbacks,
  createMonthlyPlan,
  forgePress,
  newCustomer,
  nextBotMessage,
  openTestShop,
  withButton,
} from '../../../support/shop.js';

/**
 * A subscription's devices and a new link, end to end: the customer presses the card's buttons in
 * the Telegram simulator, the bot asks the Remnawave simulator over HTTP.
 */
describe.each(BACKENDS)('devices and a new link on %s', (backend) => {
  let h: FleetHarness;
  let squad: string;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
    squad = h.panel.addSquad('Devices');
  }, 60_000);
  afterAll(() => h.close());

  async function openShop(name: string, language: 'en' | 'fa' = 'en') {
    const { shop, services } = await openTestShop(h, name, { squad, language });
    const plan = await createMonthlyPlan(services, name, { deviceLimit: 3 });
    return { shop, services, plan };
  }

  const waitForOrder = (services: TenantServices, orderId: OrderId) =>
    eventually(
      async () => (await services.orders.get(orderId))?.status === 'active',
      `order ${orderId}`,
      10_000,
    );

  /** A customer of the shop with a paid, provisioned subscription; the panel user. */
  async function subscribed(
    shop: ShopUnderTest,
    services: TenantServices,
    planId: number,
    firstName: string,
    languageCode = 'en',
  ) {
    const { user, customerId } = await newCustomer(h, shop, firstName, { languageCode });
    await services.ledger.credit({ customerId, amount: 120_000, kind: 'admin_credit', reason: 'test' });
    const bought = await services.orders.purchasePlan({ customerId, planId: asPlanId(planId) });
    if (bought.status !== 'paid') throw new Error(`purchase ${bought.status}`);
    await waitForOrder(services, asOrderId(bought.order.id));
    const subscription = (await services.subscriptions.listForCustomer(customerId))[0]!;
    return { user, customerId, subscription, panelUser: h.panel.getUser(subscription.panelUsername)! };
  }

  /** Presses a button and resolves to the bot's new message that matches. */
  const press = (shop: ShopUnderTest, user: SimUser, data: string, match: (m: SimMessage) => boolean) =>
    nextBotMessage(h, shop, user, match, () => user.pressButton(shop.bot, data));

  /** Presses a button on the message `on`; resolves to the toast and the message once `edited` holds. */
  async function pressOn(
    shop: ShopUnderTest,
    user: SimUser,
    on: SimMessage,
    data: string,
    edited: (text: string) => boolean,
  ) {
    const pressed = user.pressButton(shop.bot, { messageId: on.messageId, button: data });
    const answer = await h.sim.waitForCallbackAnswer(pressed.callbackQueryId);
    const message = await h.sim.waitForMessage(
      shop.bot,
      user,
      (m) => m.messageId === on.messageId && edited(m.text ?? ''),
    );
    return { answer, message };
  }

  /** My subscriptions → the card of the customer's only subscription, with its buttons. */
  const openCard = (shop: ShopUnderTest, user: SimUser, subscription: Subscription) =>
    press(shop, user, 'menu:subscription', withButton(`sub:renew:${subscription.id}`));

  /** A press of a button no message in the chat offers (an old one, or crafted); the bot's answer. */
  async function forge(shop: ShopUnderTest, user: SimUser, data: string) {
    return (await forgePress(h, shop, user, data, { messageId: 1 })).answer;
  }

  /** Device and revoke calls the panel received since `since` (a request log length). */
  const panelChanges = (since: number) =>
    h.panel
      .requests()
      .slice(since)
      .filter((r) => r.path.startsWith('/api/hwid/devices/delete') || r.path.endsWith('/actions/revoke'));

  it('lists the devices, removes one, then all after asking', async () => {
    const { shop, services, plan } = await openShop('Devices');
    const { user, subscription, panelUser } = await subscribed(shop, services, plan.id, 'Dana');
    // an app may send a hwid far longer than the 64 bytes of callback data
    const longHwid = `ios-${'f'.repeat(200)}`;
    h.panel.addDevice(panelUser.id, 'hw-phone', {
      platform: 'Android',
      osVersion: '14',
      deviceModel: 'Pixel 7',
    });
    h.panel.addDevice(panelUser.id, longHwid, {
      platform: 'iOS',
      osVersion: '17.2',
      deviceModel: 'iPhone 15',
    });

    const card = await openCard(shop, user, subscription);
    const id = subscription.id;
    expect(callbacks(card)).toEqual(expect.arrayContaining([`sub:dev:${id}`, `sub:link:${id}`]));

    const list = await press(shop, user, `sub:dev:${id}`, withButton(`sub:dev:${id}:all`));
    expect(list.text).toContain('📱 Devices of Subscription 1: 2 connected, 3 allowed');
    expect(list.text).toMatch(/1\. Android 14 · Pixel 7 · added \d{1,2} \w+ \d{4}/);
    expect(list.text).toContain('2. iOS 17.2 · iPhone 15');
    const phone = `sub:dev:${id}:rm:${deviceKey('hw-phone')}`;
    const tablet = `sub:dev:${id}:rm:${deviceKey(longHwid)}`;
    expect(callbacks(list)).toEqual([phone, tablet, `sub:dev:${id}:all`, `sub:open:${id}`]);
    expect(list.buttons.flat()[0]?.text).toBe('❌ 1. Android 14 · Pixel 7');
    for (const data of callbacks(list)) expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);

    const removed = await pressOn(shop, user, list, phone, (text) => text.includes('1 connected'));
    expect(removed.answer.text).toBe('✅ Device removed.');
    expect(removed.message.text).toContain('1. iOS 17.2 · iPhone 15');
    expect(callbacks(removed.message)).toEqual([tablet, `sub:dev:${id}:all`, `sub:open:${id}`]);
    expect(h.panel.getUser(panelUser.id)?.devices.map((d) => d.hwid)).toEqual([longHwid]);

    // "remove all" asks first, naming how many; Back returns to the list
    const asked = await pressOn(shop, user, removed.message, `sub:dev:${id}:all`, (text) =>
      text.startsWith('Remove all devices of Subscription 1 (1)?'),
    );
    expect(callbacks(asked.message)).toEqual([`sub:dev:${id}:all:yes`, `sub:dev:${id}:list`]);
    expect(h.panel.getUser(panelUser.id)?.devices).toHaveLength(1);
    const back = await pressOn(shop, user, asked.message, `sub:dev:${id}:list`, (text) =>
      text.includes('1 connected'),
    );
    const again = await pressOn(shop, user, back.message, `sub:dev:${id}:all`, (text) =>
      text.startsWith('Remove all'),
    );
    const emptied = await pressOn(shop, user, again.message, `sub:dev:${id}:all:yes`, (text) =>
      text.includes('No device has connected'),
    );
    expect(emptied.answer.text).toBe('✅ All devices were removed.');
    expect(emptied.message.text).toContain('0 connected, 3 allowed');
    expect(callbacks(emptied.message)).toEqual([`sub:open:${id}`]);
    expect(h.panel.getUser(panelUser.id)?.devices).toEqual([]);

    // a remove button of an old list: the device is gone already, nothing else is removed
    h.panel.addDevice(panelUser.id, 'hw-new');
    expect((await forge(shop, user, phone)).text).toBe('This device was removed already.');
    expect(h.panel.getUser(panelUser.id)?.devices.map((d) => d.hwid)).toEqual(['hw-new']);
  });

  it('shows Persian customers the list in Persian, with Jalali dates and Persian digits', async () => {
    const { shop, services, plan } = await openShop('Dastgah', 'fa');
    const { user, customerId, subscription, panelUser } = await subscribed(
      shop,
      services,
      plan.id,
      'Sara',
      'fa',
    );
    await services.customers.setLanguage(customerId, 'fa');
    h.panel.addDevice(panelUser.id, 'hw-1', { platform: 'Android', osVersion: '14', deviceModel: 'Pixel 7' });

    await openCard(shop, user, subscription);
    const list = await press(
      shop,
      user,
      `sub:dev:${subscription.id}`,
      withButton(`sub:dev:${subscription.id}:all`),
    );
    const text = list.text ?? '';
    expect(text).toContain('📱 دستگاه‌های اشتراک ۱: ۱ متصل، ۳ مجاز');
    expect(text).toContain('۱. اندروید ۱۴ · Pixel 7 · افزوده‌شده در');
    const jalaliYear = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { year: 'numeric' }).format(new Date());
    expect(text).toContain(jalaliYear);
    // no English and no Latin digits, but for the model the phone reports about itself
    expect(text.replace('Pixel 7', '')).not.toMatch(/[A-Za-z0-9]/);
    expect(list.buttons.flat().map((b) => b.text)).toEqual([
      '❌ ۱. اندروید ۱۴ · Pixel 7',
      '🗑 حذف همه دستگاه‌ها',
      '⬅️ بازگشت',
    ]);
  });

  it('gives a new link after a confirmation, with its QR code, once for a repeated confirmation', async () => {
    const { shop, services, plan } = await openShop('Relink');
    const { user, subscription, panelUser } = await subscribed(shop, services, plan.id, 'Reza');
    h.panel.addDevice(panelUser.id, 'hw-1');
    const id = subscription.id;
    const oldUrl = subscription.subscriptionUrl!;
    expect(oldUrl).toBe(panelUser.subscriptionUrl);

    await openCard(shop, user, subscription);
    const confirmData = `sub:link:${id}:${linkKey(subscription)}`;
    const confirm = await press(shop, user, `sub:link:${id}`, withButton(confirmData));
    expect(confirm.text).toContain('Your current link stops working at once');
    expect(callbacks(confirm)).toEqual([confirmData, `sub:link:${id}:no`]);
    expect(h.panel.getUser(panelUser.id)?.shortUuid).toBe(panelUser.shortUuid);

    const since = h.panel.requests().length;
    const mark = h.sim.mark();
    user.pressButton(shop.bot, { messageId: confirm.messageId, button: confirmData });
    const sent = await h.sim.waitForCall({
      botId: shop.bot.id,
      method: 'sendPhoto',
      chatId: user.id,
      since: mark,
      match: (params) => String(params.caption ?? '').includes('Here is your new link'),
    });
    const renewed = h.panel.getUser(panelUser.id)!;
    expect(renewed.shortUuid).not.toBe(panelUser.shortUuid);
    expect(String(sent.params.caption)).toContain(renewed.subscriptionUrl);
    expect(String(sent.params.caption)).not.toContain(oldUrl);
    expect((await services.subscriptions.get(asSubscriptionId(id)))?.subscriptionUrl).toBe(
      renewed.subscriptionUrl,
    );
    // the old link is dead, the new one works, the devices stay
    expect((await fetch(oldUrl)).status).toBe(404);
    expect((await fetch(renewed.subscriptionUrl)).status).toBe(200);
    expect(renewed.devices.map((d) => d.hwid)).toEqual(['hw-1']);
    await eventually(
      () =>
        h.sim
          .chat(shop.bot, user)
          .messages.some((m) => m.messageId === confirm.messageId && m.buttons.length === 0),
      'the confirmation to lose its buttons',
    );

    // the same confirmation again (the update delivered twice): the link made above, not another
    const later = h.sim.mark();
    await forge(shop, user, confirmData);
    const current = await h.sim.waitForCall({
      botId: shop.bot.id,
      method: 'sendPhoto',
      chatId: user.id,
      since: later,
      match: (params) => String(params.caption ?? '').includes('This is your current link'),
    });
    expect(String(current.params.caption)).toContain(renewed.subscriptionUrl);
    expect(h.panel.getUser(panelUser.id)?.shortUuid).toBe(renewed.shortUuid);
    expect(panelChanges(since).filter((r) => r.path.endsWith('/actions/revoke'))).toHaveLength(1);
  });

  it('leaves the link as it is when the customer cancels', async () => {
    const { shop, services, plan } = await openShop('Cancel');
    const { user, subscription, panelUser } = await subscribed(shop, services, plan.id, 'Kian');
    await openCard(shop, user, subscription);
    const confirm = await press(
      shop,
      user,
      `sub:link:${subscription.id}`,
      withButton(`sub:link:${subscription.id}:no`),
    );
    const { message } = await pressOn(shop, user, confirm, `sub:link:${subscription.id}:no`, (text) =>
      text.includes('Your link is unchanged'),
    );
    expect(message.buttons).toEqual([]);
    expect(h.panel.getUser(panelUser.id)?.shortUuid).toBe(panelUser.shortUuid);
  });

  it('keeps the devices through a renewal', async () => {
    const { shop, services, plan } = await openShop('Renewal');
    const { customerId, subscription, panelUser } = await subscribed(shop, services, plan.id, 'Nima');
    h.panel.addDevice(panelUser.id, 'hw-1', { platform: 'Android' });
    h.panel.addDevice(panelUser.id, 'hw-2');
    await services.ledger.credit({ customerId, amount: 120_000, kind: 'admin_credit', reason: 'test' });
    const since = h.panel.requests().length;
    const renewal = await services.orders.purchasePlan({
      customerId,
      planId: asPlanId(plan.id),
      subscriptionId: asSubscriptionId(subscription.id),
    });
    if (renewal.status !== 'paid') throw new Error(`renewal ${renewal.status}`);
    expect(renewal.order.kind).toBe('renewal');
    await waitForOrder(services, asOrderId(renewal.order.id));
    const after = h.panel.getUser(panelUser.id)!;
    expect(after.expireAt.getTime()).toBeGreaterThan(panelUser.expireAt.getTime());
    expect(after.devices.map((d) => d.hwid)).toEqual(['hw-1', 'hw-2']);
    expect(after.shortUuid).toBe(panelUser.shortUuid);
    expect(panelChanges(since)).toEqual([]);
  });

  it('hides the buttons while a switch is off, and answers an old button politely', async () => {
    const { shop, services, plan } = await openShop('Switches');
    const { user, subscription, panelUser } = await subscribed(shop, services, plan.id, 'Omid');
    h.panel.addDevice(panelUser.id, 'hw-1');
    const id = subscription.id;
    await services.flags.set('subscription_devices', false);
    await services.flags.set('subscription_new_link', false);
    try {
      const card = await openCard(shop, user, subscription);
      expect(
        callbacks(card).filter((data) => data.startsWith('sub:dev') || data.startsWith('sub:link')),
      ).toEqual([]);
      const since = h.panel.requests().length;
      for (const data of [
        `sub:dev:${id}`,
        `sub:dev:${id}:rm:${deviceKey('hw-1')}`,
        `sub:dev:${id}:all:yes`,
        `sub:link:${id}`,
        `sub:link:${id}:${linkKey(subscription)}`,
      ]) {
        expect(await forge(shop, user, data), data).toEqual(
          expect.objectContaining({ text: 'This option is not available in this shop.', show_alert: true }),
        );
      }
      expect(panelChanges(since)).toEqual([]);
      expect(h.panel.getUser(panelUser.id)).toMatchObject({
        shortUuid: panelUser.shortUuid,
        devices: [{ hwid: 'hw-1' }],
      });
    } finally {
      await services.flags.set('subscription_devices', true);
      await services.flags.set('subscription_new_link', true);
    }
    // one switch alone: devices off, a new link still offered
    await services.flags.set('subscription_devices', false);
    const card = await openCard(shop, user, subscription);
    expect(callbacks(card)).toContain(`sub:link:${id}`);
    expect(callbacks(card)).not.toContain(`sub:dev:${id}`);
    await services.flags.set('subscription_devices', true);
  });

  it('tells the customer when the panel is down, and changes nothing', async () => {
    const { shop, services, plan } = await openShop('Outage');
    const { user, subscription, panelUser } = await subscribed(shop, services, plan.id, 'Taha');
    h.panel.addDevice(panelUser.id, 'hw-1');
    const id = subscription.id;
    await openCard(shop, user, subscription);
    const confirm = await press(shop, user, `sub:link:${id}`, withButton(`sub:link:${id}:no`));
    await h.panel.setDown(true);
    try {
      const polite = 'The server is not answering right now. Please try again in a few minutes.';
      for (const data of [`sub:dev:${id}`, `sub:dev:${id}:all:yes`]) {
        expect(await forge(shop, user, data), data).toEqual(
          expect.objectContaining({ text: polite, show_alert: true }),
        );
      }
      const pressed = user.pressButton(shop.bot, {
        messageId: confirm.messageId,
        button: `sub:link:${id}:${linkKey(subscription)}`,
      });
      expect(await h.sim.waitForCallbackAnswer(pressed.callbackQueryId)).toMatchObject({ text: polite });
    } finally {
      await h.panel.setDown(false);
    }
    expect(h.panel.getUser(panelUser.id)).toMatchObject({
      shortUuid: panelUser.shortUuid,
      devices: [{ hwid: 'hw-1' }],
    });
    expect((await services.subscriptions.get(asSubscriptionId(id)))?.subscriptionUrl).toBe(
      subscription.subscriptionUrl,
    );
    // the confirmation kept its buttons: once the panel is back, the same press works
    const mark = h.sim.mark();
    user.pressButton(shop.bot, {
      messageId: confirm.messageId,
      button: `sub:link:${id}:${linkKey(subscription)}`,
    });
    await h.sim.waitForCall({
      botId: shop.bot.id,
      method: 'sendPhoto',
      chatId: user.id,
      since: mark,
      match: (params) => String(params.caption ?? '').includes('Here is your new link'),
    });
    expect(h.panel.getUser(panelUser.id)?.shortUuid).not.toBe(panelUser.shortUuid);
  });

  it("never reaches another customer's subscription, nor another shop's", async () => {
    const a = await openShop('Alpha');
    const b = await openShop('Beta');
    const owner = await subscribed(a.shop, a.services, a.plan.id, 'Ava');
    h.panel.addDevice(owner.panelUser.id, 'hw-1');
    const stranger = await newCustomer(h, a.shop, 'Mallory');
    const other = await subscribed(b.shop, b.services, b.plan.id, 'Bea');
    const id = owner.subscription.id;
    const since = h.panel.requests().length;

    const unavailable = expect.objectContaining({
      text: 'This subscription is no longer available.',
      show_alert: true,
    });
    for (const [shop, user] of [
      [a.shop, stranger.user],
      [b.shop, other.user],
    ] as const) {
      for (const data of [
        `sub:dev:${id}`,
        `sub:dev:${id}:rm:${deviceKey('hw-1')}`,
        `sub:dev:${id}:all`,
        `sub:dev:${id}:all:yes`,
        `sub:link:${id}`,
        `sub:link:${id}:${linkKey(owner.subscription)}`,
      ])
        expect(await forge(shop, user, data), data).toEqual(unavailable);
    }
    expect(panelChanges(since)).toEqual([]);
    expect(h.panel.getUser(owner.panelUser.id)).toMatchObject({
      shortUuid: owner.panelUser.shortUuid,
      devices: [{ hwid: 'hw-1' }],
    });
    expect((await a.services.subscriptions.get(asSubscriptionId(id)))?.subscriptionUrl).toBe(
      owner.subscription.subscriptionUrl,
    );
    // and the other shop's own customer still reaches their own
    const theirs = await forge(b.shop, other.user, `sub:dev:${other.subscription.id}`);
    expect(theirs.text).toBeUndefined();
  });
});

describe('the name a device is listed under', () => {
  const translator = createTranslator();
  const device = (fields: Partial<Device>): Device => ({
    key: 'AAAAAAAA',
    platform: null,
    osVersion: null,
    model: null,
    addedAt: null,
    ...fields,
  });

  it('puts what an app reports on one short line, with no way to turn the text around', () => {
    const en = { t: translator.forLanguage('en'), language: 'en' as const };
    const model = `Evil\n\u202Eenohp\u0000${'x'.repeat(60)}`;
    const name = deviceName(device({ platform: 'ANDROID', osVersion: '14', model }), en);
    expect(name).toMatch(/^Android 14 · Evil enohp\uFFFDx+…$/);
    expect(name.length).toBeLessThanOrEqual('Android 14 · '.length + 32);
    expect(deviceName(device({ platform: 'HarmonyOS', model: '  ' }), en)).toBe('HarmonyOS');
    expect(deviceName(device({}), en)).toBe('Unknown device');
    const fa = { t: translator.forLanguage('fa'), language: 'fa' as const };
    expect(deviceName(device({ platform: 'iOS', osVersion: '17.2' }), fa)).toBe('آی‌اواس ۱۷.۲');
  });
});

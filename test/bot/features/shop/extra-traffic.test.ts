import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimMessage, SimUser } from '../../../../sim/telegram/index.js';
import type { TenantServices } from '../../../../src/app.js';
import { subscriptions } from '../../../../src/db/schema.js';
import { inTenant } from '../../../../src/db/tenant-tx.js';
import type { Pack, PackInput } from '../../../../src/modules/packs/packs-service.js';
import type { Subscription } from '../../../../src/modules/subscriptions/subscriptions-service.js';
import {
  asOrderId,
  asPlanId,
  asSubscriptionId,
  type CustomerId,
  type OrderId,
} from '../../../../src/shared/ids.js';
import { BACKENDS } from '../../../support/database.js';
import {
  eventually,
  type FleetHarness,
  type ShopUnderTest,
  startFleetHarness,
} from '../../../support/fleet.js';
import {
  botMessageWith,
  callbacks,
  enterShop,
  forgePress,
  hasButton,
  newCustomer,
  nextBotMessage,
  openTestShop,
  withButton,
} from '../../../support/shop.js';

const DAY = 86_400_000;
const GIB = 1024 ** 3;

describe.each(BACKENDS)('extra traffic and day packs on %s', (backend) => {
  let h: FleetHarness;
  let squad: string;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
    squad = h.panel.addSquad('Germany');
  }, 60_000);
  afterAll(() => h.close());

  /** A shop in `language` selling a 30-day plan of `trafficGb` GB, a 10 GB pack and a 30-day pack. */
  async function openShop(
    name: string,
    options: { trafficGb?: number; language?: 'en' | 'fa'; admins?: SimUser[] } = {},
  ) {
    const { shop, services } = await openTestShop(h, name, {
      squad,
      ...(options.language ? { language: options.language } : {}),
      ...(options.admins ? { admins: options.admins.map((admin) => admin.id) } : {}),
    });
    const plan = await services.plans.create({
      name: `${name} Monthly`,
      periodDays: 30,
      price: 120_000,
      trafficGb: options.trafficGb ?? 50,
    });
    if (!plan.ok) throw new Error('plan');
    const traffic = await pack(services, { kind: 'traffic', amount: 10, price: 50_000 });
    const days = await pack(services, { kind: 'days', amount: 30, price: 90_000 });
    return { shop, services, plan: plan.value, traffic, days };
  }

  async function pack(services: TenantServices, input: PackInput): Promise<Pack> {
    const created = await services.packs.create(input);
    if (!created.ok) throw new Error(created.error.message);
    return created.value;
  }

  /** Waits for the order to reach `status`; a timeout says where it is stuck and why. */
  async function waitForOrder(services: TenantServices, orderId: OrderId, status = 'active') {
    try {
      await eventually(async () => (await services.orders.get(orderId))?.status === status, 'order', 10_000);
    } catch {
      const order = await services.orders.get(orderId);
      throw new Error(
        `order ${orderId} is ${order?.status}, not ${status}: ${order?.lastError ?? 'no error'}`,
      );
    }
  }

  /** A customer of the shop with a paid, provisioned subscription of its plan; the panel user. */
  async function subscribed(
    shop: ShopUnderTest,
    services: TenantServices,
    planId: number,
    firstName: string,
  ) {
    const { user, customerId } = await newCustomer(h, shop, firstName);
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

  /** My subscriptions → the card (its only subscription) with its buttons. */
  const openCard = (shop: ShopUnderTest, user: SimUser, subscription: Subscription) =>
    press(shop, user, 'menu:subscription', withButton(`sub:renew:${subscription.id}`));

  /** Card → the packs of a kind → one pack; resolves to the confirm message. */
  async function choosePack(shop: ShopUnderTest, user: SimUser, subscription: Subscription, chosen: Pack) {
    const kind = chosen.kind;
    await openCard(shop, user, subscription);
    const list = await press(
      shop,
      user,
      `pack:${kind}:${subscription.id}`,
      withButton(`pack:${kind}:${subscription.id}:${chosen.id}`),
    );
    const confirm = await press(
      shop,
      user,
      `pack:${kind}:${subscription.id}:${chosen.id}`,
      withButton(`pack:${kind}:${subscription.id}:${chosen.id}:buy`),
    );
    return { list, confirm };
  }

  /** Card → pack → confirm → Pay; resolves to the paid pack order once it is applied on the panel. */
  async function buyPack(
    shop: ShopUnderTest,
    services: TenantServices,
    user: SimUser,
    subscription: Subscription,
    chosen: Pack,
  ) {
    await choosePack(shop, user, subscription, chosen);
    const paid = await press(shop, user, `pack:${chosen.kind}:${subscription.id}:${chosen.id}:buy`, (m) =>
      (m.text ?? '').startsWith('✅ Paid'),
    );
    const order = (await services.orders.findByCustomer(subscription.customerId as CustomerId))[0]!;
    expect(order).toMatchObject({ packId: chosen.id, subscriptionId: subscription.id });
    await waitForOrder(services, asOrderId(order.id));
    return { paid, order };
  }

  /** A press of a button no message in the chat offers (an old one, or crafted); the bot's answer. */
  async function forge(shop: ShopUnderTest, user: SimUser, data: string) {
    return (await forgePress(h, shop, user, data, { messageId: 1 })).answer;
  }

  it('adds a traffic pack from the balance: an absolute new limit on the panel, the shop wallet pays its GB', async () => {
    const { shop, services, plan, traffic } = await openShop('Extra');
    expect((await services.wallet.setWholesalePrice(1_000)).ok).toBe(true);
    expect((await services.wallet.topUp({ amount: 1_000_000, reason: 'test' })).status).toBe('posted');
    const { user, customerId, subscription, panelUser } = await subscribed(shop, services, plan.id, 'Bahar');
    expect(panelUser.trafficLimitBytes).toBe(50 * GIB);
    h.panel.setUsage(panelUser.username, 20 * GIB);
    await services.ledger.credit({ customerId, amount: 60_000, kind: 'admin_credit', reason: 'test' });

    const card = await openCard(shop, user, subscription);
    expect(callbacks(card)).toEqual(
      expect.arrayContaining([`pack:traffic:${subscription.id}`, `pack:days:${subscription.id}`]),
    );
    const { list, confirm } = await choosePack(shop, user, subscription, traffic);
    expect(list.text).toContain('📶 Extra traffic for Subscription 1');
    expect(list.text).toContain('of 50 GB');
    expect(list.buttons.flat().find((b) => b.callbackData?.endsWith(`:${traffic.id}`))?.text).toBe(
      '➕ 10 GB · 50,000 Toman',
    );
    expect(confirm.text).toContain('📶 10 GB of extra traffic for Subscription 1');
    expect(confirm.text).toContain('Price: 50,000 Toman');
    expect(confirm.text).toContain('Your balance: 60,000 Toman');

    const { paid, order } = await buyPack(shop, services, user, subscription, traffic);
    expect(paid.text).toContain('Paid 50,000 Toman for 10 GB extra');
    expect(order).toMatchObject({ kind: 'traffic_pack', price: 50_000, trafficGb: 10, periodDays: 0 });

    // the panel holds the absolute new limit; expiry, usage and devices are left alone
    expect(h.panel.getUser(panelUser.username)).toMatchObject({
      id: panelUser.id,
      trafficLimitBytes: 60 * GIB,
      usedTrafficBytes: 20 * GIB,
      status: 'ACTIVE',
      expireAt: panelUser.expireAt,
      hwidDeviceLimit: panelUser.hwidDeviceLimit,
    });
    expect((await services.subscriptions.get(subscription.id))?.trafficLimitBytes).toBe(60 * GIB);
    expect(await services.ledger.balance(customerId)).toBe(10_000);
    // 50 GB for the plan, then 10 GB for the pack, at 1,000 a GB
    expect(await services.wallet.balance()).toBe(1_000_000 - 50_000 - 10_000);
    const charge = (await services.wallet.entries()).find((entry) => entry.orderId === order.id);
    expect(charge).toMatchObject({ amount: -10_000, bytes: 10 * GIB });
    expect((await services.wallet.audit()).consistent).toBe(true);
  });

  it('makes a LIMITED panel user ACTIVE again once the new limit allows', async () => {
    const { shop, services, plan, traffic } = await openShop('Limited');
    const { user, customerId, subscription, panelUser } = await subscribed(shop, services, plan.id, 'Leila');
    h.panel.setUsage(panelUser.username, 50 * GIB);
    h.panel.runSweeps();
    expect(h.panel.getUser(panelUser.username)?.status).toBe('LIMITED');
    await services.ledger.credit({ customerId, amount: 50_000, kind: 'admin_credit', reason: 'test' });

    await buyPack(shop, services, user, subscription, traffic);
    expect(h.panel.getUser(panelUser.username)).toMatchObject({
      status: 'ACTIVE',
      trafficLimitBytes: 60 * GIB,
    });
    // the panel's own sweep agrees: 50 GB used of 60 is within the limit
    h.panel.runSweeps();
    expect(h.panel.getUser(panelUser.username)?.status).toBe('ACTIVE');
  });

  it('raises the limit of an EXPIRED user, which stays expired until a day pack makes it ACTIVE from today', async () => {
    const { shop, services, plan, traffic, days } = await openShop('Expired');
    const { user, customerId, subscription, panelUser } = await subscribed(shop, services, plan.id, 'Ehsan');
    const past = new Date(Date.now() - 3 * DAY);
    await inTenant(h.testApp.database.handle.db, shop.id, (tx) =>
      tx.update(subscriptions).set({ expiresAt: past }).where(eq(subscriptions.id, subscription.id)),
    );
    h.panel.patchUser(panelUser.username, { expireAt: past, status: 'EXPIRED' });
    await services.ledger.credit({ customerId, amount: 140_000, kind: 'admin_credit', reason: 'test' });

    await buyPack(shop, services, user, subscription, traffic);
    expect(h.panel.getUser(panelUser.username)).toMatchObject({
      trafficLimitBytes: 60 * GIB,
      expireAt: past,
    });
    h.panel.runSweeps();
    expect(h.panel.getUser(panelUser.username)?.status).toBe('EXPIRED');

    const before = Date.now();
    const { order } = await buyPack(shop, services, user, subscription, days);
    expect(order).toMatchObject({ kind: 'day_pack', periodDays: 30, trafficGb: 0, price: 90_000 });
    const renewed = h.panel.getUser(panelUser.username)!;
    // from today, not from the old expiry
    expect(renewed.expireAt.getTime()).toBeGreaterThanOrEqual(before + 30 * DAY);
    expect(renewed.expireAt.getTime()).toBeLessThanOrEqual(Date.now() + 30 * DAY);
    expect(renewed).toMatchObject({ status: 'ACTIVE', trafficLimitBytes: 60 * GIB });
    h.panel.runSweeps();
    expect(h.panel.getUser(panelUser.username)?.status).toBe('ACTIVE');
    expect((await services.subscriptions.get(subscription.id))?.expiresAt?.getTime()).toBe(
      renewed.expireAt.getTime(),
    );
    expect(await services.ledger.balance(customerId)).toBe(0);
  });

  it('extends an active subscription from its current expiry with a day pack', async () => {
    const { shop, services, plan, days } = await openShop('Days');
    const { user, customerId, subscription, panelUser } = await subscribed(shop, services, plan.id, 'Dina');
    await services.ledger.credit({ customerId, amount: 90_000, kind: 'admin_credit', reason: 'test' });
    const { list } = await choosePack(shop, user, subscription, days);
    expect(list.text).toContain('⏳ Extra days for Subscription 1');
    expect(list.text).toMatch(/Expires: .+ \((30|29) days left\)/);
    await buyPack(shop, services, user, subscription, days);
    expect(h.panel.getUser(panelUser.username)?.expireAt.getTime()).toBe(
      panelUser.expireAt.getTime() + 30 * DAY,
    );
  });

  it('offers the payment methods when the balance is short, and completes the pack once a card payment is approved', async () => {
    const admin = h.sim.user({ firstName: 'Admin', languageCode: 'en' });
    const { shop, services, plan, traffic } = await openShop('Card', { admins: [admin] });
    await enterShop(h, shop, admin);
    const card = await services.cards.create({ cardNumber: '6037991234567893', holderName: 'Holder' });
    if (!card.ok) throw new Error('card');
    const { user, customerId, subscription, panelUser } = await subscribed(shop, services, plan.id, 'Kian');
    await services.ledger.credit({ customerId, amount: 20_000, kind: 'admin_credit', reason: 'test' });

    await choosePack(shop, user, subscription, traffic);
    const offer = await press(shop, user, `pack:traffic:${subscription.id}:${traffic.id}:buy`, (m) =>
      (m.text ?? '').includes('is missing'),
    );
    expect(offer.text).toContain('30,000 Toman is missing');
    const order = (await services.orders.findByCustomer(customerId))[0]!;
    expect(order).toMatchObject({ kind: 'traffic_pack', status: 'created', packId: traffic.id });
    expect(await services.ledger.balance(customerId)).toBe(20_000);

    await press(shop, user, `topup:order:${order.id}`, withButton(`pay:card:30000:${order.id}`));
    await press(shop, user, `pay:card:30000:${order.id}`, withButton('c2c:cancel'));
    user.sendText(shop.bot, 'Transfer 30000 ref 55501');
    await botMessageWith(h, shop, user, 'Receipt received');
    const [payment] = await services.cardPayments.findPending();
    const receipt = await h.sim.waitForMessage(
      shop.bot,
      admin,
      (m) => m.fromBot && hasButton(m, `c2c:ok:${payment!.id}`),
      { timeoutMs: 5000 },
    );
    admin.pressButton(shop.bot, { messageId: receipt.messageId, button: `c2c:ok:${payment!.id}` });

    await waitForOrder(services, asOrderId(order.id));
    expect(h.panel.getUser(panelUser.username)?.trafficLimitBytes).toBe(60 * GIB);
    expect(await services.ledger.balance(customerId)).toBe(0);
  });

  it('buys once however often Confirm is pressed', async () => {
    const { shop, services, plan, traffic } = await openShop('Double');
    const { user, customerId, subscription, panelUser } = await subscribed(shop, services, plan.id, 'Dara');
    await services.ledger.credit({ customerId, amount: 150_000, kind: 'admin_credit', reason: 'test' });
    const { confirm } = await choosePack(shop, user, subscription, traffic);
    const button = `pack:traffic:${subscription.id}:${traffic.id}:buy`;
    const first = user.pressButton(shop.bot, { messageId: confirm.messageId, button });
    const second = user.pressButton(shop.bot, { messageId: confirm.messageId, button });
    await h.sim.waitForCallbackAnswer(first.callbackQueryId);
    expect((await h.sim.waitForCallbackAnswer(second.callbackQueryId)).text).toContain(
      'already being processed',
    );

    const packOrders = (await services.orders.findByCustomer(customerId)).filter(
      (o) => o.kind === 'traffic_pack',
    );
    expect(packOrders).toHaveLength(1);
    await waitForOrder(services, asOrderId(packOrders[0]!.id));
    expect(await services.ledger.balance(customerId)).toBe(100_000);
    expect(h.panel.getUser(panelUser.username)?.trafficLimitBytes).toBe(60 * GIB);
  });

  it('refuses a traffic pack for an unlimited subscription, and offers only days there', async () => {
    const { shop, services, plan, traffic } = await openShop('Unlimited', { trafficGb: 0 });
    const { user, customerId, subscription } = await subscribed(shop, services, plan.id, 'Umid');
    await services.ledger.credit({ customerId, amount: 100_000, kind: 'admin_credit', reason: 'test' });
    const card = await openCard(shop, user, subscription);
    expect(callbacks(card)).toContain(`pack:days:${subscription.id}`);
    expect(callbacks(card)).not.toContain(`pack:traffic:${subscription.id}`);

    for (const data of [
      `pack:traffic:${subscription.id}`,
      `pack:traffic:${subscription.id}:${traffic.id}:buy`,
    ]) {
      expect(await forge(shop, user, data)).toMatchObject({
        text: 'This subscription has unlimited traffic: there is nothing to add.',
        show_alert: true,
      });
    }
    const direct = await services.orders.purchasePack({
      customerId,
      packId: traffic.id,
      subscriptionId: asSubscriptionId(subscription.id),
    });
    expect(direct.status).toBe('subscription_unavailable');
    expect((await services.orders.findByCustomer(customerId)).map((o) => o.kind)).toEqual(['purchase']);
    expect(await services.ledger.balance(customerId)).toBe(100_000);
  });

  it('hides a button while its switch is off or the shop sells no active pack of its kind', async () => {
    const { shop, services, plan, traffic, days } = await openShop('Hidden');
    const { user, customerId, subscription } = await subscribed(shop, services, plan.id, 'Hana');
    await services.ledger.credit({ customerId, amount: 100_000, kind: 'admin_credit', reason: 'test' });
    const buttonsOnCard = async () => callbacks(await openCard(shop, user, subscription));

    await services.flags.set('traffic_packs', false);
    expect(await buttonsOnCard()).not.toContain(`pack:traffic:${subscription.id}`);
    expect(await buttonsOnCard()).toContain(`pack:days:${subscription.id}`);
    // a button drawn before the switch went off is refused, and buys nothing
    expect((await forge(shop, user, `pack:traffic:${subscription.id}:${traffic.id}:buy`)).text).toBe(
      'No packs of this kind are on sale right now.',
    );

    await services.flags.set('traffic_packs', true);
    await services.packs.deactivate(days.id);
    const shown = await buttonsOnCard();
    expect(shown).toContain(`pack:traffic:${subscription.id}`);
    expect(shown).not.toContain(`pack:days:${subscription.id}`);
    expect((await forge(shop, user, `pack:days:${subscription.id}:${days.id}:buy`)).text).toBe(
      'This pack is no longer on sale.',
    );
    expect(await forge(shop, user, `pack:days:${subscription.id}`)).toMatchObject({
      text: 'No packs of this kind are on sale right now.',
      show_alert: true,
    });
    expect((await services.orders.findByCustomer(customerId)).map((o) => o.kind)).toEqual(['purchase']);
  });

  it('speaks Persian: Persian digits, Toman and Jalali dates', async () => {
    const { shop, services, plan, traffic, days } = await openShop('Farsi', { language: 'fa' });
    const { user, customerId, subscription } = await subscribed(shop, services, plan.id, 'Sara');
    await services.customers.setLanguage(customerId, 'fa');
    const { list, confirm } = await choosePack(shop, user, subscription, traffic);
    expect(list.buttons.flat().find((b) => b.callbackData?.endsWith(`:${traffic.id}`))?.text).toBe(
      '➕ ۱۰ گیگابایت · ۵۰٬۰۰۰ تومان',
    );
    for (const message of [list, confirm]) expect(message.text).not.toMatch(/[A-Za-z0-9]/);
    const dayList = (await choosePack(shop, user, subscription, days)).list;
    const jalaliYear = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { year: 'numeric' }).format(
      subscription.expiresAt!,
    );
    expect(dayList.text).toContain(jalaliYear);
    expect(dayList.text).not.toMatch(/[A-Za-z0-9]/);
  });

  it("never sells one shop's pack or touches its subscription from another shop", async () => {
    const a = await openShop('PackAlpha');
    const b = await openShop('PackBeta');
    const bob = await subscribed(b.shop, b.services, b.plan.id, 'Bob');
    const ava = await subscribed(a.shop, a.services, a.plan.id, 'Ava');
    await a.services.ledger.credit({
      customerId: ava.customerId,
      amount: 500_000,
      kind: 'admin_credit',
      reason: 't',
    });
    const bobBefore = await b.services.subscriptions.get(bob.subscription.id);

    // B's subscription under A's pack, and A's subscription under B's pack
    const refusals = [
      await forge(a.shop, ava.user, `pack:traffic:${bob.subscription.id}:${a.traffic.id}:buy`),
      await forge(a.shop, ava.user, `pack:traffic:${bob.subscription.id}`),
      await forge(a.shop, ava.user, `pack:traffic:${ava.subscription.id}:${b.traffic.id}:buy`),
    ];
    expect(refusals.map((r) => r.text)).toEqual([
      'This subscription cannot take this pack.',
      'This subscription cannot take this pack.',
      'This pack is no longer on sale.',
    ]);
    const { list } = await choosePack(a.shop, ava.user, ava.subscription, a.traffic);
    expect(callbacks(list).filter((data) => data.startsWith('pack:'))).toEqual([
      `pack:traffic:${ava.subscription.id}:${a.traffic.id}`,
    ]);
    expect((await a.services.orders.findByCustomer(ava.customerId)).map((o) => o.kind)).toEqual(['purchase']);
    expect(await b.services.subscriptions.get(bob.subscription.id)).toEqual(bobBefore);
    expect(h.panel.getUser(bob.panelUser.username)?.trafficLimitBytes).toBe(50 * GIB);
    expect(await b.services.orders.findByCustomer(bob.customerId)).toHaveLength(1);
  });
});

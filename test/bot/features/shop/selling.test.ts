import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimUser } from '../../../../sim/telegram/index.js';
import { orders, subscriptions } from '../../../../src/db/schema.js';
import { inTenant } from '../../../../src/db/tenant-tx.js';
import type { BotId, CustomerId } from '../../../../src/shared/ids.js';
import { BACKENDS } from '../../../support/database.js';
import {
  eventually,
  type FleetHarness,
  type ShopUnderTest,
  startFleetHarness,
} from '../../../support/fleet.js';
import {
  botMessageWith,
  createMonthlyPlan,
  enqueueForgedPress,
  enterShop,
  hasButton,
  newCustomer,
  openTestShop,
  waitForSubscriptionPhoto,
} from '../../../support/shop.js';

const DAY = 86_400_000;
const GIB = 1024 ** 3;

describe.each(BACKENDS)('selling on the panel on %s', (backend) => {
  let h: FleetHarness;
  let squad: string;
  /** Set before each action whose subscription notice a test waits for. */
  let mark = 0;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
    squad = h.panel.addSquad('Germany');
  }, 60_000);
  afterAll(() => h.close());

  /** A shop with two plans, its squad and tag, and the English language for readable assertions. */
  async function openShop(name: string, tag: string) {
    const { shop, services } = await openTestShop(h, name, { squad });
    await services.settings.set('panel_tag', tag, 'operator');
    await services.flags.set('trial_subscription', true);
    const monthly = await createMonthlyPlan(services, name, { deviceLimit: 2 });
    const weekly = await services.plans.create({
      name: `${name} Weekly`,
      periodDays: 7,
      price: 40_000,
      trafficGb: 10,
    });
    if (!weekly.ok) throw new Error('plans');
    return { shop, services, monthly, weekly: weekly.value };
  }

  const credit = (botId: BotId, customerId: CustomerId, amount: number) =>
    h.testApp.app
      .forTenant(botId)
      .ledger.credit({ customerId, amount, kind: 'admin_credit', reason: 'test' });

  /** The confirm button of a plan: for a new subscription, or the renewal of `renew`. */
  const buyData = (planId: number, renew?: number) => `buy:${planId}:${renew ?? 0}`;

  /**
   * Menu → (renew one or buy a new one) → plan list → plan details; returns the details message,
   * whose button `buyData(planId, renew)` confirms.
   */
  async function openPlan(shop: ShopUnderTest, user: SimUser, planId: number, renew?: number) {
    const planData = `plan:${planId}:${renew ?? 0}`;
    if (renew === undefined) {
      user.pressButton(shop.bot, 'menu:buy');
      const first = await h.sim.waitForMessage(
        shop.bot,
        user,
        (m) => m.fromBot && (hasButton(m, planData) || hasButton(m, 'buy:new')),
      );
      if (!hasButton(first, planData)) {
        user.pressButton(shop.bot, 'buy:new');
        await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && hasButton(m, planData));
      }
    } else {
      user.pressButton(shop.bot, 'menu:buy');
      await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && hasButton(m, `sub:renew:${renew}`));
      user.pressButton(shop.bot, `sub:renew:${renew}`);
      await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && hasButton(m, planData));
    }
    user.pressButton(shop.bot, planData);
    return h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && hasButton(m, buyData(planId, renew)));
  }

  const ordersOf = (botId: BotId, customerId: CustomerId) =>
    h.testApp.app.forTenant(botId).orders.findByCustomer(customerId);

  /** The subscription notice sent after `since` (a `h.sim.mark()`), as the chat shows it. */
  async function waitForReady(
    shop: ShopUnderTest,
    user: SimUser,
    since: number,
    heading = 'Your subscription is ready',
  ) {
    const call = await waitForSubscriptionPhoto(h, shop, user, { since, heading, timeoutMs: 10_000 });
    // the call is logged when it arrives; its answer carries the message id
    let messageId: number | undefined;
    await eventually(() => {
      const answered = h.sim.calls({ botId: shop.bot.id, method: 'sendPhoto', since: call.seq - 1 })[0];
      messageId = answered?.response?.ok
        ? (answered.response.result as { message_id: number }).message_id
        : undefined;
      return messageId !== undefined;
    }, 'the notice to be answered');
    return h.sim.waitForMessage(shop.bot, user, (m) => m.messageId === messageId);
  }

  it('gives a trial once, on the panel with the shop squad and tag', async () => {
    const { shop } = await openShop('Trial', 'TRIALSHOP');
    const { user, customerId } = await newCustomer(h, shop, 'Tara');
    mark = h.sim.mark();
    user.pressButton(shop.bot, 'menu:trial');
    await botMessageWith(h, shop, user, 'free trial is being activated');
    const ready = await waitForReady(shop, user, mark);
    expect(ready.photo?.length).toBeGreaterThan(0);
    expect(ready.caption).toContain('Your trial subscription');

    const panelUser = h.panel.getUser(`rf${shop.id}c${customerId}`);
    expect(panelUser).toMatchObject({
      tag: 'TRIALSHOP',
      activeInternalSquads: [squad],
      trafficLimitBytes: 10 * GIB,
    });
    expect(ready.caption).toContain(`/${panelUser!.shortUuid}`);

    // pressing again: refused, nothing new
    const later = h.sim.mark();
    const press = user.pressButton(shop.bot, 'menu:trial');
    const answer = await h.sim.waitForCallbackAnswer(press.callbackQueryId);
    expect(answer.text).toContain('already used your free trial');
    expect((await ordersOf(shop.id, customerId)).filter((o) => o.kind === 'trial')).toHaveLength(1);
    expect(h.sim.calls({ botId: shop.bot.id, since: later, method: 'sendPhoto' })).toHaveLength(0);
  });

  it('buys a plan from the balance and shows the subscription with a QR code', async () => {
    const { shop, services, monthly } = await openShop('Buy', 'BUYSHOP');
    const { user, customerId } = await newCustomer(h, shop, 'Bahar');
    await credit(shop.id, customerId, 150_000);
    await openPlan(shop, user, monthly.id);
    const before = Date.now();
    mark = h.sim.mark();
    user.pressButton(shop.bot, buyData(monthly.id));
    await botMessageWith(h, shop, user, 'Paid 120,000 Toman');
    await waitForReady(shop, user, mark);

    const [order] = await ordersOf(shop.id, customerId);
    expect(order).toMatchObject({ status: 'active', kind: 'purchase', price: 120_000 });
    expect(await services.ledger.balance(customerId)).toBe(30_000);
    const panelUser = h.panel.getUser(`rf${shop.id}c${customerId}`)!;
    expect(panelUser.expireAt.getTime()).toBeGreaterThanOrEqual(before + 30 * DAY - 1000);
    expect(panelUser.expireAt.getTime()).toBeLessThanOrEqual(Date.now() + 30 * DAY);
    expect(panelUser).toMatchObject({
      trafficLimitBytes: 50 * GIB,
      hwidDeviceLimit: 2,
      telegramId: user.id,
      tag: 'BUYSHOP',
    });

    h.panel.setUsage(panelUser.username, 5 * GIB);
    h.panel.addDevice(panelUser.username, 'hwid-1');
    // the scheduled sync brings the usage into the shop and the tenant's consumed traffic
    expect(await services.syncTraffic()).toMatchObject({ synced: 1, missing: 0, failed: 0 });
    expect((await services.subscriptions.getForCustomer(customerId))?.usedTrafficBytes).toBe(5 * GIB);
    expect((await h.testApp.app.platform.tenants.get(shop.id))?.trafficConsumedBytes).toBeGreaterThanOrEqual(
      5 * GIB,
    );
    user.pressButton(shop.bot, 'menu:subscription');
    const card = await h.sim.waitForMessage(
      shop.bot,
      user,
      (m) => m.fromBot && (m.caption ?? '').startsWith('📱 Your subscription'),
    );
    expect(card.photo?.length).toBeGreaterThan(0);
    expect(card.caption).toContain('Status: ✅ active');
    expect(card.caption).toMatch(/Expires: .+ \((30|29) days left\)/);
    expect(card.caption).toContain('Traffic: 5.0 GB of 50 GB');
    expect(card.caption).toContain('Devices: 2 allowed, 1 connected');
    expect(card.caption).toContain(panelUser.subscriptionUrl);
    const subscription = (await services.subscriptions.getForCustomer(customerId))!;
    expect(card.buttons.flat().map((b) => b.callbackData)).toContain(`sub:renew:${subscription.id}`);
  });

  it('shows the expiry in the Jalali calendar and amounts in Toman for Persian customers', async () => {
    const { shop, monthly } = await openShop('Farsi', 'FASHOP');
    const { user, customerId } = await newCustomer(h, shop, 'Sara', { languageCode: 'fa' });
    await h.testApp.app.forTenant(shop.id).customers.setLanguage(customerId, 'fa');
    await credit(shop.id, customerId, 120_000);
    const details = await openPlan(shop, user, monthly.id);
    expect(details.text).toContain('۱۲۰٬۰۰۰ تومان');
    mark = h.sim.mark();
    user.pressButton(shop.bot, buyData(monthly.id));
    const ready = await waitForReady(shop, user, mark, 'اشتراک شما آماده است');
    const jalaliYear = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { year: 'numeric' }).format(
      new Date(Date.now() + 30 * DAY),
    );
    expect(ready.caption).toContain(jalaliYear);
    expect(ready.caption).toContain('تاریخ انقضا');
  });

  it('renews the same panel user: from the current expiry when active, from now when expired', async () => {
    const { shop, services, weekly, monthly } = await openShop('Renew', 'RENEWSHOP');
    const { user, customerId } = await newCustomer(h, shop, 'Reza');
    await credit(shop.id, customerId, 40_000 + 120_000 + 40_000);
    await openPlan(shop, user, weekly.id);
    mark = h.sim.mark();
    user.pressButton(shop.bot, buyData(weekly.id));
    await waitForReady(shop, user, mark);
    const first = (await services.subscriptions.getForCustomer(customerId))!;
    h.panel.setUsage(first.panelUsername, 3 * GIB);

    // renewal while active: current expiry + 30 days, fresh traffic quota, the plan's limits
    await openPlan(shop, user, monthly.id, first.id);
    mark = h.sim.mark();
    user.pressButton(shop.bot, buyData(monthly.id, first.id));
    await waitForReady(shop, user, mark, 'Your subscription is renewed');
    const renewed = (await services.subscriptions.getForCustomer(customerId))!;
    expect(renewed.expiresAt!.getTime()).toBe(first.expiresAt!.getTime() + 30 * DAY);
    const panelUser = h.panel.getUser(first.panelUsername)!;
    expect(panelUser.expireAt.getTime()).toBe(renewed.expiresAt!.getTime());
    expect(panelUser).toMatchObject({
      id: first.panelUserId,
      trafficLimitBytes: 50 * GIB,
      hwidDeviceLimit: 2,
      usedTrafficBytes: 0,
    });
    expect(h.panel.users().filter((u) => u.username === first.panelUsername)).toHaveLength(1);

    // expired: the period starts now
    const past = new Date(Date.now() - 3 * DAY);
    await inTenant(h.testApp.database.handle.db, shop.id, (tx) =>
      tx.update(subscriptions).set({ expiresAt: past }).where(eq(subscriptions.id, first.id)),
    );
    h.panel.patchUser(first.panelUsername, { expireAt: past, status: 'EXPIRED' });
    const before = Date.now();
    await openPlan(shop, user, weekly.id, first.id);
    mark = h.sim.mark();
    user.pressButton(shop.bot, buyData(weekly.id, first.id));
    await waitForReady(shop, user, mark, 'Your subscription is renewed');
    const again = (await services.subscriptions.getForCustomer(customerId))!;
    expect(again.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 7 * DAY);
    expect(again.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 7 * DAY);
    expect(h.panel.getUser(first.panelUsername)).toMatchObject({
      status: 'ACTIVE',
      trafficLimitBytes: 10 * GIB,
    });
    expect(await services.ledger.balance(customerId)).toBe(0);
  });

  it('activates a trial with the first paid plan: same panel user, "activated", a fresh quota', async () => {
    const { shop, services, monthly } = await openShop('Activate', 'ACTSHOP');
    const { user, customerId } = await newCustomer(h, shop, 'Tina');
    mark = h.sim.mark();
    user.pressButton(shop.bot, 'menu:trial');
    await waitForReady(shop, user, mark);
    const trial = (await services.subscriptions.getForCustomer(customerId))!;
    h.panel.setUsage(trial.panelUsername, 2 * GIB);
    await credit(shop.id, customerId, 120_000);
    // buying asks what for: the trial is offered for activation, or a new subscription
    await openPlan(shop, user, monthly.id, trial.id);
    mark = h.sim.mark();
    user.pressButton(shop.bot, buyData(monthly.id, trial.id));
    const activated = await waitForReady(shop, user, mark, 'Your subscription is activated');
    expect(activated.caption).not.toContain('trial');
    const paid = (await services.subscriptions.get(trial.id))!;
    expect(paid).toMatchObject({ id: trial.id, isTrial: false, panelUsername: trial.panelUsername });
    expect((await services.subscriptions.listForCustomer(customerId)).length).toBe(1);
    expect(h.panel.getUser(trial.panelUsername)).toMatchObject({
      usedTrafficBytes: 0,
      trafficLimitBytes: 50 * GIB,
    });
    const [order] = await ordersOf(shop.id, customerId);
    expect(order).toMatchObject({ kind: 'purchase', subscriptionId: trial.id, status: 'active' });
  });

  it('sells a second subscription as its own panel user, lists both and opens each', async () => {
    const { shop, services, monthly, weekly } = await openShop('Family', 'FAMSHOP');
    const { user, customerId } = await newCustomer(h, shop, 'Farid');
    await credit(shop.id, customerId, 120_000 + 40_000);
    await openPlan(shop, user, monthly.id);
    mark = h.sim.mark();
    user.pressButton(shop.bot, buyData(monthly.id));
    await waitForReady(shop, user, mark);

    // "Buy" now asks: renew the first, or a new one
    await openPlan(shop, user, weekly.id);
    mark = h.sim.mark();
    user.pressButton(shop.bot, buyData(weekly.id));
    await waitForReady(shop, user, mark);
    const [first, second] = await services.subscriptions.listForCustomer(customerId);
    expect(first).toMatchObject({ ordinal: 1, panelUsername: `rf${shop.id}c${customerId}` });
    expect(second).toMatchObject({ ordinal: 2, panelUsername: `rf${shop.id}c${customerId}s2` });
    expect(h.panel.getUser(second!.panelUsername)).toMatchObject({ trafficLimitBytes: 10 * GIB });
    expect(h.panel.getUser(first!.panelUsername)).toMatchObject({ trafficLimitBytes: 50 * GIB });

    user.pressButton(shop.bot, 'menu:subscription');
    const list = await h.sim.waitForMessage(
      shop.bot,
      user,
      (m) => m.fromBot && hasButton(m, `sub:open:${first!.id}`) && hasButton(m, `sub:open:${second!.id}`),
    );
    expect(list.text).toContain('Your subscriptions');
    expect(list.buttons.flat().map((b) => b.text)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Subscription 2 · ✅ active · 7 days$/)]),
    );
    user.pressButton(shop.bot, `sub:open:${second!.id}`);
    const card = await h.sim.waitForMessage(
      shop.bot,
      user,
      (m) => m.fromBot && (m.caption ?? '').startsWith('📱 Subscription 2'),
    );
    expect(card.caption).toContain(h.panel.getUser(second!.panelUsername)!.subscriptionUrl);
    expect(card.buttons.flat().map((b) => b.callbackData)).toContain(`sub:renew:${second!.id}`);

    // another customer's press naming that subscription (crafted) opens nothing of it
    const stranger = await newCustomer(h, shop, 'Stranger');
    const since = h.sim.mark();
    enqueueForgedPress(h, shop, stranger.user, `sub:open:${second!.id}`, { messageId: 1 });
    await botMessageWith(h, shop, stranger.user, 'no longer available');
    expect(h.sim.calls({ botId: shop.bot.id, since, method: 'sendPhoto' })).toHaveLength(0);
  });

  it('makes one order and one debit from a double press on buy', async () => {
    const { shop, services, weekly } = await openShop('Double', 'DOUBLESHOP');
    const { user, customerId } = await newCustomer(h, shop, 'Dara');
    mark = h.sim.mark();
    await credit(shop.id, customerId, 100_000);
    const confirm = await openPlan(shop, user, weekly.id);
    mark = h.sim.mark();
    const first = user.pressButton(shop.bot, { messageId: confirm.messageId, button: buyData(weekly.id) });
    const second = user.pressButton(shop.bot, { messageId: confirm.messageId, button: buyData(weekly.id) });
    await h.sim.waitForCallbackAnswer(first.callbackQueryId);
    const answer = await h.sim.waitForCallbackAnswer(second.callbackQueryId);
    expect(answer.text).toContain('already being processed');
    await waitForReady(shop, user, mark);
    expect(await ordersOf(shop.id, customerId)).toHaveLength(1);
    expect(await services.ledger.balance(customerId)).toBe(60_000);
    expect((await services.ledger.entries(customerId)).filter((e) => e.amount < 0)).toHaveLength(1);
  });

  it('tells the customer what is missing when the balance does not cover the price', async () => {
    const { shop, services, monthly } = await openShop('Short', 'SHORTSHOP');
    const { user, customerId } = await newCustomer(h, shop, 'Kian');
    await credit(shop.id, customerId, 20_000);
    await openPlan(shop, user, monthly.id);
    mark = h.sim.mark();
    user.pressButton(shop.bot, buyData(monthly.id));
    const told = await botMessageWith(h, shop, user, 'is missing');
    expect(told.text).toContain('100,000 Toman is missing');
    expect(await services.ledger.balance(customerId)).toBe(20_000);
    const [order] = await ordersOf(shop.id, customerId);
    expect(order).toMatchObject({ status: 'created', transactionId: null });

    // the money arrives later: the waiting order completes once
    mark = h.sim.mark();
    await credit(shop.id, customerId, 100_000);
    expect((await services.orders.payAwaiting(order!.id as never)).status).toBe('paid');
    expect((await services.orders.payAwaiting(order!.id as never)).status).toBe('already');
    await waitForReady(shop, user, mark);
    expect(await services.ledger.balance(customerId)).toBe(0);
  });

  it('activates the subscription once the panel is back after being down during a purchase', async () => {
    const { shop, services, weekly } = await openShop('Outage', 'OUTAGESHOP');
    const { user, customerId } = await newCustomer(h, shop, 'Omid');
    await credit(shop.id, customerId, 40_000);
    await h.panel.setDown(true);
    try {
      await openPlan(shop, user, weekly.id);
      mark = h.sim.mark();
      user.pressButton(shop.bot, buyData(weekly.id));
      await botMessageWith(h, shop, user, 'being activated');
      await eventually(
        async () => (await ordersOf(shop.id, customerId))[0]?.lastError != null,
        'a failed attempt',
        5000,
      );
      const [waiting] = await ordersOf(shop.id, customerId);
      expect(waiting?.status).toBe('provisioning');
      user.pressButton(shop.bot, 'menu:subscription');
      const card = await botMessageWith(h, shop, user, 'Your subscription');
      expect(card.text).toContain('being activated');
    } finally {
      await h.panel.setDown(false);
    }
    await waitForReady(shop, user, mark);
    expect(h.panel.users().filter((u) => u.username === `rf${shop.id}c${customerId}`)).toHaveLength(1);
    expect((await services.ledger.entries(customerId)).filter((e) => e.amount < 0)).toHaveLength(1);
    expect((await ordersOf(shop.id, customerId))[0]?.status).toBe('active');
  });

  it('reconciles a create that succeeded on the panel but timed out for us', async () => {
    const { shop, weekly } = await openShop('Timeout', 'TIMEOUTSHOP');
    const { user, customerId } = await newCustomer(h, shop, 'Taha');
    await credit(shop.id, customerId, 40_000);
    const fault = h.panel.addFault({
      method: 'POST',
      path: '/api/users',
      kind: 'commit-then-hang',
      times: 1,
    });
    await openPlan(shop, user, weekly.id);
    mark = h.sim.mark();
    user.pressButton(shop.bot, buyData(weekly.id));
    await waitForReady(shop, user, mark);
    expect(fault.hits).toBe(1);
    expect(h.panel.users().filter((u) => u.username === `rf${shop.id}c${customerId}`)).toHaveLength(1);
    expect(h.panel.requestCount({ method: 'POST', path: '/api/users' })).toBeGreaterThanOrEqual(1);
  });

  it("never shows tenant B's plans to tenant A's customer", async () => {
    const a = await openShop('Alpha', 'ALPHA');
    const b = await openShop('Beta', 'BETA');
    const { user } = await newCustomer(h, a.shop, 'Ava');
    user.pressButton(a.shop.bot, 'menu:buy');
    const list = await botMessageWith(h, a.shop, user, 'Choose a plan');
    const labels = list.buttons.flat().map((button) => button.text);
    expect(labels.some((label) => label.includes('Alpha Monthly'))).toBe(true);
    expect(labels.some((label) => label.includes('Beta'))).toBe(false);
    // pressing a foreign plan id is refused
    const foreign = await a.services.orders.purchasePlan({
      customerId: (await a.services.customers.getByTelegramId(user.id))!.id,
      planId: b.monthly.id,
    });
    expect(foreign.status).toBe('plan_unavailable');
  });

  it("refuses a sale the shop's wallet cannot cover, alerts the admins, and sells after a top-up", async () => {
    const admin = h.sim.user({ firstName: 'Admin', languageCode: 'en' });
    const { shop, services } = await openTestShop(h, 'Wholesale', { squad, admins: [admin.id] });
    await enterShop(h, shop, admin); // an admin the bot may write to
    const weekly = await services.plans.create({
      name: 'Wholesale Weekly',
      periodDays: 7,
      price: 40_000,
      trafficGb: 10,
    });
    if (!weekly.ok) throw new Error('plan');
    expect((await services.wallet.setWholesalePrice(1_000)).ok).toBe(true);
    const { user, customerId } = await newCustomer(h, shop, 'Wafa');
    await credit(shop.id, customerId, 100_000);

    await openPlan(shop, user, weekly.value.id);
    user.pressButton(shop.bot, buyData(weekly.value.id));
    await botMessageWith(h, shop, user, 'cannot complete purchases right now');
    const alert = await botMessageWith(h, shop, admin, 'A sale was refused');
    expect(alert.text).toContain('short by 10,000');
    expect(await services.ledger.balance(customerId)).toBe(100_000);
    expect(await services.wallet.balance()).toBe(0);
    expect(h.panel.users().some((u) => u.username === `rf${shop.id}c${customerId}`)).toBe(false);

    expect((await services.wallet.topUp({ amount: 50_000, reason: 'test' })).status).toBe('posted');
    await openPlan(shop, user, weekly.value.id);
    mark = h.sim.mark();
    user.pressButton(shop.bot, buyData(weekly.value.id));
    await waitForReady(shop, user, mark);
    // this shop has no panel_tag: its users carry the one derived from the tenant id
    expect(h.panel.getUser(`rf${shop.id}c${customerId}`)?.tag).toBe(`RF${shop.id}`);
    expect(await services.ledger.balance(customerId)).toBe(60_000);
    expect(await services.wallet.balance()).toBe(40_000);
    expect((await services.wallet.audit()).consistent).toBe(true);
  });

  it('keeps every balance equal to the sum of its entries, never below zero', async () => {
    for (const tenant of await h.testApp.app.platform.tenants.findAll()) {
      const services = h.testApp.app.forTenant(tenant.id);
      expect(await services.ledger.findImbalances()).toEqual([]);
      const negative = await inTenant(h.testApp.database.handle.db, tenant.id, (tx) =>
        tx.execute(sql`select count(*)::int as n from customers where balance < 0`),
      );
      expect((negative as unknown as { rows: { n: number }[] }).rows[0]?.n).toBe(0);
      // every paid order has exactly its one debit
      const paid = await inTenant(h.testApp.database.handle.db, tenant.id, (tx) =>
        tx
          .select()
          .from(orders)
          .where(
            and(
              eq(orders.botId, tenant.id),
              sql`${orders.status} in ('paid', 'provisioning', 'active')`,
              sql`${orders.price} > 0`,
            ),
          ),
      );
      for (const order of paid) expect(order.transactionId, `order ${order.id}`).not.toBeNull();
    }
  });
});
